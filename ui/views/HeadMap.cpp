#include "HeadMap.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

HeadMap::HeadMap(QWidget* parent) : QWidget(parent), m_theme(Theme::normal()) {
    setMouseTracking(true);
    setMinimumSize(260, 220);
}

void HeadMap::setSummary(const HeadsSummaryPtr& summary) {
    m_summary = summary;
    m_hover = -1;
    update();
}

void HeadMap::setTheme(const Theme& theme) {
    m_theme = theme;
    update();
}

void HeadMap::setSelectedHead(int layer, int head) {
    m_selected = {layer, head};
    update();
}

void HeadMap::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

QColor HeadMap::layerColor(int layer) const {
    // Not the ends of the map: its lightest end vanishes on a white page.
    const int layers = m_summary ? m_summary->layers : 1;
    const double t = layers > 1 ? static_cast<double>(layer) / (layers - 1) : 0.5;
    return m_theme.color(0.1 + 0.75 * t);
}

namespace {
QString legendSentence() {
    return QObject::tr("dots: heads (layer:head), placed by MDS of their Jensen\u2013Shannon distances");
}
}  // namespace

double HeadMap::figureHeightForWidth(double width) const {
    const QFontMetricsF tm(m_theme.font(11, true)), lm(m_theme.font(9));
    const double toPoints = 72.0 / std::max(1.0, lm.fontDpi());
    return (tm.height() * 1.4 + lm.height() * 5.0) * toPoints + 12 + 0.75 * width;
}

HeadMap::Layout HeadMap::layout(const QRectF& rect, const QPaintDevice* device, bool forExport) const {
    Layout l;
    const QFontMetricsF tm(m_theme.font(11, true), device);
    const QFontMetricsF lm(m_theme.font(9), device);
    l.title = QRectF(rect.left(), rect.top(), rect.width(), tm.height() * 1.4);
    const int layers = m_summary ? m_summary->layers : 1;
    const double scaleRow = lm.horizontalAdvance(tr("layer 0")) + lm.horizontalAdvance(tr("layer %1").arg(layers - 1)) +
                         std::min(160.0 * m_theme.fontScale, rect.width() / 3) + 30;
    const bool twoLines = forExport && scaleRow + lm.horizontalAdvance(legendSentence()) > rect.width();
    // The sentence wrapped at the figure's width (a journal column takes two lines).
    const double sentenceLines =
        twoLines ? std::ceil(lm.boundingRect(QRectF(0, 0, rect.width(), 1e6), Qt::TextWordWrap, legendSentence()).height() /
                             lm.height())
                 : 0.0;
    const double legend = lm.height() * (twoLines ? 1.4 + 1.2 * sentenceLines : 1.6);
    l.legend = QRectF(rect.left(), rect.bottom() - legend, rect.width(), legend);
    l.plot = QRectF(rect.left(), l.title.bottom() + 4, rect.width(), l.legend.top() - l.title.bottom() - 8);
    if (!m_summary || m_summary->map.empty()) return l;
    const size_t count = m_summary->map.size();
    l.radius = (count > 64 ? 4.5 : 6.0) * m_theme.fontScale;
    double minX = 0, maxX = 0, minY = 0, maxY = 0;
    for (size_t i = 0; i < count; ++i) {
        const auto& p = m_summary->map[i];
        if (i == 0 || p[0] < minX) minX = p[0];
        if (i == 0 || p[0] > maxX) maxX = p[0];
        if (i == 0 || p[1] < minY) minY = p[1];
        if (i == 0 || p[1] > maxY) maxY = p[1];
    }
    // One scale for both axes (distances are what the map shows), with room
    // at the edges for dots and labels.
    const QRectF inner =
        l.plot.adjusted(l.radius + lm.horizontalAdvance(QStringLiteral("00:00")) * 0.6, l.radius + lm.height(),
                        -l.radius - lm.horizontalAdvance(QStringLiteral("00:00")) * 0.6, -l.radius - lm.height());
    const double spanX = maxX - minX, spanY = maxY - minY;
    const double scale = spanX <= 1e-12 && spanY <= 1e-12 ? 0.0
                                                          : std::min(spanX > 1e-12 ? inner.width() / spanX : 1e300,
                                                                     spanY > 1e-12 ? inner.height() / spanY : 1e300);
    const QPointF centre = inner.center();
    const double midX = (minX + maxX) / 2, midY = (minY + maxY) / 2;
    for (const auto& p : m_summary->map) {
        // Up is +y, as on paper.
        l.dots.emplace_back(centre.x() + (p[0] - midX) * scale, centre.y() - (p[1] - midY) * scale);
    }
    return l;
}

std::vector<LabelPlacement> HeadMap::labels(const Layout& l, const QPaintDevice* device, bool forExport) const {
    const QFontMetricsF fm(m_theme.font(forExport ? 9.0 : 8.5), device);
    std::vector<QSizeF> sizes;
    for (size_t i = 0; i < l.dots.size(); ++i) {
        const int layer = static_cast<int>(i) / m_summary->heads, head = static_cast<int>(i) % m_summary->heads;
        sizes.emplace_back(fm.horizontalAdvance(QStringLiteral("%1:%2").arg(layer).arg(head)) + 2, fm.height());
    }
    std::vector<LabelPlacement> placed = placeLabels(l.dots, sizes, l.radius, l.plot);
    for (size_t i = 0; i < placed.size(); ++i) {
        // A label pushed far from its dot would seem to name another one.
        const QRectF& r = placed[i].rect;
        const double dx = std::max({r.left() - l.dots[i].x(), 0.0, l.dots[i].x() - r.right()});
        const double dy = std::max({r.top() - l.dots[i].y(), 0.0, l.dots[i].y() - r.bottom()});
        if (std::hypot(dx, dy) > l.radius + 3 + 0.5 * r.height()) placed[i].clean = false;
    }
    return placed;
}

void HeadMap::paint(QPainter& painter, const QRectF& rect, bool forExport) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(m_theme.foreground);
    const Layout l = layout(rect, painter.device(), forExport);
    const QFont titleFont = m_theme.font(11, true);
    painter.setFont(titleFont);
    painter.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(titleFont, painter.device())
                         .elidedText(tr("Heads that attend alike lie close"), Qt::ElideRight, l.title.width()));
    if (l.dots.empty()) {
        painter.setFont(m_theme.font(11));
        painter.drawText(l.plot, Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder.isEmpty() ? tr("No map yet") : m_placeholder);
        painter.restore();
        return;
    }
    painter.setPen(QPen(QColor(0xc8, 0xc8, 0xc8), 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(l.plot);

    const int heads = m_summary->heads;
    const QFont labelFont = m_theme.font(forExport ? 9.0 : 8.5);
    painter.setFont(labelFont);
    const std::vector<LabelPlacement> placed = labels(l, painter.device(), forExport);
    for (size_t i = 0; i < l.dots.size(); ++i) {
        if (!placed[i].clean) continue;
        painter.setPen(m_theme.foreground);
        const int layer = static_cast<int>(i) / heads, head = static_cast<int>(i) % heads;
        painter.drawText(placed[i].rect, Qt::AlignCenter, QStringLiteral("%1:%2").arg(layer).arg(head));
    }
    for (size_t i = 0; i < l.dots.size(); ++i) {
        painter.setPen(QPen(m_theme.foreground, 0.8 * m_theme.fontScale));
        painter.setBrush(layerColor(static_cast<int>(i) / heads));
        painter.drawEllipse(l.dots[i], l.radius, l.radius);
    }
    if (!forExport) {
        painter.setBrush(Qt::NoBrush);
        if (m_hover >= 0) {
            painter.setPen(QPen(m_theme.foreground, 1, Qt::DashLine));
            painter.drawEllipse(l.dots[static_cast<size_t>(m_hover)], l.radius * 2, l.radius * 2);
        }
        const int selected = m_selected.x() * heads + m_selected.y();
        if (m_selected.x() >= 0 && m_selected.y() >= 0 && m_selected.y() < heads &&
            selected < static_cast<int>(l.dots.size())) {
            painter.setPen(QPen(m_theme.accent, 3.0 * m_theme.fontScale));
            painter.drawEllipse(l.dots[static_cast<size_t>(selected)], l.radius * 1.9, l.radius * 1.9);
        }
    }

    // Legend: what the colours mean.
    const QFontMetricsF lm(m_theme.font(9), painter.device());
    painter.setFont(m_theme.font(9));
    painter.setPen(m_theme.foreground);
    const QString first = tr("layer 0"), last = tr("layer %1").arg(m_summary->layers - 1);
    const double barWidth = std::min(160.0 * m_theme.fontScale, l.legend.width() / 3);
    // The sentence on a second line when the legend is two lines tall.
    const bool twoLines = l.legend.height() > lm.height() * 2.0;
    const QRectF scaleRow(l.legend.left(), l.legend.top(), l.legend.width(), twoLines ? lm.height() * 1.4 : l.legend.height());
    double x = l.legend.left();
    const double y = scaleRow.center().y();
    painter.drawText(QRectF(x, scaleRow.top(), lm.horizontalAdvance(first) + 4, scaleRow.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, first);
    x += lm.horizontalAdvance(first) + 8;
    const QRectF bar(x, y - lm.height() * 0.3, barWidth, lm.height() * 0.6);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 10; ++i) gradient.setColorAt(i / 10.0, m_theme.color(0.1 + 0.075 * i));
    painter.fillRect(bar, gradient);
    x = bar.right() + 6;
    painter.drawText(QRectF(x, scaleRow.top(), lm.horizontalAdvance(last) + 4, scaleRow.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, last);
    x += lm.horizontalAdvance(last) + 16;
    if (twoLines) {
        painter.drawText(QRectF(l.legend.left(), scaleRow.bottom(), l.legend.width(), l.legend.bottom() - scaleRow.bottom()),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, legendSentence());
    } else {
        const QRectF sentence(x, l.legend.top(), l.legend.right() - x, l.legend.height());
        painter.drawText(sentence, Qt::AlignLeft | Qt::AlignVCenter,
                         lm.elidedText(legendSentence(), Qt::ElideRight, sentence.width()));
    }
    painter.restore();
}

void HeadMap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.background);
    paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), false);
}

QPointF HeadMap::dotPosition(int layer, int head) const {
    const Layout l = layout(QRectF(rect()).adjusted(4, 4, -4, -4), this);
    if (!m_summary) return {-1, -1};
    const int i = layer * m_summary->heads + head;
    if (layer < 0 || head < 0 || head >= m_summary->heads || i >= static_cast<int>(l.dots.size())) return {-1, -1};
    return l.dots[static_cast<size_t>(i)];
}

int HeadMap::labelledCount() const {
    const Layout l = layout(QRectF(rect()).adjusted(4, 4, -4, -4), this);
    if (l.dots.empty()) return 0;
    const auto placed = labels(l, this);
    return static_cast<int>(
        std::count_if(placed.begin(), placed.end(), [](const LabelPlacement& p) { return p.clean; }));
}

int HeadMap::headAt(const QPoint& pos) const {
    const Layout l = layout(QRectF(rect()).adjusted(4, 4, -4, -4), this);
    int best = -1;
    double bestDistance = std::max(l.radius * 2.0, 8.0);  // a little slack around small dots
    for (size_t i = 0; i < l.dots.size(); ++i) {
        const double d = std::hypot(l.dots[i].x() - pos.x(), l.dots[i].y() - pos.y());
        if (d <= bestDistance) {
            bestDistance = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

void HeadMap::mouseMoveEvent(QMouseEvent* event) {
    const int hover = headAt(event->position().toPoint());
    if (hover == m_hover) return;
    m_hover = hover;
    update();
    if (hover < 0) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(
        event->globalPosition().toPoint(),
        tr("layer %1, head %2 (click to open it)").arg(hover / m_summary->heads).arg(hover % m_summary->heads), this);
}

void HeadMap::mouseReleaseEvent(QMouseEvent* event) {
    const int hit = headAt(event->position().toPoint());
    if (hit >= 0 && event->button() == Qt::LeftButton) emit headClicked(hit / m_summary->heads, hit % m_summary->heads);
}

void HeadMap::leaveEvent(QEvent*) {
    m_hover = -1;
    update();
}

}  // namespace bertlens::ui
