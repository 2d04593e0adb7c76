// A heatmap of one n x n attention map (or of the difference of two), with
// token labels on both axes — queries as rows, top to bottom in token order;
// keys as columns along the top — a colour scale with values, and
// "from → to: weight" under the pointer. The head view shows one; the compare
// view shows three (bidirectional, left-to-right, their difference).
//
//   auto* map = new AttentionHeatmap(parent);
//   map->setTheme(theme);
//   map->setMatrix(analysis.attention(layer, head), labels, labels);
//
// Drawn by QCustomPlot (QCPColorMap without interpolation), so render() gives
// the exported figure the same drawing as the screen. UI thread only.
#pragma once

#include "EigenTypes.h"
#include "Theme.h"

#include "model/Direction.h"

#include <QStringList>
#include <QWidget>

#include <algorithm>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPMarginGroup;
class QCPTextElement;
class QLabel;
class QPainter;
class QScrollBar;

namespace bertlens::ui {

class AttentionHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Scale {
        Probability,  // values in [0, 1] on the theme's colour map (or [0, max], see setStretch)
        Difference,   // signed values, white at 0, symmetric range +-max|value|
    };

    explicit AttentionHeatmap(QWidget* parent = nullptr);

    // Rows are queries (attending), columns keys (attended to); one label per
    // row and per column. Copies the values.
    void setMatrix(const Eigen::Ref<const RowMatrix>& values, const QStringList& rowLabels,
                   const QStringList& columnLabels);
    void clear();
    void setScale(Scale scale);
    // Probability scale only: colour range [0, largest value] instead of [0, 1],
    // so a head whose weights are all small still shows its pattern.
    void setStretch(bool stretch);
    void setTitle(const QString& title);
    void setTheme(const Theme& theme);
    // How the hover line names the weight ("weight", "difference", ...).
    void setValueName(const QString& name);
    // Cells the map's mask hides (left-to-right: keys after the query;
    // right-to-left: keys before it; bidirectional: none) are drawn in
    // hiddenColor(), outside the colour scale, and named so under the
    // pointer, never as a weight of 0.
    void setHiddenBy(MaskMode mode);
    // The token a map too large for its window keeps in sight (the first
    // [MASK]; -1: none): each new sentence's window is centred on its row
    // and column, and stays so as the widget resizes, until the user scrolls.
    void setAnchorToken(int position);
    // A sentence the line under the map adds to its hint (wrapped).
    void setHint(const QString& hint) {
        m_hint = hint;
        rebuild();
    }
    bool isHidden(int row, int column) const {
        return m_hiddenBy == MaskMode::Causal ? column > row : m_hiddenBy == MaskMode::AntiCausal && column < row;
    }
    // A neutral grey no colour map of the theme uses (a warm tint for the grayscale map).
    static QColor hiddenColor(const Theme& theme);

    int rows() const { return static_cast<int>(m_values.rows()); }
    int columns() const { return static_cast<int>(m_values.cols()); }
    // The number the cell shows (what the colour map receives).
    double value(int row, int column) const { return m_values(row, column); }
    // The colour range in use: [low, high].
    double rangeLow() const;
    double rangeHigh() const;
    // "from → to: weight" for a cell.
    QString hoverText(int row, int column) const;
    // What the line under the map says now (the hovered cell, or a hint).
    QString hoverLine() const;
    // A view showing several maps hides their own lines and shows one (cellHovered, hoverText).
    void setHoverLineVisible(bool visible);
    // The hint the line shows when no cell is pointed at.
    QString idleHint() const;
    // The cell under a widget position, or (-1, -1).
    QPoint cellAt(const QPoint& widgetPos) const;
    // Every token is labelled: when the cells of all of them would be too
    // small for a readable label, the map shows a window of rows and columns
    // and scroll bars (or the wheel; Shift for columns) move it.
    int firstShownRow() const { return m_firstRow; }
    int firstShownColumn() const { return m_firstColumn; }
    int shownRows() const { return std::min(m_shownRows, rows()); }
    int shownColumns() const { return std::min(m_shownColumns, columns()); }
    // The label size in use, in theme points (before the theme's scale).
    double labelPoints() const { return m_labelPoints; }
    // The smallest cell (points) that keeps a label of the smallest size
    // readable: what a figure needs per token (FigureView::figureSize).
    static double minimumCellPoints();
    // A figure size (points) at which every label of the current matrix fits
    // at the body text size (kFigureLabelPoints: a figure fitted to 8 pt has
    // 8 pt token labels), square cells; none smaller than a sensible figure.
    // What views base figureSize() on.
    QSizeF figureSize() const;
    // The narrowest figure (points) at which every label still fits at the
    // body text size: the narrow layout (colour bar under the map, key
    // labels turned upright), used below wideFigureWidth().
    double minimumFigureWidth() const;
    // The narrowest figure (points) of the wide layout (colour bar beside the map).
    double wideFigureWidth() const;
    // The height (points) a figure of that width needs for square cells and
    // every label at the body size (the narrow layout below wideFigureWidth()).
    double figureHeightForWidth(double width) const;
    // Token labels in a figure are never smaller than body text (theme points).
    static constexpr double kFigureLabelPoints = 9.0;

    // Paints title, axes, map and colour scale into rect, as on screen.
    void render(QPainter& painter, const QRectF& rect);
    QCustomPlot* plot() const { return m_plot; }

signals:
    // The pointer moved onto a cell; (-1, -1) when it left the map.
    void cellHovered(int row, int column);
    void cellClicked(int row, int column);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void applyTheme();
    void showHover(int row, int column);
    // Plot-layout margins that make the cells square when the plot, last laid
    // out at size laidOut, is drawn at size target.
    QMargins squareMargins(const QSize& laidOut, const QSize& target) const;
    void keepCellsSquare();
    void fitTitle(int width, double points = 11.0);
    void resetLabels();
    void applyLabels();
    // Smaller label font, then (on screen) fewer rows and columns shown,
    // until a label fits a cell of the current layout; true when something changed.
    bool shrinkLabelsToFit();
    void updateScrollBars();
    void applyRanges();
    // What a figure spends besides the cells, in the widget's pixels.
    struct FigureRoom {
        double cells = 0.0;       // every token at the body label size
        double sensible = 0.0;    // the side of a sensible figure's cells (cells or more)
        double wide = 0.0;        // width: labels, axis title, colour bar beside
        double wideTall = 0.0;    // height: turned key labels, axis title, title
        double narrow = 0.0;      // width: labels and axis title only
        double narrowTall = 0.0;  // height: upright key labels, title, colour bar under the map
        double toPoints = 1.0;
    };
    FigureRoom figureRoom() const;
    // Puts the colour bar under the map and turns key labels upright (a
    // figure too narrow for the bar beside it), or back.
    void setNarrowLayout(bool narrow);

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_colorScale;
    QCPTextElement* m_title;
    QString m_titleText;  // as set; fitTitle() may break it in two
    QLabel* m_hoverLabel;
    RowMatrix m_values;
    QStringList m_rowLabels, m_columnLabels;
    Scale m_scale = Scale::Probability;
    bool m_stretch = false;
    MaskMode m_hiddenBy = MaskMode::Bidirectional;
    QString m_hint;
    QString m_valueName = tr("weight");
    Theme m_theme;
    bool m_rendering = false;
    bool m_narrow = false;  // while a narrow figure is rendered
    QCPMarginGroup* m_margins = nullptr;
    int m_anchor = -1;
    bool m_centreOnAnchor = false;  // until the user scrolls this sentence's map
    double m_labelPoints = 10.0;
    int m_firstRow = 0, m_firstColumn = 0;
    int m_shownRows = 1 << 20, m_shownColumns = 1 << 20;  // the window (clamped to the matrix)
    QScrollBar* m_rowScroll;
    QScrollBar* m_columnScroll;
};

}  // namespace bertlens::ui
