#include "BundledModel.h"

#include "io/DataFolder.h"

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
    // share/bertlens beside an installed bin/, else the build or source tree (io/DataFolder.h).
    const std::string found = findBundledModelFolder(QCoreApplication::applicationDirPath().toStdString());
    if (!found.empty()) return {QDir::cleanPath(QString::fromStdString(found)), QString()};
    const QString folder = QDir::cleanPath(QStringLiteral(BERTLENS_SOURCE_DIR "/tests/fixtures/models/h12-f32"));
    if (looksLikeModelFolder(folder)) {
        return {folder, QObject::tr("The bundled model is not in this build yet: showing a small random-weight "
                                    "test model, so its guesses are noise. Open a real BERT with File > Open "
                                    "model.")};
    }
    return {};
}

}  // namespace bertlens::ui
