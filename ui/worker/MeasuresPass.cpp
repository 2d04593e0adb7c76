#include "MeasuresPass.h"

#include "Errors.h"
#include "analysis/LayerPredictions.h"
#include "analysis/Rollout.h"
#include "analysis/VectorNorms.h"

#include <QObject>

namespace bertlens::ui {

namespace {

void checkCancel(const MeasuresOptions& options) {
    if (options.cancel && options.cancel->load()) throw Cancelled();
}

MaskMeasures stackOf(const Analysis& a, const Model& model, const MeasuresOptions& options) {
    MaskMeasures m;
    if (a.layers == 0) return m;
    m.rollout = attentionRollout(a);
    checkCancel(options);
    if (!a.hiddenStates.empty()) m.norms = attentionNorms(model, a);
    checkCancel(options);
    if (model.hasMlmHead() && !a.predictions.empty()) m.layerPredictions = layerPredictions(model, a, options.topK);
    return m;
}

void flowOf(const Analysis& a, const MeasuresOptions& options, MaskMeasures& m) {
    if (a.layers == 0) return;
    if (a.tokenCount > options.flowTokenLimit) {
        m.flowNote = QObject::tr("attention flow is computed for texts of up to %1 tokens (it solves one maximum flow "
                                 "per pair of tokens: %2 here); shorten the text to see it")
                         .arg(options.flowTokenLimit)
                         .arg(qint64(a.tokenCount) * a.tokenCount);
        return;
    }
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
    m->bidirectional = stackOf(result.bidirectional, model, options);
    checkCancel(options);
    m->causal = stackOf(result.causal, model, options);
    return m;
}

FlowMeasuresPtr addFlow(const FlowMeasures& measures, const AnalysisResult& result, const MeasuresOptions& options) {
    auto m = std::make_shared<FlowMeasures>(measures);
    m->flowAsked = true;
    flowOf(result.bidirectional, options, m->bidirectional);
    checkCancel(options);
    flowOf(result.causal, options, m->causal);
    m->flowDone = true;
    return m;
}

}  // namespace bertlens::ui
