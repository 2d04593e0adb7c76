// ELMo-style "shallow" bidirectionality for one word: a left-to-right and a
// right-to-left model, trained apart, each give a distribution over the
// vocabulary for the same position; their product, renormalised, is the
// combined guess (a product of experts: a word must be plausible from both
// sides to score, where an average would let one confident side decide).
// Neither model ever sees the other side's words through its own layers,
// which is the difference from BERT's deep bidirectionality.
//
// Pure functions on plain values: safe from any thread.
#pragma once

#include "model/Analysis.h"
#include "tokenizer/Vocab.h"

#include <vector>

namespace bertlens {

// ln p(w) = ln p_l2r(w) + ln p_r2l(w) - ln sum_v p_l2r(v) p_r2l(v), summed in
// double. Throws InputError when the two lists differ in length or are empty.
std::vector<float> combineLogProbabilities(const std::vector<float>& leftToRight,
                                           const std::vector<float>& rightToLeft);

// The combined prediction for one position from the two one-way models'
// predictions of it (both made with keepDistributions): its top K tokens,
// and its full distribution when keepDistribution is set. position is the
// left-to-right prediction's; fromPosition is unused (-1), as no single
// position's output makes the guess.
Prediction combinePredictions(const Prediction& leftToRight, const Prediction& rightToLeft, const Vocab& vocab,
                              int topK, bool keepDistribution = false);

}  // namespace bertlens
