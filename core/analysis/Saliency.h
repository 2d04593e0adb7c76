// Gradient saliency for one prediction (Simonyan et al. 2014; gradient x
// input, Shrikumar et al. 2017 / Denil et al. 2014): g_i = ∂ log P(w at p) /
// ∂ e_i, e_i token i's word-embedding row; reported as ‖g_i ⊙ e_i‖₂ and ‖g_i‖₂,
// each normalised to sum 1 over the tokens. Thread-safe.
#pragma once

#include "analysis/Gradients.h"

namespace bertlens {

struct Saliency {
    int position = 0;      // the word predicted
    int fromPosition = 0;  // whose output predicts it
    int32_t target = 0;
    double logProb = 0.0;
    std::vector<float> gradXInput;  // [n], sums to 1
    std::vector<float> gradient;    // [n], sums to 1
};

Saliency saliencyOf(const Gradients& gradients, int position, int fromPosition, int32_t target);

}  // namespace bertlens
