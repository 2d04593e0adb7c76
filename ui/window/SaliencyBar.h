// The row under the token strip that explains one prediction: a check box
// that colours the token chips by gradient saliency (∂ log P(word) / ∂ e_i,
// Simonyan et al. 2014, as gradient × input or the gradient's norm), the
// prediction explained (one entry per predicted position, with its top
// word), the colour legend, and — when heads are switched off — which ones,
// with a button that switches every head back on.
//
// The bar does not compute anything: the worker's measures carry the
// saliency of the prediction the controller asked for (positionChosen).
// UI thread only.
#pragma once

#include "AnalysisResult.h"
#include "FlowMeasures.h"
#include "Theme.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace bertlens::ui {

class SaliencyBar : public QWidget {
    Q_OBJECT
public:
    explicit SaliencyBar(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result);
    void setMeasures(const FlowMeasuresPtr& measures);
    void setMaskMode(MaskMode mode);
    void setTheme(const Theme& theme);

    void setSaliencyShown(bool shown);
    bool saliencyShown() const;
    // 0: gradient × input, 1: the gradient's norm.
    void setMeasureIndex(int index);
    // What the token strip should show: one value per token (sums to 1), or
    // empty when saliency is off or not computed yet; and the explained token.
    std::vector<float> tokenValues() const;
    int explainedPosition() const;
    // The line beside the legend ("for “barked” at [MASK] (token 3)", or why
    // there is none).
    QString statusText() const;

    QCheckBox* showBox() const { return m_show; }
    QComboBox* predictionBox() const { return m_prediction; }
    QPushButton* restoreButton() const { return m_restore; }
    QLabel* ablationLabel() const { return m_ablation; }

signals:
    // The user chose another prediction to explain (a token position).
    void positionChosen(int position);
    // The strip's colours changed (shown or hidden, other values, other mode).
    void valuesChanged();
    void restoreHeadsRequested();

private:
    void refresh();
    void refreshChoices();
    const Saliency* saliency() const;

    QCheckBox* m_show;
    QComboBox* m_prediction;
    QComboBox* m_measure;
    QLabel* m_legend;
    QLabel* m_status;
    QLabel* m_ablation;
    QPushButton* m_restore;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    MaskMode m_mode = MaskMode::Bidirectional;
    Theme m_theme;
};

}  // namespace bertlens::ui
