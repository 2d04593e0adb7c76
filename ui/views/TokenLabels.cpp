#include "TokenLabels.h"

namespace bertlens::ui {

QString userMaskedOriginal(const AnalysisResult& result, int position) {
    for (size_t i = 0; i < result.userMasked.size() && i < result.userMaskedOriginal.size(); ++i) {
        if (result.userMasked[i] == position) return QString::fromStdString(result.userMaskedOriginal[i]);
    }
    return QString();
}

QStringList tokenLabels(const AnalysisResult* result) {
    QStringList labels;
    if (!result) return labels;
    const Analysis& a = result->bidirectional;
    labels.reserve(a.tokenCount);
    for (int i = 0; i < a.tokenCount; ++i) {
        QString label = i < static_cast<int>(a.tokens.size()) ? QString::fromStdString(a.tokens[i].text)
                                                              : QString::number(a.ids[i]);
        const QString original = userMaskedOriginal(*result, i);
        if (!original.isEmpty()) label += QStringLiteral(" (%1)").arg(original);
        labels << label;
    }
    return labels;
}

}  // namespace bertlens::ui
