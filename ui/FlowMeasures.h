// What the worker adds to a result after it has been shown: the measures of
// where information flows (core/analysis) for both mask modes — attention
// rollout, norm-weighted attention, the masked-LM head's guess after every
// layer, gradient saliency and head importance for one prediction and, when
// a view asks for it, attention flow. They come in steps so that a
// keystroke's heatmap never waits for them: first the cheap ones, then with
// saliency (saliencyDone), then, when flow was asked for, with flow too.
//
// A plain value, immutable once published (shared like AnalysisResult).
#pragma once

#include "analysis/AttentionFlow.h"
#include "analysis/Saliency.h"
#include "model/Analysis.h"

#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace bertlens::ui {

struct MaskMeasures {
    std::vector<float> rollout;  // [layers][query][key]; the last is the whole stack
    std::vector<float> norms;    // [layers][heads][query][key]
    // [layers + 1][one per prediction of the analysis]; layer 0 = embeddings.
    std::vector<std::vector<Prediction>> layerPredictions;
    // Gradient saliency of the result's saliency prediction (its top word) and
    // head importance |∂L/∂ξ_h| for the same word ([layers][heads]); missing
    // without a masked-LM head or a prediction (saliencyNote says why).
    std::optional<Saliency> saliency;
    std::vector<float> headImportance;
    QString saliencyNote;
    std::optional<AttentionFlowResult> flow;
    QString flowNote;  // why flow is missing (too long, over the time limit), or ""
};

struct FlowMeasures {
    quint64 requestId = 0;  // the AnalysisResult these belong to
    int tokenCount = 0;
    bool flowAsked = false;
    bool flowDone = false;  // flow (or its note) is in, or was not asked for
    bool saliencyDone = false;  // saliency and head importance (or their notes) are in
    MaskMeasures bidirectional;
    MaskMeasures causal;

    const MaskMeasures& of(MaskMode mode) const { return mode == MaskMode::Causal ? causal : bidirectional; }
};

using FlowMeasuresPtr = std::shared_ptr<const FlowMeasures>;

}  // namespace bertlens::ui
