// The head view: the chosen layer and head's attention map (or the layer's
// mean over heads) as a heatmap with token labels, a colour scale and the
// weight under the pointer.
//
// UI thread only.
#pragma once

#include "FigureView.h"

class QCheckBox;

namespace bertlens::ui {

class AttentionHeatmap;

class HeadView : public FigureView {
    Q_OBJECT
public:
    explicit HeadView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    QString figureName() const override { return QStringLiteral("head"); }

    const AttentionHeatmap* heatmap() const { return m_heatmap; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();

    AttentionHeatmap* m_heatmap;
    QCheckBox* m_stretch;
    AnalysisResultPtr m_result;
    Selection m_selection;
};

}  // namespace bertlens::ui
