// What a fine-tuning run will cost before it starts: arithmetic counted from
// the model's shape and the recipe, and a time at an assumed rate, so the
// window can warn about (or refuse) a model too large to fine-tune while a
// class watches.
//
//   FinetuneCost c = estimateFinetuneCost(config, {3000, 3, 500, 32}, 12.0);
//   c.seconds;   // at kAssumedFlopsPerSecond
//
// Counted per example of t word pieces, for a hidden size d, intermediate
// size I and L layers: a forward pass is 2 t L (4 d^2 + 2 d I) for the
// products with weights plus 4 t^2 d L for the attention scores and their
// weighted sum; a training example is three forward passes' worth (forward,
// and the backward's two products per weight); each step's AdamW update is
// 10 operations per parameter, embeddings included. Held-out examples are
// run forward once per epoch. A rough count: what it leaves out (layer
// norms, softmax, GELU, the pooler) is a few per cent for these shapes.
// Pure functions: thread-safe.
#pragma once

#include "io/ModelConfig.h"

#include <cstdint>

namespace bertlens::train {

// One thread of this project's shared 2-core machine while other work runs
// beside it: bertlens-mini's measured 86-130 training examples/s at ~12
// word pieces (README, Fine-tuning speed) is 5-7 GFLOP/s by the count above.
constexpr double kAssumedFlopsPerSecond = 5e9;

struct FinetuneRecipeSize {
    int trainExamples = 0;
    int epochs = 0;
    int heldOutExamples = 0;
    int batchSize = 32;
};

struct FinetuneCost {
    double forwardFlopsPerExample = 0;
    double flops = 0;    // one run: training, AdamW and held-out evaluations
    double seconds = 0;  // flops / kAssumedFlopsPerSecond
};

FinetuneCost estimateFinetuneCost(const ModelConfig& config, const FinetuneRecipeSize& recipe, double tokensPerExample);

}  // namespace bertlens::train
