#include "AttentionHeatmap.h"

#include "HeatmapColors.h"

#include <qcustomplot.h>
#include <QLabel>
#include <QMouseEvent>
#include <QPicture>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace bertlens::ui {

namespace {
// Label sizes tried, largest first (theme points: presentation mode scales them).
constexpr double kLabelPoints[] = {10.0, 9.0, 8.0, 7.0};
}  // namespace

AttentionHeatmap::AttentionHeatmap(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_hoverLabel(new QLabel(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_hoverLabel);
    m_hoverLabel->setTextFormat(Qt::PlainText);
    m_hoverLabel->setAlignment(Qt::AlignCenter);
    m_hoverLabel->setWordWrap(true);  // a long hint must not widen the map
    m_hoverLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hoverLabel->setText(tr("Point at a cell to read its weight."));
    m_plot->setMinimumSize(200, 200);

    // Keys (attended-to tokens) along the top, like a matrix's column heads;
    // queries down the left, first token at the top.
    QCPAxisRect* rect = m_plot->axisRect();
    // The bottom and right axes are bare lines that close the frame: with the
    // grayscale map, 0 is white and the map's edge would vanish into the page.
    for (QCPAxis* frame : {m_plot->xAxis, m_plot->yAxis2}) {
        frame->setVisible(true);
        frame->setTicks(false);
        frame->setTickLabels(false);
        frame->grid()->setVisible(false);
    }
    m_plot->xAxis2->setVisible(true);
    m_plot->yAxis->setRangeReversed(true);
    for (QCPAxis* axis : {m_plot->xAxis2, m_plot->yAxis}) {
        axis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
        axis->setSubTicks(false);
        axis->setTickLength(0, 3);
        axis->grid()->setVisible(false);
    }
    m_plot->xAxis2->setTickLabelRotation(-60);
    m_plot->xAxis2->setLabel(tr("key (attended to)"));
    m_plot->yAxis->setLabel(tr("query (attending)"));

    m_map = new QCPColorMap(m_plot->xAxis2, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);

    m_colorScale = new QCPColorScale(m_plot);
    m_colorScale->setType(QCPAxis::atRight);
    m_colorScale->setBarWidth(14);
    m_map->setColorScale(m_colorScale);

    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, QString());
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->plotLayout()->addElement(1, 1, m_colorScale);
    auto* margins = new QCPMarginGroup(m_plot);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    connect(m_plot, &QCustomPlot::afterLayout, this, &AttentionHeatmap::keepCellsSquare);
    applyTheme();
    rebuild();
}

void AttentionHeatmap::setMatrix(const Eigen::Ref<const RowMatrix>& values, const QStringList& rowLabels,
                                 const QStringList& columnLabels) {
    m_values = values;
    m_rowLabels = rowLabels;
    m_columnLabels = columnLabels;
    rebuild();
}

void AttentionHeatmap::clear() {
    m_values.resize(0, 0);
    m_rowLabels.clear();
    m_columnLabels.clear();
    rebuild();
}

void AttentionHeatmap::setScale(Scale scale) {
    m_scale = scale;
    applyTheme();
    rebuild();
}

void AttentionHeatmap::setStretch(bool stretch) {
    m_stretch = stretch;
    rebuild();
}

void AttentionHeatmap::setTitle(const QString& title) {
    m_title->setText(title);
    fitTitle(m_plot->width());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionHeatmap::setTheme(const Theme& theme) {
    m_theme = theme;
    applyTheme();
    rebuild();
}

void AttentionHeatmap::setValueName(const QString& name) {
    m_valueName = name;
}

void AttentionHeatmap::setHiddenBy(MaskMode mode) {
    if (mode == m_hiddenBy) return;
    m_hiddenBy = mode;
    applyTheme();
    rebuild();
}

QColor AttentionHeatmap::hiddenColor(const Theme& theme) {
    // Grey sits inside the grayscale map, so print gets a light warm tint.
    return theme.colorMap == ColorMap::Grayscale ? QColor(0xe8, 0xd5, 0xa8) : QColor(0xa6, 0xa6, 0xa6);
}

double AttentionHeatmap::rangeLow() const {
    return m_map->dataRange().lower;
}
double AttentionHeatmap::rangeHigh() const {
    return m_map->dataRange().upper;
}

QString AttentionHeatmap::hoverText(int row, int column) const {
    if (row < 0 || column < 0 || row >= rows() || column >= columns()) return QString();
    const QString from = row < m_rowLabels.size() ? m_rowLabels[row] : QString::number(row);
    const QString to = column < m_columnLabels.size() ? m_columnLabels[column] : QString::number(column);
    if (isHidden(row, column)) {
        return m_hiddenBy == MaskMode::Causal ? tr("%1 → %2: hidden by the left-to-right mask").arg(from, to)
                                              : tr("%1 → %2: hidden by the right-to-left mask").arg(from, to);
    }
    return QStringLiteral("%1 → %2: %3 %4").arg(from, to, m_valueName, QString::number(m_values(row, column), 'f', 3));
}

QString AttentionHeatmap::hoverLine() const {
    return m_hoverLabel->text();
}

QPoint AttentionHeatmap::cellAt(const QPoint& widgetPos) const {
    if (rows() == 0) return {-1, -1};
    const QPoint p = m_plot->mapFrom(this, widgetPos);
    if (!m_plot->axisRect()->rect().contains(p)) return {-1, -1};
    const int column = static_cast<int>(std::lround(m_plot->xAxis2->pixelToCoord(p.x())));
    const int row = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(p.y())));
    if (row < 0 || column < 0 || row >= rows() || column >= columns()) return {-1, -1};
    return {row, column};
}

QMargins AttentionHeatmap::squareMargins(const QSize& laidOut, const QSize& target) const {
    if (rows() == 0 || columns() == 0) return QMargins();
    // What the last layout (at size laidOut) spent on labels, title and the
    // colour scale; the rest goes to the cells, square, centred.
    const QMargins m = m_plot->plotLayout()->margins();
    const QRect r = m_plot->axisRect()->rect();
    const int extraW = laidOut.width() - r.width() - m.left() - m.right();
    const int extraH = laidOut.height() - r.height() - m.top() - m.bottom();
    const double cell =
        std::min(double(target.width() - extraW) / columns(), double(target.height() - extraH) / rows());
    if (cell <= 1.0) return QMargins();
    const int dx = std::max(0, target.width() - extraW - static_cast<int>(cell * columns()));
    const int dy = std::max(0, target.height() - extraH - static_cast<int>(cell * rows()));
    return QMargins(dx / 2, dy / 2, dx - dx / 2, dy - dy / 2);
}

void AttentionHeatmap::keepCellsSquare() {
    if (m_rendering) return;
    if (shrinkLabelsToFit()) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const QMargins want = squareMargins(m_plot->viewport().size(), m_plot->viewport().size());
    const QMargins have = m_plot->plotLayout()->margins();
    const QMargins d = want - have;
    if (std::max({std::abs(d.left()), std::abs(d.top()), std::abs(d.right()), std::abs(d.bottom())}) <= 1) return;
    m_plot->plotLayout()->setMargins(want);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionHeatmap::render(QPainter& painter, const QRectF& rect) {
    // QCustomPlot paints only through its own QCPPainter, which cannot share
    // the caller's device; a QPicture records the vector drawing and replays it.
    // QPicture::play scales by (device dpi / picture dpi), so record at the
    // inverse of that: the figure then fills rect, and fonts come out at the
    // size the caller's painter gives a point on its device.
    QPicture picture;
    const double deviceDpiX = painter.device() ? painter.device()->logicalDpiX() : picture.logicalDpiX();
    const double deviceDpiY = painter.device() ? painter.device()->logicalDpiY() : picture.logicalDpiY();
    const QSize size(static_cast<int>(std::lround(rect.width() * picture.logicalDpiX() / deviceDpiX)),
                     static_cast<int>(std::lround(rect.height() * picture.logicalDpiY() / deviceDpiY)));
    const QMargins screenMargins = m_plot->plotLayout()->margins();
    m_rendering = true;
    auto record = [this, size](QPicture& target) {
        QCPPainter recorder(&target);
        recorder.setMode(QCPPainter::pmVectorized);
        recorder.setMode(QCPPainter::pmNoCaching);
        m_plot->toPainter(&recorder, size.width(), size.height());
    };
    const double screenPoints = m_labelPoints;
    const int screenStep = m_labelStep;
    m_plot->plotLayout()->setMargins(QMargins());
    // A figure's title is fitted to the figure, not to the widget on screen,
    // and set larger than the tick labels (12 points at most).
    fitTitle(size.width(), 13.0);
    resetLabels();
    for (int pass = 0; pass < 4; ++pass) {  // lay out at the figure's size until the labels fit
        QPicture measure;
        record(measure);
        if (!shrinkLabelsToFit()) break;
    }
    QPicture measure;
    record(measure);
    m_plot->plotLayout()->setMargins(squareMargins(size, size));
    record(picture);
    m_plot->plotLayout()->setMargins(screenMargins);
    fitTitle(m_plot->width());
    m_labelPoints = screenPoints;
    m_labelStep = screenStep;
    applyLabels();
    m_rendering = false;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    painter.save();
    painter.drawPicture(rect.topLeft(), picture);
    painter.restore();
}

bool AttentionHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot) {
        if (event->type() == QEvent::Resize) {
            resetLabels();  // the new size may fit larger labels; afterLayout shrinks them again
            fitTitle(static_cast<QResizeEvent*>(event)->size().width());
        } else if (event->type() == QEvent::MouseMove) {
            const QPoint cell = cellAt(m_plot->mapTo(this, static_cast<QMouseEvent*>(event)->position().toPoint()));
            showHover(cell.x(), cell.y());
        } else if (event->type() == QEvent::Leave) {
            showHover(-1, -1);
        } else if (event->type() == QEvent::MouseButtonRelease) {
            const QPoint cell = cellAt(m_plot->mapTo(this, static_cast<QMouseEvent*>(event)->position().toPoint()));
            if (cell.x() >= 0) emit cellClicked(cell.x(), cell.y());
        }
    }
    return QWidget::eventFilter(watched, event);
}

void AttentionHeatmap::showHover(int row, int column) {
    const QString text = hoverText(row, column);
    if (text.isEmpty()) {
        const QString hint = m_hiddenBy != MaskMode::Bidirectional ? tr("Grey: hidden by the mask. %1").arg(m_hint).trimmed()
                                            : tr("Point at a cell to read its weight.");
        m_hoverLabel->setText(rows() ? hint : QString());
        QToolTip::hideText();
    } else {
        m_hoverLabel->setText(text);
        QToolTip::showText(QCursor::pos(), text, m_plot);
    }
    emit cellHovered(row, column);
}

void AttentionHeatmap::applyTheme() {
    const QColor fg = m_theme.foreground;
    m_plot->setBackground(m_theme.background);
    m_plot->axisRect()->setBackground(m_theme.background);
    for (QCPAxis* axis : {m_plot->xAxis2, m_plot->yAxis, m_colorScale->axis(), m_plot->xAxis, m_plot->yAxis2}) {
        axis->setBasePen(QPen(fg, 1));
        axis->setTickPen(QPen(fg, 1));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->setLabelFont(m_theme.font(9));
    }
    m_colorScale->axis()->setTickLabelFont(m_theme.font(9));
    fitTitle(m_plot->width());
    m_title->setTextColor(fg);
    m_hoverLabel->setFont(m_theme.font(10));
    QCPColorGradient gradient = m_scale == Scale::Difference ? differenceGradient(m_theme) : themeGradient(m_theme);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(hiddenColor(m_theme));
    m_map->setGradient(gradient);
}

void AttentionHeatmap::rebuild() {
    const int nRows = rows();
    const int nCols = columns();
    auto* data = new QCPColorMapData(std::max(nCols, 1), std::max(nRows, 1), QCPRange(0, std::max(nCols - 1, 0)),
                                     QCPRange(0, std::max(nRows - 1, 0)));
    double largest = 0.0;
    for (int r = 0; r < nRows; ++r) {
        for (int c = 0; c < nCols; ++c) {
            if (isHidden(r, c)) {  // NaN: drawn in the gradient's hidden colour
                data->setCell(c, r, std::numeric_limits<double>::quiet_NaN());
                continue;
            }
            data->setCell(c, r, m_values(r, c));
            largest = std::max(largest, std::abs(static_cast<double>(m_values(r, c))));
        }
    }
    if (nRows == 0) data->fill(0.0);
    m_map->setData(data);  // takes ownership
    m_map->setVisible(nRows > 0);

    if (m_scale == Scale::Difference) {
        const double bound = largest > 0.0 ? largest : 1.0;
        m_map->setDataRange(QCPRange(-bound, bound));
    } else {
        m_map->setDataRange(QCPRange(0.0, m_stretch && largest > 0.0 ? largest : 1.0));
    }

    resetLabels();
    if (!m_hoverLabel->underMouse())  // the hint says what grey cells are
        m_hoverLabel->setText(nRows == 0 ? QString()
                              : m_hiddenBy != MaskMode::Bidirectional ? tr("Grey: hidden by the mask. %1").arg(m_hint).trimmed()
                                               : tr("Point at a cell to read its weight."));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionHeatmap::fitTitle(int width, double points) {
    // The theme's title size, smaller (down to 60%) when a narrow map (three
    // side by side in presentation mode) would clip it at both ends.
    QFont font = m_theme.font(points, true);
    const double full = font.pointSizeF();
    double advance = 0.0;  // of the longest line: a title may hold two
    for (const QString& line : m_title->text().split(QLatin1Char('\n')))
        advance = std::max(advance, QFontMetricsF(font).horizontalAdvance(line));
    if (width > 0 && advance > width - 12) font.setPointSizeF(std::max(0.6 * full, full * (width - 12) / advance));
    m_title->setFont(font);
}

void AttentionHeatmap::resetLabels() {
    m_labelPoints = kLabelPoints[0];
    m_labelStep = 1;
    applyLabels();
}

void AttentionHeatmap::applyLabels() {
    auto setLabels = [this](QCPAxis* axis, const QStringList& labels, int count) {
        auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
        ticker->clear();
        for (int i = 0; i < count; i += m_labelStep) {
            ticker->addTick(i, i < labels.size() ? labels[i] : QString::number(i));
        }
        axis->setTickLabelFont(m_theme.font(m_labelPoints));
        axis->setRange(-0.5, std::max(count, 1) - 0.5);
    };
    setLabels(m_plot->xAxis2, m_columnLabels, columns());
    setLabels(m_plot->yAxis, m_rowLabels, rows());
}

bool AttentionHeatmap::shrinkLabelsToFit() {
    if (rows() == 0 || columns() == 0) return false;
    const QRect r = m_plot->axisRect()->rect();
    const double cell = std::min(double(r.width()) / columns(), double(r.height()) / rows());
    // The largest size whose line fits a cell; below the smallest, label
    // every k-th token (the hover line still names every cell). Only ever
    // smaller than now: smaller labels free room, larger cells would then ask
    // for larger labels again, and the layout would never settle.
    double points = kLabelPoints[std::size(kLabelPoints) - 1];
    for (double p : kLabelPoints) {
        if (p <= m_labelPoints && QFontMetricsF(m_theme.font(p)).height() * 1.1 <= cell) {
            points = p;
            break;
        }
    }
    points = std::min(points, m_labelPoints);
    const double line = QFontMetricsF(m_theme.font(points)).height() * 1.1;
    const int step = std::max(m_labelStep, static_cast<int>(std::ceil(line / std::max(cell, 1.0))));
    if (points == m_labelPoints && step == m_labelStep) return false;
    m_labelPoints = points;
    m_labelStep = step;
    applyLabels();
    return true;
}

}  // namespace bertlens::ui
