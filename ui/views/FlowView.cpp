#include "FlowView.h"

#include "AttentionHeatmap.h"
#include "PlotRender.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

// Okabe-Ito colours, told apart by every colour vision and on a projector.
const QColor kRawColor(0xe6, 0x9f, 0x00);
const QColor kRolloutColor(0x00, 0x72, 0xb2);
const QColor kFlowColor(0x00, 0x9e, 0x73);

ConstRowMatrixMap layerMatrix(const std::vector<float>& stacked, int layer, int n) {
    return ConstRowMatrixMap(stacked.data() + static_cast<size_t>(layer) * n * n, n, n);
}

}  // namespace

FlowView::FlowView(QWidget* parent)
    : FigureView(parent),
      m_measureBox(new QComboBox(this)),
      m_layerSlider(new QSlider(Qt::Horizontal, this)),
      m_layerLabel(new QLabel(this)),
      m_status(new QLabel(this)),
      m_heatmap(new AttentionHeatmap(this)),
      m_bars(new QCustomPlot(this)),
      m_theme(Theme::normal()) {
    m_measureBox->addItem(tr("Attention rollout"));
    m_measureBox->addItem(tr("Attention flow"));
    m_measureBox->setToolTip(
        tr("Rollout: the layers' mean attention, with the residual counted as half, multiplied up the stack.\n"
           "Flow: the same graph read as pipes; the most that can flow from each input to each output."));
    m_layerSlider->setRange(1, 1);
    m_layerSlider->setToolTip(tr("Rollout after this many layers (flow is always the whole stack)"));
    m_status->setWordWrap(true);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_measureBox);
    controls->addWidget(m_layerLabel);
    controls->addWidget(m_layerSlider, 1);
    auto* maps = new QHBoxLayout;
    maps->addWidget(m_heatmap, 3);
    maps->addWidget(m_bars, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addLayout(maps, 1);
    m_bars->setMinimumSize(240, 200);
    m_heatmap->setValueName(tr("share"));
    connect(m_measureBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setMeasure(index == 1 ? Measure::Flow : Measure::Rollout); });
    connect(m_layerSlider, &QSlider::valueChanged, this, &FlowView::setRolloutLayer);
    connect(m_heatmap, &AttentionHeatmap::cellClicked, this, [this](int row, int) { setQuery(row); });
    refresh();
}

void FlowView::setResult(const AnalysisResultPtr& result) {
    // Measures belong to one result: a new result drops the old ones before
    // anything is drawn (their matrices have the old token count; found by
    // tst_monkey under ASan as a read past the end).
    if (m_measures && (!result || m_measures->requestId != result->requestId)) m_measures = nullptr;
    m_result = result;
    if (!result || m_query >= result->tokenCount()) m_query = -1;
    refresh();
}

void FlowView::setSelection(const Selection& selection) {
    if (selection.maskMode == m_selection.maskMode) {
        m_selection = selection;
        return;  // rollout and flow are of the whole layer: only the mask matters
    }
    m_selection = selection;
    refresh();
}

void FlowView::setTheme(const Theme& theme) {
    m_theme = theme;
    for (QWidget* w : std::initializer_list<QWidget*>{m_measureBox, m_layerLabel, m_status}) w->setFont(theme.font(10));
    m_heatmap->setTheme(theme);
    refresh();
}

void FlowView::setMeasures(const FlowMeasuresPtr& measures) {
    m_measures = measures && m_result && measures->requestId == m_result->requestId ? measures : nullptr;
    refresh();
}

void FlowView::setMeasure(Measure measure) {
    m_measure = measure;
    const QSignalBlocker block(m_measureBox);
    m_measureBox->setCurrentIndex(measure == Measure::Flow ? 1 : 0);
    refresh();
}

void FlowView::setRolloutLayer(int layer) {
    m_rolloutLayer = std::max(layer, 1);
    refresh();
}

void FlowView::setQuery(int position) {
    m_query = position;
    rebuildBars();
}

QString FlowView::status() const {
    return m_status->text();
}

std::vector<std::vector<double>> FlowView::barValues() const {
    std::vector<std::vector<double>> values(3);
    if (!m_result || !m_measures) return values;
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    const MaskMeasures& m = m_measures->of(m_selection.maskMode);
    const int n = a.tokenCount;
    if (a.layers == 0 || m.rollout.empty()) return values;
    int q = m_query;
    if (q < 0 || q >= n) q = a.predictions.empty() ? 0 : a.predictions.front().position;
    Selection mean;
    mean.layer = a.layers - 1;
    mean.averageHeads = true;
    const RowMatrix raw = selectedAttention(a, mean);
    const auto rollout = layerMatrix(m.rollout, a.layers - 1, n);
    for (int j = 0; j < n; ++j) {
        values[0].push_back(raw(q, j));
        values[1].push_back(rollout(q, j));
        if (m.flow) values[2].push_back(m.flow->normalized[static_cast<size_t>(q) * n + j]);
    }
    return values;
}

void FlowView::refresh() {
    const bool flow = m_measure == Measure::Flow;
    m_layerSlider->setEnabled(!flow);
    if (!m_result || m_result->analysis(m_selection.maskMode).layers == 0) {
        m_heatmap->clear();
        m_heatmap->setTitle(m_result ? tr("This model has no attention layers") : tr("No analysis yet"));
        m_status->clear();
        m_layerLabel->clear();
        rebuildBars();
        return;
    }
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    const int n = a.tokenCount;
    {
        const QSignalBlocker block(m_layerSlider);
        m_layerSlider->setRange(1, a.layers);
        m_layerSlider->setValue(std::min(m_rolloutLayer, a.layers));
    }
    const int layer = m_layerSlider->value();
    m_layerLabel->setText(flow ? tr("whole stack (%1 layers)").arg(a.layers)
                               : tr("after layer %1 of %2").arg(layer - 1).arg(a.layers));
    const QStringList labels = tokenLabels(m_result.get());
    const QString mode = maskModeTitle(m_selection.maskMode);
    m_heatmap->setHiddenBy(m_selection.maskMode == MaskMode::Causal ? MaskMode::Causal : MaskMode::Bidirectional);
    m_heatmap->setStretch(true);
    const MaskMeasures* m = m_measures ? &m_measures->of(m_selection.maskMode) : nullptr;
    QString status;
    if (!m || m->rollout.empty()) {
        m_heatmap->clear();
        status = tr("Computing rollout…");
    } else if (!flow) {
        m_heatmap->setMatrix(layerMatrix(m->rollout, layer - 1, n), labels, labels);
        m_heatmap->setTitle(tr("Attention rollout after layer %1 (%2)").arg(layer - 1).arg(mode));
    } else if (m->flow) {
        m_heatmap->setMatrix(ConstRowMatrixMap(m->flow->normalized.data(), n, n), labels, labels);
        m_heatmap->setTitle(tr("Attention flow through %1 layers, rows normalised (%2)").arg(a.layers).arg(mode));
    } else {
        m_heatmap->clear();
        m_heatmap->setTitle(tr("Attention flow (%1)").arg(mode));
        status = !m->flowNote.isEmpty() ? m->flowNote
                                        : tr("Computing attention flow (%1 maximum flows)…").arg(qint64(n) * n);
    }
    if (m && !m->flow && m->flowNote.isEmpty() && !flow) status = tr("Attention flow for the bars is being computed…");
    if (m && !m->flowNote.isEmpty() && !flow) status = m->flowNote;
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
    m_heatmap->setHint(
        tr("Each row: how much of every input token reaches that token. Click a row to show it as bars."));
    rebuildBars();
}

void FlowView::rebuildBars() {
    m_bars->clearPlottables();
    m_bars->plotLayout()->clear();
    // The bars group is the plot's child, not a plottable: delete the last
    // one with its bars (every rebuild left one behind; found by tst_monkey).
    delete m_barsGroup;
    m_barsGroup = nullptr;
    m_bars->setBackground(m_theme.background);
    const QColor fg = m_theme.foreground;
    const std::vector<std::vector<double>> values = barValues();
    const int n = static_cast<int>(values[0].size());
    if (n == 0) {
        m_bars->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    int q = m_query;
    if (q < 0 || q >= n) q = a.predictions.empty() ? 0 : a.predictions.front().position;
    const QStringList labels = tokenLabels(m_result.get());
    auto* title = new QCPTextElement(m_bars, tr("What reaches \u201c%1\u201d (token %2)").arg(labels.value(q)).arg(q),
                                     m_theme.font(12, true));
    title->setTextColor(fg);
    m_bars->plotLayout()->addElement(0, 0, title);
    auto* rect = new QCPAxisRect(m_bars, true);
    m_bars->plotLayout()->addElement(2, 0, rect);
    m_bars->plotLayout()->setRowStretchFactor(0, 0.001);
    rect->setBackground(m_theme.background);
    QCPAxis* tokens = rect->axis(QCPAxis::atLeft);
    QCPAxis* share = rect->axis(QCPAxis::atBottom);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int j = 0; j < n; ++j) ticker->addTick(j, labels.value(j));
    tokens->setTicker(ticker);
    tokens->setRangeReversed(true);
    tokens->setRange(-0.6, n - 0.4);
    tokens->setSubTicks(false);
    tokens->grid()->setVisible(false);
    tokens->setTickLabelFont(m_theme.font(n > 40 ? 7.5 : 9.5));
    auto* group = new QCPBarsGroup(m_bars);
    m_barsGroup = group;
    group->setSpacing(0);
    const QString names[] = {tr("raw attention, last layer (mean of heads)"), tr("rollout, whole stack"),
                             tr("flow, whole stack")};
    const QColor colors[] = {kRawColor, kRolloutColor, kFlowColor};
    double largest = 0.0;
    // The legend in a row of its own under the title: inside the axes it hid bars.
    auto* legend = new QCPLegend;
    m_bars->plotLayout()->addElement(1, 0, legend);
    m_bars->plotLayout()->setRowStretchFactor(1, 0.001);
    legend->setFont(m_theme.font(9.5));
    legend->setTextColor(fg);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(m_theme.background);
    for (int s = 0; s < 3; ++s) {
        if (values[static_cast<size_t>(s)].empty()) continue;
        auto* bars = new QCPBars(tokens, share);
        bars->setName(names[s]);
        bars->setBrush(colors[s]);
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.27);
        bars->setBarsGroup(group);
        bars->addToLegend(legend);
        for (int j = 0; j < n; ++j) {
            bars->addData(j, values[static_cast<size_t>(s)][static_cast<size_t>(j)]);
            largest = std::max(largest, values[static_cast<size_t>(s)][static_cast<size_t>(j)]);
        }
    }
    share->setRange(0.0, std::min(1.0, largest * 1.1 + 1e-6));
    share->setLabel(tr("share of what reaches the token"));
    share->setLabelFont(m_theme.font(9.5));
    share->setTickLabelFont(m_theme.font(9));
    share->grid()->setPen(QPen(QColor(0, 0, 0, 40), 0, Qt::DotLine));
    for (QCPAxis* axis : {tokens, share}) {
        axis->setBasePen(QPen(fg, 1));
        axis->setTickPen(QPen(fg, 1));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }
    m_bars->replot(QCustomPlot::rpQueuedReplot);
}

void FlowView::paintFigure(QPainter& painter, const QRectF& rect) {
    // The map at the width where every label fits (figureSize), the bars beside it.
    const double split = rect.width() * 0.58;
    m_heatmap->render(painter, QRectF(rect.left(), rect.top(), split, rect.height()));
    renderPlot(*m_bars, painter, QRectF(rect.left() + split, rect.top(), rect.width() - split, rect.height()));
}

QSizeF FlowView::figureSize() const {
    const QSizeF map = m_heatmap->figureSize();
    return QSizeF(map.width() / 0.58, map.height());
}

}  // namespace bertlens::ui
