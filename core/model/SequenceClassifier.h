// BertForSequenceClassification's head at inference: the pooler (dense +
// tanh on the final hidden state of [CLS], the first token) and the
// classifier, then softmax over the classes. Pure function: thread-safe.
#pragma once

#include "model/Analysis.h"
#include "model/Weights.h"

#include <string>
#include <vector>

namespace bertlens {

// cls: the final hidden state of the first token ([hidden] floats).
// Accumulates in double; the probabilities sum to 1.
Classification classifySequence(const ClassifierWeights& weights, const std::vector<std::string>& labels,
                                const float* cls, int hidden);

}  // namespace bertlens
