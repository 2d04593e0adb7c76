#include "FigureCaption.h"

#include "EmbeddingsView.h"
#include "FlowView.h"
#include "HeadChips.h"
#include "HeadsView.h"
#include "InsideView.h"
#include "LinesView.h"
#include "SelectedAttention.h"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <vector>

namespace bertlens::ui {

namespace {

// The text as typed, with each token the user masked by clicking replaced by
// [MASK] (token spans count code points, hence the UCS-4 detour).
QString maskedText(const AnalysisResult& result) {
    const QString text = QString::fromStdString(result.text);
    if (result.userMasked.empty()) return text;
    QList<uint> codePoints = text.toUcs4();
    const QList<uint> mask = QStringLiteral("[MASK]").toUcs4();
    const auto& tokens = result.bidirectional.tokens;
    // Right to left, so earlier spans keep their offsets.
    std::vector<int> positions = result.userMasked;
    std::sort(positions.rbegin(), positions.rend());
    for (int p : positions) {
        if (p < 0 || p >= static_cast<int>(tokens.size())) continue;
        const TextSpan span = tokens[static_cast<size_t>(p)].chars;
        if (span.start < 0 || span.end > codePoints.size() || span.start >= span.end) continue;
        codePoints.remove(span.start, span.end - span.start);
        for (int i = 0; i < mask.size(); ++i) codePoints.insert(span.start + i, mask[i]);
    }
    return QString::fromUcs4(reinterpret_cast<const char32_t*>(codePoints.constData()), codePoints.size());
}

}  // namespace

QString figureCaption(const AnalysisResult* result, const Selection& selection, const QString& figureName,
                      const FigureView* view) {
    if (!result) return QString();
    const Analysis& a = result->analysis(selection.maskMode);
    const Selection s = clampedSelection(a, selection);
    QStringList parts;
    if (!result->modelName.isEmpty()) parts << result->modelName;
    if (!result->ablated.empty()) {  // the figure is of a model with heads switched off
        QStringList heads;
        for (const HeadRef& h : result->ablated) heads << QStringLiteral("%1:%2").arg(h.layer).arg(h.head);
        parts << QObject::tr("heads %1 switched off").arg(heads.join(QStringLiteral(", ")));
    }

    if (const auto* flow = qobject_cast<const FlowView*>(view)) {
        parts << (flow->measure() == FlowView::Measure::Flow
                      ? QObject::tr("attention flow through all %1 layers").arg(a.layers)
                      : QObject::tr("attention rollout after layer %1").arg(std::min(flow->rolloutLayer(), a.layers) - 1));
        parts << maskModeTitle(s.maskMode) << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    if (figureName == QLatin1String("heads")) {
        parts << QObject::tr("what each head does (all layers and heads)");
        const auto* heads = qobject_cast<const HeadsView*>(view);
        if (heads && heads->showsCorpus() && heads->shownSummary()) {
            parts << heads->sourceDescription() << maskModeTitle(heads->shownSummary()->maskMode);
        } else {
            parts << maskModeTitle(s.maskMode) << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
        }
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    if (figureName == QLatin1String("layers")) {
        parts << QObject::tr("masked-LM guesses after each layer") << QObject::tr("bidirectional and left-to-right")
              << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    if (figureName == QLatin1String("anatomy")) {
        parts << QObject::tr("the stack, layer %1 opened up").arg(s.layer)
              << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    if (const auto* inside = qobject_cast<const InsideView*>(view); inside && inside->hasHead()) {
        parts << QObject::tr("layer %1").arg(s.layer) << QObject::tr("head %1").arg(s.head)
              << QObject::tr("query token %1").arg(inside->query()) << maskModeTitle(s.maskMode)
              << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
        return parts.join(QStringLiteral(" \u00b7 "));
    }
    const bool wholeModel = figureName == QLatin1String("model");
    const bool perLayer = figureName == QLatin1String("embeddings");
    const bool noHead = figureName == QLatin1String("predictions");
    if (wholeModel) {
        parts << QObject::tr("all layers and heads");
    } else if (!noHead) {
        parts << QObject::tr("layer %1").arg(s.layer);
        const auto* lines = qobject_cast<const LinesView*>(view);
        if (lines && lines->shownHeads() != std::vector<int>{s.averageHeads ? kMeanHead : s.head}) {
            QStringList heads;
            for (int h : lines->shownHeads()) heads << (h == kMeanHead ? QObject::tr("mean") : QString::number(h));
            parts << QObject::tr("heads %1").arg(heads.join(QStringLiteral(", ")));
        } else if (!perLayer) {
            parts << (s.averageHeads ? QObject::tr("all heads") : QObject::tr("head %1").arg(s.head));
        }
        const auto* embeddings = qobject_cast<const EmbeddingsView*>(view);
        if (embeddings && embeddings->mode() == EmbeddingsView::Mode::Paths) parts << QObject::tr("paths");
    }
    if (figureName == QLatin1String("compare")) {
        parts << QObject::tr("bidirectional vs left-to-right");
    } else {
        parts << maskModeTitle(s.maskMode);
    }
    parts << QStringLiteral("\u201c%1\u201d").arg(maskedText(*result).simplified());
    return parts.join(QStringLiteral(" \u00b7 "));
}

}  // namespace bertlens::ui
