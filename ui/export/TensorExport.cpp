#include "TensorExport.h"

#include "SafeDisplay.h"

#include "SelectedAttention.h"

#include "Errors.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QRadioButton>
#include <QSaveFile>

#include <QVBoxLayout>
#include <cerrno>

#include <sstream>

namespace bertlens::ui {

AttentionSlice tensorSlice(const Analysis& analysis, const Selection& selection, TensorScope scope) {
    const Selection s = clampedSelection(analysis, selection);
    switch (scope) {
        case TensorScope::Selected:
            return {s.layer, s.averageHeads ? AttentionSlice::kMean : s.head};
        case TensorScope::Layer:
            return {s.layer, AttentionSlice::kAll};
        case TensorScope::All:
            return {AttentionSlice::kAll, AttentionSlice::kAll};
    }
    return {};
}

QString writeAttentionTensor(const AnalysisResult& result, const Selection& selection, const QString& path,
                             const TensorExportOptions& options) {
    std::vector<const Analysis*> analyses;
    if (options.bothMasks) {
        analyses = {&result.bidirectional, &result.causal};
    } else {
        analyses = {&result.analysis(selection.maskMode)};
    }
    const AttentionSlice slice = tensorSlice(*analyses.front(), selection, options.scope);
    std::ostringstream out;
    try {
        if (options.format == TensorFormat::Csv) {
            writeAttentionCsv(out, analyses, slice);
        } else {
            writeAttentionJson(out, analyses, slice);
        }
    } catch (const Error& e) {
        return QObject::tr("The attention could not be exported: %1").arg(QString::fromStdString(e.what()));
    }
    const std::string bytes = out.str();
    // QSaveFile renames a temporary file over the target: over a device such
    // as /dev/full (writable by root) that would replace the device itself.
    const QFileInfo target(path);
    if (target.exists() && !target.isFile() && !target.isDir()) {
        return QObject::tr("%1 is a device or a pipe, not a file; choose a file name to export to.")
            .arg(QDir::toNativeSeparators(target.absoluteFilePath()));
    }
    QSaveFile file(path);
    errno = 0;
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(bytes.data(), static_cast<qint64>(bytes.size())) != static_cast<qint64>(bytes.size()) ||
        !file.commit()) {
        // QSaveFile reports a failed final flush as "Unknown error"; errno
        // still holds the reason ("File too large", "No space left on device").
        const QString why = errno != 0 ? qt_error_string(errno) : file.errorString();
        return QObject::tr(
                   "Could not write %1: %2. Check that the folder exists and is writable and that the disk is "
                   "not full; nothing was written.")
            .arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()), why);
    }
    return QString();
}

namespace {

// What to include: a few radio buttons and a check box.
bool askOptions(QWidget* parent, const Selection& selection, TensorExportOptions& options) {
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Export attention"));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(QObject::tr("Which attention weights?"), &dialog));
    auto* selected = new QRadioButton(selectionName(selection), &dialog);
    auto* layer = new QRadioButton(QObject::tr("Every head of layer %1").arg(selection.layer), &dialog);
    auto* all = new QRadioButton(QObject::tr("Every layer and head"), &dialog);
    selected->setChecked(true);
    for (QRadioButton* b : {selected, layer, all}) layout->addWidget(b);
    auto* both = new QCheckBox(QObject::tr("Both masks (bidirectional and left-to-right)"), &dialog);
    layout->addWidget(both);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted) return false;
    options.scope =
        layer->isChecked() ? TensorScope::Layer : (all->isChecked() ? TensorScope::All : TensorScope::Selected);
    options.bothMasks = both->isChecked();
    return true;
}

}  // namespace

QString exportAttentionTensorWithDialog(QWidget* parent, const AnalysisResult& result, const Selection& selection) {
    TensorExportOptions options;
    if (!askOptions(parent, selection, options)) return QString();
    const QString csvFilter = QObject::tr("CSV table (*.csv)");
    const QString jsonFilter = QObject::tr("JSON (*.json)");
    QString filter = csvFilter;
    QString path =
        QFileDialog::getSaveFileName(parent, QObject::tr("Export attention"), QStringLiteral("attention.csv"),
                                     csvFilter + ";;" + jsonFilter, &filter);
    if (path.isEmpty()) return QString();
    const bool json = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ||
                      (filter == jsonFilter && !path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive));
    if (QFileInfo(path).suffix().isEmpty()) path += json ? QStringLiteral(".json") : QStringLiteral(".csv");
    options.format = json ? TensorFormat::Json : TensorFormat::Csv;
    const QString error = writeAttentionTensor(result, selection, path, options);
    if (!error.isEmpty()) {
        warnPlain(parent, QObject::tr("Export attention"), error);
        return QString();
    }
    return path;
}

}  // namespace bertlens::ui
