#include "LossCurve.h"

#include "PlotRender.h"
#include "PlotTheme.h"

#include <qcustomplot.h>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

const QColor kCurveColor(0x00, 0x72, 0xb2);  // Okabe-Ito blue

}  // namespace

LossCurve::LossCurve(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(180);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, tr("Training loss (cross-entropy, nats)")));
    m_graph = m_plot->addGraph();
    m_dot = m_plot->addGraph();
    m_dot->setLineStyle(QCPGraph::lsNone);
    m_line = new QCPItemStraightLine(m_plot);
    m_line->setVisible(false);
    m_plot->xAxis->setLabel(tr("training step"));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    setTheme(m_theme);
}

void LossCurve::setLoss(const std::vector<double>& loss, int64_t lastStep) {
    m_loss = loss;
    QVector<double> x, y;
    x.reserve(int(loss.size()));
    y.reserve(int(loss.size()));
    double top = 1.0;
    for (size_t i = 0; i < loss.size(); ++i) {
        x << double(i + 1);
        y << loss[i];  // NaN: QCustomPlot leaves a gap
        if (std::isfinite(loss[i])) top = std::max(top, loss[i]);
    }
    m_graph->setData(x, y, true);
    m_plot->xAxis->setRange(0, double(std::max<int64_t>(lastStep, 1)));
    m_plot->yAxis->setRange(0, top * 1.05);
    placeMarker();
}

void LossCurve::setMarker(int64_t step) {
    m_marker = step;
    placeMarker();
}

void LossCurve::placeMarker() {
    m_line->setVisible(m_marker >= 0);
    m_dot->data()->clear();
    if (m_marker >= 0) {
        m_line->point1->setCoords(double(m_marker), 0.0);
        m_line->point2->setCoords(double(m_marker), 1.0);
        const size_t i = size_t(m_marker);
        if (m_marker >= 1 && i <= m_loss.size() && std::isfinite(m_loss[i - 1]))
            m_dot->addData(double(m_marker), m_loss[i - 1]);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossCurve::setTheme(const Theme& theme) {
    m_theme = theme;
    const QColor fg = theme.foreground;
    m_plot->setBackground(theme.background);
    m_plot->axisRect()->setBackground(theme.background);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        applyAxisTheme(*axis, theme);
    }
    if (auto* title = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0))) {
        title->setFont(theme.font(11, true));
        title->setTextColor(fg);
    }
    m_graph->setPen(QPen(kCurveColor, 1.5 * theme.fontScale));
    m_line->setPen(QPen(theme.accent, 2.0 * theme.fontScale));
    m_dot->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, theme.accent, 11.0 * theme.fontScale));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossCurve::render(QPainter& painter, const QRectF& rect) { renderPlot(*m_plot, painter, rect); }

}  // namespace bertlens::ui
