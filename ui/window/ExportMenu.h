// File > Export: the current view as PNG (at a chosen resolution), SVG or
// PDF with its caption line, the figure to the clipboard, and the attention
// tensor as CSV or JSON. The drawing and writing are the exporter's
// (ui/export); this asks where, and says what went wrong.
//
// UI thread only.
#pragma once

#include "FigureExporter.h"

#include <QList>
#include <QObject>

class QAction;
class QMenu;

namespace bertlens::ui {

class MainWindow;

class ExportMenu : public QObject {
    Q_OBJECT
public:
    ExportMenu(QMenu* menu, MainWindow* window);

    // Writes the current view to path without asking; "" on success, else the message.
    QString exportCurrentFigure(const QString& path, FigureExporter::Format format);
    double pngDpi() const { return m_dpi; }

private:
    void askAndExport(FigureExporter::Format format);
    void copyFigure();
    void exportTensor();
    void updateEnabled();
    FigureExporter::Options options(FigureExporter::Format format) const;
    QString suggestedName(FigureExporter::Format format) const;

    MainWindow* m_window;
    double m_dpi = 150.0;
    QList<QAction*> m_needResult;  // enabled once there is something to export
};

}  // namespace bertlens::ui
