// The model view: every layer x head attention map as a small heatmap in one
// grid (layers down, heads across), labelled, the chosen head outlined.
// Clicking a map asks the window to open it in the head view; Ctrl+click
// (or the right-click menu) asks to switch that head off or on again, and
// switched-off heads are drawn struck through. A choice in the corner shows
// norm-weighted attention instead (one colour scale, 0 to the largest norm
// of the whole model), or each head's importance for the explained
// prediction (Michel et al. 2019) as one colour per head. Exported figures carry no
// interface hints, hover or selection marks.
//
// The small maps are QImages painted by this widget: 144 QCustomPlots (BERT
// base) would take seconds to build and redraw on every keystroke.
// UI thread only.
#pragma once

#include "FigureView.h"

#include <QImage>

class QComboBox;
#include <vector>

namespace bertlens::ui {

class ModelView : public FigureView {
    Q_OBJECT
public:
    explicit ModelView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void setMeasures(const FlowMeasuresPtr& measures) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    double minimumFigureWidth() const override;
    QString figureName() const override { return QStringLiteral("model"); }

    enum class Measure { Weights, Norms, Importance };
    void setMeasure(Measure measure);
    Measure measure() const { return m_measure; }
    void setShowNorms(bool norms) { setMeasure(norms ? Measure::Norms : Measure::Weights); }
    bool showsNorms() const { return m_measure == Measure::Norms; }
    // The importance shown for a head, or -1 while there is none.
    double importanceOf(int layer, int head) const;
    // The top of the colour scale the maps use (1 for weights).
    double scaleTop() const { return m_scaleTop; }
    int layerCount() const { return m_layers; }
    int headCount() const { return m_heads; }
    // One pixel per cell, n x n: the drawn map of a layer and head.
    const QImage& thumbnail(int layer, int head) const;
    // Where a head's map lies in the widget (for clicks and tests).
    QRect cellRect(int layer, int head) const;

signals:
    // Ctrl+click or the right-click menu: switch this head off (or on again).
    void headAblationRequested(int layer, int head);
    void restoreHeadsRequested();

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Geometry {
        QRectF grid;      // the area of the maps
        double cell = 0;  // side of one map, gap included
        double gap = 0;
        double labelWidth = 0;
        double headerHeight = 0;
        double barWidth = 0;  // the colour bar right of the grid
    };
    Geometry geometry(const QRectF& rect, const QFontMetricsF& labelMetrics, double titleHeight) const;
    QRectF mapRect(const Geometry& g, int layer, int head) const;
    void paintGrid(QPainter& painter, const QRectF& rect, bool forExport);
    QString titleText(bool forExport) const;
    void paintImportance(QPainter& painter, const QRectF& cell, int layer, int head, const QFont& font) const;
    void paintAblated(QPainter& painter, const QRectF& cell) const;
    const std::vector<float>* importance() const;
    void rebuildThumbnails();
    QPoint headAt(const QPoint& pos) const;

    QComboBox* m_measureBox;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    Measure m_measure = Measure::Weights;
    double m_scaleTop = 1.0;
    Selection m_selection;
    Theme m_theme;
    int m_layers = 0;
    int m_heads = 0;
    std::vector<QImage> m_thumbnails;  // [layer * heads + head]
    QPoint m_hover{-1, -1};            // (layer, head) under the pointer
};

}  // namespace bertlens::ui
