// File > Export: the current view as PNG (at a chosen resolution), SVG or
// PDF with its caption line, the figure to the clipboard, the attention
// tensor as CSV or JSON, every array of the result as NumPy files and the
// interactive HTML page (these two on a background thread). The drawing and writing are the exporter's
// (ui/export); this asks where, and says what went wrong.
//
// UI thread only.
#pragma once

#include "FigureExporter.h"

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
    QPointer<QThread> m_writer;  // the export being written (one at a time), until its result is handled
    QList<QAction*> m_needResult;  // enabled once there is something to export
};

}  // namespace bertlens::ui
