#include "FlowView.h"

#include "AttentionHeatmap.h"
#include "PlotRender.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QFontMetricsF>
#include <QLabel>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

constexpr double kTokenPoints = 9.5;  // the bars' token labels, before the theme's scale

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
      m_bars(new QCustomPlot),
      m_barsScroll(new QScrollArea(this)),
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
    // Every token keeps its label: with more tokens than rows fit, the bars
    // grow taller than the view and scroll (issue 20: labels are never skipped).
    m_barsScroll->setWidget(m_bars);
    m_barsScroll->setWidgetResizable(true);
    m_barsScroll->setFrameShape(QFrame::NoFrame);
    m_barsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    maps->addWidget(m_barsScroll, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addLayout(maps, 1);
    m_bars->setMinimumSize(240, 200);
    m_barsScroll->setMinimumWidth(240);
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
    m_bars->setMinimumHeight(static_cast<int>(std::ceil(barsHeight(n))));
    if (n == 0) {
        m_bars->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    int q = m_query;
    if (q < 0 || q >= n) q = a.predictions.empty() ? 0 : a.predictions.front().position;
    const QStringList labels = tokenLabels(m_result.get());
    auto* title = new QCPTextElement(m_bars, barsTitle(labels.value(q), q), m_theme.font(12, true));
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
    tokens->setTickLabelFont(m_theme.font(kTokenPoints));
    auto* group = new QCPBarsGroup(m_bars);
    m_barsGroup = group;
    group->setSpacing(0);
    const QStringList names = seriesNames();
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

double FlowView::barsHeight(int n) const {
    const QFontMetricsF token(m_theme.font(kTokenPoints));
    const QFontMetricsF body(m_theme.font(9.5));
    // Title, three legend rows, the share axis's ticks and title, margins.
    const double header = 6.0 * body.height() + QFontMetricsF(m_theme.font(12, true)).height() + 24.0;
    return std::max(200.0, header + n * 1.2 * token.height());
}

QStringList FlowView::seriesNames() const {
    return {tr("attention, last layer"), tr("rollout, all layers"), tr("flow, all layers")};
}

QString FlowView::barsTitle(const QString& token, int position) const {
    return tr("What reaches \u201c%1\u201d (token %2)").arg(token).arg(position);
}

double FlowView::barsWidth() const {
    // The widest of the title, a legend row (its swatch beside it) and the
    // share axis's title, with the token labels to their left.
    const QFontMetricsF body(m_theme.font(9.5));
    double widest = QFontMetricsF(m_theme.font(12, true)).horizontalAdvance(barsTitle(QStringLiteral("[MASK]"), 100));
    for (const QString& name : seriesNames()) widest = std::max(widest, body.horizontalAdvance(name) + 3.0 * body.height());
    double token = 0.0;
    if (m_result) {
        const QFontMetricsF labels(m_theme.font(kTokenPoints));
        for (const QString& t : tokenLabels(m_result.get())) token = std::max(token, labels.horizontalAdvance(t));
    }
    widest = std::max(widest, token + body.horizontalAdvance(tr("share of what reaches the token")));
    return widest + 2.0 * body.height();
}

double FlowView::toPoints() const {
    return 72.0 / std::max(1.0, QFontMetricsF(m_theme.font()).fontDpi());
}

bool FlowView::stackedAt(double width) const {
    // Side by side while the map at its narrowest and the bars both fit.
    return width < m_heatmap->minimumFigureWidth() + barsWidth() * toPoints() - 0.5;
}

double FlowView::mapWidthAt(double width) const {
    // The map in the share figureSize() gives it, never narrower than it can be.
    const QSizeF full = figureSize();
    const double share = width * (full.width() > 0.0 ? m_heatmap->figureSize().width() / full.width() : 0.58);
    return std::clamp(share, m_heatmap->minimumFigureWidth(), width - barsWidth() * toPoints());
}

double FlowView::minimumFigureWidth() const {
    return std::max(m_heatmap->minimumFigureWidth(), barsWidth() * toPoints());
}

void FlowView::paintFigure(QPainter& painter, const QRectF& rect) {
    if (stackedAt(rect.width())) {
        // A journal column: the map the figure's width, the bars under it.
        const double map = m_heatmap->figureHeightForWidth(rect.width());
        m_heatmap->render(painter, QRectF(rect.left(), rect.top(), rect.width(), map));
        renderPlot(*m_bars, painter, QRectF(rect.left(), rect.top() + map, rect.width(), rect.height() - map));
        return;
    }
    // The map at the width where every label fits, the bars beside it.
    const double split = mapWidthAt(rect.width());
    m_heatmap->render(painter, QRectF(rect.left(), rect.top(), split, rect.height()));
    renderPlot(*m_bars, painter, QRectF(rect.left() + split, rect.top(), rect.width() - split, rect.height()));
}

QSizeF FlowView::figureSize() const {
    const QSizeF map = m_heatmap->figureSize();
    // Tall enough for a row per token in the bars (a long text's figure is
    // tall), wide enough for the bars' title and legend.
    const int n = m_result ? m_result->tokenCount() : 0;
    return QSizeF(map.width() + std::max(0.72 * map.width(), barsWidth()),
                  std::max(map.height(), n > 0 ? barsHeight(n) : 0.0));
}

double FlowView::figureHeightForWidth(double width) const {
    const QSizeF s = figureSize();
    const int n = m_result ? m_result->tokenCount() : 0;
    if (stackedAt(width)) return m_heatmap->figureHeightForWidth(width) + (n > 0 ? barsHeight(n) * toPoints() : 0.0);
    const double proportional = s.width() > 0.0 ? s.height() * width / s.width() : s.height();
    // Never shorter than the map needs at its width (its narrow layout is taller).
    return std::max({proportional, n > 0 ? barsHeight(n) : 0.0, m_heatmap->figureHeightForWidth(mapWidthAt(width))});
}

}  // namespace bertlens::ui
