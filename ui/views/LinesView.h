// The lines view: the tokens in two columns — queries (attending, "from") on
// the left, keys (attended to, "to") on the right — and a line from each
// query to each key whose opacity is the attention weight. Several heads can
// be shown at once, each in its own colour-blind-safe colour (the head chips
// pick them; the selection's head is the default), or the mean of the heads.
// Pointing at a token shows only its lines and highlights it.
//
// Drawn with QPainter lines and text, so SVG and PDF exports stay vector.
// UI thread only.
#pragma once

#include "FigureView.h"

#include "EigenTypes.h"

#include <QPixmap>

#include <vector>

namespace bertlens::ui {

class HeadChips;

class LinesView : public FigureView {
    Q_OBJECT
public:
    // Lines fainter than this are not drawn (invisible anyway; keeps SVGs small).
    static constexpr float kMinWeight = 0.005f;
    // At most this many lines are drawn at once (over all shown heads): a
    // long text has n^2 of them, and an antialiased line costs about a
    // quarter of a millisecond here (measured, loaded 2-core machine). Past
    // the budget only each head's strongest lines are drawn, and the legend
    // says so.
    static constexpr int kDefaultLineBudget = 3000;

    enum class Side { None, Query, Key };

    explicit LinesView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    double minimumFigureWidth() const override;
    QString figureName() const override { return QStringLiteral("lines"); }

    // Heads shown, in colour order (kMeanHead for the mean of the layer's heads).
    void setShownHeads(const std::vector<int>& heads);
    const std::vector<int>& shownHeads() const { return m_heads; }
    int tokenCount() const { return static_cast<int>(m_labels.size()); }
    // The n x n map drawn for the i-th shown head.
    const RowMatrix& map(int i) const { return m_maps[static_cast<size_t>(i)]; }
    int mapCount() const { return static_cast<int>(m_maps.size()); }

    // The token the pointer is on (what the mouse sets); Side::None for none.
    void setHoverToken(Side side, int index);
    // Whether the line query -> key of the i-th shown head is drawn now: the
    // hovered token at one of its ends and weight >= kMinWeight; with no
    // token hovered, weight >= lineThreshold(i).
    bool lineShown(int i, int query, int key) const;
    // The weakest weight drawn for the i-th head when no token is hovered:
    // kMinWeight, or higher when the line budget is exceeded.
    float lineThreshold(int i) const { return m_thresholds[static_cast<size_t>(i)]; }
    // The pen width of a line of that weight (a weight of 0.996 is drawn 7 times as wide as one of 0.01).
    static double lineWidthFor(double weight, const Theme& theme);
    bool linesCapped() const;
    void setLineBudget(int lines);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Layout {
        QRectF title, legend;
        QRectF content;                // the columns and lines, centred in the rect
        double leftX = 0, rightX = 0;  // the line ends: right edge of queries, left edge of keys
        double top = 0, row = 0;       // first row's centre, row pitch
        double labelWidth = 0;
        QFont labelFont, titleFont;
    };
    Layout layoutFor(const QRectF& rect, const QPaintDevice* device) const;
    void paint(QPainter& painter, const QRectF& rect, bool forExport);
    QRectF canvasRect() const;
    void rebuildMaps();
    void invalidate();  // the data or look changed: repaint everything
    QString title() const;

    HeadChips* m_chips;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    std::vector<int> m_heads;
    std::vector<RowMatrix> m_maps;
    std::vector<float> m_thresholds;  // per map, see lineThreshold()
    int m_lineBudget = kDefaultLineBudget;
    QPixmap m_cache;  // the screen picture with no token hovered
    QStringList m_labels;
    Side m_hoverSide = Side::None;
    int m_hoverIndex = -1;
};

}  // namespace bertlens::ui
