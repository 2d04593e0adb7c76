#include "model/MlmHead.h"

#include "Errors.h"
#include "model/Kernels.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bertlens {

std::vector<Prediction> predictTopK(const Model& model, const RowMatrix& finalHidden, const std::vector<int>& positions,
                                    int topK, ThreadPool* pool, bool keepDistribution) {
    const ModelConfig& c = model.config();
    const MlmHeadWeights& mlm = model.weights().mlm;
    const auto count = static_cast<Eigen::Index>(positions.size());

    RowMatrix selected(count, c.hidden);
    for (Eigen::Index i = 0; i < count; ++i) selected.row(i) = finalHidden.row(positions[static_cast<size_t>(i)]);
    RowMatrix transformed;
    kernels::linear(selected, mlm.transform, transformed);
    kernels::gelu(transformed);
    kernels::layerNorm(transformed, mlm.norm, c.layerNormEps);

    // All requested positions in one product with the [vocab, hidden] decoder.
    const LinearWeights decoder{mlm.decoder, mlm.bias, c.vocabSize, c.hidden};
    RowMatrix logits;
    kernels::linear(transformed, decoder, logits, pool);
    // The encoder checks its own output; the head has weights of its own (a
    // fuzzed checkpoint with NaN in cls.predictions.bias gave NaN probabilities).
    if (!logits.allFinite()) {
        const std::string bad = model.findNonFiniteTensor();
        throw CheckpointError(bad.empty()
                                  ? "the masked-LM head's outputs overflowed to infinity or NaN on this "
                                    "input; its weights are out of range for float32"
                                  : "tensor " + bad + " holds NaN or infinite values; the checkpoint is damaged");
    }

    const int k = std::clamp(topK, 1, c.vocabSize);
    std::vector<Prediction> out;
    std::vector<int32_t> order(static_cast<size_t>(c.vocabSize));
    for (Eigen::Index i = 0; i < count; ++i) {
        const auto row = logits.row(i);
        const float maxLogit = row.maxCoeff();
        double sum = 0.0;  // in double: 30k terms
        for (Eigen::Index v = 0; v < row.size(); ++v) sum += std::exp(static_cast<double>(row[v] - maxLogit));
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + k, order.end(),
                          [&](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
        Prediction p;
        p.position = positions[static_cast<size_t>(i)];
        p.fromPosition = p.position;
        if (keepDistribution) {
            const double logSum = std::log(sum) + static_cast<double>(maxLogit);
            p.logProbabilities.resize(static_cast<size_t>(row.size()));
            for (Eigen::Index v = 0; v < row.size(); ++v)
                p.logProbabilities[static_cast<size_t>(v)] = static_cast<float>(static_cast<double>(row[v]) - logSum);
        }
        for (int r = 0; r < k; ++r) {
            const int32_t id = order[static_cast<size_t>(r)];
            const double prob = std::exp(static_cast<double>(row[id] - maxLogit)) / sum;
            p.top.push_back(
                {id, id < model.vocab().size() ? model.vocab().token(id) : "[unused id]", static_cast<float>(prob)});
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace bertlens
