#include "MeasuresPass.h"

#include "Errors.h"
#include "analysis/AnalyzeRequest.h"
#include "analysis/Gradients.h"
#include "analysis/HeadImportance.h"
#include "analysis/LayerPredictions.h"
#include "analysis/Rollout.h"
#include "analysis/VectorNorms.h"

#include <QObject>

namespace bertlens::ui {

namespace {

void checkCancel(const MeasuresOptions& options) {
    if (options.cancel && options.cancel->load()) throw Cancelled();
}

// The prediction the saliency explains: the one at the requested position,
// or the first.
const Prediction* explainedPrediction(const Analysis& a, int position) {
    for (const Prediction& p : a.predictions) {
        if (p.position == position && !p.top.empty()) return &p;
    }
    return a.predictions.empty() || a.predictions.front().top.empty() ? nullptr : &a.predictions.front();
}

void saliencyOf(const Analysis& a, const Model& model, const std::vector<float>& gates, int position,
                const MeasuresOptions& options, MaskMeasures& m) {
    if (!model.hasMlmHead()) {
        m.saliencyNote = QObject::tr("saliency needs a masked-LM head, which this model does not have");
        return;
    }
    const Prediction* p = explainedPrediction(a, position);
    if (!p) {
        m.saliencyNote = QObject::tr("saliency explains a prediction: put a [MASK] in the text");
        return;
    }
    GradientRequest g;
    g.ids = a.ids;
    g.typeIds = a.typeIds;
    g.maskMode = a.maskMode;
    g.headGates = gates;
    g.fromPosition = p->fromPosition;
    g.target = p->top.front().id;
    g.cancel = options.cancel;
    const Gradients gradients = gradientsOf(model, g);
    m.saliency = bertlens::saliencyOf(gradients, p->position, p->fromPosition, g.target);
    m.headImportance = headImportance(gradients);
}

MaskMeasures stackOf(const Analysis& a, const AnalysisResult& result, const Model& model,
                     const MeasuresOptions& options) {
    MaskMeasures m;
    if (a.layers == 0) return m;
    // Rollout mixes the attention that was used: an ablated head counts as 0.
    const std::vector<float> gates = headGatesFor(a.layers, a.heads, result.ablated);
    m.rollout = gates.empty() ? attentionRollout(a) : attentionRollout(attentionAsUsed(a, gates));
    checkCancel(options);
    if (!a.hiddenStates.empty()) m.norms = attentionNorms(model, a);
    checkCancel(options);
    if (model.hasMlmHead() && !a.predictions.empty()) m.layerPredictions = layerPredictions(model, a, options.topK);
    return m;
}

void flowOf(const Analysis& analysis, const std::vector<HeadRef>& ablated, const MeasuresOptions& options,
            MaskMeasures& m) {
    if (analysis.layers == 0) return;
    if (analysis.tokenCount > options.flowTokenLimit) {
        m.flowNote = QObject::tr("attention flow is computed for texts of up to %1 tokens (it solves one maximum flow "
                                 "per pair of tokens: %2 here); shorten the text to see it")
                         .arg(options.flowTokenLimit)
                         .arg(qint64(analysis.tokenCount) * analysis.tokenCount);
        return;
    }
    // Flow runs through the attention that was used, like rollout.
    const std::vector<float> gates = headGatesFor(analysis.layers, analysis.heads, ablated);
    const Analysis used = gates.empty() ? Analysis{} : attentionAsUsed(analysis, gates);
    const Analysis& a = gates.empty() ? analysis : used;
    AttentionFlowOptions f;
    f.cancel = options.cancel;
    f.timeLimitSeconds = options.flowTimeLimitSeconds;
    try {
        m.flow = attentionFlow(a, f);
    } catch (const Cancelled&) {
        throw;
    } catch (const InputError& e) {
        m.flowNote = QString::fromUtf8(e.what());
    }
}

}  // namespace

FlowMeasuresPtr measureStack(const AnalysisResult& result, const Model& model, const MeasuresOptions& options) {
    auto m = std::make_shared<FlowMeasures>();
    m->requestId = result.requestId;
    m->tokenCount = result.tokenCount();
    m->flowDone = true;
    m->bidirectional = stackOf(result.bidirectional, result, model, options);
    checkCancel(options);
    m->causal = stackOf(result.causal, result, model, options);
    return m;
}

FlowMeasuresPtr addSaliency(const FlowMeasures& measures, const AnalysisResult& result, const Model& model,
                            const MeasuresOptions& options) {
    auto m = std::make_shared<FlowMeasures>(measures);
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
        checkCancel(options);
        const Analysis& a = result.analysis(mode);
        if (a.layers == 0) continue;
        MaskMeasures& mm = mode == MaskMode::Causal ? m->causal : m->bidirectional;
        saliencyOf(a, model, headGatesFor(a.layers, a.heads, result.ablated), result.saliencyPosition, options, mm);
    }
    m->saliencyDone = true;
    return m;
}

FlowMeasuresPtr addFlow(const FlowMeasures& measures, const AnalysisResult& result, const MeasuresOptions& options) {
    auto m = std::make_shared<FlowMeasures>(measures);
    m->flowAsked = true;
    flowOf(result.bidirectional, result.ablated, options, m->bidirectional);
    checkCancel(options);
    flowOf(result.causal, result.ablated, options, m->causal);
    m->flowDone = true;
    return m;
}

}  // namespace bertlens::ui
