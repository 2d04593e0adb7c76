// The predictions view: for each [MASK] in the sentence — typed, or made by
// clicking a token — a horizontal bar chart of the model's top-k words with
// their probabilities, under the selected mask mode. A token the user masked
// is named ("was: barked") and its bar marked when the model guessed it.
// Says what to do when there is no [MASK], and why when the model has no
// masked-LM head. Rows keep their height: many [MASK]s scroll.
//
// UI thread only.
#pragma once

#include "FigureView.h"
#include "PredictionChart.h"

class QScrollArea;

namespace bertlens::ui {

// The panels of one analysis's predictions: the title names the position, a
// few words of context and the original word of a user-masked token.
std::vector<PredictionPanel> predictionPanels(const AnalysisResult& result, const Analysis& analysis);
// The message to show instead of panels, or "" when there are predictions.
QString predictionsMessage(const AnalysisResult* result, const Analysis* analysis);

class PredictionsView : public FigureView {
    Q_OBJECT
public:
    explicit PredictionsView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Bars: any width from about 200 points, at their own height (rows of text).
    double minimumFigureWidth() const override { return 200.0 * m_theme.fontScale; }
    double figureHeightForWidth(double) const override { return figureSize().height(); }
    QString figureName() const override { return QStringLiteral("predictions"); }

    const PredictionChart* chart() const { return m_chart; }
    QScrollArea* scrollArea() const { return m_scroll; }

private:
    void refresh();

    QScrollArea* m_scroll;
    PredictionChart* m_chart;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
};

}  // namespace bertlens::ui
