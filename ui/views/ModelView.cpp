#include "ModelView.h"

#include "HeatmapColors.h"
#include "SelectedAttention.h"

#include <QComboBox>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

ModelView::ModelView(QWidget* parent)
    : FigureView(parent), m_measureBox(new QComboBox(this)), m_theme(Theme::normal()) {
    m_measureBox->addItem(tr("Weights"));
    m_measureBox->addItem(tr("Norms \u2016\u03b1\u00b7f(x)\u2016"));
    m_measureBox->setToolTip(
        tr("Weights: attention probabilities. Norms: what each head actually moves "
           "(Kobayashi et al. 2020), on one scale for the whole model."));
    connect(m_measureBox, &QComboBox::currentIndexChanged, this, [this](int i) { setShowNorms(i == 1); });
    setMouseTracking(true);
    setMinimumSize(320, 320);
}

void ModelView::setResult(const AnalysisResultPtr& result) {
    // Measures belong to one result: a new result drops the old ones before
    // anything is drawn (their matrices have the old token count; found by
    // tst_monkey under ASan as a read past the end).
    if (m_measures && (!result || m_measures->requestId != result->requestId)) m_measures = nullptr;
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

void ModelView::setMeasures(const FlowMeasuresPtr& measures) {
    m_measures = measures && m_result && measures->requestId == m_result->requestId ? measures : nullptr;
    if (!m_norms) return;
    rebuildThumbnails();
    update();
}

void ModelView::setShowNorms(bool norms) {
    m_norms = norms;
    const QSignalBlocker block(m_measureBox);
    m_measureBox->setCurrentIndex(norms ? 1 : 0);
    rebuildThumbnails();
    update();
}

void ModelView::resizeEvent(QResizeEvent* event) {
    FigureView::resizeEvent(event);
    m_measureBox->adjustSize();
    m_measureBox->move(width() - m_measureBox->width() - 6, 4);
}

void ModelView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_measureBox->setFont(theme.font(9));
    m_measureBox->adjustSize();
    m_measureBox->move(width() - m_measureBox->width() - 6, 4);
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
    const size_t nn = static_cast<size_t>(a.tokenCount) * a.tokenCount;
    const std::vector<float>* norms = m_norms && m_measures ? &m_measures->of(m_selection.maskMode).norms : nullptr;
    if (norms && norms->size() != nn * a.layers * a.heads) norms = nullptr;
    m_scaleTop = norms && !norms->empty() ? std::max(1e-12f, *std::max_element(norms->begin(), norms->end())) : 1.0;
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            const float* values =
                norms ? norms->data() + (static_cast<size_t>(l) * a.heads + h) * nn : a.attention(l, h).data();
            m_thumbnails.push_back(heatmapImage(values, a.tokenCount, a.tokenCount, m_theme, 0.0, m_scaleTop));
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
    const bool norms = m_norms && m_measures && m_scaleTop != 1.0;
    QString title = norms ? tr("Every layer and head: norm-weighted attention, 0 to %1 (%2)")
                                .arg(m_scaleTop, 0, 'g', 3)
                                .arg(maskModeTitle(m_selection.maskMode))
                          : tr("Every layer and head (%1)").arg(maskModeTitle(m_selection.maskMode));
    if (m_norms && !norms) title = tr("Every layer and head: computing norms…");
    if (!forExport) title += tr("; click one to open it");
    // On screen the title leaves room for the measure chooser in the corner.
    const double chooser = forExport ? 0.0 : m_measureBox->width() + 12.0;
    painter.drawText(
        QRectF(rect.left(), rect.top(), rect.width() - chooser, titleHeight), Qt::AlignCenter,
        QFontMetricsF(titleFont, painter.device()).elidedText(title, Qt::ElideRight, rect.width() - chooser));
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

    if (forExport) {  // a figure has no selection: every head is equal on paper
        painter.restore();
        return;
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
