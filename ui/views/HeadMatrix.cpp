#include "HeadMatrix.h"

#include "HeadStatisticKinds.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

// Below this a number in a cell cannot be read from the back of a room.
constexpr double kSmallestValuePoints = 7.0;

QColor textOn(const QColor& c) {
    const double luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
    return luminance < 0.5 ? Qt::white : Qt::black;
}

}  // namespace

HeadMatrix::HeadMatrix(QWidget* parent) : QWidget(parent), m_theme(Theme::normal()) {
    setMouseTracking(true);
    setMinimumSize(260, 180);
}

void HeadMatrix::setSummary(const HeadsSummaryPtr& summary) {
    m_summary = summary && !summary->statistics.empty() ? summary : nullptr;
    m_hover = {-1, -1};
    update();
}

void HeadMatrix::setKind(int kind) {
    m_kind = std::clamp(kind, 0, static_cast<int>(headStatisticKinds().size()) - 1);
    update();
}

void HeadMatrix::setTheme(const Theme& theme) {
    m_theme = theme;
    update();
}

void HeadMatrix::setSelectedHead(int layer, int head) {
    m_selected = {layer, head};
    update();
}

double HeadMatrix::scaleTop() const {
    if (!m_summary) return 1.0;
    return statisticScaleTop(headStatisticKinds()[static_cast<size_t>(m_kind)], m_summary->statistics);
}

double HeadMatrix::figureHeightForWidth(double width, int layers, int heads) const {
    // In points: screen metrics scaled by 72 / their DPI; what geometry() lays out.
    const QFontMetricsF tm(m_theme.font(11, true)), lm(m_theme.font(9));
    const double toPoints = 72.0 / std::max(1.0, lm.fontDpi());
    layers = std::max(layers, 1);
    heads = std::max(heads, 1);
    const double labelWidth = lm.horizontalAdvance(tr("layer %1").arg(layers - 1)) * toPoints + 8;
    const double barRight = 14.0 * m_theme.fontScale + 6 +
                            (lm.horizontalAdvance(QStringLiteral("0.00")) + lm.height()) * toPoints + 10;
    const double headNumber = lm.horizontalAdvance(QString::number(heads - 1)) * toPoints + 1.5;
    const bool below = labelWidth + heads * headNumber + barRight + 12 > width;
    const double cell = std::max(4.0, (width - labelWidth - (below ? 0.0 : barRight) - 12) / heads);
    const double band = below ? 14.0 * m_theme.fontScale + lm.height() * 1.6 * toPoints + 12 : 0.0;
    return (tm.height() * 1.4 + lm.height() * 1.5 + 4) * toPoints + layers * cell + band + 8;
}

double HeadMatrix::minimumFigureWidth(int layers, int heads) const {
    // geometry()'s widths (label column, gaps) with the bar under the grid
    // and each cell just wider than the largest head number.
    const QFontMetricsF lm(m_theme.font(9));
    const double toPoints = 72.0 / std::max(1.0, lm.fontDpi());
    layers = std::max(layers, 1);
    heads = std::max(heads, 1);
    const double label = lm.horizontalAdvance(tr("layer %1").arg(layers - 1)) * toPoints + 8;
    const double cell = lm.horizontalAdvance(QString::number(heads - 1)) * toPoints + 1.5;
    return label + heads * cell + 12;
}

HeadMatrix::Geometry HeadMatrix::geometry(const QRectF& rect, const QPaintDevice* device, bool forExport) const {
    Geometry g;
    const QFontMetricsF tm(m_theme.font(11, true), device);
    const QFontMetricsF lm(m_theme.font(9), device);
    const int layers = m_summary ? m_summary->layers : 1, heads = m_summary ? m_summary->heads : 1;
    g.title = QRectF(rect.left(), rect.top(), rect.width(), tm.height() * 1.4);
    g.labelWidth = lm.horizontalAdvance(tr("layer %1").arg(std::max(layers - 1, 0))) + 8;
    g.headerHeight = lm.height() + 4;
    // Colour bar: the bar, its tick labels and its rotated title.
    const double barWidth = 14.0 * m_theme.fontScale;
    const double barRight = barWidth + 6 + lm.horizontalAdvance(QStringLiteral("0.00")) + 6 + lm.height() + 4;
    // A figure too narrow for the bar beside the grid and a readable head
    // number in each cell has the bar under the grid.
    const double headNumber = lm.horizontalAdvance(QString::number(std::max(heads - 1, 0))) + 1.5;
    g.barBelow = forExport && g.labelWidth + heads * headNumber + barRight + 12 > rect.width();
    const double band = g.barBelow ? barWidth + lm.height() * 1.6 + 12 : 0.0;
    const double w = rect.width() - g.labelWidth - (g.barBelow ? 0.0 : barRight) - 12;
    const double h = rect.bottom() - g.title.bottom() - g.headerHeight - lm.height() / 2 - band;  // the bar's last label
    g.cellWidth = std::max(4.0, w / heads);
    g.cellHeight = std::max(4.0, h / layers);
    // Not too far from square: very wide or very tall cells read as bars.
    g.cellWidth = std::min(g.cellWidth, 2.5 * g.cellHeight);
    g.cellHeight = std::min(g.cellHeight, 1.2 * g.cellWidth);
    const double gridWidth = g.cellWidth * heads, gridHeight = g.cellHeight * layers;
    const double spare = std::max(0.0, w - gridWidth) / 2;
    g.grid = QRectF(rect.left() + g.labelWidth + spare, g.title.bottom() + g.headerHeight, gridWidth, gridHeight);
    g.bar = g.barBelow ? QRectF(g.grid.left(), g.grid.bottom() + 10, gridWidth, barWidth)
                       : QRectF(g.grid.right() + 12, g.grid.top(), barWidth, gridHeight);
    // The largest font whose "0.00" fits the cell, if it is big enough to read.
    const QFont probe = m_theme.font(10);
    const QFontMetricsF pm(probe, device);
    const double fit =
        std::min((g.cellWidth - 6) / pm.horizontalAdvance(QStringLiteral("0.00")), (g.cellHeight - 2) / pm.height());
    const double points = std::min(probe.pointSizeF() * fit, 12.0 * m_theme.fontScale);
    // A figure's text is never smaller than its body text (9 theme points).
    const double smallest = forExport ? m_theme.font(9).pointSizeF() : kSmallestValuePoints;
    g.valuePoints = points >= smallest ? points : 0.0;
    return g;
}

QRectF HeadMatrix::cell(const Geometry& g, int layer, int head) const {
    return QRectF(g.grid.left() + head * g.cellWidth, g.grid.top() + layer * g.cellHeight, g.cellWidth, g.cellHeight);
}

bool HeadMatrix::writesValues() const {
    return m_summary && geometry(QRectF(rect()).adjusted(4, 4, -4, -4), this).valuePoints > 0;
}

void HeadMatrix::paint(QPainter& painter, const QRectF& rect, bool forExport) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(m_theme.foreground);
    const HeadStatisticKind& kind = headStatisticKinds()[static_cast<size_t>(m_kind)];
    if (!m_summary) {
        painter.setFont(m_theme.font(11));
        painter.drawText(rect, Qt::AlignCenter | Qt::TextWordWrap, tr("No summary yet"));
        painter.restore();
        return;
    }
    const Geometry g = geometry(rect, painter.device(), forExport);
    const QFont titleFont = m_theme.font(11, true);
    painter.setFont(titleFont);
    QString title = tr("%1 of each head (%2)").arg(kind.title, kind.unit);
    title[0] = title[0].toUpper();
    painter.drawText(g.title, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(titleFont, painter.device()).elidedText(title, Qt::ElideRight, g.title.width()));

    const QFont labelFont = m_theme.font(9);
    const QFontMetricsF lm(labelFont, painter.device());
    painter.setFont(labelFont);
    const int layers = m_summary->layers, heads = m_summary->heads;
    const bool wideHeads = g.cellWidth > lm.horizontalAdvance(tr("head 00")) + 4;
    for (int h = 0; h < heads; ++h) {
        const QRectF r(g.grid.left() + h * g.cellWidth, g.grid.top() - g.headerHeight, g.cellWidth, g.headerHeight);
        painter.drawText(r, Qt::AlignCenter, wideHeads ? tr("head %1").arg(h) : QString::number(h));
    }
    if (!wideHeads) {
        painter.drawText(
            QRectF(rect.left(), g.grid.top() - g.headerHeight, g.grid.left() - rect.left() - 6, g.headerHeight),
            Qt::AlignRight | Qt::AlignVCenter, tr("head"));
    }
    for (int l = 0; l < layers; ++l) {
        painter.drawText(
            QRectF(rect.left(), g.grid.top() + l * g.cellHeight, g.grid.left() - rect.left() - 6, g.cellHeight),
            Qt::AlignRight | Qt::AlignVCenter, tr("layer %1").arg(l));
    }

    const double top = statisticScaleTop(kind, m_summary->statistics);
    QFont valueFont = m_theme.font(10);
    if (g.valuePoints > 0) valueFont.setPointSizeF(g.valuePoints);
    for (int l = 0; l < layers; ++l) {
        for (int h = 0; h < heads; ++h) {
            const double v = kind.value(m_summary->of(l, h));
            const QColor c = m_theme.color(v / top);
            const QRectF r = cell(g, l, h);
            painter.fillRect(r, c);
            if (g.valuePoints > 0) {
                painter.setFont(valueFont);
                painter.setPen(textOn(c));
                painter.drawText(r, Qt::AlignCenter, formatStatistic(kind, v));
            }
        }
    }
    // Hairlines between cells: with the grayscale map a 0 is white on white.
    painter.setPen(QPen(QColor(0xa0, 0xa0, 0xa0), 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(g.grid);

    if (g.barBelow) {
        paintBarBelow(painter, g, lm, top);
        painter.restore();
        return;
    }
    // The colour bar: top of the scale at the top.
    QLinearGradient gradient(g.bar.bottomLeft(), g.bar.topLeft());
    for (int i = 0; i <= 10; ++i) gradient.setColorAt(i / 10.0, m_theme.color(i / 10.0));
    painter.fillRect(g.bar, gradient);
    painter.setPen(QPen(m_theme.foreground, 0));
    painter.drawRect(g.bar);
    painter.setFont(labelFont);
    for (double f : {0.0, 0.5, 1.0}) {
        const double y = g.bar.bottom() - f * g.bar.height();
        painter.drawLine(QPointF(g.bar.right(), y), QPointF(g.bar.right() + 4, y));
        const QRectF label(g.bar.right() + 6, y - lm.height() / 2, lm.horizontalAdvance(QStringLiteral("0.00")) + 4,
                           lm.height());
        painter.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, formatStatistic(kind, f * top));
    }
    // The bar's own title only where it fits whole: the matrix's title names the statistic too.
    const QString barTitle = QStringLiteral("%1 (%2)").arg(kind.title, kind.unit);
    if (forExport && lm.horizontalAdvance(barTitle) > g.bar.height()) {
        painter.restore();
        return;
    }
    painter.save();
    const double titleX = g.bar.right() + 6 + lm.horizontalAdvance(QStringLiteral("0.00")) + 8;
    painter.translate(titleX, g.bar.center().y());
    painter.rotate(90);
    painter.drawText(QRectF(-g.bar.height() / 2, -lm.height(), g.bar.height(), lm.height()), Qt::AlignCenter,
                     lm.elidedText(barTitle, Qt::ElideRight, g.bar.height()));
    painter.restore();

    if (!forExport) {
        const double pen = std::clamp(std::min(g.cellWidth, g.cellHeight) * 0.08, 2.0, 4.0);
        painter.setBrush(Qt::NoBrush);
        if (m_hover.x() >= 0) {
            painter.setPen(QPen(m_theme.foreground, 1, Qt::DashLine));
            painter.drawRect(cell(g, m_hover.x(), m_hover.y()).adjusted(1, 1, -1, -1));
        }
        if (m_selected.x() >= 0 && m_selected.x() < layers && m_selected.y() >= 0 && m_selected.y() < heads) {
            painter.setPen(QPen(m_theme.accent, pen));
            painter.drawRect(cell(g, m_selected.x(), m_selected.y()).adjusted(pen / 2, pen / 2, -pen / 2, -pen / 2));
        }
    }
    painter.restore();
}

void HeadMatrix::paintBarBelow(QPainter& painter, const Geometry& g, const QFontMetricsF& lm, double top) const {
    // Left to right, 0 to the scale's top; its values under it (the matrix's
    // title names the statistic and its unit).
    const HeadStatisticKind& kind = headStatisticKinds()[static_cast<size_t>(m_kind)];
    QLinearGradient gradient(g.bar.topLeft(), g.bar.topRight());
    for (int i = 0; i <= 10; ++i) gradient.setColorAt(i / 10.0, m_theme.color(i / 10.0));
    painter.fillRect(g.bar, gradient);
    painter.setPen(QPen(m_theme.foreground, 0));
    painter.drawRect(g.bar);
    for (double f : {0.0, 0.5, 1.0}) {
        const double x = g.bar.left() + f * g.bar.width();
        painter.drawLine(QPointF(x, g.bar.bottom()), QPointF(x, g.bar.bottom() + 3));
        const QString text = formatStatistic(kind, f * top);
        const double width = lm.horizontalAdvance(text) + 4;
        // The end labels stay under the bar's ends.
        const double left = f == 0.0 ? x - 2 : f == 1.0 ? x - width + 2 : x - width / 2;
        painter.drawText(QRectF(left, g.bar.bottom() + 4, width, lm.height()), Qt::AlignCenter, text);
    }
}

void HeadMatrix::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.background);
    paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), false);
}

QRect HeadMatrix::cellRect(int layer, int head) const {
    if (!m_summary) return {};
    const Geometry g = geometry(QRectF(rect()).adjusted(4, 4, -4, -4), this);
    return cell(g, layer, head).toAlignedRect();
}

QPoint HeadMatrix::headAt(const QPoint& pos) const {
    if (!m_summary) return {-1, -1};
    const Geometry g = geometry(QRectF(rect()).adjusted(4, 4, -4, -4), this);
    if (!g.grid.contains(pos)) return {-1, -1};
    const int h = static_cast<int>((pos.x() - g.grid.left()) / g.cellWidth);
    const int l = static_cast<int>((pos.y() - g.grid.top()) / g.cellHeight);
    if (l < 0 || l >= m_summary->layers || h < 0 || h >= m_summary->heads) return {-1, -1};
    return {l, h};
}

void HeadMatrix::mouseMoveEvent(QMouseEvent* event) {
    const QPoint hover = headAt(event->position().toPoint());
    if (hover == m_hover) return;
    m_hover = hover;
    update();
    if (hover.x() < 0) {
        QToolTip::hideText();
        return;
    }
    const HeadStatisticKind& kind = headStatisticKinds()[static_cast<size_t>(m_kind)];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("layer %1, head %2: %3 %4 %5 (click to open it)")
                           .arg(hover.x())
                           .arg(hover.y())
                           .arg(kind.title)
                           .arg(formatStatistic(kind, kind.value(m_summary->of(hover.x(), hover.y()))))
                           .arg(kind.unit),
                       this);
}

void HeadMatrix::mouseReleaseEvent(QMouseEvent* event) {
    const QPoint hit = headAt(event->position().toPoint());
    if (hit.x() >= 0 && event->button() == Qt::LeftButton) emit headClicked(hit.x(), hit.y());
}

void HeadMatrix::leaveEvent(QEvent*) {
    m_hover = {-1, -1};
    update();
}

}  // namespace bertlens::ui
