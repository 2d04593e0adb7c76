#include "analysis/AnalyzeRequest.h"

#include "analysis/HeadImportance.h"
#include "analysis/LayerPredictions.h"
#include "analysis/Rollout.h"
#include "analysis/VectorNorms.h"

namespace bertlens {
namespace {

Gradients targetGradients(const Model& model, const Analysis& a, const AnalyzeRequest& rq, const std::vector<float>& gates,
                          int& position, int& from, int32_t& target) {
    const ModelConfig& c = model.config();
    if (!model.hasMlmHead()) throw InputError("saliency needs a masked-LM head: " + a.predictionsOffReason);
    if (rq.target) {
        position = rq.target->first;
        target = rq.target->second;
        if (position < 0 || position >= a.tokenCount) {
            throw RequestError("--target position " + std::to_string(position) + " is outside the text's " +
                               std::to_string(a.tokenCount) + " tokens (0.." + std::to_string(a.tokenCount - 1) + ")");
        }
        if (target < 0 || target >= c.vocabSize) {
            throw RequestError("--target word id " + std::to_string(target) + " is outside the vocabulary (0.." +
                               std::to_string(c.vocabSize - 1) + ")");
        }
        from = position + objectiveInfo(a.objective).readOffset;
        if (from < 0 || from >= a.tokenCount) {
            throw RequestError("a " + std::string(objectiveName(a.objective)) + " model has no prediction for token " +
                               std::to_string(position) + " (no neighbour to read it from)");
        }
    } else {
        if (a.predictions.empty() || a.predictions.front().top.empty()) {
            throw RequestError("there is no prediction to explain: put a [MASK] in the text or give --target P:ID");
        }
        position = a.predictions.front().position;
        from = a.predictions.front().fromPosition;
        target = a.predictions.front().top.front().id;
    }
    GradientRequest g;
    g.ids = a.ids;
    g.typeIds = a.typeIds;
    g.maskMode = a.maskMode;
    g.headGates = gates;
    g.fromPosition = from;
    g.target = target;
    g.cancel = rq.encoder.cancel;
    return gradientsOf(model, g);
}

}  // namespace

std::vector<float> headGatesFor(int layers, int heads, const std::vector<HeadRef>& ablate) {
    if (ablate.empty()) return {};
    std::vector<float> gates(static_cast<size_t>(layers) * heads, 1.0f);
    for (const HeadRef& h : ablate) {
        if (h.layer < 0 || h.layer >= layers || h.head < 0 || h.head >= heads) {
            throw RequestError("head " + std::to_string(h.layer) + ":" + std::to_string(h.head) +
                               " does not exist: this model has layers 0.." + std::to_string(layers - 1) +
                               " and heads 0.." + std::to_string(heads - 1));
        }
        gates[static_cast<size_t>(h.layer) * heads + h.head] = 0.0f;
    }
    return gates;
}

Analysis attentionAsUsed(const Analysis& a, const std::vector<float>& gates) {
    Analysis used = a;
    if (gates.empty()) return used;
    const size_t nn = static_cast<size_t>(a.tokenCount) * a.tokenCount;
    for (size_t lh = 0; lh < gates.size(); ++lh) {
        if (gates[lh] == 1.0f) continue;
        for (size_t k = 0; k < nn; ++k) used.attentions[lh * nn + k] *= gates[lh];
    }
    return used;
}

Measures runAnalysis(Encoder& encoder, std::string_view text, const AnalyzeRequest& rq) {
    const Model& model = encoder.model();
    AnalyzeOptions options = rq.encoder;
    options.keepValues = options.keepValues || rq.norms;
    options.headGates = headGatesFor(model.config().layers, model.config().heads, rq.ablate);
    Measures m;
    m.ablated = rq.ablate;
    m.analysis = encoder.analyze(text, options);
    const Analysis& a = m.analysis;
    // Rollout and flow describe the attention that was used: an ablated
    // head's map counts as zero in the layer mean.
    Analysis used;
    const Analysis* mixing = &a;
    if ((rq.rollout || rq.flow) && !rq.ablate.empty()) {
        used = attentionAsUsed(a, options.headGates);
        mixing = &used;
    }
    if (rq.rollout) m.rollout = attentionRollout(*mixing);
    if (rq.flow) {
        AttentionFlowOptions f;
        f.cancel = rq.encoder.cancel;
        f.timeLimitSeconds = rq.flowTimeLimitSeconds;
        m.flow = attentionFlow(*mixing, f);
    }
    if (rq.norms) m.norms = attentionNorms(model, a);
    if (rq.saliency || rq.headImportance) {
        int position = 0, from = 0;
        int32_t target = 0;
        const Gradients g = targetGradients(model, a, rq, options.headGates, position, from, target);
        if (rq.saliency) m.saliency = saliencyOf(g, position, from, target);
        if (rq.headImportance) m.headImportance = headImportance(g);
    }
    if (rq.layerPredictions) m.layerPredictions = layerPredictions(model, a, rq.encoder.topK);
    if (rq.inside) {
        const HeadRef h = *rq.inside;
        if (h.layer < 0 || h.layer >= a.layers || h.head < 0 || h.head >= a.heads) {
            throw RequestError("--inside " + std::to_string(h.layer) + ":" + std::to_string(h.head) +
                               " names a head that does not exist: this model has layers 0.." +
                               std::to_string(a.layers - 1) + " and heads 0.." + std::to_string(a.heads - 1));
        }
        m.inside = insideHead(model, a, h.layer, h.head);
    }
    m.parameters = countParameters(model.config(), model.parts());
    return m;
}

}  // namespace bertlens
