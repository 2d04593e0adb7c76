#include "PredictionsView.h"

#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

constexpr int kContextTokens = 2;  // words shown on each side of a [MASK] in a panel's title

}  // namespace

std::vector<PredictionPanel> predictionPanels(const AnalysisResult& result, const Analysis& a) {
    std::vector<PredictionPanel> panels;
    for (const Prediction& p : a.predictions) {
        PredictionPanel panel;
        panel.top = p.top;
        panel.original = userMaskedOriginal(result, p.position);
        // "… the [MASK] barked at …": the sentence around the position.
        QStringList context;
        const int n = static_cast<int>(a.tokens.size());
        const int from = std::max(p.position - kContextTokens, 0);
        const int to = std::min(p.position + kContextTokens, n - 1);
        for (int i = from; i <= to; ++i) {
            const Token& t = a.tokens[static_cast<size_t>(i)];
            if (t.added && i != p.position) continue;  // the [CLS]/[SEP] encode() added
            context << (i == p.position ? QStringLiteral("[MASK]") : QString::fromStdString(t.text));
        }
        QString title = QStringLiteral("%1%2%3").arg(from > 1 ? QStringLiteral("\u2026 ") : QString(),
                                                     context.join(QLatin1Char(' ')),
                                                     to < n - 2 ? QStringLiteral(" \u2026") : QString());
        title += QObject::tr("  (position %1)").arg(p.position);
        if (!panel.original.isEmpty()) title += QObject::tr(" \u2014 was: %1").arg(panel.original);
        panel.title = title;
        panels.push_back(std::move(panel));
    }
    return panels;
}

QString predictionsMessage(const AnalysisResult* result, const Analysis* a) {
    if (!result || !a) return QObject::tr("No analysis yet: type a sentence.");
    if (!a->predictionsOffReason.empty()) {
        return QObject::tr("Predictions are off for this model: %1\n\nAttention and embeddings are still shown.")
            .arg(QString::fromStdString(a->predictionsOffReason));
    }
    if (a->predictions.empty()) {
        return QObject::tr(
            "There is no [MASK] in this sentence, so there is nothing to predict.\n\n"
            "Click a word in the token strip to turn it into [MASK], or type [MASK] in the sentence "
            "(for example: the [MASK] barked at the mailman).");
    }
    return QString();
}

PredictionsView::PredictionsView(QWidget* parent)
    : FigureView(parent), m_scroll(new QScrollArea(this)), m_chart(new PredictionChart), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // Many [MASK]s (or presentation mode's larger rows) scroll: every row
    // keeps the height its label needs instead of being squeezed.
    m_scroll->setWidget(m_chart);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_scroll);
    refresh();
}

void PredictionsView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    refresh();
}

void PredictionsView::setSelection(const Selection& selection) {
    if (selection.maskMode == m_selection.maskMode) {
        m_selection = selection;
        return;  // predictions depend on the mask mode only
    }
    m_selection = selection;
    refresh();
}

void PredictionsView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_chart->setTheme(theme);
    m_chart->setMinimumHeight(static_cast<int>(figureSize().height()));
}

void PredictionsView::refresh() {
    const Analysis* a = m_result ? &m_result->analysis(m_selection.maskMode) : nullptr;
    m_chart->setTitle(tr("Masked-word predictions (%1)").arg(maskModeTitle(m_selection.maskMode)));
    const QString message = predictionsMessage(m_result.get(), a);
    if (!message.isEmpty()) {
        m_chart->setMessage(message);
    } else {
        m_chart->setPanels(predictionPanels(*m_result, *a), 1);
    }
    m_chart->setMinimumHeight(static_cast<int>(figureSize().height()));
}

void PredictionsView::paintFigure(QPainter& painter, const QRectF& rect) {
    m_chart->render(painter, rect);
}

QSizeF PredictionsView::figureSize() const {
    const double scale = m_theme.fontScale;
    double height = PredictionChart::titleHeight(scale);
    if (m_chart->panels().empty()) return QSizeF(480.0 * scale, height + 160.0 * scale);
    for (const PredictionPanel& p : m_chart->panels())
        height += PredictionChart::panelHeight(static_cast<int>(p.top.size()), scale);
    return QSizeF(480.0 * scale, std::min(height, 2400.0));
}

}  // namespace bertlens::ui
