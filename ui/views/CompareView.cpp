#include "CompareView.h"

#include "AttentionHeatmap.h"
#include "PlotRender.h"
#include "PredictionChart.h"
#include "PredictionsView.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include "Errors.h"

#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace bertlens::ui {

namespace {

constexpr size_t kTopWords = 5;               // per panel: two runs side by side need less than the predictions view
constexpr double kHeatmapExtraWidth = 90.0;   // labels and colour scale beside a map (as the head view)
constexpr double kHeatmapExtraHeight = 40.0;  // title and key labels above it
constexpr double kGap = 12.0;

}  // namespace

QString comparePartnerTitle(ComparePartner partner) {
    switch (partner) {
    case ComparePartner::BertCausalMask:
        return CompareView::tr("BERT weights, left-to-right mask — not trained this way");
    }
    return QString();
}

CompareView::CompareView(QWidget* parent)
    : FigureView(parent),
      m_bidirectional(new AttentionHeatmap(this)),
      m_causal(new AttentionHeatmap(this)),
      m_difference(new AttentionHeatmap(this)),
      m_predictions(new PredictionChart(this)),
      m_title(new QLabel(this)),
      m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    auto* maps = new QHBoxLayout;
    maps->addWidget(m_bidirectional);
    maps->addWidget(m_causal);
    maps->addWidget(m_difference);
    layout->addLayout(maps, 2);  // the maps matter most; the bars need less height
    layout->addWidget(m_predictions, 1);
    m_causal->setCausalHidden(true);
    m_difference->setScale(AttentionHeatmap::Scale::Difference);
    m_difference->setValueName(tr("difference"));
    refresh();
}

void CompareView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    refresh();
}

void CompareView::setSelection(const Selection& selection) {
    // Both mask modes are always shown: only layer and head matter here.
    const bool same = selection.layer == m_selection.layer && selection.head == m_selection.head &&
                      selection.averageHeads == m_selection.averageHeads;
    m_selection = selection;
    if (!same) refresh();
}

void CompareView::setTheme(const Theme& theme) {
    m_theme = theme;
    for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) map->setTheme(theme);
    m_predictions->setTheme(theme);
    m_title->setFont(theme.font(12, true));
    update();
}

double CompareView::meanLaterShare() const {
    const auto& s = m_comparison.laterShare;
    return s.empty() ? 0.0 : std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
}

QString CompareView::title() const {
    if (!m_result || m_comparison.laterShare.empty()) return tr("Bidirectional vs left-to-right");
    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    // The one number a class should take away: how much of BERT's attention
    // goes to words the left-to-right mask cannot see.
    return tr("Bidirectional vs left-to-right, %1: %2% of the bidirectional attention goes to later words, "
              "which left-to-right cannot see")
        .arg(selectionName(s))
        .arg(100.0 * meanLaterShare(), 0, 'f', 0);
}

void CompareView::refresh() {
    m_comparison = MaskComparison();
    if (!m_result || m_result->bidirectional.layers == 0) {
        for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) map->clear();
        m_bidirectional->setTitle(tr("No analysis yet"));
        m_causal->setTitle(QString());
        m_difference->setTitle(QString());
        m_predictions->setMessage(predictionsMessage(nullptr, nullptr));
        m_title->setText(title());
        update();
        return;
    }
    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    try {
        m_comparison =
            compareMasks(m_result->bidirectional, m_result->causal, s.layer, s.averageHeads ? kMeanOfHeads : s.head);
    } catch (const Error& e) {
        for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) map->clear();
        m_bidirectional->setTitle(QString::fromStdString(e.what()));
        m_predictions->setMessage(QString());
        update();
        return;
    }
    const QStringList labels = tokenLabels(m_result.get());
    m_bidirectional->setMatrix(m_comparison.bidirectional, labels, labels);
    m_causal->setMatrix(m_comparison.causal, labels, labels);
    m_difference->setMatrix(m_comparison.difference, labels, labels);
    m_bidirectional->setTitle(tr("Bidirectional (BERT)"));
    // The map's title must fit a third of the screen; the full partner label is under the map.
    m_causal->setTitle(tr("BERT, left-to-right"));
    m_causal->setHint(comparePartnerTitle(m_partner));
    // Short enough for a third of a projector screen at presentation size.
    m_difference->setTitle(tr("Bidir. \u2212 left-to-right"));
    m_title->setText(title());

    // Predictions: for each [MASK], the bidirectional run's words beside the causal run's.
    const QString message = predictionsMessage(m_result.get(), &m_result->bidirectional);
    if (!message.isEmpty()) {
        m_predictions->setMessage(message);
    } else {
        std::vector<PredictionPanel> bi = predictionPanels(*m_result, m_result->bidirectional);
        std::vector<PredictionPanel> causal = predictionPanels(*m_result, m_result->causal);
        std::vector<PredictionPanel> panels;
        for (size_t i = 0; i < bi.size() && i < causal.size(); ++i) {
            for (auto [panel, mode] :
                 {std::pair{&bi[i], tr("bidirectional")}, std::pair{&causal[i], tr("left-to-right")}}) {
                if (panel->top.size() > kTopWords) panel->top.resize(kTopWords);
                panel->title = QStringLiteral("%1: %2").arg(mode, panel->title);
                panels.push_back(*panel);
            }
        }
        m_predictions->setPanels(panels, 2, /*shareRowScale=*/true);
    }
    m_predictions->setTitle(QString());
    update();
}

double CompareView::heatmapSide() const {
    const int n = m_result ? m_result->tokenCount() : 10;
    return std::clamp(160.0 + 16.0 * n, 260.0, 520.0) * std::max(1.0, m_theme.fontScale * 0.8);
}

QSizeF CompareView::figureSize() const {
    const double side = heatmapSide();
    const double width = 3 * (side + kHeatmapExtraWidth) + 2 * kGap;
    double predictions = PredictionChart::titleHeight(m_theme.fontScale);
    const auto& panels = m_predictions->panels();
    if (panels.empty()) {
        predictions += 120.0 * m_theme.fontScale;
    } else {
        for (size_t i = 0; i < panels.size(); i += 2)
            predictions += PredictionChart::panelHeight(static_cast<int>(panels[i].top.size()), m_theme.fontScale);
    }
    const double titleHeight = 44.0 * m_theme.fontScale;  // two lines of the title
    return QSizeF(width, titleHeight + side + kHeatmapExtraHeight + kGap + predictions);
}

void CompareView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    const double titleHeight = 44.0 * m_theme.fontScale;  // two lines: the title wraps on a narrow figure
    painter.setFont(m_theme.font(12, true));
    painter.setPen(m_theme.foreground);
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), titleHeight), Qt::AlignCenter | Qt::TextWordWrap,
                     title());
    const double side = heatmapSide();
    const double mapWidth = (rect.width() - 2 * kGap) / 3.0;
    const double mapHeight = side + kHeatmapExtraHeight;
    const double top = rect.top() + titleHeight;
    int i = 0;
    for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) {
        // renderPlot rather than AttentionHeatmap::render: it sizes the
        // plot for the painter's DPI (see PlotRender.h).
        renderPlot(*map->plot(), painter, QRectF(rect.left() + i * (mapWidth + kGap), top, mapWidth, mapHeight));
        ++i;
    }
    const double predictionsTop = top + mapHeight + kGap;
    m_predictions->render(painter, QRectF(rect.left(), predictionsTop, rect.width(), rect.bottom() - predictionsTop));
    painter.restore();
}

}  // namespace bertlens::ui
