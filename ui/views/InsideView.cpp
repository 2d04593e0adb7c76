#include "InsideView.h"

#include "HeatmapColors.h"
#include "SafeDisplay.h"
#include "SelectedAttention.h"

#include "model/Model.h"

#include <QComboBox>
#include <QMouseEvent>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {
namespace {

constexpr int kMarkedDims = 3;

double maxAbs(const RowMatrix& m) {
    return m.size() ? double(m.cwiseAbs().maxCoeff()) : 0.0;
}

}  // namespace

InsideView::InsideView(QWidget* parent)
    : FigureView(parent),
      m_queryBox(new QComboBox(this)),
      m_rowScroll(new QScrollBar(Qt::Vertical, this)),
      m_theme(Theme::normal()) {
    m_rowScroll->hide();
    m_rowScroll->setToolTip(tr("Scroll the key rows"));
    connect(m_rowScroll, &QScrollBar::valueChanged, this, [this](int v) {
        m_firstRow = v;
        update();
    });
    m_queryBox->setToolTip(tr("The query token whose row of the attention map is computed"));
    m_queryBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_queryBox, &QComboBox::activated, this, [this](int i) { setQuery(i); });
    setMinimumSize(480, 360);
}

void InsideView::setResult(const AnalysisResultPtr& result) {
    if (!result || !m_result || result->tokenCount() != m_result->tokenCount()) m_wantedQuery = m_wantedKey = -1;
    m_result = result;
    fillQueryBox();
    refresh();
}

void InsideView::setSelection(const Selection& selection) {
    if (selection == m_selection) return;
    m_selection = selection;
    m_wantedKey = -1;
    refresh();
}

void InsideView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_queryBox->setFont(theme.font(10));
    m_queryBox->adjustSize();
    resizeEvent(nullptr);
    update();
}

void InsideView::setQuery(int position) {
    m_wantedQuery = position;
    m_wantedKey = -1;
    refresh();
}

void InsideView::setKey(int position) {
    m_wantedKey = position;
    refresh();
}

QString InsideView::tokenText(int position) const {
    const auto& tokens = m_result->bidirectional.tokens;
    if (position < 0 || position >= static_cast<int>(tokens.size())) return QString::number(position);
    return safeDisplay(QString::fromStdString(tokens[static_cast<size_t>(position)].text));
}

void InsideView::fillQueryBox() {
    const QSignalBlocker block(m_queryBox);
    m_queryBox->clear();
    if (!m_result) return;
    for (int i = 0; i < m_result->tokenCount(); ++i) m_queryBox->addItem(tr("query: %1 (%2)").arg(tokenText(i)).arg(i));
    m_queryBox->adjustSize();
    resizeEvent(nullptr);
}

void InsideView::refresh() {
    m_inside = InsideHead();
    m_row = HeadRow();
    m_topDims.clear();
    m_key = -1;
    m_problem.clear();
    const std::shared_ptr<const Model> model = m_result ? m_result->model.lock() : nullptr;
    if (!m_result) {
        m_problem = tr("No analysis yet");
    } else if (!model) {
        m_problem = tr("The model of this result is no longer open");
    } else {
        const Analysis& a = m_result->analysis(m_selection.maskMode);
        const Selection s = clampedSelection(a, m_selection);
        const int n = a.tokenCount;
        int query = m_wantedQuery;
        if (query < 0 || query >= n) {
            query = std::min(1, n - 1);
            for (int i = 0; i < n && i < static_cast<int>(a.tokens.size()); ++i) {
                if (a.ids[static_cast<size_t>(i)] == model->vocab().maskId()) {
                    query = i;
                    break;
                }
            }
        }
        m_inside = insideHead(*model, a, s.layer, s.head);
        m_row = headRow(m_inside, query);
        m_key = m_wantedKey;
        if (m_key < 0 || m_key >= n || m_row.probabilities[static_cast<size_t>(m_key)] == 0.0) {
            m_key = static_cast<int>(std::max_element(m_row.probabilities.begin(), m_row.probabilities.end()) -
                                     m_row.probabilities.begin());
        }
        m_topDims = topDimensions(m_inside, query, m_key, kMarkedDims);
        const QSignalBlocker block(m_queryBox);
        m_queryBox->setCurrentIndex(query);
    }
    updateScrollBar();
    // The key whose score is explained is on screen: a long sentence scrolls to it.
    if (m_rowScroll->isVisibleTo(this) && m_key >= 0) {
        const int shown = m_rowScroll->pageStep();
        if (m_key < m_firstRow || m_key >= m_firstRow + shown) m_rowScroll->setValue(m_key - shown / 2);
    }
    update();
}

InsideView::Layout InsideView::layout(const QRectF& rect, const QPaintDevice* device, int first) const {
    Layout l;
    const QFontMetricsF title(m_theme.font(11, true), device), body(m_theme.font(10), device),
        bold(m_theme.font(10, true), device);
    l.title = QRectF(rect.left(), rect.top(), rect.width(), 2 * title.height() + 4);
    const int n = static_cast<int>(m_inside.queries.rows());
    const double line = body.height() * 1.25;
    l.query = QRectF(rect.left(), l.title.bottom() + line + 4, rect.width(), line);  // the column titles above it
    l.output = QRectF(rect.left(), rect.bottom() - 3 * line, rect.width(), line);
    l.rows = QRectF(rect.left(), l.query.bottom() + 6, rect.width(), l.output.top() - l.query.bottom() - 12);
    // Never lower than a label and its number need; what does not fit scrolls.
    const double least = std::max(body.height(), bold.height()) + 5;
    l.rowHeight = std::max(least, std::min(l.rows.height() / std::max(n, 1), 2.2 * body.height()));
    l.visible = std::clamp(static_cast<int>(l.rows.height() / l.rowHeight + 1e-6), std::min(n, 1), n);
    l.first = std::clamp(first, 0, n - l.visible);
    // The output right under the last row, not at the bottom of a tall window.
    l.output.moveTop(std::min(l.output.top(), l.rows.top() + l.visible * l.rowHeight + 8));
    l.label = std::max(bold.horizontalAdvance(QStringLiteral("[MASK] (00)")), rect.width() * 0.11);
    l.number =
        std::max(
            body.horizontalAdvance(QStringLiteral("\u2212\u221e masked")),
            QFontMetricsF(m_theme.font(10, true), device).horizontalAdvance(QStringLiteral("q_i\u00b7k_j/\u221a64"))) +
        12;
    l.bar = std::max(rect.width() * 0.13, 2.2 * body.horizontalAdvance(QStringLiteral("0.000")));
    l.strip = std::max(40.0, (rect.width() - l.label - l.number - l.bar - 5 * 14) / 3);
    return l;
}

void InsideView::paintStrip(QPainter& painter, const QRectF& r, const float* values, int count, double scale,
                            bool greyed, const std::vector<int>& marked) const {
    const double cell = r.width() / std::max(count, 1);
    for (int k = 0; k < count; ++k) {
        const QColor c =
            greyed ? QColor(0xd8, 0xd8, 0xd8)
                   : differenceColor(m_theme, scale > 0 ? std::clamp(double(values[k]) / scale, -1.0, 1.0) : 0.0);
        painter.fillRect(QRectF(r.left() + k * cell, r.top(), cell + 0.3, r.height()), c);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0x90, 0x90, 0x90), 0));
    painter.drawRect(r);
    painter.setPen(QPen(m_theme.foreground, std::clamp(cell * 0.35, 0.5, 2.0)));  // thin strips: thin marks
    for (int k : marked) painter.drawRect(QRectF(r.left() + k * cell, r.top() - 2, cell, r.height() + 4));
}

void InsideView::paintAll(QPainter& painter, const QRectF& rect, bool forExport) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    painter.setPen(m_theme.foreground);
    const QFont titleFont = m_theme.font(11, true), body = m_theme.font(10), bold = m_theme.font(10, true);
    if (!hasHead()) {
        painter.setFont(titleFont);
        painter.drawText(rect, Qt::AlignCenter, m_problem);
        painter.restore();
        return;
    }
    const Layout l = layout(rect, painter.device(), forExport ? 0 : m_firstRow);
    const QFontMetricsF ft(titleFont, painter.device()), fb(body, painter.device()), fbb(bold, painter.device());
    const int n = static_cast<int>(m_inside.queries.rows()), d = m_inside.dim, i = m_row.query;
    const double gap = 14;
    const double xStripK = rect.left() + l.label + gap, xStripP = xStripK + l.strip + gap;
    const double xScore = xStripP + l.strip + gap, xBar = xScore + l.number + gap, xStripV = xBar + l.bar + gap;

    // Title: what is computed, for which head, token and mask.
    painter.setFont(titleFont);
    const QString title = figureTitle();
    const double chooser = forExport ? 0.0 : m_queryBox->width() + 12.0;
    painter.drawText(QRectF(l.title.left(), l.title.top(), l.title.width() - chooser, ft.height()), Qt::AlignLeft,
                     ft.elidedText(title, Qt::ElideRight, l.title.width() - chooser));
    painter.setFont(body);
    const StripScales scales = stripScales();
    const double qk = scales.qk, product = scales.product, weighted = scales.weighted;
    painter.drawText(QRectF(l.title.left(), l.title.top() + ft.height() + 2, l.title.width(), fb.height()),
                     Qt::AlignLeft, fb.elidedText(scaleLine(scales), Qt::ElideRight, l.title.width()));

    // Column titles, then q_i in the keys' column.
    painter.setFont(bold);
    const double headY = l.query.top() - l.query.height() - 2;
    auto head = [&](double x, double w, const QString& text) {
        painter.drawText(QRectF(x, headY, w, l.query.height()), Qt::AlignCenter,
                         fbb.elidedText(text, Qt::ElideRight, w));
    };
    head(rect.left(), l.label, tr("key j"));
    head(xStripK, l.strip, tr("k_j (%1 numbers)").arg(d));
    head(xStripP, l.strip, tr("q_i \u2299 k_j"));
    head(xScore, l.number, tr("q_i\u00b7k_j/\u221a%1").arg(d));
    head(xBar, l.bar, tr("softmax \u03b1_ij"));
    head(xStripV, l.strip, tr("\u03b1_ij v_j"));
    painter.setFont(bold);
    painter.drawText(QRectF(rect.left(), l.query.top(), l.label, l.query.height()), Qt::AlignRight | Qt::AlignVCenter,
                     fbb.elidedText(tr("q_i: %1").arg(tokenText(i)), Qt::ElideMiddle, l.label));
    const QRectF qStrip(xStripK, l.query.top() + 2, l.strip, l.query.height() - 4);
    paintStrip(painter, qStrip, m_inside.queries.row(i).data(), d, qk, false, {});

    // One row per key.
    std::vector<float> productRow(static_cast<size_t>(d)), weightedRow(static_cast<size_t>(d));
    for (int j = l.first; j < l.first + l.visible; ++j) {
        const double y = l.rows.top() + (j - l.first) * l.rowHeight, h = l.rowHeight - 3;
        const bool hidden = std::isinf(m_row.scores[size_t(j)]);
        const double p = m_row.probabilities[size_t(j)];
        for (int k = 0; k < d; ++k) {
            productRow[size_t(k)] = m_inside.queries(i, k) * m_inside.keys(j, k);
            weightedRow[size_t(k)] = float(p * m_inside.values(j, k));
        }
        const bool chosen = j == m_key;
        if (chosen) painter.fillRect(QRectF(rect.left(), y - 1, rect.width(), h + 2), QColor(0xff, 0xf1, 0xe0));
        painter.setPen(m_theme.foreground);
        painter.setFont(j == i ? bold : body);
        painter.drawText(
            QRectF(rect.left(), y, l.label, h), Qt::AlignRight | Qt::AlignVCenter,
            (j == i ? fbb : fb).elidedText(tr("%1 (%2)").arg(tokenText(j)).arg(j), Qt::ElideMiddle, l.label));
        paintStrip(painter, QRectF(xStripK, y, l.strip, h), m_inside.keys.row(j).data(), d, qk, false, {});
        paintStrip(painter, QRectF(xStripP, y, l.strip, h), productRow.data(), d, product, hidden,
                   chosen ? m_topDims : std::vector<int>{});
        painter.setPen(m_theme.foreground);
        painter.setFont(body);
        painter.drawText(QRectF(xScore, y, l.number, h), Qt::AlignRight | Qt::AlignVCenter,
                         hidden ? tr("\u2212\u221e masked") : QString::number(m_row.scores[size_t(j)], 'f', 2));
        // The weight's number at the right of its column, the bar in the rest.
        const double numberWidth = fb.horizontalAdvance(QStringLiteral("0.000")) + 4;
        const double barRoom = l.bar - numberWidth - 4;
        painter.fillRect(QRectF(xBar, y + h * 0.15, barRoom * p, h * 0.7), m_theme.color(0.25 + 0.75 * p));
        painter.drawText(QRectF(xBar + l.bar - numberWidth, y, numberWidth, h), Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(p, 'f', 3));
        paintStrip(painter, QRectF(xStripV, y, l.strip, h), weightedRow.data(), d, weighted, hidden, {});
    }

    // The head's output and the chosen score's largest terms.
    std::vector<float> output(m_row.output.begin(), m_row.output.end());
    painter.setFont(bold);
    painter.setPen(m_theme.foreground);
    const double outputLabel = xStripV - rect.left() - gap;
    painter.drawText(QRectF(rect.left(), l.output.top(), outputLabel, l.output.height()),
                     Qt::AlignRight | Qt::AlignVCenter,
                     fbb.horizontalAdvance(tr("head output \u03a3_j \u03b1_ij v_j:")) <= outputLabel
                         ? tr("head output \u03a3_j \u03b1_ij v_j:")
                         : fbb.elidedText(tr("head output:"), Qt::ElideRight, outputLabel));
    paintStrip(painter, QRectF(xStripV, l.output.top() + 2, l.strip, l.output.height() - 4), output.data(), d, weighted,
               false, {});
    painter.setFont(body);
    const QString why = whyLine();
    QString more;
    if (l.visible < n)
        more = tr(" \u00b7 keys %1\u2013%2 of %3 shown").arg(l.first).arg(l.first + l.visible - 1).arg(n);
    const QRectF whyRect(rect.left(), l.output.bottom() + 6, rect.width(), 2 * fb.height());
    painter.drawText(whyRect, Qt::AlignLeft | Qt::TextWordWrap,
                     why + more + (forExport ? QString() : tr(" (click a row to explain its score)")));
    painter.restore();
}

QRectF InsideView::contentRect() const {
    const QRectF area = QRectF(rect()).adjusted(6, 6, -6, -6);
    return m_rowScroll->isVisibleTo(this) ? area.adjusted(0, 0, -m_rowScroll->sizeHint().width() - 4, 0) : area;
}

void InsideView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.background);
    paintAll(painter, contentRect(), false);
}

void InsideView::paintFigure(QPainter& painter, const QRectF& rect) {
    if (hasHead() && stackedAt(rect.width())) {
        painter.save();
        painter.fillRect(rect, m_theme.background);
        paintStacked(&painter, rect, painter.device());
        painter.restore();
        return;
    }
    paintAll(painter, rect, true);
}

double InsideView::figureHeightForWidth(double width) const {
    if (!hasHead() || !stackedAt(width)) return FigureView::figureHeightForWidth(width);
    // Measured on a device of 72 dots per inch, as the export page is: its unit is a point.
    QImage points(1, 1, QImage::Format_RGB32);
    points.setDotsPerMeterX(2835);
    points.setDotsPerMeterY(2835);
    return paintStacked(nullptr, QRectF(0, 0, width, 1e6), &points);
}

InsideView::StripScales InsideView::stripScales() const {
    StripScales s;
    const int n = static_cast<int>(m_inside.queries.rows()), d = m_inside.dim, i = m_row.query;
    s.qk = std::max(maxAbs(m_inside.queries.row(i)), maxAbs(m_inside.keys));
    for (int j = 0; j < n; ++j) {
        const double p = m_row.probabilities[size_t(j)];
        for (int k = 0; k < d; ++k) {
            s.product = std::max(s.product, std::abs(double(m_inside.queries(i, k)) * m_inside.keys(j, k)));
            s.weighted = std::max(s.weighted, std::abs(p * m_inside.values(j, k)));
        }
    }
    for (double o : m_row.output) s.weighted = std::max(s.weighted, std::abs(o));
    return s;
}

QString InsideView::figureTitle() const {
    return tr("Layer %1, head %2 (%3): the attention row of \u201c%4\u201d (%5) from q, k and v, d = %6")
        .arg(m_inside.layer)
        .arg(m_inside.head)
        .arg(maskModeTitle(m_inside.maskMode))
        .arg(tokenText(m_row.query))
        .arg(m_row.query)
        .arg(m_inside.dim);
}

QString InsideView::scaleLine(const StripScales& s) const {
    return tr("strips: blue < 0 < red; q and k share a scale (\u00b1%1), q\u2299k (\u00b1%2), "
              "\u03b1v and the output (\u00b1%3)")
        .arg(s.qk, 0, 'g', 2)
        .arg(s.product, 0, 'g', 2)
        .arg(s.weighted, 0, 'g', 2);
}

QString InsideView::whyLine() const {
    const int i = m_row.query, d = m_inside.dim;
    QStringList terms;
    for (int k : m_topDims)
        terms << tr("dim %1 (%2)").arg(k).arg(double(m_inside.queries(i, k)) * m_inside.keys(m_key, k), 0, 'f', 2);
    return tr("%1 \u2192 %2: score %3 = (sum of the %4 products) / \u221a%4; largest terms: %5")
        .arg(tokenText(i), tokenText(m_key))
        .arg(m_row.scores[size_t(m_key)], 0, 'f', 2)
        .arg(d)
        .arg(terms.join(QStringLiteral(", ")));
}

QSizeF InsideView::figureSize() const {
    // Tall enough for every key row at the height its labels need.
    const int n = std::max(4, static_cast<int>(m_inside.queries.rows()));
    const QFontMetricsF title(m_theme.font(11, true)), body(m_theme.font(10)), bold(m_theme.font(10, true));
    const double row = std::max(body.height(), bold.height()) + 5.5, line = body.height() * 1.25;
    return QSizeF(1000 * std::max(1.0, m_theme.fontScale * 0.8),
                  2 * title.height() + 4 + 5 * line + 30 + 2 * body.height() + n * row);
}

QRect InsideView::rowRect(int key) const {
    const QRectF area = contentRect();
    const Layout l = layout(area, this, m_firstRow);
    if (key < l.first || key >= l.first + l.visible) return QRect();
    return QRectF(area.left(), l.rows.top() + (key - l.first) * l.rowHeight, area.width(), l.rowHeight).toAlignedRect();
}

void InsideView::setFirstRow(int row) {
    updateScrollBar();
    m_rowScroll->setValue(row);  // clamped to the rows there are
    m_firstRow = m_rowScroll->isVisibleTo(this) ? m_rowScroll->value() : 0;
    update();
}

void InsideView::updateScrollBar() {
    const int n = static_cast<int>(m_inside.queries.rows());
    const QRectF area = QRectF(rect()).adjusted(6, 6, -6, -6);
    const Layout l = layout(area, this, 0);
    const bool scrolls = hasHead() && l.visible < n;
    const QSignalBlocker block(m_rowScroll);
    m_rowScroll->setVisible(scrolls);
    if (!scrolls) {
        m_firstRow = 0;
        return;
    }
    m_rowScroll->setRange(0, n - l.visible);
    m_rowScroll->setPageStep(l.visible);
    m_rowScroll->setValue(std::clamp(m_firstRow, 0, n - l.visible));
    m_firstRow = m_rowScroll->value();
    const int w = m_rowScroll->sizeHint().width();
    m_rowScroll->setGeometry(width() - 6 - w, static_cast<int>(l.rows.top()), w,
                             static_cast<int>(l.visible * l.rowHeight));
}

void InsideView::wheelEvent(QWheelEvent* event) {
    if (!m_rowScroll->isVisibleTo(this)) return FigureView::wheelEvent(event);
    const int steps = event->angleDelta().y() / 120;
    m_rowScroll->setValue(m_rowScroll->value() - 3 * steps);
    event->accept();
}

void InsideView::mouseReleaseEvent(QMouseEvent* event) {
    if (!hasHead() || event->button() != Qt::LeftButton) return;
    for (int j = 0; j < m_inside.queries.rows(); ++j) {
        if (rowRect(j).contains(event->position().toPoint())) {
            setKey(j);
            return;
        }
    }
}

void InsideView::resizeEvent(QResizeEvent* event) {
    if (event) FigureView::resizeEvent(event);
    m_queryBox->move(width() - m_queryBox->width() - 6, 4);
    updateScrollBar();
}

}  // namespace bertlens::ui
