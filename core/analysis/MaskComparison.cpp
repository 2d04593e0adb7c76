#include "analysis/MaskComparison.h"

#include "Errors.h"

#include <map>
#include <string>

namespace bertlens {

RowMatrix attentionMap(const Analysis& a, int layer, int head) {
    if (layer < 0 || layer >= a.layers) {
        throw InputError("layer " + std::to_string(layer) + " does not exist: this model has layers 0.." +
                         std::to_string(a.layers - 1));
    }
    if (head != kMeanOfHeads && (head < 0 || head >= a.heads)) {
        throw InputError("head " + std::to_string(head) + " does not exist: this model has heads 0.." +
                         std::to_string(a.heads - 1));
    }
    if (head != kMeanOfHeads) return a.attention(layer, head);
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(a.tokenCount, a.tokenCount);
    for (int h = 0; h < a.heads; ++h) sum += a.attention(layer, h).cast<double>();
    return (sum / static_cast<double>(a.heads)).cast<float>();
}

MaskComparison compareMasks(const Analysis& bi, const Analysis& causal, int layer, int head) {
    if (bi.tokenCount != causal.tokenCount || bi.layers != causal.layers || bi.heads != causal.heads ||
        bi.ids != causal.ids) {
        throw InputError("the two analyses to compare are not of the same tokens and model");
    }
    MaskComparison c;
    c.bidirectional = attentionMap(bi, layer, head);
    c.causal = attentionMap(causal, layer, head);
    c.difference = c.bidirectional - c.causal;
    c.maxAbsDifference = c.difference.size() ? c.difference.cwiseAbs().maxCoeff() : 0.0f;
    const int n = bi.tokenCount;
    c.laterShare.resize(static_cast<size_t>(n));
    for (int q = 0; q < n; ++q) {
        double later = 0.0;
        for (int k = q + 1; k < n; ++k) later += c.bidirectional(q, k);
        c.laterShare[static_cast<size_t>(q)] = static_cast<float>(later);
    }
    return c;
}

std::vector<PredictionPair> pairPredictions(const Analysis& bi, const Analysis& causal) {
    std::map<int, PredictionPair> byPosition;
    for (const Prediction& p : bi.predictions) {
        PredictionPair& pair = byPosition[p.position];
        pair.position = p.position;
        pair.bidirectional = p.top;
    }
    for (const Prediction& p : causal.predictions) {
        PredictionPair& pair = byPosition[p.position];
        pair.position = p.position;
        pair.causal = p.top;
    }
    std::vector<PredictionPair> out;
    out.reserve(byPosition.size());
    for (auto& entry : byPosition) out.push_back(std::move(entry.second));
    return out;
}

}  // namespace bertlens
