// BERT's masked-language-model head: dense -> GELU -> LayerNorm -> decoder
// (tied to the word embeddings) + bias -> softmax, for chosen positions only.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"
#include "model/ThreadPool.h"

#include <vector>

namespace bertlens {

// The topK most probable tokens at each position of the final hidden state.
// The model must have an MLM head (Model::hasMlmHead()).
// The decoder's rows are shared among the pool's threads when one is given.
// With keepDistribution each prediction also holds every token's natural
// log-probability (vocabSize floats).
std::vector<Prediction> predictTopK(const Model& model, const RowMatrix& finalHidden, const std::vector<int>& positions,
                                    int topK, ThreadPool* pool = nullptr, bool keepDistribution = false);

}  // namespace bertlens
