#include "AnatomyView.h"

#include "SelectedAttention.h"

#include "export/AnalysisText.h"
#include "model/MemoryBudget.h"
#include "model/Model.h"

#include <QMouseEvent>
#include <QPainter>
#include <QScopedValueRollback>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {
namespace {

QString digits(int64_t v) {
    return QString::fromStdString(groupedDigits(v));
}

QString millions(int64_t v) {
    return v >= 10'000'000 ? QStringLiteral("%1 M").arg(std::lround(double(v) / 1e6))
                           : QStringLiteral("%1 M").arg(double(v) / 1e6, 0, 'f', 2);
}

QString megabytes(uint64_t bytes) {
    return QStringLiteral("%1 MB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}

QString times(int a, int b) {
    return QStringLiteral("%1 \u00d7 %2").arg(a).arg(b);
}

// The comparison stacks: shapes from the papers (BERT: Devlin et al. 2019;
// GPT: Radford et al. 2018, 12 decoder layers of 768, a 40,478-entry
// vocabulary, 512 positions, output tied to the input embeddings).
struct ReferenceStack {
    QString name;
    QString shape;
    int layers;
    int64_t embeddings;
    int64_t perLayer;
    int64_t top;  // what sits above the last layer
    bool decoder;
};

ReferenceStack bertStack(const QString& name, int layers, int hidden, int heads, const QString& paper) {
    ModelConfig c;
    c.layers = layers, c.hidden = hidden, c.heads = heads, c.intermediate = 4 * hidden;
    c.vocabSize = 30522, c.maxPositions = 512;
    const ParameterCount p = countParameters(c);
    return {name,
            QObject::tr("%1 \u00d7 %2\n%3 heads").arg(layers).arg(hidden).arg(heads) + paper,
            layers,
            p.embeddings(),
            p.layer.total(),
            p.mlmHead(),
            false};
}

ReferenceStack gptStack() {
    ModelConfig c;
    c.layers = 12, c.hidden = 768, c.heads = 12, c.intermediate = 3072, c.vocabSize = 40478, c.maxPositions = 512;
    const ParameterCount p = countParameters(c);
    // No token types and no LayerNorm on GPT's embeddings; the same layer shape.
    return {QObject::tr("GPT decoder"),
            QObject::tr("12 \u00d7 768\n12 heads"),
            12,
            p.wordEmbeddings + p.positionEmbeddings,
            p.layer.total(),
            0,
            true};
}

void drawBox(QPainter& painter, const QRectF& r, const QColor& fill, const QColor& edge, const QStringList& lines,
             const QFont& bold, const QFont& body) {
    painter.setPen(QPen(edge, 1.5));
    painter.setBrush(fill);
    painter.drawRoundedRect(r, 6, 6);
    const QFontMetricsF fb(bold, painter.device()), fm(body, painter.device());
    double height = fb.height();
    for (int i = 1; i < lines.size(); ++i) height += fm.height();
    double y = r.center().y() - std::min(height, r.height()) / 2;
    painter.setPen(Qt::black);
    for (int i = 0; i < lines.size(); ++i) {
        const QFontMetricsF& f = i == 0 ? fb : fm;
        if (y + f.height() > r.bottom() + 1 && i > 0) break;
        painter.setFont(i == 0 ? bold : body);
        painter.drawText(QRectF(r.left() + 6, y, r.width() - 12, f.height()), Qt::AlignCenter,
                         f.elidedText(lines[i], Qt::ElideRight, r.width() - 12));
        y += f.height();
    }
}

// The first of forms (longest first) that fits width, else the last one elided:
// a narrow window or presentation mode gets a shorter title, never a clipped one.
QString fitted(const QFontMetricsF& f, const QStringList& forms, double width) {
    for (const QString& form : forms) {
        if (f.horizontalAdvance(form) <= width) return form;
    }
    return f.elidedText(forms.last(), Qt::ElideRight, width);
}

void drawArrowUp(QPainter& painter, QPointF from, QPointF to, const QColor& color) {
    painter.setPen(QPen(color, 2));
    painter.drawLine(from, to);
    QPainterPath head;
    head.moveTo(to);
    head.lineTo(to + QPointF(-6, 9));
    head.lineTo(to + QPointF(6, 9));
    head.closeSubpath();
    painter.fillPath(head, color);
}

// A small attention pattern: every cell (bidirectional) or the lower triangle (masked).
void drawMaskIcon(QPainter& painter, const QRectF& r, bool lowerTriangle, const Theme& theme) {
    const int n = 6;
    const double cell = std::min(r.width(), r.height()) / n;
    const QPointF o(r.center().x() - cell * n / 2, r.center().y() - cell * n / 2);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            const bool seen = !lowerTriangle || j <= i;
            painter.fillRect(QRectF(o.x() + j * cell, o.y() + i * cell, cell - 1, cell - 1),
                             seen ? theme.color(0.75) : QColor(0xdd, 0xdd, 0xdd));
        }
    }
}

}  // namespace

AnatomyView::AnatomyView(QWidget* parent) : FigureView(parent), m_theme(Theme::normal()) {
    setMouseTracking(true);
    setMinimumSize(480, 360);
}

void AnatomyView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    m_config = ModelConfig();
    m_count = ParameterCount();
    m_tokens = result ? result->tokenCount() : 0;
    if (result) {
        if (const std::shared_ptr<const Model> model = result->model.lock()) {
            m_config = model->config();
            m_count = countParameters(m_config, model->parts());
            m_fileBytes = model->fileBytes();
            m_engineBytes = estimateMemory(m_config).weightBytes;
            m_dtype = QString::fromStdString(model->weightDType());
        }
    }
    update();
}

void AnatomyView::setSelection(const Selection& selection) {
    m_selection = selection;
    update();
}

void AnatomyView::setTheme(const Theme& theme) {
    m_theme = theme;
    update();
}

double AnatomyView::headerHeight(const QPaintDevice* device) const {
    return QFontMetricsF(m_theme.font(12, true), device).height() + QFontMetricsF(m_theme.font(10), device).height() +
           12;
}

double AnatomyView::headerHeight(const QPaintDevice* device, double width) const {
    if (!stackedAt(width)) return headerHeight(device);
    // Both lines wrapped at the width, whole.
    const QStringList lines = headerLines();
    const QFontMetricsF ft(m_theme.font(12, true), const_cast<QPaintDevice*>(device)),
        fb(m_theme.font(10), const_cast<QPaintDevice*>(device));
    const QRectF room(0, 0, width, 1e6);
    return ft.boundingRect(room, Qt::TextWordWrap, lines.value(0)).height() + 2 +
           fb.boundingRect(room, Qt::TextWordWrap, lines.value(1)).height() + 12;
}

AnatomyView::Stacked AnatomyView::stackedHeights(double width, const QPaintDevice* device) const {
    QPaintDevice* d = const_cast<QPaintDevice*>(device);
    const QFontMetricsF ft(m_theme.font(11, true), d), fl(m_theme.font(9), d), fb(m_theme.font(10, true), d),
        fm(m_theme.font(9.5), d);
    Stacked h;
    // A row a part of the stack, a line and a half each.
    h.stack = ft.height() + 8 + (m_config.layers + 2) * fl.height() * 1.7;
    // The attention box (4.2 units) holds its bold line and four body lines,
    // each add & norm (1.25 units) its two.
    const double unit = std::max((fb.height() + 4 * fm.height() + 8) / 4.2, (fb.height() + fm.height() + 6) / 1.25);
    h.block = ft.height() + 8 + (11.9 + 5 * 0.35) * unit;
    // The tallest reference stack at about the width, and the lines under and over them.
    h.scale = ft.height() + std::min(0.8 * width, 220.0 * m_theme.fontScale) + 9 * fl.height();
    return h;
}

double AnatomyView::figureHeightForWidth(double width) const {
    const bool stacked = width < 640.0 * m_theme.fontScale;  // what paintFigure() will choose
    if (!stacked) return FigureView::figureHeightForWidth(width);
    const QScopedValueRollback<bool> exporting(m_exporting, true);
    // In points: the screen's metrics scaled by 72 / its DPI.
    const double toPoints = 72.0 / std::max(1.0, QFontMetricsF(m_theme.font()).fontDpi());
    const double px = width / toPoints;
    const Stacked h = stackedHeights(px, nullptr);
    const double gap = 14.0 * m_theme.fontScale;
    return (headerHeight(nullptr, px) + h.stack + h.block + h.scale) * toPoints + 3 * gap;
}

AnatomyView::Columns AnatomyView::columns(const QRectF& rect, double header) const {
    Columns c;
    c.header = QRectF(rect.left(), rect.top(), rect.width(), header);
    const QRectF body(rect.left(), rect.top() + header, rect.width(), rect.height() - header);
    if (stackedAt(rect.width())) {
        const Stacked h = stackedHeights(rect.width(), nullptr);
        // Heights in the screen's units scaled to the figure's (the rect is in points).
        const double total = h.stack + h.block + h.scale;
        const double gap = 14.0 * m_theme.fontScale;
        const double room = std::max(1.0, body.height() - 2 * gap);
        double y = body.top();
        c.stack = QRectF(body.left(), y, body.width(), room * h.stack / total);
        y = c.stack.bottom() + gap;
        c.block = QRectF(body.left(), y, body.width(), room * h.block / total);
        y = c.block.bottom() + gap;
        c.scale = QRectF(body.left(), y, body.width(), body.bottom() - y);
        return c;
    }
    const double w = body.width();
    c.stack = QRectF(body.left(), body.top(), w * 0.2, body.height());
    c.block = QRectF(c.stack.right() + w * 0.02, body.top(), w * 0.37, body.height());
    c.scale = QRectF(c.block.right() + w * 0.03, body.top(), body.right() - c.block.right() - w * 0.03, body.height());
    return c;
}

// Bottom-up: row 0 the embeddings, rows 1..L the layers, row L+1 the head.
QRectF AnatomyView::stackLayerRect(const QRectF& stack, int row) const {
    const double title = QFontMetricsF(m_theme.font(11, true)).height() + 8;
    const int rows = m_config.layers + 2;
    const double pitch = (stack.height() - title) / rows;
    const double gap = std::clamp(pitch * 0.15, 1.0, 8.0);
    return QRectF(stack.left(), stack.bottom() - (row + 1) * pitch + gap / 2, stack.width(), pitch - gap);
}

QRect AnatomyView::layerRect(int layer) const {
    const QRectF area = QRectF(rect()).adjusted(6, 6, -6, -6);
    return stackLayerRect(columns(area, headerHeight(this)).stack, layer + 1).toAlignedRect();
}

int AnatomyView::layerAt(const QPoint& pos) const {
    for (int l = 0; l < m_config.layers; ++l) {
        if (layerRect(l).contains(pos)) return l;
    }
    return -1;
}

QStringList AnatomyView::headerLines() const {
    const ModelConfig& c = m_config;
    const QString name = m_result && !m_result->modelName.isEmpty() ? m_result->modelName : tr("this model");
    return {tr("%1: %2 encoder layers \u00b7 hidden %3 \u00b7 %4 heads of %5 \u00b7 feed-forward %6 \u00b7 "
               "%7 parameters")
                .arg(name)
                .arg(c.layers)
                .arg(c.hidden)
                .arg(c.heads)
                .arg(c.headDim())
                .arg(c.intermediate)
                .arg(digits(m_count.total())),
            tr("weights: %1 as stored (%2), %3 as the engine uses them (32-bit floats) \u00b7 "
               "this sentence: n = %4 tokens")
                .arg(megabytes(m_fileBytes), m_dtype, megabytes(m_engineBytes))
                .arg(m_tokens)};
}

void AnatomyView::paintHeader(QPainter& painter, const QRectF& r) {
    const QFont title = m_theme.font(12, true), body = m_theme.font(10);
    const QFontMetricsF ft(title, painter.device()), fb(body, painter.device());
    if (stackedAt(r.width())) {
        // A journal column: the long forms, wrapped.
        const QStringList lines = headerLines();
        const double first = ft.boundingRect(QRectF(0, 0, r.width(), 1e6), Qt::TextWordWrap, lines[0]).height();
        painter.setPen(m_theme.foreground);
        painter.setFont(title);
        painter.drawText(QRectF(r.left(), r.top(), r.width(), first), Qt::AlignLeft | Qt::TextWordWrap, lines[0]);
        painter.setFont(body);
        painter.drawText(QRectF(r.left(), r.top() + first + 2, r.width(), r.height() - first - 2),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, lines[1]);
        return;
    }
    const ModelConfig& c = m_config;
    const QString name = m_result->modelName.isEmpty() ? tr("this model") : m_result->modelName;
    const QString line1 =
        tr("%1: %2 encoder layers \u00b7 hidden %3 \u00b7 %4 heads of %5 \u00b7 feed-forward %6 \u00b7 "
           "%7 parameters")
            .arg(name)
            .arg(c.layers)
            .arg(c.hidden)
            .arg(c.heads)
            .arg(c.headDim())
            .arg(c.intermediate)
            .arg(digits(m_count.total()));
    const QString short1 = tr("%1: %2 layers \u00b7 hidden %3 \u00b7 %4 heads \u00b7 %5 parameters")
                               .arg(name)
                               .arg(c.layers)
                               .arg(c.hidden)
                               .arg(c.heads)
                               .arg(millions(m_count.total()));
    const QString line2 = tr("weights: %1 as stored (%2), %3 as the engine uses them (32-bit floats) \u00b7 "
                             "this sentence: n = %4 tokens")
                              .arg(megabytes(m_fileBytes), m_dtype, megabytes(m_engineBytes))
                              .arg(m_tokens);
    const QString short2 = tr("weights: %1 stored (%2), %3 in use \u00b7 n = %4 tokens")
                               .arg(megabytes(m_fileBytes), m_dtype, megabytes(m_engineBytes))
                               .arg(m_tokens);
    painter.setPen(m_theme.foreground);
    painter.setFont(title);
    painter.drawText(QRectF(r.left(), r.top(), r.width(), ft.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     fitted(ft, {line1, short1}, r.width()));
    painter.setFont(body);
    painter.drawText(QRectF(r.left(), r.top() + ft.height() + 2, r.width(), fb.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, fitted(fb, {line2, short2}, r.width()));
}

void AnatomyView::paintStack(QPainter& painter, const QRectF& r, bool forExport) {
    const QFont title = m_theme.font(11, true), label = m_theme.font(9), bold = m_theme.font(9, true);
    painter.setPen(m_theme.foreground);
    painter.setFont(title);
    const QFontMetricsF ft(title, painter.device()), fl(label, painter.device()), fbold(bold, painter.device());
    const QStringList stackTitles =
        forExport ? QStringList{tr("the stack")} : QStringList{tr("the stack (click a layer)"), tr("the stack")};
    painter.drawText(QRectF(r.left(), r.top(), r.width(), ft.height()), Qt::AlignCenter,
                     fitted(ft, stackTitles, r.width()));
    const Selection s = clampedSelection(m_result->bidirectional, m_selection);
    const int rows = m_config.layers + 2;
    const bool roomy = stackLayerRect(r, 0).height() >= fl.height();
    for (int row = 0; row < rows; ++row) {
        const QRectF box = stackLayerRect(r, row);
        const int layer = row - 1;
        QString text;
        QColor fill(0xe8, 0xee, 0xf6);
        if (row == 0) {
            text = tr("embeddings \u00b7 %1").arg(digits(m_count.embeddings()));
            fill = QColor(0xf3, 0xe9, 0xd8);
        } else if (row == rows - 1) {
            text = m_count.mlmHead() ? tr("masked-LM head \u00b7 %1").arg(digits(m_count.mlmHead()))
                                     : tr("no masked-LM head");
            fill = QColor(0xe3, 0xf1, 0xe0);
        } else {
            text = tr("layer %1 \u00b7 %2").arg(layer).arg(digits(m_count.layer.total()));
        }
        const bool chosen = layer == s.layer && row > 0 && row < rows - 1;
        painter.setPen(QPen(chosen ? m_theme.accent : QColor(0x80, 0x80, 0x80), chosen ? 3 : 1));
        if (!forExport && layer == m_hover && row > 0 && row < rows - 1)
            painter.setPen(QPen(m_theme.foreground, 2, Qt::DashLine));
        painter.setBrush(fill);
        painter.drawRect(box);
        const bool labelled =
            roomy || row == 0 || row == rows - 1 || chosen || layer == 0 || layer == m_config.layers - 1;
        if (!labelled || box.height() < fl.height() * 0.7) continue;
        painter.setPen(Qt::black);
        painter.setFont(chosen ? bold : label);
        painter.drawText(box, Qt::AlignCenter, (chosen ? fbold : fl).elidedText(text, Qt::ElideRight, box.width() - 4));
    }
}

void AnatomyView::paintBlock(QPainter& painter, const QRectF& r) {
    const ModelConfig& c = m_config;
    const LayerParameters& p = m_count.layer;
    const int n = m_tokens, layer = clampedSelection(m_result->bidirectional, m_selection).layer;
    const QFont title = m_theme.font(11, true), bold = m_theme.font(10, true), body = m_theme.font(9.5);
    const QFontMetricsF ft(title, painter.device()), fb(body, painter.device());
    painter.setPen(m_theme.foreground);
    painter.setFont(title);
    painter.drawText(QRectF(r.left(), r.top(), r.width(), ft.height()), Qt::AlignCenter,
                     fitted(ft,
                            {tr("layer %1, opened up \u00b7 %2 parameters").arg(layer).arg(digits(p.total())),
                             tr("layer %1 opened up \u00b7 %2").arg(layer).arg(millions(p.total())),
                             tr("layer %1 opened up").arg(layer)},
                            r.width()));
    // Bottom-up: in, attention, add & norm, feed-forward, add & norm, out.
    const double weights[] = {1.0, 4.2, 1.25, 3.2, 1.25, 1.0};
    const double units = 11.9 + 5 * 0.35;
    const double top = r.top() + ft.height() + 8, unit = (r.bottom() - top) / units;
    const double boxLeft = r.left() + r.width() * 0.1, boxWidth = r.width() * 0.8;
    std::vector<QRectF> parts;
    double y = r.bottom();
    for (double w : weights) {
        parts.emplace_back(boxLeft, y - w * unit, boxWidth, w * unit);
        y -= (w + 0.35) * unit;
    }
    const QColor edge(0x60, 0x60, 0x60);
    auto shape = [&](const QRectF& at, const QString& text) {
        painter.setFont(body);
        painter.setPen(m_theme.foreground);
        painter.drawText(at, Qt::AlignCenter, fb.elidedText(text, Qt::ElideRight, at.width()));
    };
    shape(parts[0], tr("input x: n \u00d7 hidden = %1").arg(times(n, c.hidden)));
    drawBox(painter, parts[1], QColor(0xfd, 0xe3, 0xcf), edge,
            {tr("multi-head self-attention \u00b7 %1").arg(digits(p.attention())),
             tr("Q, K, V: 3 \u00d7 %1 = %2").arg(digits(p.query), digits(p.query + p.key + p.value)),
             tr("q, k, v per head: %1").arg(times(n, c.headDim())),
             tr("%1 maps softmax(qk\u1d40/\u221a%2): %3").arg(c.heads).arg(c.headDim()).arg(times(n, n)),
             tr("joined: %1; W_O: %2").arg(times(n, c.hidden), digits(p.attentionOut))},
            bold, body);
    drawBox(painter, parts[2], QColor(0xee, 0xee, 0xee), edge,
            {tr("add & norm \u00b7 %1").arg(digits(p.attentionNorm)),
             tr("LayerNorm(x + attention): %1").arg(times(n, c.hidden))},
            bold, body);
    drawBox(painter, parts[3], QColor(0xdc, 0xea, 0xf7), edge,
            {tr("feed-forward \u00b7 %1").arg(digits(p.feedForward())),
             tr("%1 \u2192 %2 (GELU) \u2192 %1").arg(c.hidden).arg(c.intermediate),
             tr("in: %1; out: %2").arg(digits(p.feedForwardIn), digits(p.feedForwardOut)),
             tr("activation n \u00d7 intermediate = %1").arg(times(n, c.intermediate))},
            bold, body);
    drawBox(painter, parts[4], QColor(0xee, 0xee, 0xee), edge,
            {tr("add & norm \u00b7 %1").arg(digits(p.outputNorm)),
             tr("LayerNorm(x + feed-forward): %1").arg(times(n, c.hidden))},
            bold, body);
    shape(parts[5], layer + 1 < c.layers ? tr("to layer %1: %2").arg(layer + 1).arg(times(n, c.hidden))
                                         : tr("to the masked-LM head: %1").arg(times(n, c.hidden)));
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        drawArrowUp(painter, QPointF(parts[i].center().x(), parts[i].top()),
                    QPointF(parts[i].center().x(), parts[i + 1].bottom()), edge);
    }
    // The residual paths: around each sublayer into its add & norm.
    painter.setPen(QPen(m_theme.accent, 2));
    painter.setBrush(Qt::NoBrush);
    for (int k : {1, 3}) {
        const double x = r.left() + r.width() * 0.04;
        const double from = parts[size_t(k)].bottom() + 0.17 * unit, to = parts[size_t(k) + 1].center().y();
        painter.drawPolyline(QPolygonF{QPointF(parts[size_t(k)].center().x(), from), QPointF(x, from), QPointF(x, to),
                                       QPointF(boxLeft, to)});
    }
}

void AnatomyView::paintScale(QPainter& painter, const QRectF& r) {
    const QFont title = m_theme.font(11, true);
    const QFontMetricsF ft(title, painter.device());
    painter.setPen(m_theme.foreground);
    painter.setFont(title);
    painter.drawText(
        QRectF(r.left(), r.top(), r.width(), ft.height()), Qt::AlignCenter,
        fitted(ft, {tr("to one scale: height \u221d parameters"), tr("height \u221d parameters")}, r.width()));
    std::vector<ReferenceStack> stacks = {
        {m_result->modelName.isEmpty() ? tr("this model") : m_result->modelName,
         tr("%1 \u00d7 %2\n%3 heads").arg(m_config.layers).arg(m_config.hidden).arg(m_config.heads), m_config.layers,
         m_count.embeddings(), m_count.layer.total(), m_count.pooler + m_count.mlmHead(), false},
        bertStack(tr("BERT-base"), 12, 768, 12, QString()),
        bertStack(tr("BERT-large"), 24, 1024, 16, QString()),
        gptStack()};
    int64_t largest = 1;
    for (const ReferenceStack& s : stacks) largest = std::max(largest, s.embeddings + s.layers * s.perLayer + s.top);
    const double column = r.width() / double(stacks.size());
    // The labels' size: as large as the theme asks, smaller (to 70%) where a
    // narrow column would cut "BERT-large", elided only below that.
    double fit = 1.0;
    {
        const QFontMetricsF wide(m_theme.font(9, true), painter.device());
        for (const ReferenceStack& s : stacks) {
            for (const QString& line : QStringList{s.name} + s.shape.split(QLatin1Char('\n')))
                fit = std::min(fit, (column - 4) / std::max(1.0, wide.horizontalAdvance(line)));
        }
        fit = std::max(fit, 0.7);
        if (m_exporting) fit = 1.0;  // a figure's text is never below body size: elided if it must
    }
    const QFont label = m_theme.font(9 * fit), bold = m_theme.font(9 * fit, true);
    const QFontMetricsF fl(label, painter.device()), fbold(bold, painter.device());
    const double labelHeight = 4 * fl.height() + 6, iconHeight = std::min(r.width() / 4 * 0.35, 3 * fl.height());
    const QString lessonText =
        tr("BERT: a stack of Transformer encoders, bidirectional self-attention. "
           "GPT: a stack of decoders, masked self-attention (each word sees only its left).");
    const double lesson =
        fl.boundingRect(QRectF(0, 0, r.width(), 1e4), Qt::AlignCenter | Qt::TextWordWrap, lessonText).height() + 6;
    const double base = r.bottom() - lesson - iconHeight - fl.height() - 8;
    const double top = r.top() + ft.height() + labelHeight + 6;
    const double perParameter = (base - top) / double(largest);
    for (size_t i = 0; i < stacks.size(); ++i) {
        const ReferenceStack& s = stacks[i];
        const double left = r.left() + column * double(i), w = column * 0.6, x = left + (column - w) / 2;
        const int64_t total = s.embeddings + s.layers * s.perLayer + s.top;
        const double height = std::max(2.0, double(total) * perParameter);
        painter.setPen(QPen(QColor(0x80, 0x80, 0x80), 1));
        painter.setBrush(QColor(0xf3, 0xe9, 0xd8));
        painter.drawRect(QRectF(x, base - double(s.embeddings) * perParameter, w, double(s.embeddings) * perParameter));
        const double slab = double(s.perLayer) * perParameter;
        painter.setBrush(s.decoder ? QColor(0xf6, 0xdc, 0xe8) : QColor(0xe8, 0xee, 0xf6));
        for (int l = 0; l < s.layers; ++l) {
            const double y = base - double(s.embeddings) * perParameter - (l + 1) * slab;
            painter.drawRect(QRectF(x, y, w, slab));
        }
        if (s.top > 0) {
            painter.setBrush(QColor(0xe3, 0xf1, 0xe0));
            painter.drawRect(QRectF(x, base - height, w, double(s.top) * perParameter));
        }
        // Name, shape and total above the stack, however short it is.
        painter.setPen(m_theme.foreground);
        const double labelTop = base - height - labelHeight;
        const QStringList lines = QStringList{s.name} + s.shape.split(QLatin1Char('\n')) + QStringList{millions(total)};
        for (int k = 0; k < lines.size(); ++k) {
            painter.setFont(k == 0 ? bold : label);
            painter.drawText(QRectF(left, labelTop + k * fl.height(), column, fl.height()), Qt::AlignCenter,
                             k == 0 ? fitted(fbold, {lines[k], lines[k].section(QLatin1Char(' '), 0, 0)}, column - 4)
                                    : fl.elidedText(lines[k], Qt::ElideRight, column - 4));
        }
        const QRectF icon(left, base + 6, column, iconHeight);
        drawMaskIcon(painter, icon, s.decoder, m_theme);
    }
    // How each kind of stack attends, said once under each run of columns
    // alike (the three BERTs, then GPT), so a narrow column never cuts it.
    painter.setFont(label);
    for (size_t i = 0; i < stacks.size();) {
        size_t end = i + 1;
        while (end < stacks.size() && stacks[end].decoder == stacks[i].decoder) ++end;
        const QRectF under(r.left() + column * double(i), base + 8 + iconHeight, column * double(end - i), fl.height());
        painter.drawText(under, Qt::AlignCenter,
                         fitted(fl, {stacks[i].decoder ? tr("masked") : tr("bidirectional")}, under.width() - 4));
        i = end;
    }
    painter.setFont(label);
    painter.drawText(QRectF(r.left(), r.bottom() - lesson, r.width(), lesson), Qt::AlignCenter | Qt::TextWordWrap,
                     lessonText);
}

void AnatomyView::paintAll(QPainter& painter, const QRectF& rect, bool forExport) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(rect, m_theme.background);
    if (!m_result || !hasModel()) {
        painter.setPen(m_theme.foreground);
        painter.setFont(m_theme.font(11, true));
        painter.drawText(rect, Qt::AlignCenter,
                         m_result ? tr("The model of this result is no longer open") : tr("No analysis yet"));
        painter.restore();
        return;
    }
    const Columns c = columns(rect, headerHeight(painter.device(), rect.width()));
    paintHeader(painter, c.header);
    paintStack(painter, c.stack, forExport);
    paintBlock(painter, c.block);
    paintScale(painter, c.scale);
    painter.restore();
}

void AnatomyView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintAll(painter, QRectF(rect()).adjusted(6, 6, -6, -6), false);
}

void AnatomyView::paintFigure(QPainter& painter, const QRectF& rect) {
    m_exporting = true;
    paintAll(painter, rect, true);
    m_exporting = false;
}

void AnatomyView::mouseMoveEvent(QMouseEvent* event) {
    const int hover = layerAt(event->position().toPoint());
    if (hover == m_hover) return;
    m_hover = hover;
    setCursor(hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    update();
}

void AnatomyView::mouseReleaseEvent(QMouseEvent* event) {
    const int layer = layerAt(event->position().toPoint());
    if (layer < 0 || event->button() != Qt::LeftButton) return;
    Selection s = m_selection;
    s.layer = layer;
    emit selectionRequested(s);
}

void AnatomyView::leaveEvent(QEvent*) {
    m_hover = -1;
    update();
}

}  // namespace bertlens::ui
