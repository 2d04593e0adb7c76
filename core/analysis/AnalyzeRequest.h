// What one `analyze` computes: the options in (AnalyzeRequest) and the
// results out (Measures), shared by bertlens-cli, the JSON writer
// (export/AnalysisJson.h) and the window's worker, so a new measure is one
// flag here, one field in Measures and one block in runAnalysis().
// runAnalysis() uses the Encoder given (one thread at a time, like it).
#pragma once

#include "Errors.h"
#include "analysis/AttentionFlow.h"
#include "analysis/InsideHead.h"
#include "analysis/Saliency.h"
#include "model/Encoder.h"
#include "model/ParameterCount.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace bertlens {

// The request names a layer, head, position or word that does not exist
// (the command line's exit 2).
class RequestError : public Error {
public:
    using Error::Error;
};

struct HeadRef {
    int layer = 0;
    int head = 0;
};

struct AnalyzeRequest {
    AnalyzeOptions encoder;            // mask, top-k, predict-all, cancel (its headGates are set from `ablate`)
    std::vector<HeadRef> ablate;       // heads switched off (gate 0)
    bool rollout = false;
    bool flow = false;
    double flowTimeLimitSeconds = 0.0;  // 0 = none
    bool norms = false;
    bool saliency = false;
    bool headImportance = false;       // needs the saliency's gradients; computes them if needed
    bool layerPredictions = false;
    // --target P:ID; otherwise the first prediction's position and its top word.
    std::optional<std::pair<int, int32_t>> target;
    std::optional<HeadRef> inside;     // --inside L:H: that head's queries, keys and values
};

struct Measures {
    Analysis analysis;                    // attentions un-ablated, all else reflects `ablated`
    std::vector<HeadRef> ablated;
    std::vector<float> rollout;           // [L][n][n]
    std::optional<AttentionFlowResult> flow;
    std::vector<float> norms;             // [L][H][n][n]
    std::optional<Saliency> saliency;
    std::vector<float> headImportance;    // [L][H]
    std::vector<std::vector<Prediction>> layerPredictions;  // [L+1][per prediction]
    std::optional<InsideHead> inside;
    ParameterCount parameters;            // of the model as its file holds it (always)
};

// The gates of Hugging Face's head_mask for these heads: [layers][heads], 0
// for a head switched off, 1 otherwise; empty when none is. Throws
// RequestError for a head the model does not have.
std::vector<float> headGatesFor(int layers, int heads, const std::vector<HeadRef>& ablate);
// The attention that weighed the values: each head's maps times its gate
// (an ablated head's map counts as zero, e.g. in rollout's layer mean).
// Returns the analysis itself when no head is gated.
Analysis attentionAsUsed(const Analysis& analysis, const std::vector<float>& gates);

// Throws RequestError for heads or targets out of range, InputError for a bad
// text, and what the measures throw (Cancelled, flow over its time limit).
Measures runAnalysis(Encoder& encoder, std::string_view text, const AnalyzeRequest& request);

}  // namespace bertlens
