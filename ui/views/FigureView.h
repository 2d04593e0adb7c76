// The base of every view of an analysis (head, model, lines, predictions,
// compare, embeddings). A view shows one AnalysisResult under one Selection
// and can paint itself as a figure into any QPainter: the screen, a PNG, an
// SVG or a PDF (vector where the content is vector), so on-screen views and
// exported figures are the same drawing.
//
// Views live on the UI thread. They never run the model: the window gives
// them results from the worker.
#pragma once

#include "AnalysisResult.h"
#include "FlowMeasures.h"
#include "Selection.h"
#include "Theme.h"

#include <QWidget>

namespace bertlens::ui {

class EmptyStatePanel;

class FigureView : public QWidget {
    Q_OBJECT
public:
    explicit FigureView(QWidget* parent = nullptr) : QWidget(parent) {}

    // A null result clears the view.
    virtual void setResult(const AnalysisResultPtr& result) = 0;
    virtual void setSelection(const Selection& selection) = 0;
    virtual void setTheme(const Theme& theme) = 0;
    // The measures of where information flows for the result last given
    // (null until the worker has them); views that draw none ignore them.
    virtual void setMeasures(const FlowMeasuresPtr& measures) { Q_UNUSED(measures); }
    // True for a view that draws attention flow: while it is shown the
    // window asks the worker for flow after every result.
    virtual bool wantsFlow() const { return false; }

    // Paints the whole figure (no caption) to fill rect, with the theme's
    // fonts. Used by export; must not depend on the widget being shown.
    virtual void paintFigure(QPainter& painter, const QRectF& rect) = 0;
    // A good size for an exported figure in points (1/72 inch).
    virtual QSizeF figureSize() const = 0;
    // The figure's height (points) when it must be width points wide (a
    // figure for a journal column): the same proportions by default; views
    // whose height is rows of text (bar charts) keep their height.
    // The narrowest width (points) the figure can be laid out at with its
    // labels readable; a figure asked to be narrower is laid out at this
    // width and scaled down (its text then smaller than asked). By default
    // the figure's own width: a view that reflows says how far.
    virtual double minimumFigureWidth() const { return figureSize().width(); }
    virtual double figureHeightForWidth(double width) const {
        const QSizeF s = figureSize();
        return s.width() > 0.0 ? s.height() * width / s.width() : s.height();
    }
    // Short name used in captions and file names: "head", "model", "lines", ...
    virtual QString figureName() const = 0;

    // True for a view that shows one sentence's result (its attention, its
    // predictions, its embeddings): when nothing is analysed it is covered by
    // a panel that says why, never left showing an earlier sentence. False
    // for a view of the model as a whole (anatomy, fine-tuning), which stays
    // usable with the box empty. A view whose answer changes (the heads view
    // between a sentence and a corpus) emits needsSentenceChanged().
    virtual bool needsSentence() const { return true; }
    // The part of the view the panel covers: all of it, unless a view keeps
    // controls that work without a sentence (the heads view's corpus bar).
    virtual QWidget* nothingAnalysedArea() { return this; }
    // Covers the view with the "Nothing is analysed" panel giving this
    // reason, or removes it (an empty reason). Only a view that
    // needsSentence() shows it; the window calls this with every result.
    void showNothingAnalysed(const QString& reason, const Theme& theme);
    // The panel's reason while it is shown, else "".
    QString nothingAnalysedReason() const;
    const EmptyStatePanel* nothingAnalysedPanel() const { return m_emptyState; }

signals:
    // The user picked a layer/head in this view (e.g. a click in the model view).
    void selectionRequested(const bertlens::ui::Selection& selection);
    void needsSentenceChanged();

private:
    EmptyStatePanel* m_emptyState = nullptr;  // made when first needed
};

}  // namespace bertlens::ui
