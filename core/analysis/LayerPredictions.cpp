#include "analysis/LayerPredictions.h"

#include "model/MlmHead.h"

#include <numeric>

namespace bertlens {

std::vector<std::vector<Prediction>> layerPredictions(const Model& model, const Analysis& a, int topK,
                                                      ThreadPool* pool) {
    std::vector<std::vector<Prediction>> out;
    if (!model.hasMlmHead() || a.predictions.empty()) return out;
    const auto count = static_cast<Eigen::Index>(a.predictions.size());
    std::vector<int> rows(a.predictions.size());
    std::iota(rows.begin(), rows.end(), 0);
    RowMatrix selected(count, a.hidden);
    for (int l = 0; l <= a.layers; ++l) {
        // Only the rows read are handed to the head.
        for (Eigen::Index i = 0; i < count; ++i)
            selected.row(i) = a.hiddenState(l).row(a.predictions[static_cast<size_t>(i)].fromPosition);
        std::vector<Prediction> layer = predictTopK(model, selected, rows, topK, pool);
        for (size_t i = 0; i < layer.size(); ++i) {
            layer[i].position = a.predictions[i].position;
            layer[i].fromPosition = a.predictions[i].fromPosition;
        }
        out.push_back(std::move(layer));
    }
    return out;
}

}  // namespace bertlens
