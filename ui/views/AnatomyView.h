// The anatomy view: the loaded model's stack, with its real numbers. Left,
// embeddings -> L encoder layers -> masked-LM head, each with its parameter
// count (click a layer to open it in the head view). Middle, the selected
// layer opened up: multi-head self-attention, add & norm, feed-forward, add
// & norm, with each part's parameters and the shape of every activation for
// the sentence typed (n x hidden, heads x n x n, n x intermediate). Right,
// to one scale (height proportional to parameters): this model beside
// BERT-base, BERT-large and a GPT-style decoder stack, whose masked
// self-attention is drawn as a lower triangle where BERT's is a full square.
//
// Counts come from core/model/ParameterCount (config.json and which parts
// the file holds), memory from core/model/MemoryBudget. Painted by the
// widget itself, screen and export alike; exports carry no hints or hover.
// UI thread only.
#pragma once

#include "FigureView.h"

#include "io/ModelConfig.h"
#include "model/ParameterCount.h"

namespace bertlens::ui {

class AnatomyView : public FigureView {
    Q_OBJECT
public:
    explicit AnatomyView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override { return QSizeF(1040, 640); }
    // Narrower than the three panels side by side (a journal column), they
    // are stacked: the stack, the layer opened up, the scale; the header wrapped.
    double minimumFigureWidth() const override { return 220.0 * m_theme.fontScale; }
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("anatomy"); }
    bool needsSentence() const override { return false; }  // the model's stack: it is drawn with the box empty too

    // What is drawn (for tests): the counts, the config, the token count.
    const ParameterCount& parameters() const { return m_count; }
    bool hasModel() const { return m_config.layers > 0; }
    // Where layer l's block of the stack lies in the widget.
    QRect layerRect(int layer) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Columns {
        QRectF header, stack, block, scale;
    };
    Columns columns(const QRectF& rect, double headerHeight) const;
    QRectF stackLayerRect(const QRectF& stack, int layer) const;
    void paintAll(QPainter& painter, const QRectF& rect, bool forExport);
    void paintHeader(QPainter& painter, const QRectF& rect);
    void paintStack(QPainter& painter, const QRectF& rect, bool forExport);
    void paintBlock(QPainter& painter, const QRectF& rect);
    void paintScale(QPainter& painter, const QRectF& rect);
    int layerAt(const QPoint& pos) const;
    double headerHeight(const QPaintDevice* device) const;
    double headerHeight(const QPaintDevice* device, double width) const;  // wrapped at width when stacked
    // Figures only: the screen keeps its three columns (and scrolls nothing).
    bool stackedAt(double width) const { return m_exporting && width < 640.0 * m_theme.fontScale; }
    // The stacked panels' heights at that width, in the device's units (the screen's when null).
    struct Stacked {
        double stack = 0, block = 0, scale = 0;
    };
    Stacked stackedHeights(double width, const QPaintDevice* device) const;
    QStringList headerLines() const;  // the long forms of the two header lines
    mutable bool m_exporting = false;  // while paintFigure() draws (or measures for it)

    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    ModelConfig m_config;  // layers == 0: no model
    ParameterCount m_count;
    uint64_t m_fileBytes = 0;
    uint64_t m_engineBytes = 0;
    QString m_dtype;
    int m_tokens = 0;
    int m_hover = -1;
};

}  // namespace bertlens::ui
