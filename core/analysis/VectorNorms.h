// Norm-weighted attention (Kobayashi et al. 2020, "Attention is Not Only a
// Weight: Analyzing Transformers with Vector Norms"): how much head h
// actually moves from key j into query i,
//
//   N_h[i][j] = ‖α_ij · f_h(x_j)‖₂,  f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h,
//
// W_O^h being the head's columns of the attention output projection (its
// bias left out). x_j is the layer's input (Analysis::hiddenState(l)).
// A pure function of the model and the analysis; thread-safe.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <vector>

namespace bertlens {

// [layers][heads][query][key] row-major.
std::vector<float> attentionNorms(const Model& model, const Analysis& analysis);

}  // namespace bertlens
