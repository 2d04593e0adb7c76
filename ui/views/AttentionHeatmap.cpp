#include "AttentionHeatmap.h"

#include "HeatmapColors.h"
#include "PlotRender.h"

#include <qcustomplot.h>
#include <QGridLayout>
#include <QImageReader>
#include <QLabel>
#include <QMouseEvent>
#include <QPicture>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace bertlens::ui {

namespace {
// Label sizes tried, largest first (theme points: presentation mode scales
// them). On screen labels stop at kSmallestScreenPoints and the map scrolls
// instead; a figure has no scroll bar and may go smaller.
constexpr double kLabelPoints[] = {10.0, 9.0, 8.0, 7.0, 6.0, 5.0};
constexpr double kSmallestScreenPoints = 8.0;
// A cell's side per label line height: key labels are turned 60 degrees, so
// neighbours sit cell * sin 60 apart across their lines.
constexpr double kCellPerLine = 1.2;

double labelLine(const Theme& theme, double points) {
    return QFontMetricsF(theme.font(points)).height() * kCellPerLine;
}
}  // namespace

double AttentionHeatmap::minimumCellPoints() {
    // In points of an unscaled theme: 72 per inch on a screen of logicalDpiY.
    const double dpi = QFontMetricsF(Theme::normal().font()).fontDpi();
    return labelLine(Theme::normal(), kFigureLabelPoints) * 72.0 / (dpi > 0 ? dpi : 96.0);
}

AttentionHeatmap::AttentionHeatmap(QWidget* parent)
    : QWidget(parent),
      m_plot(new QCustomPlot(this)),
      m_hoverLabel(new QLabel(this)),
      m_theme(Theme::normal()),
      m_rowScroll(new QScrollBar(Qt::Vertical, this)),
      m_columnScroll(new QScrollBar(Qt::Horizontal, this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* grid = new QGridLayout;
    grid->setSpacing(0);
    grid->addWidget(m_plot, 0, 0);
    grid->addWidget(m_rowScroll, 0, 1);
    grid->addWidget(m_columnScroll, 1, 0);
    layout->addLayout(grid, 1);
    layout->addWidget(m_hoverLabel);
    m_rowScroll->hide();
    m_columnScroll->hide();
    m_rowScroll->setToolTip(tr("More query rows: scroll, or turn the wheel over the map"));
    m_columnScroll->setToolTip(tr("More key columns: scroll, or Shift and the wheel over the map"));
    connect(m_rowScroll, &QScrollBar::valueChanged, this, [this](int v) {
        m_centreOnAnchor = false;
        m_firstRow = v;
        applyRanges();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(m_columnScroll, &QScrollBar::valueChanged, this, [this](int v) {
        m_centreOnAnchor = false;
        m_firstColumn = v;
        applyRanges();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
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
    m_margins = new QCPMarginGroup(m_plot);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, m_margins);
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, m_margins);

    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    connect(m_plot, &QCustomPlot::afterLayout, this, &AttentionHeatmap::keepCellsSquare);
    applyTheme();
    rebuild();
}

void AttentionHeatmap::setMatrix(const Eigen::Ref<const RowMatrix>& values, const QStringList& rowLabels,
                                 const QStringList& columnLabels) {
    if (values.rows() != m_values.rows() || values.cols() != m_values.cols()) {
        m_firstRow = m_firstColumn = 0;
        m_centreOnAnchor = true;
    }
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
    m_titleText = title;
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

void AttentionHeatmap::setHoverLineVisible(bool visible) {
    m_hoverLabel->setVisible(visible);
}

QString AttentionHeatmap::idleHint() const {
    if (rows() == 0) return QString();
    return m_hiddenBy != MaskMode::Bidirectional ? tr("Grey: hidden by the mask. %1").arg(m_hint).trimmed()
                                                 : tr("Point at a cell to read its weight.");
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
        std::min(double(target.width() - extraW) / shownColumns(), double(target.height() - extraH) / shownRows());
    if (cell <= 1.0) return QMargins();
    const int dx = std::max(0, target.width() - extraW - static_cast<int>(cell * shownColumns()));
    const int dy = std::max(0, target.height() - extraH - static_cast<int>(cell * shownRows()));
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
        const PlotFontsInPixels pixels(*m_plot, target.logicalDpiY());
        QCPPainter recorder(&target);
        recorder.setMode(QCPPainter::pmVectorized);
        recorder.setMode(QCPPainter::pmNoCaching);
        m_plot->toPainter(&recorder, size.width(), size.height());
    };
    const double screenPoints = m_labelPoints;
    const QRect screenWindow(m_firstColumn, m_firstRow, m_shownColumns, m_shownRows);
    m_plot->plotLayout()->setMargins(QMargins());
    // Too narrow for the colour bar beside the map: under it, key labels upright.
    setNarrowLayout(rect.width() < wideFigureWidth() - 0.5);
    // A figure's title is fitted to the figure, not to the widget on screen,
    // and set larger than the tick labels (12 points at most).
    fitTitle(size.width(), 13.0);
    resetLabels();  // a figure shows every token: the whole matrix, smaller labels if need be
    m_firstRow = m_firstColumn = 0;
    applyRanges();
    // The layout passes leave the cells out: a long text's map is a pixmap of
    // millions of pixels, and the layout does not depend on it.
    const bool mapShown = m_map->visible();
    m_map->setVisible(false);
    for (int pass = 0; pass < 8; ++pass) {  // lay out at the figure's size until the labels fit
        QPicture measure;
        record(measure);
        if (!shrinkLabelsToFit()) break;
    }
    QPicture measure;
    record(measure);
    m_map->setVisible(mapShown);
    m_plot->plotLayout()->setMargins(squareMargins(size, size));
    record(picture);
    m_plot->plotLayout()->setMargins(screenMargins);
    setNarrowLayout(false);
    fitTitle(m_plot->width());
    m_labelPoints = screenPoints;
    m_firstColumn = screenWindow.x();
    m_firstRow = screenWindow.y();
    m_shownColumns = screenWindow.width();
    m_shownRows = screenWindow.height();
    applyLabels();
    m_rendering = false;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    // A long text's cells are one large pixmap in the picture; replaying it
    // must not stop at QImageReader's default 128 MB limit (the stream would
    // lose its place and the rest of the figure would be garbage).
    const int limit = QImageReader::allocationLimit();
    QImageReader::setAllocationLimit(std::max(limit, 2048));
    painter.save();
    painter.drawPicture(rect.topLeft(), picture);
    painter.restore();
    QImageReader::setAllocationLimit(limit);
}

bool AttentionHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot) {
        if (event->type() == QEvent::Resize) {
            resetLabels();  // the new size may fit larger labels; afterLayout shrinks them again
            fitTitle(static_cast<QResizeEvent*>(event)->size().width());
        } else if (event->type() == QEvent::MouseMove) {
            const QPoint cell = cellAt(m_plot->mapTo(this, static_cast<QMouseEvent*>(event)->position().toPoint()));
            showHover(cell.x(), cell.y());
        } else if (event->type() == QEvent::Wheel) {
            auto* wheel = static_cast<QWheelEvent*>(event);
            const bool columns = wheel->modifiers() & Qt::ShiftModifier || wheel->angleDelta().x() != 0;
            QScrollBar* bar = columns ? m_columnScroll : m_rowScroll;
            if (bar->isVisible()) {
                const int delta = wheel->angleDelta().y() + wheel->angleDelta().x();
                bar->setValue(bar->value() - (delta > 0 ? 3 : -3));
                return true;
            }
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
        m_hoverLabel->setText(idleHint());
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
        m_hoverLabel->setText(idleHint());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionHeatmap::fitTitle(int width, double points) {
    // The theme's title size, smaller (down to 60%) when a narrow map (three
    // side by side in presentation mode) would clip it; when even that is
    // too wide, two lines split at the space nearest the middle.
    QFont font = m_theme.font(points, true);
    const double full = font.pointSizeF();
    // The title sits over the map's column only, not over the colour scale's.
    const double scaleWidth =
        m_colorScale->outerRect().width() > 0 ? m_colorScale->outerRect().width() : 60.0 * m_theme.fontScale;
    const double room = m_narrow ? width - 12 : width - 12 - scaleWidth - m_plot->plotLayout()->columnSpacing();
    auto widest = [&font](const QString& text) {
        double advance = 0.0;
        for (const QString& line : text.split(QLatin1Char('\n')))
            advance = std::max(advance, QFontMetricsF(font).horizontalAdvance(line));
        return advance;
    };
    QString text = m_titleText;
    // A figure's title stays larger than its body text: two lines sooner, and
    // never smaller than 10 points (the body is 9).
    const double split = m_rendering ? 1.0 : 0.6;
    const double smallest = m_rendering ? std::max(0.6 * full, m_theme.font(10, true).pointSizeF()) : 0.6 * full;
    if (width > 0 && widest(text) * split > room * (m_rendering ? 1.0 : 0.85) && !text.contains(QLatin1Char('\n'))) {
        int best = -1;
        for (int i = 0; i < text.size(); ++i) {
            if (text[i] == QLatin1Char(' ') &&
                (best < 0 || std::abs(i - text.size() / 2) < std::abs(best - text.size() / 2)))
                best = i;
        }
        if (best > 0) text = text.left(best) + QLatin1Char('\n') + text.mid(best + 1);
    }
    const double advance = widest(text);
    if (width > 0 && advance > room) font.setPointSizeF(std::max(smallest, full * room / advance));
    m_title->setText(text);
    m_title->setFont(font);
}

void AttentionHeatmap::resetLabels() {
    m_labelPoints = kLabelPoints[0];
    m_shownRows = m_shownColumns = 1 << 20;
    applyLabels();
}

void AttentionHeatmap::applyLabels() {
    auto setLabels = [this](QCPAxis* axis, const QStringList& labels, int count) {
        auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
        ticker->clear();
        for (int i = 0; i < count; ++i) ticker->addTick(i, i < labels.size() ? labels[i] : QString::number(i));
        axis->setTickLabelFont(m_theme.font(m_labelPoints));
    };
    setLabels(m_plot->xAxis2, m_columnLabels, columns());
    setLabels(m_plot->yAxis, m_rowLabels, rows());
    applyRanges();
}

void AttentionHeatmap::setAnchorToken(int position) {
    if (position != m_anchor) m_centreOnAnchor = true;
    m_anchor = position;
}

void AttentionHeatmap::applyRanges() {
    if (m_centreOnAnchor && !m_rendering && m_anchor >= 0 && m_anchor < rows() && m_anchor < columns()) {
        m_firstRow = m_anchor - shownRows() / 2;
        m_firstColumn = m_anchor - shownColumns() / 2;
    }
    m_firstRow = std::clamp(m_firstRow, 0, std::max(0, rows() - shownRows()));
    m_firstColumn = std::clamp(m_firstColumn, 0, std::max(0, columns() - shownColumns()));
    m_plot->xAxis2->setRange(m_firstColumn - 0.5, m_firstColumn + std::max(shownColumns(), 1) - 0.5);
    m_plot->yAxis->setRange(m_firstRow - 0.5, m_firstRow + std::max(shownRows(), 1) - 0.5);
    // The last key label leans out to the right (turned 60 degrees): keep the
    // colour scale's top tick clear of it.
    const int last = m_firstColumn + shownColumns() - 1;
    const QFontMetricsF fm(m_theme.font(m_labelPoints));
    m_plot->plotLayout()->setRowSpacing(m_narrow ? 0 : 5);  // the frame axis under the map leaves air enough
    const QString lastLabel = last >= 0 && last < m_columnLabels.size() ? m_columnLabels[last] : QString();
    m_plot->plotLayout()->setColumnSpacing(
        static_cast<int>(std::ceil(0.5 * fm.horizontalAdvance(lastLabel) + 2.0 * fm.height())));
}

AttentionHeatmap::FigureRoom AttentionHeatmap::figureRoom() const {
    // Every token at the body label size: cells of that line, plus the room
    // the longest label, the axis titles, the title and the colour scale take.
    FigureRoom r;
    r.toPoints = 72.0 / std::max(1.0, QFontMetricsF(m_theme.font()).fontDpi());
    const QFontMetricsF label(m_theme.font(kFigureLabelPoints));
    double longest = 0.0;
    for (const QStringList* labels : {&m_rowLabels, &m_columnLabels})
        for (const QString& l : *labels) longest = std::max(longest, label.horizontalAdvance(l));
    const QFontMetricsF body(m_theme.font(9));
    const double axisTitle = body.height() * 1.6;
    const double title = QFontMetricsF(m_theme.font(13, true)).height() * 2.4;
    const double scale = 20.0 + body.horizontalAdvance(QStringLiteral("-0.88")) + 16.0;
    r.cells = std::max(rows(), columns()) * labelLine(m_theme, kFigureLabelPoints);
    r.sensible = std::max(r.cells, 280.0 * m_theme.fontScale);
    r.wide = longest + axisTitle + scale + 0.5 * longest + label.height() + 16.0;
    r.wideTall = 0.87 * longest + 0.5 * label.height() + axisTitle + title + 16.0;
    // Upright key labels stand a label's length over the map and lean out by
    // half a line; the bar under the map takes its width, its tick labels
    // and a line of air.
    r.narrow = longest + axisTitle + label.height() + 16.0;
    r.narrowTall = longest + label.height() + axisTitle + title + 10.0 + 2.0 * body.height() + 16.0;
    return r;
}

double AttentionHeatmap::wideFigureWidth() const {
    const FigureRoom r = figureRoom();
    return (r.cells + r.wide) * r.toPoints;
}

double AttentionHeatmap::minimumFigureWidth() const {
    const FigureRoom r = figureRoom();
    return (r.cells + r.narrow) * r.toPoints;
}

QSizeF AttentionHeatmap::figureSize() const {
    const FigureRoom r = figureRoom();
    return QSizeF((r.sensible + r.wide) * r.toPoints, (r.sensible + r.wideTall) * r.toPoints);
}

double AttentionHeatmap::figureHeightForWidth(double width) const {
    const FigureRoom r = figureRoom();
    const bool narrow = width < wideFigureWidth() - 0.5;
    // Square cells: the side left after the labels, as tall as it is wide.
    // A narrow figure (a journal column) is short of height too: its cells
    // grow to at most 1.3 times the label line, the map centred.
    double side = std::max(r.cells, width / r.toPoints - (narrow ? r.narrow : r.wide));
    double tall = narrow ? r.narrowTall : r.wideTall;
    if (narrow) {
        side = std::min(side, std::max(r.cells * 1.2, 160.0 * m_theme.fontScale));
        // A title that fits on one line leaves its second line's room.
        const QFontMetricsF title(m_theme.font(13, true));
        if (title.horizontalAdvance(m_titleText) <= width / r.toPoints - 12) tall -= title.height();
    }
    return (side + tall) * r.toPoints;
}

void AttentionHeatmap::setNarrowLayout(bool narrow) {
    if (narrow == m_narrow) return;
    m_narrow = narrow;
    QCPLayoutGrid* grid = m_plot->plotLayout();
    QCPAxisRect* rect = m_plot->axisRect();
    grid->take(m_colorScale);
    grid->simplify();
    rect->setMarginGroup(QCP::msAll, nullptr);
    m_colorScale->setMarginGroup(QCP::msAll, nullptr);
    const QCP::MarginSides aligned = narrow ? QCP::msLeft | QCP::msRight : QCP::msTop | QCP::msBottom;
    if (narrow) {
        grid->addElement(2, 0, m_colorScale);
        grid->setRowStretchFactor(2, 0.001);  // the bar keeps its height; the map takes the rest
        m_colorScale->setType(QCPAxis::atBottom);
    } else {
        grid->addElement(1, 1, m_colorScale);
        m_colorScale->setType(QCPAxis::atRight);
    }
    rect->setMarginGroup(aligned, m_margins);
    m_colorScale->setMarginGroup(aligned, m_margins);
    m_colorScale->setBarWidth(narrow ? 10 : 14);
    m_plot->xAxis2->setTickLabelRotation(narrow ? -90 : -60);
    applyRanges();
}

void AttentionHeatmap::updateScrollBars() {
    const auto set = [](QScrollBar* bar, int first, int shown, int count) {
        const QSignalBlocker block(bar);
        bar->setRange(0, std::max(0, count - shown));
        bar->setPageStep(std::max(1, shown));
        bar->setValue(first);
        bar->setVisible(shown < count);
    };
    set(m_rowScroll, m_firstRow, shownRows(), rows());
    set(m_columnScroll, m_firstColumn, shownColumns(), columns());
}

bool AttentionHeatmap::shrinkLabelsToFit() {
    if (rows() == 0 || columns() == 0) return false;
    // The cells' room is the axis rect plus the margins that now centre it
    // (keepCellsSquare): without them the window would shrink at every pass.
    const QMargins m = m_plot->plotLayout()->margins();
    const QRect r = m_plot->axisRect()->rect().adjusted(-m.left(), -m.top(), m.right(), m.bottom());
    const double cell = std::min(double(r.width()) / shownColumns(), double(r.height()) / shownRows());
    // The largest size whose line fits a cell. Only ever smaller than now
    // (and the window only ever smaller): smaller labels free room, larger
    // cells would then ask for larger labels again, and the layout would
    // never settle. resetLabels() starts again after a resize or new data.
    const double floor = m_rendering ? kLabelPoints[std::size(kLabelPoints) - 1] : kSmallestScreenPoints;
    double points = floor;
    for (double p : kLabelPoints) {
        if (p >= floor && p <= m_labelPoints && labelLine(m_theme, p) <= cell) {
            points = p;
            break;
        }
    }
    points = std::min(points, m_labelPoints);
    if (points != m_labelPoints) {
        m_labelPoints = points;
        applyLabels();
        return true;
    }
    // Every token keeps its label: on screen, show fewer at a time and scroll.
    const double line = labelLine(m_theme, points);
    if (m_rendering) return false;
    if (line <= cell) {
        updateScrollBars();
        return false;
    }
    m_shownColumns = std::clamp(static_cast<int>(r.width() / line), 1, shownColumns());
    m_shownRows = std::clamp(static_cast<int>(r.height() / line), 1, shownRows());
    applyRanges();
    updateScrollBars();
    return true;
}

}  // namespace bertlens::ui
