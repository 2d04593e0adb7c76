// Inside one head: how one row of the attention map is computed, for the
// selected layer and head and one query token (the chooser in the corner;
// at first the first [MASK], else token 1). From the top: the query vector
// q_i; then one row per key token j with k_j, the elementwise product
// q_i ⊙ k_j (its sum over the d dimensions is the score), the score
// q_i·k_j/√d (−∞ where the mask hides j), the softmax weight α_ij as a bar
// and α_ij v_j; at the bottom the head's output Σ_j α_ij v_j. Vectors are
// shown whole as colour strips (blue below 0, red above, each kind on its
// own ± scale), and the few dimensions adding most to the chosen key's
// score (the largest weight, or the row clicked) are named.
//
// q, k and v come from core/analysis/InsideHead, computed here on the UI
// thread from the result's hidden state and the model's weights (one head:
// n x hidden x 3d multiply-adds; see the README for the time measured).
// UI thread only.
#pragma once

#include "FigureView.h"

#include "analysis/InsideHead.h"

class QComboBox;
class QScrollBar;

namespace bertlens::ui {

class InsideView : public FigureView {
    Q_OBJECT
public:
    explicit InsideView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Narrower than the six columns side by side (a journal column), the
    // table is drawn twice, one above the other: keys, k_j, q_i ⊙ k_j and the
    // score; then keys, the weight and α_ij v_j with the output
    // (InsideViewColumn.cpp). Every key row is drawn: the figure grows.
    double minimumFigureWidth() const override { return 220.0 * m_theme.fontScale; }
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("inside"); }

    // The query token (−1: the default) and the key whose score is explained (−1: the largest weight).
    void setQuery(int position);
    void setKey(int position);
    int query() const { return m_row.query; }
    int key() const { return m_key; }
    bool hasHead() const { return m_inside.dim > 0; }
    const InsideHead& inside() const { return m_inside; }
    const HeadRow& row() const { return m_row; }
    const std::vector<int>& topDims() const { return m_topDims; }
    // Where key j's row lies in the widget (empty when it is scrolled away).
    QRect rowRect(int key) const;
    // The first key row shown: rows keep a height their labels fit, so a long
    // sentence scrolls (the scroll bar, the wheel) instead of squeezing them.
    int firstRow() const { return m_firstRow; }
    void setFirstRow(int row);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    struct Layout {
        QRectF title, query, rows, output;
        double rowHeight = 0;
        int first = 0, visible = 0;                        // the key rows drawn
        double label = 0, strip = 0, number = 0, bar = 0;  // column widths
    };
    Layout layout(const QRectF& rect, const QPaintDevice* device, int first) const;
    QRectF contentRect() const;  // the widget's drawing area, less the scroll bar
    void updateScrollBar();
    void refresh();
    void fillQueryBox();
    void paintAll(QPainter& painter, const QRectF& rect, bool forExport);
    bool stackedAt(double width) const { return width < 620.0 * m_theme.fontScale; }
    // The strips' colour scales: q and k, q ⊙ k, α v and the output.
    struct StripScales {
        double qk = 0, product = 0, weighted = 0;
    };
    StripScales stripScales() const;
    QString figureTitle() const;
    QString scaleLine(const StripScales& s) const;
    QString whyLine() const;
    // The stacked figure (InsideViewColumn.cpp); returns the height it needs
    // (device units) and draws only when painter is not null.
    double paintStacked(QPainter* painter, const QRectF& rect, const QPaintDevice* device) const;
    void paintStrip(QPainter& painter, const QRectF& r, const float* values, int count, double scale, bool greyed,
                    const std::vector<int>& marked) const;
    QString tokenText(int position) const;

    QComboBox* m_queryBox;
    QScrollBar* m_rowScroll;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    InsideHead m_inside;
    HeadRow m_row;
    int m_wantedQuery = -1;
    int m_wantedKey = -1;
    int m_key = -1;
    int m_firstRow = 0;
    std::vector<int> m_topDims;
    QString m_problem;  // why nothing is drawn
};

}  // namespace bertlens::ui
