// The "Through the layers" view: what the masked-LM head would guess at one
// [MASK] after each layer of the stack (layer 0 = the embeddings), under
// both masks side by side, so a class watches the answer form on the way up.
// Rows run from the embeddings at the bottom to the last layer at the top,
// like the stack; each holds the top words with a bar on one fixed 0–1
// scale, the final answer marked wherever it appears.
//
// Painted by the widget itself (text and bars), screen and export alike.
// UI thread only.
#pragma once

#include "FigureView.h"

class QComboBox;

namespace bertlens::ui {

class LayersView : public FigureView {
    Q_OBJECT
public:
    explicit LayersView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void setMeasures(const FlowMeasuresPtr& measures) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Narrower than two columns side by side, the left-to-right column goes
    // under the bidirectional one, two words a row, titles wrapped.
    double minimumFigureWidth() const override { return 220.0 * m_theme.fontScale; }
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("layers"); }

    // Which of the analysis's predictions (0 = the first [MASK]) is shown.
    void setPrediction(int index);
    int prediction() const { return m_prediction; }
    // What the view draws for a mask mode after a layer (0 = embeddings):
    // the top words, or null when there is nothing (no measures yet).
    const Prediction* shown(MaskMode mode, int layer) const;
    // The sentence drawn instead of the rows ("" when rows are drawn).
    QString message() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    // Returns the height it drew (the caption wrapped at rect's width, then one row a layer).
    // captionHeight: room the caption takes at least (a figure aligns two columns' rows).
    double paintColumn(QPainter& painter, const QRectF& rect, MaskMode mode, int words, double rowHeight,
                       double captionHeight = 0.0);
    // Figures only: the screen keeps its two columns.
    bool stackedAt(double width) const {
        return !m_onScreen && (width - 16.0 * m_theme.fontScale) / 2 < 220.0 * m_theme.fontScale;
    }
    bool m_onScreen = false;  // while paintEvent() draws
    // Words a row side by side: three where a column has room for them whole.
    int wordsAt(double width) const {
        return m_onScreen || (width - 16.0 * m_theme.fontScale) / 2 >= 330.0 * m_theme.fontScale ? 3 : 2;
    }
    QString title() const;
    static QString caption(MaskMode mode);
    double sideBySideHeight(double width) const;  // a figure's two columns with body-size rows
    // Rows tall enough for text at least body size in the stacked figure (points).
    double stackedRowHeight() const { return 24.0 * m_theme.fontScale; }

    QComboBox* m_predictionBox;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    Theme m_theme;
    int m_prediction = 0;
};

}  // namespace bertlens::ui
