#include "FinetuneCurves.h"

#include "PlotRender.h"
#include "PlotTheme.h"

#include <qcustomplot.h>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

const QColor kPretrainedColor(0x00, 0x72, 0xb2);  // Okabe-Ito blue
const QColor kScratchColor(0xe6, 0x9f, 0x00);     // Okabe-Ito orange

QColor armColor(FinetuneArm arm) {
    return arm == FinetuneArm::Pretrained ? kPretrainedColor : kScratchColor;
}

}  // namespace

FinetuneCurves::FinetuneCurves(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(260);

    // Titles, then one legend for both plots (the colours are the runs'),
    // then the two plots: no legend sits on a curve.
    QCPLayoutGrid* grid = m_plot->plotLayout();
    grid->clear();
    auto* titles = new QCPLayoutGrid;
    auto* rects = new QCPLayoutGrid;
    m_lossTitle = new QCPTextElement(m_plot, tr("Loss (cross-entropy): training and held-out"));
    m_accuracyTitle = new QCPTextElement(m_plot, tr("Held-out accuracy"));
    m_lossRect = new QCPAxisRect(m_plot);
    m_accuracyRect = new QCPAxisRect(m_plot);
    auto* legend = new QCPLegend;
    grid->addElement(0, 0, titles);
    grid->addElement(1, 0, legend);
    grid->addElement(2, 0, rects);
    titles->addElement(0, 0, m_lossTitle);
    titles->addElement(0, 1, m_accuracyTitle);
    rects->addElement(0, 0, m_lossRect);
    rects->addElement(0, 1, m_accuracyRect);
    grid->setRowStretchFactor(0, 0.01);
    grid->setRowStretchFactor(1, 0.01);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(4);
    legend->setLayer(QStringLiteral("legend"));
    m_plot->legend = legend;
    for (QCPAxisRect* r : {m_lossRect, m_accuracyRect}) {
        r->axis(QCPAxis::atBottom)->setLabel(tr("training step"));
        r->axis(QCPAxis::atBottom)->setRange(0, 1);
    }
    m_lossRect->axis(QCPAxis::atLeft)->setRange(0, 1);
    m_accuracyRect->axis(QCPAxis::atLeft)->setRange(0, 100);
    m_accuracyRect->axis(QCPAxis::atLeft)->setLabel(tr("% correct"));

    for (FinetuneArm arm : {FinetuneArm::Pretrained, FinetuneArm::FromScratch}) {
        const int a = int(arm);
        for (int s = 0; s < 3; ++s) {
            QCPAxisRect* r = s == int(Series::HeldOutAccuracy) ? m_accuracyRect : m_lossRect;
            m_graphs[s][a] = m_plot->addGraph(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
        }
    }
    setNames(tr("pretrained"), tr("from scratch"));
    styleGraphs();
    setTheme(m_theme);
}

QCPGraph* FinetuneCurves::graph(Series series, FinetuneArm arm) const {
    return m_graphs[int(series)][int(arm)];
}

void FinetuneCurves::setNames(const QString& pretrained, const QString& fromScratch) {
    for (FinetuneArm arm : {FinetuneArm::Pretrained, FinetuneArm::FromScratch}) {
        const QString name = arm == FinetuneArm::Pretrained ? pretrained : fromScratch;
        graph(Series::TrainLoss, arm)->setName(tr("%1: training").arg(name));
        graph(Series::HeldOutLoss, arm)->setName(tr("%1: held-out").arg(name));
        graph(Series::HeldOutAccuracy, arm)->setName(tr("%1: accuracy").arg(name));
        graph(Series::HeldOutAccuracy, arm)->removeFromLegend();  // the colours say it
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void FinetuneCurves::styleGraphs() {
    const double width = 2.0 * m_theme.fontScale;
    const double dot = 7.0 * m_theme.fontScale;
    for (FinetuneArm arm : {FinetuneArm::Pretrained, FinetuneArm::FromScratch}) {
        const QColor c = armColor(arm);
        graph(Series::TrainLoss, arm)->setPen(QPen(c, width));
        graph(Series::HeldOutLoss, arm)->setPen(QPen(c, width, Qt::DashLine));
        graph(Series::HeldOutLoss, arm)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, dot));
        graph(Series::HeldOutAccuracy, arm)->setPen(QPen(c, width));
        graph(Series::HeldOutAccuracy, arm)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, dot));
    }
}

void FinetuneCurves::setTheme(const Theme& theme) {
    m_theme = theme;
    const QColor fg = theme.foreground;
    m_plot->setBackground(theme.background);
    for (QCPAxisRect* r : {m_lossRect, m_accuracyRect}) {
        r->setBackground(theme.background);
        for (QCPAxis* axis : {r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft)}) {
            applyAxisTheme(*axis, theme);
        }
    }
    for (QCPTextElement* t : {m_lossTitle, m_accuracyTitle}) {
        t->setFont(theme.font(11, true));
        t->setTextColor(fg);
    }
    m_plot->legend->setFont(theme.font(9.5));
    m_plot->legend->setTextColor(fg);
    m_plot->legend->setBrush(theme.background);
    m_plot->legend->setBorderPen(Qt::NoPen);
    styleGraphs();
    fitLegend(width());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void FinetuneCurves::clear() {
    for (auto& row : m_graphs) {
        for (QCPGraph* g : row) g->data()->clear();
    }
    m_maxLoss = 1.0;
    rescale();
}

void FinetuneCurves::setSteps(qint64 steps) {
    m_steps = std::max<qint64>(steps, 1);
    rescale();
}

void FinetuneCurves::addTrainLoss(FinetuneArm arm, qint64 step, double loss) {
    graph(Series::TrainLoss, arm)->addData(double(step), loss);
    if (std::isfinite(loss)) m_maxLoss = std::max(m_maxLoss, loss);
    rescale();
}

void FinetuneCurves::addHeldOut(FinetuneArm arm, qint64 step, double loss, double accuracy) {
    graph(Series::HeldOutLoss, arm)->addData(double(step), loss);
    graph(Series::HeldOutAccuracy, arm)->addData(double(step), 100.0 * accuracy);
    if (std::isfinite(loss)) m_maxLoss = std::max(m_maxLoss, loss);
    rescale();
}

void FinetuneCurves::rescale() {
    for (QCPAxisRect* r : {m_lossRect, m_accuracyRect}) r->axis(QCPAxis::atBottom)->setRange(0, double(m_steps));
    m_lossRect->axis(QCPAxis::atLeft)->setRange(0, std::ceil(m_maxLoss * 10.0 + 0.5) / 10.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QVector<QPointF> FinetuneCurves::points(Series series, FinetuneArm arm) const {
    QVector<QPointF> out;
    for (auto it = graph(series, arm)->data()->constBegin(); it != graph(series, arm)->data()->constEnd(); ++it)
        out.append(QPointF(it->key, it->value));
    return out;
}

void FinetuneCurves::fitLegend(double width) {
    // One row when the four entries fit across, else two rows of two, else
    // (a journal column) one entry a row.
    const QFontMetricsF metrics(m_plot->legend->font());
    double needed = 0, widest = 0;
    for (int i = 0; i < m_plot->legend->itemCount(); ++i) {
        auto* item = qobject_cast<QCPPlottableLegendItem*>(m_plot->legend->item(i));
        if (!item) continue;
        const double entry = metrics.horizontalAdvance(item->plottable()->name()) + 60.0 * m_theme.fontScale;
        needed += entry;
        widest = std::max(widest, entry);
    }
    const int wrap = needed + 20 <= width ? 4 : 2 * widest + 20 <= width ? 2 : 1;
    if (m_plot->legend->wrap() != wrap) {
        m_plot->legend->setWrap(wrap);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    }
}

void FinetuneCurves::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitLegend(width());
}

void FinetuneCurves::paint(QPainter& painter, const QRectF& rect) {
    const bool stacked = stackedAt(rect.width());
    if (stacked) setStacked(true);
    fitLegend(rect.width());
    renderPlot(*m_plot, painter, rect);
    if (stacked) setStacked(false);
    fitLegend(width());
}

void FinetuneCurves::setStacked(bool stacked) {
    // The titles' grid holds the loss title (and, side by side, the
    // accuracy title); the plots' grid the plots. Stacked, the plots' grid
    // is one column: loss, the accuracy title, accuracy.
    auto* titles = qobject_cast<QCPLayoutGrid*>(m_lossTitle->layout());
    auto* rects = qobject_cast<QCPLayoutGrid*>(m_lossRect->layout());
    if (!titles || !rects) return;
    m_accuracyTitle->layout()->take(m_accuracyTitle);
    m_accuracyRect->layout()->take(m_accuracyRect);
    titles->simplify();
    rects->simplify();
    if (stacked) {
        rects->addElement(1, 0, m_accuracyTitle);
        rects->addElement(2, 0, m_accuracyRect);
        rects->setRowStretchFactor(1, 0.01);
        rects->setRowSpacing(6);
    } else {
        titles->addElement(0, 1, m_accuracyTitle);
        rects->addElement(0, 1, m_accuracyRect);
    }
}

double FinetuneCurves::stackedHeight(double width) const {
    // Two titles, a legend of up to four rows, and two plots a little wider than tall
    // with their tick labels and axis titles (in points: screen metrics scaled).
    const QFontMetricsF title(m_theme.font(11, true)), body(m_theme.font(9.5));
    const double toPoints = 72.0 / std::max(1.0, body.fontDpi());
    return (2 * title.height() * 1.3 + 4 * body.height() * 1.4 + 2 * 3.2 * body.height()) * toPoints + 2 * 0.55 * width + 16;
}

}  // namespace bertlens::ui
