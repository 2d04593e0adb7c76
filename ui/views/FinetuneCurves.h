// The Fine-tune view's live curves: two plots side by side — loss (training
// loss as the Finetuner reports it every few steps, solid; held-out loss
// after each epoch, dashed with dots) and held-out accuracy — each with the
// pretrained run (blue) and the from-scratch run (orange), against the
// training step. Points are added as the runs report them; the axes grow
// to fit. Fonts and line widths follow the theme (presentation mode too).
//
// UI thread only.
#pragma once

#include "FinetuneRun.h"
#include "Theme.h"

#include <QPointF>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QCPTextElement;

namespace bertlens::ui {

class FinetuneCurves : public QWidget {
    Q_OBJECT
public:
    enum class Series { TrainLoss, HeldOutLoss, HeldOutAccuracy };

    explicit FinetuneCurves(QWidget* parent = nullptr);

    void clear();
    // The x axis's end: the steps of one run.
    void setSteps(qint64 steps);
    void setNames(const QString& pretrained, const QString& fromScratch);
    void addTrainLoss(FinetuneArm arm, qint64 step, double loss);
    // accuracy in [0, 1]; drawn in per cent.
    void addHeldOut(FinetuneArm arm, qint64 step, double loss, double accuracy);
    void setTheme(const Theme& theme);

    // What a series draws, as (step, value) with accuracy in per cent.
    QVector<QPointF> points(Series series, FinetuneArm arm) const;
    // Narrower than the two plots side by side (a journal column), the
    // accuracy plot with its title goes under the loss plot.
    void paint(QPainter& painter, const QRectF& rect);
    bool stackedAt(double width) const { return width < 400.0 * m_theme.fontScale; }
    // The height (points) of the stacked figure at that width.
    double stackedHeight(double width) const;
    QCustomPlot* plot() const { return m_plot; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitLegend(double width);
    void setStacked(bool stacked);  // moves the accuracy title and plot under the loss plot, or back
    QCPGraph* graph(Series series, FinetuneArm arm) const;
    void rescale();
    void styleGraphs();

    QCustomPlot* m_plot;
    QCPAxisRect* m_lossRect;
    QCPAxisRect* m_accuracyRect;
    QCPTextElement* m_lossTitle;
    QCPTextElement* m_accuracyTitle;
    QCPGraph* m_graphs[3][2] = {};
    Theme m_theme;
    qint64 m_steps = 1;
    double m_maxLoss = 1.0;
};

}  // namespace bertlens::ui
