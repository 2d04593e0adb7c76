#include "ExportMenu.h"

#include "SafeDisplay.h"

#include "DataExport.h"
#include "PageExport.h"
#include "FigureCaption.h"
#include "MainWindow.h"
#include "SelectedAttention.h"
#include "TensorExport.h"

#include <QActionGroup>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QThread>

#include <memory>

namespace bertlens::ui {

ExportMenu::ExportMenu(QMenu* menu, MainWindow* window) : QObject(window), m_window(window) {
    using Format = FigureExporter::Format;
    m_needResult << menu->addAction(tr("Figure as &PNG…"), this, [this] { askAndExport(Format::Png); });
    m_needResult.back()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_needResult << menu->addAction(tr("Figure as &SVG…"), this, [this] { askAndExport(Format::Svg); });
    m_needResult << menu->addAction(tr("Figure as P&DF…"), this, [this] { askAndExport(Format::Pdf); });
    QMenu* resolution = menu->addMenu(tr("PNG &resolution"));
    auto* group = new QActionGroup(this);
    for (int dpi : {96, 150, 300, 600}) {
        QAction* a = resolution->addAction(tr("%1 dpi").arg(dpi), this, [this, dpi] { m_dpi = dpi; });
        a->setCheckable(true);
        a->setChecked(dpi == static_cast<int>(m_dpi));
        group->addAction(a);
    }
    QMenu* size = menu->addMenu(tr("Figure si&ze"));
    auto* sizes = new QActionGroup(this);
    QAction* own = size->addAction(tr("As on screen"), this, [this] { m_fit = FigureFit{}; });
    own->setCheckable(true);
    own->setChecked(true);
    sizes->addAction(own);
    for (const FigurePreset& preset : figurePresets()) {
        QAction* a = size->addAction(preset.title, this, [this, fit = preset.fit] { m_fit = fit; });
        a->setCheckable(true);
        sizes->addAction(a);
    }
    menu->addSeparator();
    m_needResult << menu->addAction(tr("&Copy figure"), this, &ExportMenu::copyFigure);
    // Ctrl+C too: in the sentence box the box takes it (it claims the
    // standard Copy key first), anywhere else it copies the figure.
    m_needResult.back()->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), QKeySequence::Copy});
    m_needResult << menu->addAction(tr("Attention &tensor (CSV or JSON)…"), this, &ExportMenu::exportTensor);
    m_needResult << menu->addAction(tr("&Data as NumPy arrays (.npy)…"), this, &ExportMenu::exportData);
    m_needResult << menu->addAction(tr("&Interactive page (HTML) to hand out…"), this, &ExportMenu::exportPage);
    connect(window, &MainWindow::resultShown, this, &ExportMenu::updateEnabled);
    connect(window, &MainWindow::resultCleared, this, &ExportMenu::updateEnabled);
    updateEnabled();
}

ExportMenu::~ExportMenu() {
    if (m_writer) m_writer->wait();
}

void ExportMenu::updateEnabled() {
    const bool any = m_window->shownResult() != nullptr;
    for (QAction* a : m_needResult) a->setEnabled(any);
}

FigureExporter::Options ExportMenu::options(FigureExporter::Format format) const {
    FigureExporter::Options o;
    o.format = format;
    o.dpi = m_dpi;
    o.fit = m_fit;
    o.theme = m_window->theme();
    if (FigureView* v = m_window->currentView()) {
        o.caption = figureCaption(m_window->shownResult().get(), m_window->selection(), v->figureName(), v);
    }
    return o;
}

QString ExportMenu::suggestedName(FigureExporter::Format format) const {
    const Selection s = m_window->selection();
    const FigureView* v = m_window->currentView();
    QString name = v ? v->figureName() : QStringLiteral("figure");
    name += s.averageHeads ? QStringLiteral("-layer%1-mean").arg(s.layer)
                           : QStringLiteral("-layer%1-head%2").arg(s.layer).arg(s.head);
    name += QLatin1Char('-') + QString::fromLatin1(maskModeName(s.maskMode));
    return name + QLatin1Char('.') + FigureExporter::suffix(format);
}

QString ExportMenu::exportCurrentFigure(const QString& path, FigureExporter::Format format) {
    FigureView* v = m_window->currentView();
    m_lastNote.clear();
    if (!v || !m_window->shownResult()) return tr("There is no figure to export yet: type a sentence first.");
    const FigureExporter::Options o = options(format);
    const QString error = FigureExporter::write(*v, path, o);
    if (error.isEmpty() && o.fit.fontPt > 0.0 && o.fit.widthCm > 0.0) {
        // Said, not hidden: a view that cannot be this narrow comes out with smaller text.
        const double scale = FigureExporter::textScale(*v, o);
        if (scale < 0.995) {
            m_lastNote = tr("its text is %1 pt, not %2 pt, at %3 cm: this view needs %4 cm for %2 pt")
                             .arg(o.fit.fontPt * scale, 0, 'f', 1)
                             .arg(o.fit.fontPt)
                             .arg(o.fit.widthCm)
                             .arg(o.fit.widthCm / scale, 0, 'f', 1);
        }
    }
    return error;
}

void ExportMenu::askAndExport(FigureExporter::Format format) {
    const QString suffix = FigureExporter::suffix(format);
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Export the figure"), QDir::home().filePath(suggestedName(format)),
                                     tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (path.isEmpty()) return;
    const QString error = exportCurrentFigure(path, format);
    if (error.isEmpty()) {
        const QString saved = tr("Saved %1").arg(safeDisplayQuote(QDir::toNativeSeparators(path), 200));
        m_window->statusBar()->showMessage(m_lastNote.isEmpty() ? saved : saved + QStringLiteral("; ") + m_lastNote,
                                           m_lastNote.isEmpty() ? 5000 : 15000);
    } else {
        warnPlain(m_window, tr("Cannot export the figure"), error);
    }
}

void ExportMenu::copyFigure() {
    FigureView* v = m_window->currentView();
    if (!v || !m_window->shownResult()) return;
    FigureExporter::copyToClipboard(*v, options(FigureExporter::Format::Png));
    m_window->statusBar()->showMessage(tr("Copied the %1 figure").arg(v->figureName()), 3000);
}

void ExportMenu::exportTensor() {
    if (const AnalysisResultPtr r = m_window->shownResult()) {
        const QString path = exportAttentionTensorWithDialog(m_window, *r, m_window->selection());
        if (!path.isEmpty()) {
            m_window->statusBar()->showMessage(tr("Saved %1").arg(safeDisplayQuote(QDir::toNativeSeparators(path), 200)), 5000);
        }
    }
}

void ExportMenu::exportData() {
    if (refusedWhileWriting()) return;
    const QString folder = QFileDialog::getExistingDirectory(
        m_window, tr("Export the data: choose or make a folder for the .npy files"), QDir::homePath());
    if (!folder.isEmpty()) startDataExport(folder);
}

void ExportMenu::exportPage() {
    const AnalysisResultPtr result = m_window->shownResult();
    if (!result) return;
    if (refusedWhileWriting()) return;
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export an interactive page (%1)").arg(interactivePageSizeNote(interactivePageBytes(*result))),
        QDir::home().filePath(QStringLiteral("bertlens-page.html")), tr("Web pages (*.html)"));
    if (!path.isEmpty()) startPageExport(path);
}

bool ExportMenu::writing() const { return m_writer != nullptr; }

bool ExportMenu::refusedWhileWriting() {
    if (!writing()) return false;
    m_window->statusBar()->showMessage(tr("The last export is still writing; try again when it is done."), 5000);
    return true;
}

bool ExportMenu::startInBackground(const QString& what, std::function<QString(qint64*)> work,
                                   std::function<void(const QString&, qint64)> done) {
    if (writing()) return false;
    m_window->statusBar()->showMessage(what);
    struct Outcome {
        QString error;
        qint64 bytes = 0;
    };
    auto outcome = std::make_shared<Outcome>();
    QThread* thread = QThread::create([work = std::move(work), outcome] { outcome->error = work(&outcome->bytes); });
    m_writer = thread;
    // Busy until this runs, not merely until the thread ends: a second export
    // started in between would be deleted here in the first one's place (the
    // monkey's seed 11 found it: a running QThread destroyed, an abort).
    connect(thread, &QThread::finished, this, [this, thread, outcome, done = std::move(done)] {
        thread->deleteLater();
        if (m_writer == thread) m_writer = nullptr;
        done(outcome->error, outcome->bytes);
    });
    thread->start(QThread::LowPriority);
    return true;
}

bool ExportMenu::startDataExport(const QString& folder) {
    const AnalysisResultPtr result = m_window->shownResult();
    if (!result) return false;
    const FlowMeasuresPtr measures = m_window->shownMeasures();
    // The result and measures are immutable and shared: safe to read on the
    // thread, which also does the PCA (half a second for bert-base at 512 tokens).
    return startInBackground(
        tr("Writing the arrays into %1…").arg(safeDisplayQuote(QDir::toNativeSeparators(folder), 200)),
        [result, measures, folder](qint64* bytes) { return writeResultArrays(*result, measures.get(), folder, bytes); },
        [this, folder](const QString& error, qint64 bytes) {
            if (error.isEmpty()) {
                m_window->statusBar()->showMessage(tr("Saved %1 of arrays in %2 (arrays.json says what each one is)")
                                                       .arg(byteSizeText(bytes),
                                                            safeDisplayQuote(QDir::toNativeSeparators(folder), 200)),
                                                   8000);
            } else {
                failed(tr("Cannot export the data"), error);
            }
            emit dataExportFinished(folder, error);
        });
}

bool ExportMenu::startPageExport(const QString& path) {
    const AnalysisResultPtr result = m_window->shownResult();
    if (!result) return false;
    const Selection selection = m_window->selection();
    return startInBackground(
        tr("Writing the interactive page %1…").arg(safeDisplayQuote(QDir::toNativeSeparators(path), 200)),
        [result, path, selection](qint64* bytes) {
            const QString error = writeInteractivePage(*result, path, selection);
            if (error.isEmpty()) *bytes = QFileInfo(path).size();
            return error;
        },
        [this, path](const QString& error, qint64 bytes) {
            if (error.isEmpty()) {
                m_window->statusBar()->showMessage(
                    tr("Saved %1 %2").arg(safeDisplayQuote(QDir::toNativeSeparators(path), 200),
                                          interactivePageSizeNote(bytes)),
                    8000);
            } else {
                failed(tr("Cannot export the page"), error);
            }
            emit pageExportFinished(path, error);
        });
}

void ExportMenu::failed(const QString& title, const QString& error) {
    m_window->statusBar()->clearMessage();
    warnPlain(m_window, title,
              error + QLatin1Char('\n') + tr("Choose another folder, or free some space, and export again."));
}

}  // namespace bertlens::ui
