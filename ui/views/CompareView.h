// Bidirectional vs left-to-right: the sentence under both mask modes side by
// side — the chosen head's attention under BERT's bidirectional mask, under a
// left-to-right (decoder-style) mask, and their difference (bidirectional
// minus left-to-right, blue below 0, red above, white at 0, with a colour
// scale) — and below, for every [MASK], the predictions under each. A class
// sees at once what the left-to-right mask hides: in "the [MASK] barked at
// the mailman" only the bidirectional run can use "barked".
//
// What stands beside BERT is the user's choice (ComparePartner.h): BERT's own
// weights under the left-to-right mask, the trained left-to-right or
// right-to-left twin, or the two twins combined. Beside a twin the third map
// is the other twin, not a difference: head h of two separately trained
// models is not the same head. A model without twins shows its own mask
// and says so.
//
// The numbers come from core's compareMasks(). UI thread only.
#pragma once

#include "ComparePartner.h"
#include "FigureView.h"

#include "analysis/MaskComparison.h"

class QComboBox;
class QLabel;
class QScrollArea;

namespace bertlens::ui {

class AttentionHeatmap;
class PredictionChart;

class CompareView : public FigureView {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Narrower than three maps side by side, the maps are stacked (each the
    // figure's width) and the predictions take one column.
    double minimumFigureWidth() const override;
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("compare"); }

    const AttentionHeatmap* bidirectionalMap() const { return m_bidirectional; }
    const AttentionHeatmap* causalMap() const { return m_causal; }
    const AttentionHeatmap* differenceMap() const { return m_difference; }
    const PredictionChart* predictions() const { return m_predictions; }
    // The numbers drawn (empty matrices when there is no result).
    const MaskComparison& comparison() const { return m_comparison; }
    // The mean over query tokens of the share of bidirectional attention on
    // later tokens: what the left-to-right mask hides.
    double meanLaterShare() const;
    // What the user chose to stand beside BERT, and what is shown (a twin
    // the model lacks falls back to its own mask).
    void setPartner(ComparePartner partner);
    ComparePartner partner() const { return m_partner; }
    ComparePartner shownPartner() const;

    // The one line under the maps: the pointed cell of any map, or the hint.
    QString hoverLine() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    void refreshContent();
    void fitTitle();
    void showHover(const AttentionHeatmap* map, int row, int column);
    QString title() const;
    double titleHeight(double width) const;     // the title wrapped at that width (points)
    double predictionsHeight(int columns) const;  // the bars' rows at full height, their title included
    bool stackedAt(double width) const;         // too narrow for three maps side by side
    int mapColumnsAt(double width) const;       // maps a row: 3, 2 or 1
    double mapWidthAt(double width) const;
    double mapRowHeight(double mapWidth) const;  // the tallest map at that width

    AttentionHeatmap* m_bidirectional;
    AttentionHeatmap* m_causal;
    AttentionHeatmap* m_difference;
    PredictionChart* m_predictions;
    QScrollArea* m_predictionsArea;
    QLabel* m_title;  // on screen; exports draw the same text
    QLabel* m_hover;  // one line for the three maps (their own lines are hidden)
    QComboBox* m_partnerChoice;
    QLabel* m_besideLabel;
    QLabel* m_partnerNote;  // why a chosen twin is not there
    ComparePartner m_partner = ComparePartner::LeftToRightTwin;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    MaskComparison m_comparison;
};

}  // namespace bertlens::ui
