#include "SelectedAttention.h"

#include <QObject>

#include <algorithm>

namespace bertlens::ui {

Selection clampedSelection(const Analysis& analysis, Selection selection) {
    selection.layer = std::clamp(selection.layer, 0, std::max(analysis.layers - 1, 0));
    selection.head = std::clamp(selection.head, 0, std::max(analysis.heads - 1, 0));
    return selection;
}

RowMatrix selectedAttention(const Analysis& analysis, const Selection& selection) {
    if (analysis.layers <= 0 || analysis.heads <= 0 || analysis.tokenCount <= 0) return RowMatrix();
    const Selection s = clampedSelection(analysis, selection);
    if (!s.averageHeads) return analysis.attention(s.layer, s.head);
    // Accumulate in double: the mean of 16 heads of a 512-token map must not
    // drift from the hand-computed one by float rounding.
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(analysis.tokenCount, analysis.tokenCount);
    for (int h = 0; h < analysis.heads; ++h) sum += analysis.attention(s.layer, h).cast<double>();
    return (sum / analysis.heads).cast<float>();
}

RowMatrix selectedNorms(const Analysis& analysis, const Selection& selection, const std::vector<float>& norms) {
    const int n = analysis.tokenCount;
    const size_t nn = static_cast<size_t>(n) * n;
    if (analysis.layers <= 0 || analysis.heads <= 0 || n <= 0 ||
        norms.size() != static_cast<size_t>(analysis.layers) * analysis.heads * nn) {
        return RowMatrix();
    }
    const Selection s = clampedSelection(analysis, selection);
    auto head = [&](int h) {
        return ConstRowMatrixMap(norms.data() + (static_cast<size_t>(s.layer) * analysis.heads + h) * nn, n, n);
    };
    if (!s.averageHeads) return head(s.head);
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(n, n);
    for (int h = 0; h < analysis.heads; ++h) sum += head(h).cast<double>();
    return (sum / analysis.heads).cast<float>();
}

QString selectionName(const Selection& selection) {
    if (selection.averageHeads) return QObject::tr("layer %1, all heads averaged").arg(selection.layer);
    return QObject::tr("layer %1, head %2").arg(selection.layer).arg(selection.head);
}

QString maskModeTitle(MaskMode mode) {
    return mode == MaskMode::Causal ? QObject::tr("left-to-right") : QObject::tr("bidirectional");
}

}  // namespace bertlens::ui
