// Inside one attention head (issue 15, part 4): the query, key and value
// vectors of layer l, head h, recomputed from the layer's input hidden state
// (Analysis::hiddenState(l), which is what layer l read) and the layer's
// weights, and how one row of the head's attention map comes from them:
//
//   q_i = x_i W_Q^h + b_Q^h,  k_j = x_j W_K^h + b_K^h,  v_j = x_j W_V^h + b_V^h
//   s_ij = q_i · k_j / √d  (−∞ where the mask hides key j)
//   α_ij = softmax_j(s_ij),  o_i = Σ_j α_ij v_j   (the head's output, before W_O)
//
// Pure functions of the model and the analysis, computed in double from the
// float hidden state; thread-safe. One head is about n · hidden · 3d
// multiply-adds: cheap enough for the UI thread.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <vector>

namespace bertlens {

struct InsideHead {
    int layer = 0;
    int head = 0;
    int dim = 0;                                  // the head size d (hidden / heads)
    MaskMode maskMode = MaskMode::Bidirectional;  // the mask the analysis ran with
    RowMatrix queries, keys, values;              // [n][d]
};

// Throws InputError when the layer or head is not in the analysis.
InsideHead insideHead(const Model& model, const Analysis& analysis, int layer, int head);

struct HeadRow {
    int query = 0;
    std::vector<double> scores;         // [n] q_i · k_j / √d; −∞ where the mask hides j
    std::vector<double> probabilities;  // [n] softmax of the scores: the attention row
    std::vector<double> output;         // [d] Σ_j α_ij v_j
};

// One query's row under the inside's mask. query must be in 0..n-1.
HeadRow headRow(const InsideHead& inside, int query);

// The dimensions k of q_i ⊙ k_j that add most to the score, largest |q_ik k_jk| first.
std::vector<int> topDimensions(const InsideHead& inside, int query, int key, int count);

}  // namespace bertlens
