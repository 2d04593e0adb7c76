// What the inference worker hands to the views for one state of the text: the
// same tokens run once under BERT's bidirectional mask and once under a
// left-to-right (causal) mask. Every view of the window and every exported
// figure draws from one of these.
//
// A plain value, immutable once published: the worker builds it, the UI
// thread shares it through AnalysisResultPtr. Safe to read from any thread.
#pragma once

#include "analysis/AnalyzeRequest.h"
#include "model/Analysis.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace bertlens {
class Model;
}

namespace bertlens::ui {

struct AnalysisResult {
    quint64 requestId = 0;  // increases with every request; older results are stale
    QString modelName;      // shown in captions: the model folder's name
    // The model that ran (immutable, safe to read from any thread): the
    // anatomy and inside-a-head views read its config and weights. Weak, so
    // a result kept on screen does not hold a closed model in memory.
    std::weak_ptr<const Model> model;
    std::string text;       // the text as typed (UTF-8), before any masking
    // Token positions the user turned into [MASK] by clicking (the ids sent to
    // the model hold [MASK] there), and what each held before; typed [MASK]s
    // are in the analyses' tokens but not listed here.
    std::vector<int> userMasked;
    std::vector<std::string> userMaskedOriginal;
    // Heads switched off in both of BERT's passes (AnalysisRequest::ablate):
    // the attentions stay as computed, everything downstream of them (hidden
    // states, predictions, the measures) reflects the ablation.
    std::vector<HeadRef> ablated;
    int saliencyPosition = -1;  // as requested
    Analysis bidirectional;  // maskMode == Bidirectional
    Analysis causal;         // maskMode == Causal; same tokens and ids
    // The trained one-way twins of the model (BertLens's bundled model has
    // them; most models have none: layers == 0), on the same ids, and their
    // ELMo-style combination at each [MASK] (empty without both twins).
    Analysis leftToRight;
    Analysis rightToLeft;
    std::vector<Prediction> shallow;
    double elapsedMs = 0.0;  // every forward pass

    const Analysis& analysis(MaskMode mode) const { return mode == MaskMode::Causal ? causal : bidirectional; }
    bool hasLeftToRightTwin() const { return leftToRight.layers > 0; }
    bool hasRightToLeftTwin() const { return rightToLeft.layers > 0; }
    int tokenCount() const { return bidirectional.tokenCount; }
    bool isAblated(int layer, int head) const {
        for (const HeadRef& h : ablated) {
            if (h.layer == layer && h.head == head) return true;
        }
        return false;
    }
};

using AnalysisResultPtr = std::shared_ptr<const AnalysisResult>;

}  // namespace bertlens::ui
