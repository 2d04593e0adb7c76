// The head view: the chosen layer and head's attention map (or the layer's
// mean over heads) as a heatmap with token labels, a colour scale and the
// weight under the pointer; or, chosen in its corner, the same head's
// norm-weighted attention ‖α_ij · f(x_j)‖ (Kobayashi et al. 2020): what the
// head actually moves, so heavy attention on [SEP] shows as carrying little.
//
// UI thread only.
#pragma once

#include "FigureView.h"

class QCheckBox;
class QComboBox;

namespace bertlens::ui {

class AttentionHeatmap;

class HeadView : public FigureView {
    Q_OBJECT
public:
    explicit HeadView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void setMeasures(const FlowMeasuresPtr& measures) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    double minimumFigureWidth() const override;
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("head"); }

    const AttentionHeatmap* heatmap() const { return m_heatmap; }
    // Weights (false) or norm-weighted attention (true).
    void setShowNorms(bool norms);
    bool showsNorms() const { return m_norms; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    void placeCornerControls();

    AttentionHeatmap* m_heatmap;
    QCheckBox* m_stretch;
    QComboBox* m_measureBox;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    bool m_norms = false;
    Selection m_selection;
};

}  // namespace bertlens::ui
