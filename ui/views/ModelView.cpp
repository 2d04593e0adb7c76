#include "ModelView.h"

#include "HeatmapColors.h"
#include "SelectedAttention.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

ModelView::ModelView(QWidget* parent) : FigureView(parent), m_theme(Theme::normal()) {
    setMouseTracking(true);
    setMinimumSize(320, 320);
}

void ModelView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    rebuildThumbnails();
    update();
}

void ModelView::setSelection(const Selection& selection) {
    if (selection == m_selection) return;
    const bool modeChanged = selection.maskMode != m_selection.maskMode;
    m_selection = selection;
    if (modeChanged) rebuildThumbnails();
    update();
}

void ModelView::setTheme(const Theme& theme) {
    m_theme = theme;
    rebuildThumbnails();
    update();
}

const QImage& ModelView::thumbnail(int layer, int head) const {
    return m_thumbnails.at(static_cast<size_t>(layer) * m_heads + head);
}

void ModelView::rebuildThumbnails() {
    m_thumbnails.clear();
    m_layers = m_heads = 0;
    if (!m_result) return;
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    m_layers = a.layers;
    m_heads = a.heads;
    m_thumbnails.reserve(static_cast<size_t>(a.layers) * a.heads);
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            m_thumbnails.push_back(heatmapImage(a.attention(l, h).data(), a.tokenCount, a.tokenCount, m_theme));
        }
    }
}

ModelView::Geometry ModelView::geometry(const QRectF& rect, const QFontMetricsF& fm, double titleHeight) const {
    Geometry g;
    g.labelWidth = fm.horizontalAdvance(tr("layer %1").arg(std::max(m_layers - 1, 0))) + 10;
    g.headerHeight = titleHeight + fm.height() + 6;
    const double w = rect.width() - g.labelWidth;
    const double h = rect.height() - g.headerHeight;
    g.cell = std::max(4.0, std::min(w / std::max(m_heads, 1), h / std::max(m_layers, 1)));
    g.gap = std::max(2.0, std::round(g.cell * 0.08));
    // Centred across the width; layer labels stay just left of the maps.
    const double spare = std::max(0.0, w - g.cell * m_heads);
    g.grid = QRectF(rect.left() + g.labelWidth + spare / 2, rect.top() + g.headerHeight, g.cell * m_heads,
                    g.cell * m_layers);
    return g;
}

QRectF ModelView::mapRect(const Geometry& g, int layer, int head) const {
    return QRectF(g.grid.left() + head * g.cell + g.gap / 2, g.grid.top() + layer * g.cell + g.gap / 2, g.cell - g.gap,
                  g.cell - g.gap);
}

void ModelView::paintGrid(QPainter& painter, const QRectF& rect, bool forExport) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    painter.setPen(m_theme.foreground);
    const QFont labelFont = m_theme.font(9);
    const QFont titleFont = m_theme.font(11, true);
    const double titleHeight = QFontMetricsF(titleFont, painter.device()).height() + 4;
    if (!m_result || m_layers == 0) {
        painter.setFont(titleFont);
        painter.drawText(rect, Qt::AlignCenter, tr("No analysis yet"));
        painter.restore();
        return;
    }
    painter.setFont(titleFont);
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), titleHeight), Qt::AlignCenter,
                     tr("Every layer and head (%1); click one to open it").arg(maskModeTitle(m_selection.maskMode)));
    painter.setFont(labelFont);
    const QFontMetricsF fm(labelFont, painter.device());
    const Geometry g = geometry(rect, fm, titleHeight);

    const bool wideHeads = g.cell > fm.horizontalAdvance(tr("head 00")) + 4;
    for (int h = 0; h < m_heads; ++h) {
        const QRectF r(g.grid.left() + h * g.cell, g.grid.top() - fm.height() - 4, g.cell, fm.height());
        // Narrow cells get the bare number; the corner says what the numbers are.
        painter.drawText(r, Qt::AlignCenter, wideHeads ? tr("head %1").arg(h) : QString::number(h));
    }
    if (!wideHeads) {
        const QRectF corner(rect.left(), g.grid.top() - fm.height() - 4, g.grid.left() - rect.left() - 6, fm.height());
        painter.drawText(corner, Qt::AlignRight | Qt::AlignVCenter, tr("head"));
    }
    for (int l = 0; l < m_layers; ++l) {
        const QRectF r(rect.left(), g.grid.top() + l * g.cell, g.grid.left() - rect.left() - 6, g.cell);
        painter.drawText(r, Qt::AlignRight | Qt::AlignVCenter, tr("layer %1").arg(l));
    }

    // One cell per token, sharp edges: no smoothing when scaling up.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int l = 0; l < m_layers; ++l) {
        for (int h = 0; h < m_heads; ++h) {
            const QImage& img = thumbnail(l, h);
            // Vector outputs may smooth an image as they scale it; a few device
            // pixels per cell keep the cells square there too.
            if (forExport) {
                const int k = std::max(1, 8 / std::max(1, img.width() / 8));
                painter.drawImage(mapRect(g, l, h), img.scaled(img.width() * k, img.height() * k));
            } else {
                painter.drawImage(mapRect(g, l, h), img);
            }
            // A hairline frame: with the grayscale map, 0 is white and a map's
            // edge would vanish into the page.
            painter.setPen(QPen(QColor(0xa0, 0xa0, 0xa0), 0));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(mapRect(g, l, h));
        }
    }

    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    painter.setBrush(Qt::NoBrush);
    const double pen = std::clamp(g.gap * 0.6, 2.0, 4.0);
    if (!forExport && m_hover.x() >= 0) {
        painter.setPen(QPen(m_theme.foreground, 1, Qt::DashLine));
        painter.drawRect(mapRect(g, m_hover.x(), m_hover.y()).adjusted(-pen / 2, -pen / 2, pen / 2, pen / 2));
    }
    painter.setPen(QPen(m_theme.accent, pen));
    if (s.averageHeads) {
        const QRectF row(g.grid.left(), g.grid.top() + s.layer * g.cell, g.cell * m_heads, g.cell);
        painter.drawRect(row.adjusted(pen / 2, pen / 2, -pen / 2, -pen / 2));
    } else {
        painter.drawRect(mapRect(g, s.layer, s.head).adjusted(-pen / 2, -pen / 2, pen / 2, pen / 2));
    }
    painter.restore();
}

void ModelView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintGrid(painter, QRectF(rect()).adjusted(4, 4, -4, -4), false);
}

void ModelView::paintFigure(QPainter& painter, const QRectF& rect) {
    paintGrid(painter, rect, true);
}

QSizeF ModelView::figureSize() const {
    const double cell = m_heads > 8 ? 48.0 : 72.0;
    return QSizeF(80.0 + cell * std::max(m_heads, 1), 50.0 + cell * std::max(m_layers, 1));
}

QRect ModelView::cellRect(int layer, int head) const {
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    const QFont titleFont = m_theme.font(11, true);
    const Geometry g =
        geometry(area, QFontMetricsF(m_theme.font(9), this), QFontMetricsF(titleFont, this).height() + 4);
    return mapRect(g, layer, head).toAlignedRect();
}

QPoint ModelView::headAt(const QPoint& pos) const {
    for (int l = 0; l < m_layers; ++l) {
        for (int h = 0; h < m_heads; ++h) {
            if (cellRect(l, h).contains(pos)) return {l, h};
        }
    }
    return {-1, -1};
}

void ModelView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint hover = headAt(event->position().toPoint());
    if (hover != m_hover) {
        m_hover = hover;
        update();
        if (hover.x() >= 0) {
            QToolTip::showText(event->globalPosition().toPoint(), tr("layer %1, head %2").arg(hover.x()).arg(hover.y()),
                               this);
        } else {
            QToolTip::hideText();
        }
    }
}

void ModelView::mouseReleaseEvent(QMouseEvent* event) {
    const QPoint hit = headAt(event->position().toPoint());
    if (hit.x() < 0 || event->button() != Qt::LeftButton) return;
    Selection s = m_selection;
    s.layer = hit.x();
    s.head = hit.y();
    s.averageHeads = false;
    emit selectionRequested(s);
}

void ModelView::leaveEvent(QEvent*) {
    m_hover = {-1, -1};
    update();
}

}  // namespace bertlens::ui
