#include "LayersView.h"

#include "PredictionChart.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <QComboBox>
#include <QPainter>

#include <algorithm>

namespace bertlens::ui {

namespace {

const QColor kBarColor(0x00, 0x72, 0xb2, 70);  // Okabe-Ito blue, light behind the words
constexpr int kWords = 3;                      // words shown per layer

}  // namespace

LayersView::LayersView(QWidget* parent)
    : FigureView(parent), m_predictionBox(new QComboBox(this)), m_theme(Theme::normal()) {
    m_predictionBox->setToolTip(tr("Which [MASK] to follow through the layers"));
    connect(m_predictionBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_prediction = std::max(i, 0);
        update();
    });
    setMinimumSize(420, 320);
}

void LayersView::setResult(const AnalysisResultPtr& result) {
    // Measures belong to one result: a new result drops the old ones before
    // anything is drawn (their matrices have the old token count; found by
    // tst_monkey under ASan as a read past the end).
    if (m_measures && (!result || m_measures->requestId != result->requestId)) m_measures = nullptr;
    m_result = result;
    refresh();
}

void LayersView::setSelection(const Selection&) {}  // both masks are always shown

void LayersView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_predictionBox->setFont(theme.font(10));
    m_predictionBox->adjustSize();
    update();
}

void LayersView::setMeasures(const FlowMeasuresPtr& measures) {
    m_measures = measures && m_result && measures->requestId == m_result->requestId ? measures : nullptr;
    update();
}

void LayersView::setPrediction(int index) {
    m_predictionBox->setCurrentIndex(index);
    m_prediction = std::max(0, std::min(index, m_predictionBox->count() - 1));
    update();
}

void LayersView::refresh() {
    const QSignalBlocker block(m_predictionBox);
    m_predictionBox->clear();
    if (m_result) {
        const QStringList labels = tokenLabels(m_result.get());
        for (const Prediction& p : m_result->bidirectional.predictions) {
            m_predictionBox->addItem(tr("%1 at %2").arg(labels.value(p.position)).arg(p.position));
        }
    }
    m_prediction = std::min(m_prediction, std::max(0, m_predictionBox->count() - 1));
    m_predictionBox->setCurrentIndex(m_prediction);
    m_predictionBox->setVisible(m_predictionBox->count() > 1);
    m_predictionBox->adjustSize();
    m_predictionBox->move(width() - m_predictionBox->width() - 8, 6);
    update();
}

void LayersView::resizeEvent(QResizeEvent* event) {
    FigureView::resizeEvent(event);
    m_predictionBox->move(width() - m_predictionBox->width() - 8, 6);
}

const Prediction* LayersView::shown(MaskMode mode, int layer) const {
    if (!m_measures || !m_result) return nullptr;
    const auto& stack = m_measures->of(mode).layerPredictions;
    if (layer < 0 || layer >= static_cast<int>(stack.size())) return nullptr;
    const auto& row = stack[static_cast<size_t>(layer)];
    if (m_prediction >= static_cast<int>(row.size())) return nullptr;
    return &row[static_cast<size_t>(m_prediction)];
}

QString LayersView::message() const {
    if (!m_result) return tr("No analysis yet");
    if (m_result->bidirectional.predictions.empty()) {
        return m_result->bidirectional.predictionsOffReason.empty()
                   ? tr("There is no [MASK] in this sentence: type [MASK] or click a word to follow the model's "
                        "guess through the layers.")
                   : QString::fromStdString(m_result->bidirectional.predictionsOffReason);
    }
    if (!m_measures) return tr("Computing the guesses after each layer…");
    if (m_measures->bidirectional.layerPredictions.empty())
        return tr("This model has no masked-LM head to guess with.");
    return QString();
}

void LayersView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.background);
    m_onScreen = true;
    paintFigure(painter, QRectF(rect()).adjusted(8, 8, -8, -8));
    m_onScreen = false;
}

namespace {
// The height text takes wrapped at width (device units; the screen's when device is null).
double wrappedHeight(const QFont& font, const QString& text, double width, const QPaintDevice* device) {
    const QFontMetricsF m(font, const_cast<QPaintDevice*>(device));
    return m.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, text).height();
}
}  // namespace

QString LayersView::title() const {
    if (m_result && !m_result->bidirectional.predictions.empty()) {
        const auto& p = m_result->bidirectional.predictions[static_cast<size_t>(
            std::min<int>(m_prediction, static_cast<int>(m_result->bidirectional.predictions.size()) - 1))];
        return tr("What it would guess at \u201c%1\u201d (token %2) after each layer")
            .arg(tokenLabels(m_result.get()).value(p.position))
            .arg(p.position);
    }
    return tr("What it would guess after each layer");
}

QString LayersView::caption(MaskMode mode) {
    return mode == MaskMode::Causal ? tr("left-to-right mask (BERT's weights, not trained this way)")
                                    : tr("bidirectional (as BERT was trained)");
}

double LayersView::figureHeightForWidth(double width) const {
    // In points: the screen's metrics scaled by 72 / its DPI.
    const QFont titleFont = m_theme.font(13, true), head = m_theme.font(11.5, true);
    const double toPoints = 72.0 / std::max(1.0, QFontMetricsF(titleFont).fontDpi());
    const double px = width / toPoints;
    const int rows = m_result ? m_result->bidirectional.layers + 1 : 5;
    if (!stackedAt(width)) return std::max(FigureView::figureHeightForWidth(width), sideBySideHeight(width));
    double height = wrappedHeight(titleFont, title(), px, nullptr) * toPoints + 4 + 6;
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal})
        height += (wrappedHeight(head, caption(mode), px, nullptr) + 0.3 * QFontMetricsF(head).height()) * toPoints +
                  rows * stackedRowHeight() + 16.0 * m_theme.fontScale;
    return height;
}

void LayersView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(m_theme.foreground);
    const QString text = message();
    const QFont titleFont = m_theme.font(13, true);
    const QFontMetricsF tm(titleFont, painter.device());
    const bool stacked = stackedAt(rect.width());
    painter.setFont(titleFont);
    QRectF body;
    if (stacked) {
        // A journal column: the title wrapped rather than cut.
        const double height = wrappedHeight(titleFont, title(), rect.width(), painter.device());
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), height), Qt::AlignLeft | Qt::TextWordWrap,
                         title());
        body = rect.adjusted(0, height + 4 + 6, 0, 0);
    } else {
        const QRectF titleRect(rect.left(), rect.top(),
                               rect.width() - (m_predictionBox->isVisible() ? m_predictionBox->width() + 12 : 0),
                               tm.height() * 1.4);
        painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                         tm.elidedText(title(), Qt::ElideRight, titleRect.width()));
        body = rect.adjusted(0, titleRect.height() + 4, 0, 0);
    }
    if (!text.isEmpty()) {
        painter.setFont(m_theme.font(12));
        painter.drawText(body, Qt::AlignCenter | Qt::TextWordWrap, text);
        painter.restore();
        return;
    }
    const double gap = 16.0 * m_theme.fontScale;
    if (stacked) {
        // Bidirectional above left-to-right, two words a row so that each reads whole.
        const double drawn =
            paintColumn(painter, body, MaskMode::Bidirectional, 2, stackedRowHeight());
        paintColumn(painter, body.adjusted(0, drawn + gap, 0, 0), MaskMode::Causal, 2, stackedRowHeight());
        painter.restore();
        return;
    }
    const double half = (body.width() - gap) / 2;
    const int words = std::min(kWords, wordsAt(rect.width()));
    // A figure's rows keep body-size text and its captions wrap (both columns
    // start their rows at the taller caption's foot); the screen fills its height.
    double captions = 0.0;
    if (!m_onScreen) {
        const QFont head = m_theme.font(11.5, true);
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal})
            captions = std::max(captions, wrappedHeight(head, caption(mode), half, painter.device()));
    }
    const int rows = m_measures ? static_cast<int>(m_measures->bidirectional.layerPredictions.size()) : 0;
    const double room = rows > 0 ? (body.height() - captions - 0.3 * QFontMetricsF(m_theme.font(11.5, true), painter.device()).height()) / rows : 0.0;
    const double row = m_onScreen || rows == 0 ? 0.0 : std::min(stackedRowHeight(), room);
    paintColumn(painter, QRectF(body.left(), body.top(), half, body.height()), MaskMode::Bidirectional, words, row,
                captions);
    paintColumn(painter, QRectF(body.left() + half + gap, body.top(), half, body.height()), MaskMode::Causal, words,
                row, captions);
    painter.restore();
}

double LayersView::paintColumn(QPainter& painter, const QRectF& rect, MaskMode mode, int words, double fixedRow,
                               double captionHeight) {
    const auto& stack = m_measures->of(mode).layerPredictions;
    const int rows = static_cast<int>(stack.size());
    const QFont head = m_theme.font(11.5, true);
    const QFontMetricsF hm(head, painter.device());
    painter.setFont(head);
    painter.setPen(m_theme.foreground);
    QRectF grid;
    if (fixedRow > 0.0) {  // a figure: the caption wrapped, never cut
        const double height = std::max(captionHeight, wrappedHeight(head, caption(mode), rect.width(), painter.device()));
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), height), Qt::AlignLeft | Qt::TextWordWrap,
                         caption(mode));
        grid = rect.adjusted(0, height + 0.3 * hm.height(), 0, 0);
    } else {
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), hm.height() * 1.3),
                         Qt::AlignLeft | Qt::AlignVCenter, hm.elidedText(caption(mode), Qt::ElideRight, rect.width()));
        grid = rect.adjusted(0, hm.height() * 1.5, 0, 0);
    }
    if (rows == 0) return grid.top() - rect.top();
    const double rowHeight = fixedRow > 0.0 ? fixedRow : std::min(grid.height() / rows, 44.0 * m_theme.fontScale);
    const QFont labelFont = m_theme.font(std::clamp(rowHeight / 2.6 / m_theme.fontScale, 6.5, 11.0));
    const QFontMetricsF lm(labelFont, painter.device());
    const double labelWidth = lm.horizontalAdvance(tr("embeddings")) + 10;
    const double cellWidth = (grid.width() - labelWidth) / words;
    // The final guess (after the last layer), marked wherever it appears.
    const int32_t final = stack.back().size() > static_cast<size_t>(m_prediction) &&
                                  !stack.back()[static_cast<size_t>(m_prediction)].top.empty()
                              ? stack.back()[static_cast<size_t>(m_prediction)].top.front().id
                              : -1;
    for (int layer = 0; layer < rows; ++layer) {
        const double y = grid.top() + (rows - 1 - layer) * rowHeight;  // the embeddings at the bottom
        painter.setFont(labelFont);
        painter.setPen(m_theme.foreground);
        painter.drawText(QRectF(grid.left(), y, labelWidth - 6, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         layer == 0 ? tr("embeddings") : tr("layer %1").arg(layer - 1));
        const auto& row = stack[static_cast<size_t>(layer)];
        if (m_prediction >= static_cast<int>(row.size())) continue;
        const Prediction& p = row[static_cast<size_t>(m_prediction)];
        for (int k = 0; k < words && k < static_cast<int>(p.top.size()); ++k) {
            const TokenProbability& t = p.top[static_cast<size_t>(k)];
            const QRectF cell(grid.left() + labelWidth + k * cellWidth, y + 1, cellWidth - 4, rowHeight - 2);
            painter.fillRect(cell, QColor(0, 0, 0, 12));
            painter.fillRect(QRectF(cell.left(), cell.top(), cell.width() * std::clamp<double>(t.probability, 0.0, 1.0),
                                    cell.height()),
                             kBarColor);
            const bool isFinal = t.id == final;
            if (isFinal) painter.setPen(QPen(m_theme.accent, 2.0 * m_theme.fontScale));
            if (isFinal) painter.drawRect(cell.adjusted(1, 1, -1, -1));
            QFont f = m_theme.font(std::clamp(rowHeight / 2.4 / m_theme.fontScale, 6.5, 12.0), k == 0);
            painter.setFont(f);
            painter.setPen(m_theme.foreground);
            const QString word = QString::fromStdString(t.token);
            const QString text = word + QStringLiteral("  ") + PredictionChart::percent(t.probability);
            const QFontMetricsF fm(f, painter.device());
            painter.drawText(cell.adjusted(6, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter,
                             fm.elidedText(text, Qt::ElideMiddle, cell.width() - 10));
        }
    }
    return grid.top() - rect.top() + rows * rowHeight;
}

double LayersView::sideBySideHeight(double width) const {
    // Rows tall enough for body-size text under the wrapped captions (points).
    const QFont titleFont = m_theme.font(13, true), head = m_theme.font(11.5, true);
    const double toPoints = 72.0 / std::max(1.0, QFontMetricsF(titleFont).fontDpi());
    const int rows = m_result ? m_result->bidirectional.layers + 1 : 5;
    const double half = (width - 16.0 * m_theme.fontScale) / 2 / toPoints;
    double captions = 0.0;
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal})
        captions = std::max(captions, wrappedHeight(head, caption(mode), half, nullptr));
    return (QFontMetricsF(titleFont).height() * 1.4 + 4 + captions + 0.3 * QFontMetricsF(head).height()) * toPoints +
           rows * stackedRowHeight() + 8;
}

QSizeF LayersView::figureSize() const {
    const int rows = m_result ? m_result->bidirectional.layers + 1 : 5;
    return QSizeF(900.0, std::max(std::clamp(90.0 + 34.0 * rows, 280.0, 1000.0), sideBySideHeight(900.0)));
}

}  // namespace bertlens::ui
