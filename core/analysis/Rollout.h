// Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in
// Transformers"): how much of each input token reaches each token after
// layer l, if attention were the only path and the residual counted as half.
//
//   Ã_l = row-normalise(0.5 · mean_h A_l + 0.5 · I),  R_1 = Ã_1,  R_l = Ã_l · R_{l−1}
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include "model/Analysis.h"

#include <vector>

namespace bertlens {

// Ã_l for one layer: [n][n] row-major, each row sums to 1 (double: the
// products below and the flow capacities read it).
std::vector<double> residualAttention(const Analysis& analysis, int layer);

// R_1 .. R_L, [layers][query][key] row-major; the last is the whole stack.
std::vector<float> attentionRollout(const Analysis& analysis);

}  // namespace bertlens
