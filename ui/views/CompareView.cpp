#include "CompareView.h"

#include "AttentionHeatmap.h"
#include "PredictionChart.h"
#include "PredictionsView.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include "Errors.h"

#include <QComboBox>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace bertlens::ui {

namespace {

constexpr size_t kTopWords = 5;               // per panel: two runs side by side need less than the predictions view
constexpr double kGap = 12.0;

}  // namespace

CompareView::CompareView(QWidget* parent)
    : FigureView(parent),
      m_bidirectional(new AttentionHeatmap(this)),
      m_causal(new AttentionHeatmap(this)),
      m_difference(new AttentionHeatmap(this)),
      m_predictions(new PredictionChart),
      m_predictionsArea(new QScrollArea(this)),
      m_title(new QLabel(this)),
      m_hover(new QLabel(this)),
      m_partnerChoice(new QComboBox(this)),
      m_partnerNote(new QLabel(this)),
      m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* choice = new QHBoxLayout;
    m_besideLabel = new QLabel(tr("Beside BERT:"), this);
    choice->addWidget(m_besideLabel);
    for (const QString& name : partnerNames()) {
        ComparePartner p = ComparePartner::OwnMask;
        parsePartner(name, p);
        m_partnerChoice->addItem(partnerMenuText(p), name);
    }
    m_partnerChoice->setCurrentIndex(m_partnerChoice->findData(partnerName(m_partner)));
    m_partnerChoice->setToolTip(tr("What stands beside BERT: its own weights under a left-to-right mask, or models "
                                   "trained in one direction on the same text with the same budget"));
    connect(m_partnerChoice, &QComboBox::currentIndexChanged, this, [this](int index) {
        ComparePartner p = m_partner;
        if (parsePartner(m_partnerChoice->itemData(index).toString(), p)) setPartner(p);
    });
    m_besideLabel->setBuddy(m_partnerChoice);
    choice->addWidget(m_partnerChoice);
    choice->addWidget(m_partnerNote, 1);
    m_partnerNote->setWordWrap(true);
    layout->addLayout(choice);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setTextFormat(Qt::PlainText);
    // One line, its font fitted to the width (fitTitle); wrapping only when even the smallest size is too wide.
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_title);
    auto* maps = new QHBoxLayout;
    for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) {
        maps->addWidget(map);
        map->setHoverLineVisible(false);
        connect(map, &AttentionHeatmap::cellHovered, this,
                [this, map](int row, int column) { showHover(map, row, column); });
    }
    layout->addLayout(maps, 2);  // the maps matter most; the bars need less height
    m_hover->setTextFormat(Qt::PlainText);
    m_hover->setAlignment(Qt::AlignCenter);
    m_hover->setWordWrap(true);
    m_hover->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_hover);
    // The bars keep the height their rows need and scroll within their
    // share, rather than squeeze ten words into a few pixels (presentation mode).
    m_predictionsArea->setWidget(m_predictions);
    m_predictionsArea->setWidgetResizable(true);
    m_predictionsArea->setFrameShape(QFrame::NoFrame);
    m_predictionsArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_predictionsArea, 1);
    m_difference->setScale(AttentionHeatmap::Scale::Difference);
    m_difference->setValueName(tr("difference"));
    refresh();
}

void CompareView::resizeEvent(QResizeEvent* event) {
    FigureView::resizeEvent(event);
    fitTitle();
}

void CompareView::fitTitle() {
    // The theme's title size, down to 60% of it, so the title keeps to one line.
    const QFont full = m_theme.font(12, true);
    QFont font = full;
    const double advance = QFontMetricsF(font).horizontalAdvance(m_title->text());
    const double room = std::max(100, width() - 16);
    const bool fits = advance <= room || advance <= 0;
    if (!fits) font.setPointSizeF(std::max(0.6 * full.pointSizeF(), full.pointSizeF() * room / advance));
    m_title->setFont(font);
    m_title->setWordWrap(QFontMetricsF(font).horizontalAdvance(m_title->text()) > room);
}

QString CompareView::hoverLine() const {
    return m_hover->text();
}

void CompareView::showHover(const AttentionHeatmap* map, int row, int column) {
    if (row >= 0 && column >= 0) {
        m_hover->setText(map->hoverText(row, column));
        return;
    }
    // One hint for the three maps: what to do, and what grey means when a map has it.
    QString hint = tr("Point at a cell to read its weight.");
    if (m_causal->rows() > 0) hint += QLatin1Char(' ') + tr("Grey: hidden by the mask.");
    m_hover->setText(m_bidirectional->rows() > 0 ? hint : QString());
}

void CompareView::setPartner(ComparePartner partner) {
    if (partner == m_partner) return;
    m_partner = partner;
    const QSignalBlocker blocker(m_partnerChoice);
    m_partnerChoice->setCurrentIndex(m_partnerChoice->findData(partnerName(partner)));
    refresh();
}

ComparePartner CompareView::shownPartner() const {
    return m_result ? availablePartner(*m_result, m_partner) : ComparePartner::OwnMask;
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
    m_predictions->setMinimumHeight(static_cast<int>(predictionsHeight(2)));
    m_hover->setFont(theme.font(10));
    fitTitle();
    for (QWidget* w : std::initializer_list<QWidget*>{m_besideLabel, m_partnerChoice, m_partnerNote})
        w->setFont(theme.font(10));
    update();
}

double CompareView::meanLaterShare() const {
    const auto& s = m_comparison.laterShare;
    return s.empty() ? 0.0 : std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
}

QString CompareView::title() const {
    if (!m_result || m_comparison.laterShare.empty()) return tr("Bidirectional vs left-to-right");
    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    const ComparePartner shown = shownPartner();
    if (shown == ComparePartner::Shallow) {
        return tr("BERT vs two one-way twins combined (ELMo-style), %1: each twin sees one side only; "
                  "only their guesses are joined")
            .arg(selectionName(s));
    }
    // The one number a class should take away: how much of BERT's attention
    // goes to words the one-way reader cannot see.
    if (shown == ComparePartner::RightToLeftTwin) {
        const RowMatrix& bi = m_comparison.bidirectional;
        double earlier = 0.0;
        for (Eigen::Index q = 1; q < bi.rows(); ++q) earlier += bi.row(q).head(q).sum();
        return tr("BERT vs %1, %2: %3% of BERT's attention goes to earlier words, which right-to-left cannot see")
            .arg(partnerShortName(shown), selectionName(s))
            .arg(100.0 * earlier / double(std::max<Eigen::Index>(1, bi.rows())), 0, 'f', 0);
    }
    return tr("BERT vs %1, %2: %3% of BERT's attention goes to later words, which left-to-right cannot see")
        .arg(partnerShortName(shown), selectionName(s))
        .arg(100.0 * meanLaterShare(), 0, 'f', 0);
}

void CompareView::refresh() {
    refreshContent();
    m_predictions->setMinimumHeight(static_cast<int>(predictionsHeight(2)));
}

void CompareView::refreshContent() {
    m_comparison = MaskComparison();
    if (!m_result || m_result->bidirectional.layers == 0) {
        for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) map->clear();
        m_bidirectional->setTitle(tr("No analysis yet"));
        m_causal->setTitle(QString());
        m_difference->setTitle(QString());
        m_predictions->setMessage(predictionsMessage(nullptr, nullptr));
        m_title->setText(title());
        fitTitle();
        showHover(nullptr, -1, -1);
        update();
        return;
    }
    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    const ComparePartner shown = shownPartner();
    m_partnerNote->setText(partnerMissingNote(*m_result, m_partner));
    const Analysis& partner = shown == ComparePartner::OwnMask           ? m_result->causal
                              : shown == ComparePartner::RightToLeftTwin ? m_result->rightToLeft
                                                                         : m_result->leftToRight;
    // The third map: for BERT under its own mask, the difference (same
    // weights, so head h is the same head on both sides); beside a twin, the
    // other twin — a difference between two models' heads would compare
    // heads that have nothing to do with each other.
    const Analysis* third = nullptr;
    if (shown == ComparePartner::LeftToRightTwin || shown == ComparePartner::Shallow) {
        if (m_result->hasRightToLeftTwin()) third = &m_result->rightToLeft;
    } else if (shown == ComparePartner::RightToLeftTwin && m_result->hasLeftToRightTwin()) {
        third = &m_result->leftToRight;
    }
    const int head = s.averageHeads ? kMeanOfHeads : s.head;
    try {
        m_comparison = compareMasks(m_result->bidirectional, partner, s.layer, head);
        if (third) m_comparison.difference = attentionMap(*third, s.layer, head);
    } catch (const Error& e) {
        for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) map->clear();
        m_bidirectional->setTitle(QString::fromStdString(e.what()));
        m_predictions->setMessage(QString());
        update();
        return;
    }
    const QStringList labels = tokenLabels(m_result.get());
    const auto& masks = m_result->bidirectional.predictions;
    for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference})
        map->setAnchorToken(masks.empty() ? -1 : masks.front().position);
    m_bidirectional->setMatrix(m_comparison.bidirectional, labels, labels);
    m_causal->setMatrix(m_comparison.causal, labels, labels);
    m_bidirectional->setTitle(tr("BERT (bidirectional)"));
    // The map's title must fit a third of the screen; the full partner label is under the map.
    m_causal->setTitle(partnerMapTitle(shown));
    m_causal->setHint(partnerHint(shown));
    m_causal->setHiddenBy(shown == ComparePartner::RightToLeftTwin ? MaskMode::AntiCausal : MaskMode::Causal);
    if (shown == ComparePartner::OwnMask) {
        m_difference->setScale(AttentionHeatmap::Scale::Difference);
        m_difference->setValueName(tr("difference"));
        m_difference->setHiddenBy(MaskMode::Bidirectional);
        m_difference->setMatrix(m_comparison.difference, labels, labels);
        // Short enough for a third of a projector screen at presentation size.
        m_difference->setTitle(tr("BERT \u2212 its mask"));
        m_difference->setHint(QString());
    } else if (third) {
        const bool rightToLeft = third == &m_result->rightToLeft;
        m_difference->setScale(AttentionHeatmap::Scale::Probability);
        m_difference->setValueName(tr("weight"));
        m_difference->setHiddenBy(rightToLeft ? MaskMode::AntiCausal : MaskMode::Causal);
        m_difference->setMatrix(m_comparison.difference, labels, labels);
        const ComparePartner other = rightToLeft ? ComparePartner::RightToLeftTwin : ComparePartner::LeftToRightTwin;
        m_difference->setTitle(partnerMapTitle(other));
        m_difference->setHint(partnerHint(other));
    } else {
        m_difference->clear();
        m_difference->setTitle(tr("No other twin"));
    }
    m_title->setText(title());
    fitTitle();
    showHover(nullptr, -1, -1);

    // Predictions: for each [MASK], the bidirectional run's words beside the causal run's.
    const QString message = predictionsMessage(m_result.get(), &m_result->bidirectional);
    if (!message.isEmpty()) {
        m_predictions->setMessage(message);
    } else {
        Analysis shallow;  // the combined guesses, shown like a run's
        if (shown == ComparePartner::Shallow) {
            shallow.tokens = m_result->bidirectional.tokens;
            shallow.predictions = m_result->shallow;
        }
        const Analysis& other = shown == ComparePartner::Shallow ? shallow : partner;
        std::vector<PredictionPanel> bi = predictionPanels(*m_result, m_result->bidirectional);
        std::vector<PredictionPanel> side = predictionPanels(*m_result, other);
        std::vector<PredictionPanel> panels;
        // Paired by position: a one-way model has no guess where it has no neighbour.
        for (size_t i = 0, j = 0; i < bi.size() && j < side.size();) {
            const int a = m_result->bidirectional.predictions[i].position, b = other.predictions[j].position;
            if (a != b) {
                (a < b ? i : j) += 1;
                continue;
            }
            for (auto [panel, mode] : {std::pair{&bi[i], tr("BERT")}, std::pair{&side[j], partnerShortName(shown)}}) {
                if (panel->top.size() > kTopWords) panel->top.resize(kTopWords);
                panel->title = QStringLiteral("%1: %2").arg(mode, panel->title);
                panels.push_back(*panel);
            }
            ++i;
            ++j;
        }
        m_predictions->setPanels(panels, 2);
    }
    m_predictions->setTitle(QString());
    update();
}

QSizeF CompareView::figureSize() const {
    // Three maps side by side, each at the size where every label fits.
    QSizeF map(0, 0);
    for (const AttentionHeatmap* m : {m_bidirectional, m_causal, m_difference}) map = map.expandedTo(m->figureSize());
    const double width = 3 * map.width() + 2 * kGap;
    return QSizeF(width, titleHeight(width) + map.height() + kGap + predictionsHeight(2));
}

int CompareView::mapColumnsAt(double width) const {
    // As many maps a row as fit at their narrowest (each then picks its own
    // layout for the width it gets), 1 to 3.
    double map = 0.0;
    for (const AttentionHeatmap* m : {m_bidirectional, m_causal, m_difference})
        map = std::max(map, m->minimumFigureWidth());
    return std::clamp(static_cast<int>((width + kGap + 0.5) / (map + kGap)), 1, 3);
}

bool CompareView::stackedAt(double width) const {
    return mapColumnsAt(width) < 3;
}

double CompareView::minimumFigureWidth() const {
    double map = 0.0;
    for (const AttentionHeatmap* m : {m_bidirectional, m_causal, m_difference})
        map = std::max(map, m->minimumFigureWidth());
    return std::max(map, PredictionChart::minimumWidth(m_theme.fontScale));
}

double CompareView::mapWidthAt(double width) const {
    const int columns = mapColumnsAt(width);
    return (width - (columns - 1) * kGap) / columns;
}

double CompareView::mapRowHeight(double mapWidth) const {
    double height = 0.0;
    for (const AttentionHeatmap* m : {m_bidirectional, m_causal, m_difference})
        height = std::max(height, m->figureHeightForWidth(mapWidth));
    return height;
}

double CompareView::figureHeightForWidth(double width) const {
    const int columns = mapColumnsAt(width);
    const int rows = (3 + columns - 1) / columns;
    const double maps = rows * (mapRowHeight(mapWidthAt(width)) + kGap);
    // One column of predictions under a single column of maps; each panel's title may take two lines there.
    const int panels = columns == 1 ? 1 : 2;
    const double titles =
        columns == 1 ? PredictionChart::titleLineHeight(m_theme.fontScale) * m_predictions->panels().size() : 0.0;
    return titleHeight(width) + maps + predictionsHeight(panels) + titles;
}

double CompareView::predictionsHeight(int columns) const {
    double height = PredictionChart::titleHeight(m_theme.fontScale);
    const auto& panels = m_predictions->panels();
    if (panels.empty()) return height + 120.0 * m_theme.fontScale;
    for (size_t i = 0; i < panels.size(); i += static_cast<size_t>(columns))  // `columns` panels a row
        height += PredictionChart::panelHeight(static_cast<int>(panels[i].top.size()), m_theme.fontScale);
    return height;
}

double CompareView::titleHeight(double width) const {
    // Larger than the maps' own titles (13 points, AttentionHeatmap::render),
    // wrapped at the figure's width, with half a line of air under it.
    const QFont font = m_theme.font(14, true);
    const QFontMetricsF metrics(font);
    const double toPoints = 72.0 / std::max(1.0, metrics.fontDpi());
    const QRectF box = metrics.boundingRect(QRectF(0, 0, width / toPoints, 1e6), Qt::TextWordWrap, title());
    return std::max(44.0 * m_theme.fontScale, (box.height() + 0.5 * metrics.height()) * toPoints);
}

void CompareView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    const double titleHeight = this->titleHeight(rect.width());
    painter.setFont(m_theme.font(14, true));
    painter.setPen(m_theme.foreground);
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), titleHeight), Qt::AlignCenter | Qt::TextWordWrap,
                     title());
    double top = rect.top() + titleHeight;
    // Three maps a row when they fit; else rows of two or one (bidirectional first).
    const int columns = mapColumnsAt(rect.width());
    const double mapWidth = mapWidthAt(rect.width()), mapHeight = mapRowHeight(mapWidth);
    int i = 0;
    for (AttentionHeatmap* map : {m_bidirectional, m_causal, m_difference}) {
        const int row = i / columns, column = i % columns;
        // render() lays the map out again at the figure's size with every token labelled.
        map->render(painter, QRectF(rect.left() + column * (mapWidth + kGap), top + row * (mapHeight + kGap), mapWidth,
                                    mapHeight));
        ++i;
    }
    top += ((3 + columns - 1) / columns) * (mapHeight + kGap);
    const bool stacked = columns == 1;
    // A column of its own for each [MASK]'s pair of panels when the figure is narrow.
    const std::vector<PredictionPanel> panels = m_predictions->panels();
    if (stacked && !panels.empty()) m_predictions->setPanels(panels, 1);
    m_predictions->render(painter, QRectF(rect.left(), top, rect.width(), std::max(0.0, rect.bottom() - top)));
    if (stacked && !panels.empty()) m_predictions->setPanels(panels, 2);
    painter.restore();
}

}  // namespace bertlens::ui
