// The heads view's map of heads: the classical-MDS layout of the mean
// Jensen–Shannon distances between heads (heads that attend alike lie close),
// one dot per head coloured by its layer on the theme's colour map, labelled
// "L:H" where a label fits without covering another (LabelPlacer), both axes
// on one scale. A click on a dot asks for that head; the selected head is
// ringed on screen only. paint() draws the figure for screen and export.
//
// UI thread only.
#pragma once

#include "HeadsSummary.h"
#include "LabelPlacer.h"
#include "Theme.h"

#include <QWidget>

#include <vector>

namespace bertlens::ui {

class HeadMap : public QWidget {
    Q_OBJECT
public:
    explicit HeadMap(QWidget* parent = nullptr);

    void setSummary(const HeadsSummaryPtr& summary);
    void setTheme(const Theme& theme);
    void setSelectedHead(int layer, int head);
    // Said in place of the map while there is none ("computing…").
    void setPlaceholder(const QString& text);

    void paint(QPainter& painter, const QRectF& rect, bool forExport) const;
    // The height (points) of a figure of that width: a plot a little wider than tall.
    double figureHeightForWidth(double width) const;
    // Where a head's dot is drawn in the widget (for clicks and tests); (-1, -1) without a map.
    QPointF dotPosition(int layer, int head) const;
    // How many dots carry their "L:H" label at the widget's size.
    int labelledCount() const;

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Layout {
        QRectF title, plot, legend;
        std::vector<QPointF> dots;  // [layer * heads + head]
        double radius = 0;
    };
    // forExport: labels at body text size, and the legend's sentence on a
    // line of its own when it does not fit beside the layer scale.
    Layout layout(const QRectF& rect, const QPaintDevice* device, bool forExport = false) const;
    std::vector<LabelPlacement> labels(const Layout& l, const QPaintDevice* device, bool forExport = false) const;
    QColor layerColor(int layer) const;
    int headAt(const QPoint& pos) const;

    HeadsSummaryPtr m_summary;
    Theme m_theme;
    QString m_placeholder;
    QPoint m_selected{-1, -1};
    int m_hover = -1;
};

}  // namespace bertlens::ui
