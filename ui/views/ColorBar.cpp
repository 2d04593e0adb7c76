#include "ColorBar.h"

#include "HeatmapColors.h"

#include <QObject>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {
constexpr double kGap = 10.0;  // between the figure and the bar
}

double colorBarWidth(const QFontMetricsF& labels) {
    const double bar = 0.9 * labels.height();
    const double text =
        std::max(labels.horizontalAdvance(QStringLiteral("0.888")), labels.horizontalAdvance(QObject::tr("hidden")));
    return kGap + bar + 4.0 + text + 4.0;
}

void paintColorBar(QPainter& painter, const QRectF& area, const Theme& theme, const QFont& font,
                   const ColorBarStyle& style) {
    painter.save();
    painter.setFont(font);
    const QFontMetricsF fm(font, painter.device());
    const double barWidth = 0.9 * fm.height();
    const double swatch = style.showHidden ? 2.2 * fm.height() : 0.0;
    const QRectF bar(area.left() + kGap, area.top() + 0.5 * fm.height(), barWidth,
                     std::max(10.0, area.height() - swatch - fm.height()));
    // The colour map as a 1 x 256 image, stretched: one colour per level.
    QImage ramp(1, 256, QImage::Format_RGB32);
    for (int i = 0; i < 256; ++i) ramp.setPixel(0, 255 - i, theme.color(i / 255.0).rgb());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(bar, ramp);
    painter.setPen(QPen(theme.foreground, 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(bar);
    const double span = style.high > style.low ? style.high - style.low : 1.0;
    for (int k = 0; k <= 4; ++k) {
        const double v = style.low + span * k / 4.0;
        const double y = bar.bottom() - bar.height() * k / 4.0;
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3.0, y));
        const QString text = QString::number(v, 'g', 3);
        painter.drawText(QRectF(bar.right() + 4.0, y - fm.height() / 2, area.right() - bar.right() - 4.0, fm.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    if (style.showHidden) {
        const QRectF box(bar.left(), bar.bottom() + 0.9 * fm.height(), barWidth, barWidth);
        painter.fillRect(box, style.hidden);
        painter.drawRect(box);
        painter.drawText(QRectF(box.right() + 4.0, box.center().y() - fm.height() / 2,
                                std::max(0.0, area.right() - box.right() - 4.0), fm.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, QObject::tr("hidden"));
    }
    painter.restore();
}

}  // namespace bertlens::ui
