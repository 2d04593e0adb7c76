#include "export/AnalysisArrays.h"

#include "analysis/Pca.h"
#include "model/Direction.h"

#include <algorithm>

namespace bertlens {
namespace {

using Shape = std::vector<int64_t>;
using Axes = std::vector<std::string>;

size_t rankCount(const std::vector<Prediction>& predictions) {
    size_t k = 0;
    for (const Prediction& p : predictions) k = std::max(k, p.top.size());
    return k;
}

// Top ids and probabilities of each prediction, padded to k ranks.
void appendTop(const std::vector<Prediction>& predictions, size_t k, std::vector<int32_t>& ids,
               std::vector<float>& probabilities) {
    for (const Prediction& p : predictions) {
        for (size_t r = 0; r < k; ++r) {
            const bool has = r < p.top.size();
            ids.push_back(has ? p.top[r].id : -1);
            probabilities.push_back(has ? p.top[r].probability : 0.0f);
        }
    }
}

std::vector<float> pcaCoordinates(const Analysis& a) {
    std::vector<float> xy;
    xy.reserve(static_cast<size_t>(a.layers + 1) * a.tokenCount * 2);
    for (int l = 0; l <= a.layers; ++l) {
        const Pca2 pca = fitPca2(a.hiddenState(l));
        const Eigen::MatrixX2d p = pca.project(a.hiddenState(l));
        for (int i = 0; i < a.tokenCount; ++i) {
            xy.push_back(static_cast<float>(p(i, 0)));
            xy.push_back(static_cast<float>(p(i, 1)));
        }
    }
    return xy;
}

std::vector<float> pathCoordinates(const Analysis& a) {
    const LayerPaths paths = fitLayerPaths(a);
    std::vector<float> xy;
    for (const Eigen::MatrixX2d& p : paths.points) {
        for (int i = 0; i < p.rows(); ++i) {
            xy.push_back(static_cast<float>(p(i, 0)));
            xy.push_back(static_cast<float>(p(i, 1)));
        }
    }
    return xy;
}

}  // namespace

nlohmann::json analysisMeta(const Analysis& a) {
    nlohmann::json tokens = nlohmann::json::array();
    for (const Token& t : a.tokens) tokens.push_back(t.text);
    return {{"tokens", tokens}, {"ids", a.ids},       {"type_ids", a.typeIds},
            {"layers", a.layers}, {"heads", a.heads}, {"hidden", a.hidden}};
}

void addPredictionArrays(ArrayFolder& folder, const std::vector<Prediction>& predictions, const std::string& name) {
    if (predictions.empty()) return;
    const size_t k = rankCount(predictions);
    std::vector<int32_t> positions, from, ids;
    std::vector<float> probabilities;
    for (const Prediction& p : predictions) {
        positions.push_back(p.position);
        from.push_back(p.fromPosition);
    }
    appendTop(predictions, k, ids, probabilities);
    const auto count = static_cast<int64_t>(predictions.size());
    const auto ranks = static_cast<int64_t>(k);
    folder.add({name + "_positions", {count}, {"prediction"}, "the token position each prediction is for",
                folder.keep(std::move(positions))});
    folder.add({name + "_from_positions", {count}, {"prediction"},
                "the position whose output makes the prediction (the same position for BERT, -1/+1 for a one-way twin)",
                folder.keep(std::move(from))});
    folder.add({name + "_top_ids", {count, ranks}, {"prediction", "rank"},
                "vocabulary ids of the most probable words, most probable first (-1: no word at that rank)",
                folder.keep(std::move(ids))});
    folder.add({name + "_top_probabilities", {count, ranks}, {"prediction", "rank"},
                "their probabilities under the masked-LM head's softmax", folder.keep(std::move(probabilities))});
}

void addLayerPredictionArrays(ArrayFolder& folder, const std::vector<std::vector<Prediction>>& layers,
                              const std::string& name) {
    if (layers.empty() || layers.front().empty()) return;
    size_t k = 0;
    for (const auto& l : layers) k = std::max(k, rankCount(l));
    std::vector<int32_t> ids, positions;
    std::vector<float> probabilities;
    for (const Prediction& p : layers.front()) positions.push_back(p.position);
    for (const auto& l : layers) appendTop(l, k, ids, probabilities);
    const Shape shape{static_cast<int64_t>(layers.size()), static_cast<int64_t>(layers.front().size()),
                      static_cast<int64_t>(k)};
    folder.add({name + "_positions", {shape[1]}, {"prediction"}, "the token position each prediction is for",
                folder.keep(std::move(positions))});
    folder.add({name + "_top_ids", shape, {"layer", "prediction", "rank"},
                "the masked-LM head read after each layer (0 = the embeddings): most probable ids",
                folder.keep(std::move(ids))});
    folder.add({name + "_top_probabilities", shape, {"layer", "prediction", "rank"},
                "their probabilities", folder.keep(std::move(probabilities))});
}

void addAnalysisArrays(ArrayFolder& folder, const Analysis& a, const std::string& prefix) {
    const int64_t L = a.layers, H = a.heads, n = a.tokenCount, d = a.hidden;
    folder.add({prefix + "attentions", {L, H, n, n}, {"layer", "head", "query", "key"},
                std::string("attention weights under the ") + maskModeName(a.maskMode) +
                    " mask; each row (query) sums to 1",
                a.attentions.data()});
    if (!a.hiddenStates.empty()) {
        folder.add({prefix + "hidden_states", {L + 1, n, d}, {"layer", "token", "hidden"},
                    "each layer's output (0 = the embeddings' output)", a.hiddenStates.data()});
        folder.add({prefix + "embeddings_pca", {L + 1, n, 2}, {"layer", "token", "component"},
                    "the hidden states on their two principal axes, each layer fitted on its own (the embeddings "
                    "view's points)",
                    folder.keep(pcaCoordinates(a))});
        folder.add({prefix + "embeddings_paths", {L + 1, n, 2}, {"layer", "token", "component"},
                    "the same on one pair of axes fitted on every layer at once (the embeddings view's paths)",
                    folder.keep(pathCoordinates(a))});
    }
    addPredictionArrays(folder, a.predictions, prefix + "predictions");
}

void addFlowArrays(ArrayFolder& folder, const FlowArrays& f, const std::string& prefix) {
    const int64_t L = f.layers, H = f.heads, n = f.tokens;
    if (f.rollout && !f.rollout->empty()) {
        folder.add({prefix + "rollout", {L, n, n}, {"layer", "query", "key"},
                    "attention rollout (Abnar & Zuidema 2020) through each layer; the last is the whole stack",
                    f.rollout->data()});
    }
    if (f.flow) {
        folder.add({prefix + "flow", {n, n}, {"query", "key"},
                    "attention flow: maximum flow from input token (key) to output token (query)",
                    f.flow->flow.data()});
        folder.add({prefix + "flow_normalized", {n, n}, {"query", "key"}, "the same, each row divided by its sum",
                    f.flow->normalized.data()});
    }
    if (f.norms && !f.norms->empty()) {
        folder.add({prefix + "norms", {L, H, n, n}, {"layer", "head", "query", "key"},
                    "norm-weighted attention ||alpha_ij f(x_j)|| (Kobayashi et al. 2020)", f.norms->data()});
    }
    if (f.layerPredictions) addLayerPredictionArrays(folder, *f.layerPredictions, prefix + "layer_predictions");
}

void addMeasuresArrays(ArrayFolder& folder, const Measures& m, const std::string& prefix) {
    const Analysis& a = m.analysis;
    const int64_t L = a.layers, H = a.heads, n = a.tokenCount;
    addFlowArrays(folder,
                  {a.layers, a.heads, a.tokenCount, &m.rollout, &m.norms, m.flow ? &*m.flow : nullptr,
                   &m.layerPredictions},
                  prefix);
    if (m.saliency) {
        folder.add({prefix + "saliency_grad_x_input", {n}, {"token"},
                    "gradient x input saliency of the target prediction, sums to 1", m.saliency->gradXInput.data()});
        folder.add({prefix + "saliency_gradient", {n}, {"token"}, "gradient norm saliency, sums to 1",
                    m.saliency->gradient.data()});
    }
    if (!m.headImportance.empty()) {
        folder.add({prefix + "head_importance", {L, H}, {"layer", "head"},
                    "|d log P(target) / d gate| of each head (Michel et al. 2019)", m.headImportance.data()});
    }
}

}  // namespace bertlens
