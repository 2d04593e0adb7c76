// File > Export: the current view as PNG (at a chosen resolution), SVG or
// PDF with its caption line, at the view's own size or a paper's column or a
// slide (Figure size), the figure to the clipboard, the attention
// tensor as CSV or JSON, every array of the result as NumPy files and the
// interactive HTML page (these two on a background thread). The drawing and writing are the exporter's
// (ui/export); this asks where, and says what went wrong.
//
// UI thread only.
#pragma once

#include "FigureExporter.h"
#include "FigureFit.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

class QAction;
class QMenu;
class QThread;

namespace bertlens::ui {

class MainWindow;

class ExportMenu : public QObject {
    Q_OBJECT
public:
    ExportMenu(QMenu* menu, MainWindow* window);
    ~ExportMenu() override;  // waits for a data export still writing

    // Writes the current view to path without asking; "" on success, else the message.
    QString exportCurrentFigure(const QString& path, FigureExporter::Format format);
    double pngDpi() const { return m_dpi; }
    // Figure size: a preset's fit (a journal column, a slide), or the view's
    // own size (a null fit, the default). Chosen in File > Export > Figure size.
    void setFigureFit(const FigureFit& fit) { m_fit = fit; }
    const FigureFit& figureFit() const { return m_fit; }
    // What the last figure export said beside its path: "" or that the view
    // could not be laid out this narrow and its text is smaller than asked.
    QString lastFigureNote() const { return m_lastNote; }
    // Write the shown result's arrays into folder / its interactive page to
    // path on a background thread; the signals say how it went (a failure
    // also gets a dialog). False (and nothing started) when there is no
    // result or an export is still writing.
    bool startDataExport(const QString& folder);
    bool startPageExport(const QString& path);
    bool writing() const;

signals:
    void dataExportFinished(const QString& folder, const QString& error);
    void pageExportFinished(const QString& path, const QString& error);

private:
    void askAndExport(FigureExporter::Format format);
    void copyFigure();
    void exportTensor();
    void exportData();
    void exportPage();
    bool startInBackground(const QString& what, std::function<QString(qint64*)> work,
                           std::function<void(const QString&, qint64)> done);
    void failed(const QString& title, const QString& error);
    bool refusedWhileWriting();  // says so in the status bar
    void updateEnabled();
    FigureExporter::Options options(FigureExporter::Format format) const;
    QString suggestedName(FigureExporter::Format format) const;

    MainWindow* m_window;
    double m_dpi = 150.0;
    FigureFit m_fit;
    QString m_lastNote;
    QPointer<QThread> m_writer;  // the export being written (one at a time), until its result is handled
    QList<QAction*> m_needResult;  // enabled once there is something to export
};

}  // namespace bertlens::ui
