#include "analysis/LayerPredictions.h"

#include "model/MlmHead.h"

#include <iterator>
#include <numeric>

namespace bertlens {

std::vector<std::vector<Prediction>> layerPredictions(const Model& model, const Analysis& a, int topK,
                                                      ThreadPool* pool) {
    std::vector<std::vector<Prediction>> out;
    if (!model.hasMlmHead() || a.predictions.empty()) return out;
    // Every layer's rows in one product with the decoder: it is read once, not
    // layers + 1 times (it is most of the cost: 94 MB for bert-base).
    const auto count = static_cast<Eigen::Index>(a.predictions.size());
    const Eigen::Index layers = a.layers + 1;
    RowMatrix selected(layers * count, a.hidden);
    for (Eigen::Index l = 0; l < layers; ++l) {
        for (Eigen::Index i = 0; i < count; ++i)
            selected.row(l * count + i) =
                a.hiddenState(static_cast<int>(l)).row(a.predictions[static_cast<size_t>(i)].fromPosition);
    }
    std::vector<int> rows(static_cast<size_t>(layers * count));
    std::iota(rows.begin(), rows.end(), 0);
    std::vector<Prediction> all = predictTopK(model, selected, rows, topK, pool);
    for (Eigen::Index l = 0; l < layers; ++l) {
        std::vector<Prediction> layer(std::make_move_iterator(all.begin() + l * count),
                                      std::make_move_iterator(all.begin() + (l + 1) * count));
        for (size_t i = 0; i < layer.size(); ++i) {
            layer[i].position = a.predictions[i].position;
            layer[i].fromPosition = a.predictions[i].fromPosition;
        }
        out.push_back(std::move(layer));
    }
    return out;
}

}  // namespace bertlens
