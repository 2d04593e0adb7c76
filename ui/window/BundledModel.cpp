#include "BundledModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QObject>

namespace bertlens::ui {

bool looksLikeModelFolder(const QString& folder) {
    const QDir d(folder);
    return d.exists(QStringLiteral("config.json")) &&
           (d.exists(QStringLiteral("model.safetensors")) || d.exists(QStringLiteral("pytorch_model.bin")));
}

BundledModel findBundledModel() {
    // build/app/bertlens -> ../../resources (build tree), ../resources or
    // ../share/bertlens/resources (installed), then the source tree.
    const QString exeDir = QCoreApplication::applicationDirPath();
    const QStringList roots = {
        exeDir + QStringLiteral("/../.."),
        exeDir + QStringLiteral("/.."),
        exeDir + QStringLiteral("/../share/bertlens"),
        QStringLiteral(BERTLENS_SOURCE_DIR),
    };
    for (const QString& root : roots) {
        const QString folder = QDir::cleanPath(root + QStringLiteral("/resources/models/bertlens-mini"));
        if (looksLikeModelFolder(folder)) return {folder, QString()};
    }
    for (const QString& root : roots) {
        const QString folder = QDir::cleanPath(root + QStringLiteral("/tests/fixtures/models/h12-f32"));
        if (looksLikeModelFolder(folder)) {
            return {folder, QObject::tr("The bundled model is not in this build yet: showing a small random-weight "
                                        "test model, so its guesses are noise. Open a real BERT with File > Open "
                                        "model.")};
        }
    }
    return {};
}

}  // namespace bertlens::ui
