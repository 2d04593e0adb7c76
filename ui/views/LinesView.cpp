#include "LinesView.h"

#include "HeadChips.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>

namespace bertlens::ui {

namespace {

double labelPoints(int n) {
    return n > 40 ? 7.0 : (n > 24 ? 8.5 : 10.0);
}

}  // namespace

LinesView::LinesView(QWidget* parent) : FigureView(parent), m_chips(new HeadChips(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_chips);
    layout->addStretch(1);  // the lines are painted below the chips
    setMouseTracking(true);
    setMinimumSize(320, 240);
    connect(m_chips, &HeadChips::checkedChanged, this, [this](const std::vector<int>& heads) {
        m_heads = heads;
        rebuildMaps();
    });
    rebuildMaps();
}

void LinesView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    m_labels = tokenLabels(result.get());
    m_chips->setHeadCount(result ? result->bidirectional.heads : 0);
    if (m_heads.empty()) m_heads = {m_selection.averageHeads ? kMeanHead : m_selection.head};
    if (result) {
        // A model with fewer heads than the last one: keep the heads it has.
        const int heads = result->bidirectional.heads;
        m_heads.erase(std::remove_if(m_heads.begin(), m_heads.end(), [heads](int h) { return h >= heads; }),
                      m_heads.end());
    }
    m_chips->setChecked(m_heads);
    if (m_hoverIndex >= tokenCount()) m_hoverSide = Side::None;
    rebuildMaps();
}

void LinesView::setSelection(const Selection& selection) {
    const bool headChanged = selection.head != m_selection.head || selection.averageHeads != m_selection.averageHeads;
    m_selection = selection;
    if (headChanged) {
        m_heads = {selection.averageHeads ? kMeanHead : selection.head};
        m_chips->setChecked(m_heads);
        m_heads = m_chips->checked();  // drops a head the model does not have
    }
    rebuildMaps();
}

void LinesView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_chips->setTheme(theme);
    invalidate();
}

void LinesView::setShownHeads(const std::vector<int>& heads) {
    m_chips->setChecked(heads);
    m_heads = m_chips->checked();
    rebuildMaps();
}

void LinesView::setHoverToken(Side side, int index) {
    if (index < 0 || index >= tokenCount()) side = Side::None;
    if (side == m_hoverSide && (side == Side::None || index == m_hoverIndex)) return;
    m_hoverSide = side;
    m_hoverIndex = side == Side::None ? -1 : index;
    update();
}

bool LinesView::lineShown(int i, int query, int key) const {
    if (i < 0 || i >= mapCount() || query < 0 || key < 0 || query >= tokenCount() || key >= tokenCount()) return false;
    const float w = m_maps[static_cast<size_t>(i)](query, key);
    if (w < kMinWeight) return false;
    switch (m_hoverSide) {
        case Side::None:
            return w >= m_thresholds[static_cast<size_t>(i)];
        case Side::Query:
            return query == m_hoverIndex;
        case Side::Key:
            return key == m_hoverIndex;
    }
    return true;
}

void LinesView::rebuildMaps() {
    m_maps.clear();
    if (m_result) {
        const Analysis& a = m_result->analysis(m_selection.maskMode);
        for (int h : m_heads) {
            Selection s = m_selection;
            s.averageHeads = h == kMeanHead;
            if (h != kMeanHead) s.head = h;
            m_maps.push_back(selectedAttention(a, s));
        }
    }
    // Past the budget, each head keeps its strongest lines: the threshold is
    // the weight of its (budget / heads)-th strongest line.
    m_thresholds.assign(m_maps.size(), kMinWeight);
    const size_t perMap = m_maps.empty() ? 0 : static_cast<size_t>(std::max(m_lineBudget, 1)) / m_maps.size();
    for (size_t i = 0; i < m_maps.size(); ++i) {
        std::vector<float> weights;
        const RowMatrix& m = m_maps[i];
        for (Eigen::Index j = 0; j < m.size(); ++j) {
            if (m.data()[j] >= kMinWeight) weights.push_back(m.data()[j]);
        }
        if (perMap == 0 || weights.size() <= perMap) continue;
        std::nth_element(weights.begin(), weights.begin() + static_cast<std::ptrdiff_t>(perMap - 1), weights.end(),
                         std::greater<float>());
        m_thresholds[i] = weights[perMap - 1];
    }
    invalidate();
}

bool LinesView::linesCapped() const {
    return std::any_of(m_thresholds.begin(), m_thresholds.end(), [](float t) { return t > kMinWeight; });
}

void LinesView::setLineBudget(int lines) {
    m_lineBudget = std::max(lines, 1);
    rebuildMaps();
}

QString LinesView::title() const {
    const Analysis* a = m_result ? &m_result->analysis(m_selection.maskMode) : nullptr;
    const int layer = a ? clampedSelection(*a, m_selection).layer : m_selection.layer;
    QStringList heads;
    for (int h : m_heads) heads << (h == kMeanHead ? tr("mean of heads") : QString::number(h));
    const QString which =
        m_heads.size() == 1 && m_heads[0] == kMeanHead
            ? tr("layer %1, all heads averaged").arg(layer)
            : tr("layer %1, head%2 %3").arg(layer).arg(m_heads.size() > 1 ? "s" : "", heads.join(", "));
    return tr("Attention lines, %1 (%2)").arg(which, maskModeTitle(m_selection.maskMode));
}

LinesView::Layout LinesView::layoutFor(const QRectF& rect, const QPaintDevice* device) const {
    Layout l;
    const int n = std::max(tokenCount(), 1);
    l.titleFont = m_theme.font(11, true);
    l.labelFont = m_theme.font(labelPoints(n));
    const QFontMetricsF tm(l.titleFont, device);
    const QFontMetricsF lm(l.labelFont, device);
    l.title = QRectF(rect.left(), rect.top(), rect.width(), tm.height() * 1.3);
    for (const QString& label : m_labels) l.labelWidth = std::max(l.labelWidth, lm.horizontalAdvance(label));
    l.labelWidth = std::min(l.labelWidth, rect.width() * 0.3);
    const double pad = lm.height() * 0.5;
    // Lines much longer than they are tall all look flat: on a wide window
    // the two columns stay at most ~40 label heights apart, centred.
    const double span = std::clamp(rect.width() - 2 * (l.labelWidth + pad), 1.0, 40.0 * lm.height());
    const double width = 2 * (l.labelWidth + pad) + span;
    l.content = QRectF(rect.left() + (rect.width() - width) / 2, rect.top(), width, rect.height());
    l.leftX = l.content.left() + l.labelWidth + pad;
    l.rightX = l.content.right() - l.labelWidth - pad;

    const double header = lm.height() * 1.6;  // the "from" / "to" column heads
    const double legendHeight = lm.height() * 1.6;
    const double rowsTop = l.title.bottom() + header;
    const double available = std::max(rect.bottom() - legendHeight - rowsTop, 1.0);
    l.row = std::min(available / n, lm.height() * 2.2);
    l.top = rowsTop + l.row / 2;
    // The legend right under the last row, not at the far bottom of a tall window.
    l.legend = QRectF(l.content.left(), rowsTop + n * l.row + lm.height() * 0.3, l.content.width(), legendHeight);
    return l;
}

void LinesView::paint(QPainter& painter, const QRectF& rect, bool forExport) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const Layout l = layoutFor(rect, painter.device());
    const QColor fg = m_theme.foreground;
    painter.setPen(fg);
    // A long title (several heads) shrinks to fit, then is elided.
    QFont titleFont = l.titleFont;
    const QString titleText = m_result ? title() : tr("No analysis yet");
    for (int i = 0; i < 4 && QFontMetricsF(titleFont, painter.device()).horizontalAdvance(titleText) > l.title.width();
         ++i)
        titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    painter.setFont(titleFont);
    painter.drawText(l.title, Qt::AlignHCenter | Qt::AlignVCenter,
                     QFontMetricsF(titleFont, painter.device()).elidedText(titleText, Qt::ElideRight, l.title.width()));
    if (!m_result) {
        painter.restore();
        return;
    }
    const int n = tokenCount();
    painter.setFont(l.labelFont);
    const QFontMetricsF lm(l.labelFont, painter.device());
    const double headerY = l.title.bottom();
    const double gap = lm.height() * 0.25;
    QFont italic = l.labelFont;
    italic.setItalic(true);
    painter.setFont(italic);
    // Column heads over the labels' inner edges, shifted inwards when a head
    // is wider than its column of short words.
    const QFontMetricsF im(italic, painter.device());
    const QString from = tr("from (query)"), to = tr("to (key)");
    const double fromLeft = std::max(l.content.left(), l.leftX - im.horizontalAdvance(from));
    const double toRight = std::min(l.content.right(), l.rightX + gap + im.horizontalAdvance(to));
    painter.drawText(QRectF(fromLeft, headerY, im.horizontalAdvance(from) + 1, lm.height() * 1.4),
                     Qt::AlignLeft | Qt::AlignVCenter, from);
    painter.drawText(
        QRectF(toRight - im.horizontalAdvance(to) - 1, headerY, im.horizontalAdvance(to) + 1, lm.height() * 1.4),
        Qt::AlignLeft | Qt::AlignVCenter, to);
    painter.setFont(l.labelFont);

    const Side hoverSide = forExport ? Side::None : m_hoverSide;
    const int hover = forExport ? -1 : m_hoverIndex;
    const double lineWidth = 1.4 * m_theme.fontScale;
    if (m_heads.empty()) {
        painter.drawText(QRectF(l.leftX, l.top, l.rightX - l.leftX, l.row * 3), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Pick a head above to draw its lines."));
    }
    for (int i = 0; i < mapCount(); ++i) {
        const RowMatrix& m = m_maps[static_cast<size_t>(i)];
        const float threshold = hoverSide == Side::None ? m_thresholds[static_cast<size_t>(i)] : kMinWeight;
        QColor c = headColor(i);
        for (int q = 0; q < n; ++q) {
            if (hoverSide == Side::Query && q != hover) continue;
            for (int k = 0; k < n; ++k) {
                if (hoverSide == Side::Key && k != hover) continue;
                const float w = m(q, k);
                if (w < threshold) continue;
                // Width and opacity both follow the weight, so the strongest
                // lines read from the back of a room and the faint ones recede.
                const double weight = std::clamp(static_cast<double>(w), 0.0, 1.0);
                c.setAlphaF(std::clamp(0.12 + 0.88 * weight, 0.0, 1.0));
                // Flat caps: round ones cost four times as much to stroke
                // (measured), and the ends sit beside the labels anyway.
                painter.setPen(QPen(c, lineWidthFor(weight, m_theme), headPenStyle(i), Qt::FlatCap));
                painter.drawLine(QPointF(l.leftX + gap, l.top + q * l.row), QPointF(l.rightX - gap, l.top + k * l.row));
            }
        }
    }

    // Token labels, the hovered one on an accent background.
    // Rows tighter than a line of text: label every step-th token (and the hovered one).
    const int step = std::max(1, static_cast<int>(std::ceil(lm.height() * 0.9 / std::max(l.row, 1e-6))));
    for (int side = 0; side < 2; ++side) {
        for (int i = 0; i < n; ++i) {
            if (i % step != 0 && i != hover) continue;
            const QString text = lm.elidedText(m_labels[i], Qt::ElideRight, l.labelWidth);
            // At least a line of text tall, even where rows are tighter (drawText clips to the box).
            const double h = std::max(l.row, lm.height());
            const double y = l.top + i * l.row - h / 2;
            const QRectF box =
                side == 0 ? QRectF(l.content.left(), y, l.labelWidth, h) : QRectF(l.rightX + gap, y, l.labelWidth, h);
            const bool hovered = hover == i && ((side == 0) == (hoverSide == Side::Query)) && hoverSide != Side::None;
            if (hovered) {
                const double w = lm.horizontalAdvance(text) + gap * 2;
                const QRectF back(side == 0 ? box.right() - w + gap : box.left() - gap, box.top(), w, box.height());
                painter.setPen(Qt::NoPen);
                painter.setBrush(m_theme.accent);
                painter.drawRoundedRect(back, 3, 3);
            }
            QFont f = l.labelFont;
            f.setBold(hovered);
            painter.setFont(f);
            painter.setPen(hovered ? QColor(Qt::white) : fg);
            painter.drawText(box, (side == 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
        }
    }

    // Legend: one sample line per shown head, in its colour and style.
    painter.setFont(l.labelFont);
    double x = l.legend.left();
    for (int i = 0; i < mapCount(); ++i) {
        const int h = m_heads[static_cast<size_t>(i)];
        const QString name = h == kMeanHead ? tr("mean of heads") : tr("head %1").arg(h);
        const double y = l.legend.center().y();
        painter.setPen(QPen(headColor(i), lineWidth * 2, headPenStyle(i), Qt::FlatCap));
        painter.drawLine(QPointF(x, y), QPointF(x + lm.height() * 1.5, y));
        x += lm.height() * 1.8;
        painter.setPen(fg);
        painter.drawText(QRectF(x, l.legend.top(), lm.horizontalAdvance(name) + 2, l.legend.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        x += lm.horizontalAdvance(name) + lm.height();
    }
    const QString note = linesCapped() && hoverSide == Side::None
                             ? tr("width and opacity = weight; strongest %1 lines").arg(m_lineBudget)
                             : tr("width and opacity = weight");
    painter.setPen(fg);
    painter.drawText(l.legend, Qt::AlignRight | Qt::AlignVCenter, note);
    painter.restore();
}

double LinesView::lineWidthFor(double weight, const Theme& theme) {
    // 0.6 (a trace) to 4.5 points at weight 1, times the theme's scale (presentation: 7.2).
    return theme.fontScale * (0.6 + 3.9 * std::clamp(weight, 0.0, 1.0));
}

QRectF LinesView::canvasRect() const {
    return QRectF(rect()).adjusted(6, m_chips->geometry().bottom() + 6, -6, -6);
}

void LinesView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    if (m_hoverSide != Side::None) {
        // One token's lines: few, drawn directly.
        painter.fillRect(rect(), m_theme.background);
        paint(painter, canvasRect(), false);
        return;
    }
    // Every line: drawn once into a pixmap, reused while the pointer moves.
    const qreal ratio = devicePixelRatioF();
    if (m_cache.isNull() || m_cache.size() != size() * ratio) {
        m_cache = QPixmap(size() * ratio);
        m_cache.setDevicePixelRatio(ratio);
        m_cache.fill(m_theme.background);
        QPainter cache(&m_cache);
        paint(cache, canvasRect(), false);
    }
    painter.drawPixmap(0, 0, m_cache);
}

void LinesView::invalidate() {
    m_cache = QPixmap();
    update();
}

void LinesView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, m_theme.background);
    const double margin = 8.0 * m_theme.fontScale;
    paint(painter, rect.adjusted(margin, margin, -margin, -margin), true);
}

double LinesView::minimumFigureWidth() const {
    const QFontMetricsF lm(m_theme.font(labelPoints(std::max(tokenCount(), 1))));
    double labelWidth = 0;
    for (const QString& label : m_labels) labelWidth = std::max(labelWidth, lm.horizontalAdvance(label));
    // Labels on both sides (pixels of the screen's metrics, in points) and 100 points of lines.
    return std::min(figureSize().width(),
                    (2 * labelWidth) * 72.0 / std::max(1.0, lm.fontDpi()) + 100.0 * m_theme.fontScale);
}

QSizeF LinesView::figureSize() const {
    const int n = std::max(tokenCount(), 1);
    const QFontMetricsF lm(m_theme.font(labelPoints(n)));
    double labelWidth = 0;
    for (const QString& label : m_labels) labelWidth = std::max(labelWidth, lm.horizontalAdvance(label));
    // Points: labels on both sides, at least 260 points of lines between them.
    const double width = std::clamp(2 * labelWidth + 300.0 * m_theme.fontScale, 420.0, 1000.0);
    const double row = (n > 40 ? 12.0 : 18.0) * m_theme.fontScale;
    const double height = std::clamp(90.0 * m_theme.fontScale + row * n, 260.0, 1400.0);
    return QSizeF(width, height);
}

void LinesView::mouseMoveEvent(QMouseEvent* event) {
    const QRectF canvas = canvasRect();
    const Layout l = layoutFor(canvas, this);
    const QPointF p = event->position();
    const int row = l.row > 0 ? static_cast<int>(std::floor((p.y() - (l.top - l.row / 2)) / l.row)) : -1;
    Side side = Side::None;
    if (row >= 0 && row < tokenCount()) {
        if (p.x() < l.leftX) side = Side::Query;
        if (p.x() > l.rightX) side = Side::Key;
    }
    setHoverToken(side, row);
    FigureView::mouseMoveEvent(event);
}

void LinesView::leaveEvent(QEvent* event) {
    setHoverToken(Side::None, -1);
    FigureView::leaveEvent(event);
}

}  // namespace bertlens::ui
