// InsideView's figure for a journal column: the six columns of the screen's
// table do not fit 8.5 cm at 8 pt, so the table is drawn as two, one above
// the other, each with the key labels: (k_j, q_i ⊙ k_j, the score), then
// (the weight α_ij, α_ij v_j) closed by the head's output. Title, scale line
// and the explanation are wrapped, never cut. Every key row is drawn.
#include "InsideView.h"

#include "HeatmapColors.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

// The first of forms (longest first) that fits width, else the last one.
QString firstFitting(const QFontMetricsF& f, const QStringList& forms, double width) {
    for (const QString& form : forms)
        if (f.horizontalAdvance(form) <= width) return form;
    return forms.last();
}

}  // namespace

double InsideView::paintStacked(QPainter* painter, const QRectF& rect, const QPaintDevice* device) const {
    QPaintDevice* d = const_cast<QPaintDevice*>(device);
    const QFont titleFont = m_theme.font(11, true), body = m_theme.font(10), bold = m_theme.font(10, true);
    const QFontMetricsF ft(titleFont, d), fb(body, d), fbb(bold, d);
    const int n = static_cast<int>(m_inside.queries.rows()), dim = m_inside.dim, i = m_row.query;
    const double w = rect.width(), gap = 8.0, rowHeight = std::max(fb.height(), fbb.height()) + 5.0;
    const StripScales scales = stripScales();
    const QRectF room(0, 0, w, 1e6);
    auto wrapped = [&](const QFontMetricsF& f, const QString& text) {
        return f.boundingRect(room, Qt::TextWordWrap, text).height();
    };
    auto text = [&](const QRectF& r, int flags, const QFont& font, const QString& t) {
        if (!painter) return;
        painter->setFont(font);
        painter->setPen(m_theme.foreground);
        painter->drawText(r, flags, t);
    };
    auto keyLabel = [&](int j) { return tr("%1 (%2)").arg(tokenText(j)).arg(j); };

    // Column widths: the key labels as wide as the widest (a fifth of the width at most).
    double label = fbb.horizontalAdvance(tr("q_i: %1").arg(tokenText(i)));
    for (int j = 0; j < n; ++j) label = std::max(label, fbb.horizontalAdvance(keyLabel(j)));
    label = std::min(label + 4, 0.3 * w);
    const double number = std::max(fb.horizontalAdvance(QStringLiteral("\u2212\u221e masked")),
                                   fbb.horizontalAdvance(QStringLiteral("q_i\u00b7k_j/\u221a64"))) +
                          4;
    const double stripA = std::max(20.0, (w - label - number - 3 * gap) / 2);
    const double xK = rect.left() + label + gap, xP = xK + stripA + gap, xScore = xP + stripA + gap;
    const double bar = std::max(0.3 * w, 2.2 * fb.horizontalAdvance(QStringLiteral("0.000")));
    const double xBar = rect.left() + label + gap, xV = xBar + bar + gap, stripB = rect.right() - xV;

    double y = rect.top();
    const double title = wrapped(ft, figureTitle());
    text(QRectF(rect.left(), y, w, title), Qt::AlignLeft | Qt::TextWordWrap, titleFont, figureTitle());
    y += title + 2;
    const double scaleHeight = wrapped(fb, scaleLine(scales));
    text(QRectF(rect.left(), y, w, scaleHeight), Qt::AlignLeft | Qt::TextWordWrap, body, scaleLine(scales));
    y += scaleHeight + 8;

    auto header = [&](double x, double width, const QStringList& forms) {
        text(QRectF(x, y, width, rowHeight), Qt::AlignCenter, bold, firstFitting(fbb, forms, width));
    };
    auto keyRow = [&](int j, double top) {
        if (j == m_key && painter) painter->fillRect(QRectF(rect.left(), top - 1, w, rowHeight - 1), QColor(0xff, 0xf1, 0xe0));
        const QFontMetricsF& f = j == i ? fbb : fb;
        text(QRectF(rect.left(), top, label, rowHeight - 3), Qt::AlignRight | Qt::AlignVCenter, j == i ? bold : body,
             f.elidedText(keyLabel(j), Qt::ElideMiddle, label));
    };

    // The first table: the scores.
    header(rect.left(), label, {tr("key j")});
    header(xK, stripA, {tr("k_j (%1 numbers)").arg(dim), tr("k_j")});
    header(xP, stripA, {tr("q_i \u2299 k_j")});
    header(xScore, number, {tr("q_i\u00b7k_j/\u221a%1").arg(dim), tr("score")});
    y += rowHeight;
    text(QRectF(rect.left(), y, label, rowHeight - 3), Qt::AlignRight | Qt::AlignVCenter, bold,
         fbb.elidedText(tr("q_i: %1").arg(tokenText(i)), Qt::ElideMiddle, label));
    if (painter) paintStrip(*painter, QRectF(xK, y + 1, stripA, rowHeight - 5), m_inside.queries.row(i).data(), dim,
                            scales.qk, false, {});
    y += rowHeight + 4;
    std::vector<float> productRow(static_cast<size_t>(dim)), weightedRow(static_cast<size_t>(dim));
    for (int j = 0; j < n; ++j, y += rowHeight) {
        keyRow(j, y);
        if (!painter) continue;
        const bool hidden = std::isinf(m_row.scores[size_t(j)]);
        for (int k = 0; k < dim; ++k) productRow[size_t(k)] = m_inside.queries(i, k) * m_inside.keys(j, k);
        paintStrip(*painter, QRectF(xK, y, stripA, rowHeight - 3), m_inside.keys.row(j).data(), dim, scales.qk, false,
                   {});
        paintStrip(*painter, QRectF(xP, y, stripA, rowHeight - 3), productRow.data(), dim, scales.product, hidden,
                   j == m_key ? m_topDims : std::vector<int>{});
        text(QRectF(xScore, y, number, rowHeight - 3), Qt::AlignRight | Qt::AlignVCenter, body,
             hidden ? tr("\u2212\u221e masked") : QString::number(m_row.scores[size_t(j)], 'f', 2));
    }
    y += 10;

    // The second table: the weights and what they carry.
    header(rect.left(), label, {tr("key j")});
    header(xBar, bar, {tr("softmax \u03b1_ij"), tr("\u03b1_ij")});
    header(xV, stripB, {tr("\u03b1_ij v_j")});
    y += rowHeight;
    const double numberWidth = fb.horizontalAdvance(QStringLiteral("0.000")) + 4;
    for (int j = 0; j < n; ++j, y += rowHeight) {
        keyRow(j, y);
        if (!painter) continue;
        const bool hidden = std::isinf(m_row.scores[size_t(j)]);
        const double p = m_row.probabilities[size_t(j)];
        for (int k = 0; k < dim; ++k) weightedRow[size_t(k)] = float(p * m_inside.values(j, k));
        const double h = rowHeight - 3, barRoom = bar - numberWidth - 4;
        painter->fillRect(QRectF(xBar, y + h * 0.15, barRoom * p, h * 0.7), m_theme.color(0.25 + 0.75 * p));
        text(QRectF(xBar + bar - numberWidth, y, numberWidth, h), Qt::AlignRight | Qt::AlignVCenter, body,
             QString::number(p, 'f', 3));
        paintStrip(*painter, QRectF(xV, y, stripB, h), weightedRow.data(), dim, scales.weighted, hidden, {});
    }
    y += 4;
    const QString outputLabel = firstFitting(fbb, {tr("head output \u03a3_j \u03b1_ij v_j:"), tr("head output:"),
                                                  tr("output:")},
                                             xV - rect.left() - gap);
    text(QRectF(rect.left(), y, xV - rect.left() - gap, rowHeight), Qt::AlignRight | Qt::AlignVCenter, bold,
         outputLabel);
    if (painter) {
        std::vector<float> output(m_row.output.begin(), m_row.output.end());
        paintStrip(*painter, QRectF(xV, y + 2, stripB, rowHeight - 4), output.data(), dim, scales.weighted, false, {});
    }
    y += rowHeight + 6;
    const double why = wrapped(fb, whyLine());
    text(QRectF(rect.left(), y, w, why), Qt::AlignLeft | Qt::TextWordWrap, body, whyLine());
    y += why + 4;
    return y - rect.top();
}

}  // namespace bertlens::ui
