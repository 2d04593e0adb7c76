// The second step of an analysis (FlowMeasures.h): the measures of where
// information flows, for both mask modes of a result. The inference worker
// runs it after the result is on screen; the batch export runs it at once.
//
// Pure functions of their arguments; any thread (one caller per result).
#pragma once

#include "AnalysisResult.h"
#include "FlowMeasures.h"
#include "model/Model.h"

#include <atomic>

namespace bertlens::ui {

struct MeasuresOptions {
    const std::atomic<bool>* cancel = nullptr;  // polled between steps and by flow
    int topK = 5;                                // words per layer prediction
    // Flow solves n² maximum flows: a text longer than this many tokens gets a
    // note instead, and one that takes longer than the limit gives up with one.
    int flowTokenLimit = 128;
    double flowTimeLimitSeconds = 20.0;
};

// Rollout, norms and layer predictions under both masks (no flow, no
// saliency), for the heads the result ablated. Throws
// Cancelled when the cancel flag is raised.
FlowMeasuresPtr measureStack(const AnalysisResult& result, const Model& model, const MeasuresOptions& options);
// The same measures with gradient saliency and head importance for the
// result's saliency prediction added (a backward pass per mask), or notes.
FlowMeasuresPtr addSaliency(const FlowMeasures& measures, const AnalysisResult& result, const Model& model,
                            const MeasuresOptions& options);
// The same measures with attention flow added (or its note).
FlowMeasuresPtr addFlow(const FlowMeasures& measures, const AnalysisResult& result, const MeasuresOptions& options);

}  // namespace bertlens::ui
