// The heads view's layer x head matrix: one cell per head, coloured by one
// statistic of the head summary on the theme's colour map (0 to the kind's
// scale top), its value written in the cell when the cell is big enough to
// read it, and a colour bar naming the statistic and its unit. A click on a
// cell asks for that head; the selected head is outlined on screen only.
// paint() draws the figure for the screen and for export alike.
//
// UI thread only.
#pragma once

#include "HeadsSummary.h"
#include "Theme.h"

#include <QFontMetricsF>
#include <QWidget>

namespace bertlens::ui {

class HeadMatrix : public QWidget {
    Q_OBJECT
public:
    explicit HeadMatrix(QWidget* parent = nullptr);

    void setSummary(const HeadsSummaryPtr& summary);
    void setKind(int kind);  // an index of headStatisticKinds()
    int kind() const { return m_kind; }
    void setTheme(const Theme& theme);
    void setSelectedHead(int layer, int head);

    // forExport: no hover or selection marks, and a cell's value is written
    // only at body text size or larger (a narrow figure labels rows and
    // columns and leaves the colours to the bar).
    void paint(QPainter& painter, const QRectF& rect, bool forExport) const;
    // The height (points) the matrix needs at that width with near-square
    // cells; and the narrowest width (points) whose head numbers still fit.
    // (The summary may still be on its way: the grid's shape is given.)
    double figureHeightForWidth(double width, int layers, int heads) const;
    double minimumFigureWidth(int layers, int heads) const;
    // Where a head's cell lies in the widget; empty when nothing is shown.
    QRect cellRect(int layer, int head) const;
    // The colour scale's top for the kind shown (1 for shares).
    double scaleTop() const;
    // True when the cells are large enough for their values to be written.
    bool writesValues() const;

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Geometry {
        QRectF title, grid, bar;
        double cellWidth = 0, cellHeight = 0, labelWidth = 0, headerHeight = 0;
        double valuePoints = 0;  // the value font's size; 0 when values do not fit
        bool barBelow = false;   // a figure too narrow for the bar beside the grid
    };
    Geometry geometry(const QRectF& rect, const QPaintDevice* device, bool forExport = false) const;
    QRectF cell(const Geometry& g, int layer, int head) const;
    void paintBarBelow(QPainter& painter, const Geometry& g, const QFontMetricsF& lm, double top) const;
    QPoint headAt(const QPoint& pos) const;

    HeadsSummaryPtr m_summary;
    int m_kind = 0;
    Theme m_theme;
    QPoint m_selected{-1, -1};
    QPoint m_hover{-1, -1};
};

}  // namespace bertlens::ui
