#include "ModelView.h"

#include "AttentionHeatmap.h"
#include "ColorBar.h"
#include "HeatmapColors.h"
#include "SaliencyText.h"
#include "SelectedAttention.h"

#include <QComboBox>
#include <QContextMenuEvent>
#include <QMenu>
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
    m_measureBox->addItem(tr("Importance |\u2202L/\u2202\u03be|"));
    m_measureBox->setToolTip(
        tr("Weights: attention probabilities. Norms: what each head actually moves "
           "(Kobayashi et al. 2020), on one scale for the whole model. Importance: how much the "
           "explained prediction's log-probability depends on each head (Michel et al. 2019)."));
    connect(m_measureBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMeasure(static_cast<Measure>(std::clamp(i, 0, 2))); });
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
    if (m_measure == Measure::Weights) return;
    rebuildThumbnails();
    update();
}

void ModelView::setMeasure(Measure measure) {
    m_measure = measure;
    const QSignalBlocker block(m_measureBox);
    m_measureBox->setCurrentIndex(static_cast<int>(measure));
    rebuildThumbnails();
    update();
}

const std::vector<float>* ModelView::importance() const {
    if (m_measure != Measure::Importance || !m_measures) return nullptr;
    const std::vector<float>& v = m_measures->of(m_selection.maskMode).headImportance;
    return v.size() == static_cast<size_t>(m_layers) * m_heads && !v.empty() ? &v : nullptr;
}

double ModelView::importanceOf(int layer, int head) const {
    const std::vector<float>* v = importance();
    if (!v || layer < 0 || layer >= m_layers || head < 0 || head >= m_heads) return -1.0;
    return (*v)[static_cast<size_t>(layer) * m_heads + head];
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
    const std::vector<float>* norms =
        m_measure == Measure::Norms && m_measures ? &m_measures->of(m_selection.maskMode).norms : nullptr;
    if (norms && norms->size() != nn * a.layers * a.heads) norms = nullptr;
    m_scaleTop = norms && !norms->empty() ? std::max(1e-12f, *std::max_element(norms->begin(), norms->end())) : 1.0;
    if (const std::vector<float>* v = importance()) {
        m_scaleTop = std::max(1e-12f, *std::max_element(v->begin(), v->end()));
    }
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            const float* values =
                norms ? norms->data() + (static_cast<size_t>(l) * a.heads + h) * nn : a.attention(l, h).data();
            m_thumbnails.push_back(heatmapImage(values, a.tokenCount, a.tokenCount, m_theme, 0.0, m_scaleTop,
                                                a.maskMode, AttentionHeatmap::hiddenColor(m_theme)));
        }
    }
}

ModelView::Geometry ModelView::geometry(const QRectF& rect, const QFontMetricsF& fm, double titleHeight) const {
    Geometry g;
    g.labelWidth = fm.horizontalAdvance(tr("layer %1").arg(std::max(m_layers - 1, 0))) + 10;
    g.headerHeight = titleHeight + fm.height() + 6;
    g.barWidth = colorBarWidth(fm);
    const double w = rect.width() - g.labelWidth - g.barWidth;
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
    const QString title = titleText(forExport);
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
            if (importance()) paintImportance(painter, mapRect(g, l, h), l, h, labelFont);
            // A hairline frame: with the grayscale map, 0 is white and a map's
            // edge would vanish into the page.
            painter.setPen(QPen(QColor(0xa0, 0xa0, 0xa0), 0));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(mapRect(g, l, h));
            if (m_result->isAblated(l, h)) paintAblated(painter, mapRect(g, l, h));
        }
    }
    // Weights and norms share one scale, importance another: the bar says which.
    ColorBarStyle bar;
    bar.high = m_measure == Measure::Weights ? 1.0 : m_scaleTop;
    bar.showHidden = m_result->analysis(m_selection.maskMode).maskMode != MaskMode::Bidirectional &&
                     m_measure != Measure::Importance;
    bar.hidden = AttentionHeatmap::hiddenColor(m_theme);
    paintColorBar(painter, QRectF(g.grid.right(), g.grid.top(), g.barWidth, g.grid.height()), m_theme, labelFont, bar);

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

QString ModelView::titleText(bool forExport) const {
    const QString mode = maskModeTitle(m_selection.maskMode);
    QString title;
    if (m_measure == Measure::Norms) {
        title =
            m_measures && m_scaleTop != 1.0
                ? tr("Every layer and head: norm-weighted attention, 0 to %1 (%2)").arg(m_scaleTop, 0, 'g', 3).arg(mode)
                : tr("Every layer and head: computing norms\u2026");
    } else if (m_measure == Measure::Importance) {
        const MaskMeasures* mm = m_measures ? &m_measures->of(m_selection.maskMode) : nullptr;
        const Analysis& a = m_result->analysis(m_selection.maskMode);
        if (!m_measures || !m_measures->saliencyDone) {
            title = tr("Head importance: computing\u2026");
        } else if (!importance()) {
            title = tr("Head importance: %1").arg(mm->saliencyNote);
        } else {
            title = tr("Head importance for %1, 0 to %2 (%3)")
                        .arg(saliencyTargetText(a, *mm->saliency))
                        .arg(m_scaleTop, 0, 'g', 3)
                        .arg(mode);
        }
    } else {
        title = tr("Every layer and head (%1)").arg(mode);
    }
    const int off = static_cast<int>(m_result->ablated.size());
    if (off == 1) title += tr("; 1 head switched off");
    if (off > 1) title += tr("; %1 heads switched off").arg(off);
    if (!forExport) title += tr("; click one to open it, Ctrl+click to switch it off");
    return title;
}

void ModelView::paintImportance(QPainter& painter, const QRectF& cell, int layer, int head, const QFont& font) const {
    // One colour per head over its map, and the value written in it.
    const double v = importanceOf(layer, head);
    const QColor c = m_theme.color(std::clamp(v / m_scaleTop, 0.0, 1.0));
    painter.fillRect(cell, c);
    painter.setPen(c.lightnessF() > 0.55 ? QColor(Qt::black) : QColor(Qt::white));
    painter.setFont(font);
    painter.drawText(cell, Qt::AlignCenter, QString::number(v, 'g', 2));
}

void ModelView::paintAblated(QPainter& painter, const QRectF& cell) const {
    // Struck through: the head's map is what it would weigh, but it weighs
    // nothing now.
    painter.save();
    painter.fillRect(cell,
                     QColor(m_theme.background.red(), m_theme.background.green(), m_theme.background.blue(), 150));
    painter.setPen(QPen(QColor(0xd0, 0x20, 0x20), std::max(2.0, cell.width() / 18), Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(cell.topLeft(), cell.bottomRight());
    painter.drawLine(cell.topRight(), cell.bottomLeft());
    painter.restore();
}

void ModelView::contextMenuEvent(QContextMenuEvent* event) {
    const QPoint hit = headAt(event->pos());
    QMenu menu(this);
    if (hit.x() >= 0 && m_result) {
        const bool off = m_result->isAblated(hit.x(), hit.y());
        QAction* toggle = menu.addAction(off ? tr("Switch layer %1, head %2 back on").arg(hit.x()).arg(hit.y())
                                             : tr("Switch layer %1, head %2 off").arg(hit.x()).arg(hit.y()));
        connect(toggle, &QAction::triggered, this, [this, hit] { emit headAblationRequested(hit.x(), hit.y()); });
    }
    QAction* restore = menu.addAction(tr("Switch every head back on"));
    restore->setEnabled(m_result && !m_result->ablated.empty());
    connect(restore, &QAction::triggered, this, &ModelView::restoreHeadsRequested);
    menu.exec(event->globalPos());
}

void ModelView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintGrid(painter, QRectF(rect()).adjusted(4, 4, -4, -4), false);
}

void ModelView::paintFigure(QPainter& painter, const QRectF& rect) {
    paintGrid(painter, rect, true);
}

double ModelView::minimumFigureWidth() const {
    // Layer labels, maps of 18 points at the least, and the colour bar.
    return (90.0 + 18.0 * std::max(m_heads, 1)) * m_theme.fontScale;
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
    if (event->modifiers() & Qt::ControlModifier) {
        emit headAblationRequested(hit.x(), hit.y());
        return;
    }
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
