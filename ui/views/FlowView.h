// The Flow view: where information goes through the whole stack, not one
// head. Left, attention rollout after a chosen layer or attention flow
// (Abnar & Zuidema 2020) as a heatmap; right, for one output token (a click
// on a row picks it; the first [MASK] at first), its input tokens as bars:
// the last layer's raw attention (mean of its heads) beside rollout and flow
// through the whole stack — the comparison the paper makes.
//
// Rollout comes with every result's measures; flow, slow on long texts, the
// worker computes while this view is shown (wantsFlow), and the view says so
// until it arrives. UI thread only.
#pragma once

#include "FigureView.h"

class QComboBox;
class QCustomPlot;
class QCPBarsGroup;
class QLabel;
class QScrollArea;
class QSlider;

namespace bertlens::ui {

class AttentionHeatmap;

class FlowView : public FigureView {
    Q_OBJECT
public:
    enum class Measure { Rollout, Flow };

    explicit FlowView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void setMeasures(const FlowMeasuresPtr& measures) override;
    bool wantsFlow() const override { return true; }
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    double figureHeightForWidth(double width) const override;
    // Narrower than the map and the bars side by side, the bars go under the map.
    double minimumFigureWidth() const override;
    QString figureName() const override { return QStringLiteral("flow"); }

    void setMeasure(Measure measure);
    Measure measure() const { return m_measure; }
    // Rollout after this layer (1-based: 1 = the first layer; clamped).
    void setRolloutLayer(int layer);
    int rolloutLayer() const { return m_rolloutLayer; }
    // The output token whose inputs the bars show.
    void setQuery(int position);
    int query() const { return m_query; }

    const AttentionHeatmap* heatmap() const { return m_heatmap; }
    QCustomPlot* bars() const { return m_bars; }
    // The line over the map: flow still computing, or why it is missing.
    QString status() const;
    // The bars' values for the current query: [raw last layer, rollout, flow]
    // per key token; flow is empty while it is missing.
    std::vector<std::vector<double>> barValues() const;

private:
    bool stackedAt(double width) const;
    double mapWidthAt(double width) const;  // side by side
    double toPoints() const;  // the screen's pixels to points
    void refresh();
    void rebuildBars();
    // The bars' height (pixels on screen, points in a figure) for n tokens:
    // a row of each token's label height, so no two labels ever overlap,
    // plus the title, the legend and the share axis.
    double barsHeight(int n) const;
    // The width the bars' title, legend and axis title need.
    double barsWidth() const;
    QStringList seriesNames() const;
    QString barsTitle(const QString& token, int position) const;

    QCPBarsGroup* m_barsGroup = nullptr;  // the bars' group of the last build

    QComboBox* m_measureBox;
    QSlider* m_layerSlider;
    QLabel* m_layerLabel;
    QLabel* m_status;
    AttentionHeatmap* m_heatmap;
    QCustomPlot* m_bars;
    QScrollArea* m_barsScroll;  // scrolls the bars when the tokens need more rows than fit
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    Selection m_selection;
    Theme m_theme;
    Measure m_measure = Measure::Rollout;
    int m_rolloutLayer = 1 << 20;  // the last layer until the user picks one
    int m_query = -1;              // -1: the first [MASK], else [CLS]
};

}  // namespace bertlens::ui
