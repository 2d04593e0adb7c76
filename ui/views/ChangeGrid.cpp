#include "ChangeGrid.h"

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

QColor textOn(const QColor& fill) {
    return fill.lightnessF() < 0.55 ? Qt::white : Qt::black;
}

QString number(double v) {
    return QString::number(v, 'f', 3);
}

}  // namespace

ChangeGrid::ChangeGrid(QWidget* parent) : QWidget(parent), m_theme(Theme::normal()) {
    m_placeholder =
        tr("No map yet: press Train. When both runs are done this shows, for the sentence in the box, "
           "how much each head's attention moved between the pretrained and the fine-tuned model.");
}

void ChangeGrid::setChange(std::optional<AttentionChange> change, const QString& sentence) {
    m_change = std::move(change);
    m_sentence = sentence;
    fitHeight();
    update();
}

void ChangeGrid::setPlaceholder(const QString& text) {
    m_change.reset();
    m_placeholder = text;
    fitHeight();
    update();
}

void ChangeGrid::fitHeight() {
    // A placeholder needs its few lines at this width; the curves above take the rest.
    if (m_change) {
        setMinimumHeight(220);
        setMaximumHeight(QWIDGETSIZE_MAX);
        return;
    }
    const double pad = 6.0 * m_theme.fontScale;
    const QFontMetricsF metrics(m_theme.font(11));
    const QRectF text = metrics.boundingRect(QRectF(0, 0, std::max(100.0, width() - 2 * pad - 4), 1e6),
                                             Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    const int h = int(std::ceil(text.height() + 2 * pad + metrics.height()));
    setMinimumHeight(h);
    setMaximumHeight(h);
}

void ChangeGrid::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (!m_change) fitHeight();
}

void ChangeGrid::setTheme(const Theme& theme) {
    m_theme = theme;
    fitHeight();
    update();
}

double ChangeGrid::scaleTop() const {
    if (!m_change || m_change->perHead.empty()) return 1.0;
    const double top = *std::max_element(m_change->perHead.begin(), m_change->perHead.end());
    return std::max(0.01, std::ceil(top * 100.0) / 100.0);
}

QString ChangeGrid::verdict() const {
    if (!m_change || m_change->layers == 0) return QString();
    const int most = m_change->mostChangedLayer();
    const int last = m_change->layers - 1;
    // Rank of the last layer among the layers, by mean change (1 = most).
    int rank = 1;
    for (double v : m_change->perLayer) rank += v > m_change->perLayer[size_t(last)] ? 1 : 0;
    if (most == last) {
        return tr("The last layer (%1) changed most: mean %2, against %3 for layer 0. Kovaleva et al. (2019) found "
                  "the same for BERT.")
            .arg(last)
            .arg(number(m_change->perLayer[size_t(last)]), number(m_change->perLayer[0]));
    }
    return tr("Layer %1 changed most (mean %2); the last layer (%3) comes %4 of %5 (mean %6): not what Kovaleva et "
              "al. (2019) found for BERT, where the last layers change most.")
        .arg(most)
        .arg(number(m_change->perLayer[size_t(most)]))
        .arg(last)
        .arg(rank)
        .arg(m_change->layers)
        .arg(number(m_change->perLayer[size_t(last)]));
}

void ChangeGrid::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    paint(painter, QRectF(rect()));
}

double ChangeGrid::heightForWidth(double width) const {
    // Measured on a device of 72 dots per inch, as the export page is.
    QImage points(1, 1, QImage::Format_RGB32);
    points.setDotsPerMeterX(2835);
    points.setDotsPerMeterY(2835);
    const double s = m_theme.fontScale, room = width - 12.0 * s;
    if (!m_change) return 120.0 * s;
    auto wrapped = [&](const QFont& font, const QString& text) {
        return QFontMetricsF(font, &points).boundingRect(QRectF(0, 0, room, 1e6), Qt::TextWordWrap, text).height();
    };
    const QFontMetricsF labels(m_theme.font(10), &points);
    return 12.0 * s + wrapped(m_theme.font(11, true), titleText()) + wrapped(m_theme.font(9.5), explanationText()) +
           4.0 * s + labels.height() + 4.0 * s + m_change->layers * 2.0 * labels.height() +
           wrapped(m_theme.font(10.5, true), verdict()) + 12.0 * s;
}

QString ChangeGrid::titleText() const {
    return tr("What fine-tuning changed in each head's attention, on \u201c%1\u201d").arg(m_sentence);
}

QString ChangeGrid::explanationText() const {
    return tr("Mean over the %1 query tokens of the Jensen-Shannon distance (base 2) between the pretrained and "
              "the fine-tuned model's attention rows: 0 = the same, 1 = no key in common.")
        .arg(m_change ? m_change->tokens : 0);
}

void ChangeGrid::paint(QPainter& painter, const QRectF& rect) const {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    painter.setPen(m_theme.foreground);
    const double s = m_theme.fontScale;
    const double pad = 6.0 * s;
    QRectF area = rect.adjusted(pad, pad, -pad, -pad);
    if (!m_change) {
        painter.setFont(m_theme.font(11));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        painter.restore();
        return;
    }
    const AttentionChange& c = *m_change;
    auto textBlock = [&](const QFont& font, const QString& text) {
        painter.setFont(font);
        const QRectF used =
            painter.boundingRect(QRectF(area.left(), area.top(), area.width(), 1e6), Qt::TextWordWrap, text);
        painter.drawText(QRectF(area.left(), area.top(), area.width(), used.height()), Qt::TextWordWrap, text);
        area.setTop(area.top() + used.height() + 2.0 * s);
    };
    textBlock(m_theme.font(11, true), titleText());
    textBlock(m_theme.font(9.5), explanationText());
    const QFont verdictFont = m_theme.font(10.5, true);
    const QString verdictText = verdict();
    painter.setFont(verdictFont);
    const double verdictH =
        painter.boundingRect(QRectF(0, 0, area.width(), 1e6), Qt::TextWordWrap, verdictText).height() + 4.0 * s;
    QRectF grid = area.adjusted(0, 0, 0, -verdictH);

    const QFont labelFont = m_theme.font(10);
    const QFontMetricsF labels(labelFont, painter.device());
    const double labelWidth = labels.horizontalAdvance(tr("layer %1").arg(c.layers - 1)) + 8.0 * s;
    const double header = labels.height() + 4.0 * s;
    const double meanWidth = std::min(grid.width() * 0.3, 230.0 * s);
    const double cellsWidth = grid.width() - labelWidth - meanWidth - 12.0 * s;
    const double cellW = std::min(cellsWidth / std::max(c.heads, 1), 110.0 * s);
    const double cellH = std::min((grid.height() - header) / std::max(c.layers, 1), 48.0 * s);
    if (cellW < 4 || cellH < 4) {
        painter.restore();
        return;
    }
    const double left = grid.left() + labelWidth;
    const double top = grid.top() + header;
    painter.setFont(labelFont);
    // "head 3" where it fits the cell, else the number alone.
    const bool named = c.heads <= 8 && labels.horizontalAdvance(tr("head %1").arg(c.heads - 1)) + 4 <= cellW;
    for (int h = 0; h < c.heads; ++h) {
        painter.drawText(QRectF(left + h * cellW, grid.top(), cellW, header), Qt::AlignCenter,
                         named ? tr("head %1").arg(h) : QString::number(h));
    }
    const double meanLeft = left + c.heads * cellW + 12.0 * s;
    painter.drawText(QRectF(meanLeft, grid.top(), meanWidth, header), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("layer mean"));
    const double top0 = scaleTop();
    const double maxLayer = std::max(1e-12, *std::max_element(c.perLayer.begin(), c.perLayer.end()));
    QFont valueFont = m_theme.font(9.5);
    const QFontMetricsF valueMetrics(valueFont, painter.device());
    const bool values =
        valueMetrics.horizontalAdvance(QStringLiteral("0.000")) + 4 <= cellW && valueMetrics.height() + 2 <= cellH;
    for (int l = 0; l < c.layers; ++l) {
        const double y = top + l * cellH;
        painter.setPen(m_theme.foreground);
        painter.setFont(labelFont);
        painter.drawText(QRectF(grid.left(), y, labelWidth - 6.0 * s, cellH), Qt::AlignRight | Qt::AlignVCenter,
                         tr("layer %1").arg(l));
        for (int h = 0; h < c.heads; ++h) {
            const QRectF cell(left + h * cellW, y, cellW - 1, cellH - 1);
            const QColor fill = m_theme.color(c.at(l, h) / top0);
            painter.fillRect(cell, fill);
            if (values) {
                painter.setPen(textOn(fill));
                painter.setFont(valueFont);
                painter.drawText(cell, Qt::AlignCenter, number(c.at(l, h)));
            }
        }
        // The layer's mean: a bar on the same scale for every layer, and its number.
        const QString meanText = number(c.perLayer[size_t(l)]);
        painter.setFont(labelFont);
        const double textW = labels.horizontalAdvance(meanText) + 6.0 * s;
        const double barMax = std::max(0.0, meanWidth - textW);
        const QRectF bar(meanLeft, y + cellH * 0.2, barMax * c.perLayer[size_t(l)] / maxLayer, cellH * 0.6);
        painter.fillRect(bar, l == c.mostChangedLayer() ? m_theme.accent : QColor(0x80, 0x80, 0x80));
        painter.setPen(m_theme.foreground);
        painter.drawText(QRectF(bar.right() + 4.0 * s, y, textW, cellH), Qt::AlignLeft | Qt::AlignVCenter, meanText);
    }
    painter.setPen(m_theme.foreground);
    painter.setFont(verdictFont);
    painter.drawText(QRectF(area.left(), top + c.layers * cellH + 4.0 * s, area.width(), verdictH), Qt::TextWordWrap,
                     verdictText);
    painter.restore();
}

}  // namespace bertlens::ui
