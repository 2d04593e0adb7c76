// Bidirectional vs left-to-right: the numbers the compare view shows. The
// same tokens run under BERT's bidirectional mask and under a causal
// (decoder-style) mask; for one layer and head (or the mean of the layer's
// heads) this gives both maps, their difference, how much of each query's
// bidirectional attention went to later tokens (exactly what the causal mask
// hides), and the predictions of both runs paired by position.
//
// Pure functions on plain values: safe from any thread.
#pragma once

#include "EigenTypes.h"
#include "model/Analysis.h"

#include <vector>

namespace bertlens {

// Pass as `head` for the mean of all the layer's heads.
constexpr int kMeanOfHeads = -1;

// One n x n attention map (row = query, column = key): a head's, or the mean
// of the layer's heads (summed in double). Throws InputError when the layer
// or head is out of range.
RowMatrix attentionMap(const Analysis& analysis, int layer, int head);

struct MaskComparison {
    RowMatrix bidirectional;        // n x n
    RowMatrix causal;               // n x n
    RowMatrix difference;           // bidirectional - causal
    float maxAbsDifference = 0.0f;  // the half-range of a colour scale centred at 0
    // Per query token: the bidirectional weight on keys after it, which the
    // causal mask cannot see (0 for the last token).
    std::vector<float> laterShare;
};

// Throws InputError when the two analyses are not of the same tokens and
// model shape, or the layer/head is out of range.
MaskComparison compareMasks(const Analysis& bidirectional, const Analysis& causal, int layer, int head);

// The predictions of both runs at one position; a side's list is empty when
// that run has no prediction there.
struct PredictionPair {
    int position = 0;
    std::vector<TokenProbability> bidirectional;
    std::vector<TokenProbability> causal;
};
// Every position either run predicts, in token order.
std::vector<PredictionPair> pairPredictions(const Analysis& bidirectional, const Analysis& causal);

}  // namespace bertlens
