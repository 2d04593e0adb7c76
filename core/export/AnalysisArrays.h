// The arrays behind BertLens's views and `analyze`, named and described for
// the .npy export (export/NpyWriter.h): attentions, hidden states and their
// principal-component coordinates, predictions, and the measures of
// analysis/AnalyzeRequest.h. The same names serve `bertlens-cli analyze
// --npy DIR` and the window's File > Export > Data as NumPy arrays, so a
// notebook reads either the same way.
//
// The arrays point into the Analysis / Measures given (or into data the
// folder keeps): those must outlive the write. Pure functions; thread-safe
// on distinct folders.
#pragma once

#include "analysis/AnalyzeRequest.h"
#include "export/NpyWriter.h"
#include "model/Analysis.h"

#include <string>
#include <vector>

namespace bertlens {

// "tokens", "ids", "type_ids" and the shape of the model, for the sidecar.
nlohmann::json analysisMeta(const Analysis& analysis);

// PREFIX + attentions [layer][head][query][key]; hidden_states
// [layer][token][hidden] and their 2-D PCA coordinates (embeddings_pca: each
// layer fitted alone; embeddings_paths: one basis for all layers) when the
// analysis has hidden states; the predictions (positions, from_positions,
// top_ids, top_probabilities).
void addAnalysisArrays(ArrayFolder& folder, const Analysis& analysis, const std::string& prefix);

// PREFIX + NAME_top_ids / NAME_top_probabilities [layer][prediction][rank]
// and NAME_positions [prediction]; nothing when empty. Ranks beyond a
// prediction's list are id -1, probability 0.
void addPredictionArrays(ArrayFolder& folder, const std::vector<Prediction>& predictions, const std::string& name);
void addLayerPredictionArrays(ArrayFolder& folder, const std::vector<std::vector<Prediction>>& layers,
                              const std::string& name);

// The measures of where information flows, each only when non-empty:
// rollout [L][n][n], norms [L][H][n][n], flow and flow_normalized [n][n],
// the layer-by-layer predictions. Shared by analyze and the window, whose
// worker keeps them apart from the Measures struct.
struct FlowArrays {
    int layers = 0, heads = 0, tokens = 0;
    const std::vector<float>* rollout = nullptr;
    const std::vector<float>* norms = nullptr;
    const AttentionFlowResult* flow = nullptr;
    const std::vector<std::vector<Prediction>>* layerPredictions = nullptr;
};
void addFlowArrays(ArrayFolder& folder, const FlowArrays& arrays, const std::string& prefix);

// addFlowArrays of the Measures, and its saliency and head importance, after
// addAnalysisArrays of its analysis.
void addMeasuresArrays(ArrayFolder& folder, const Measures& measures, const std::string& prefix);

}  // namespace bertlens
