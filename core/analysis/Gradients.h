// A forward and backward pass through the inference path for one prediction:
// the gradient of log P(target at a position) with respect to every token's
// word-embedding row (what Hugging Face calls inputs_embeds) and to a gate ξ_h
// on every head's attention (the head_mask, at its current value). Float,
// the linear layers through the engine's matrix kernels (gemm::), no weight
// gradients (only inputs and gates are needed, so each linear layer costs one
// product backwards, not two). Runs on as many threads as OpenMP would give
// the calling thread, like Encoder.
// Saliency.h and HeadImportance.h turn the result into their measures.
// A pure function of its arguments; thread-safe.
#pragma once

#include "EigenTypes.h"
#include "model/Direction.h"
#include "model/Model.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace bertlens {

struct GradientRequest {
    std::vector<int32_t> ids, typeIds;
    MaskMode maskMode = MaskMode::Bidirectional;
    std::vector<float> headGates;  // [layers][heads]; empty = all 1
    int fromPosition = 0;          // whose output predicts the word
    int32_t target = 0;            // the word's id
    const std::atomic<bool>* cancel = nullptr;  // polled between layers (Cancelled)
};

struct Gradients {
    double logProb = 0.0;       // log P(target) at fromPosition
    RowMatrix embeddings;       // e_i: [n][hidden], the word-embedding rows
    RowMatrix embeddingGrad;    // ∂ log P / ∂ e_i
    std::vector<double> gateGrad;  // ∂ log P / ∂ ξ_h, [layers][heads]
};

// The model must have an MLM head; the caller checks the request's ranges.
// Throws Cancelled when the request's cancel flag is raised.
Gradients gradientsOf(const Model& model, const GradientRequest& request);

}  // namespace bertlens
