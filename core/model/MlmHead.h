// BERT's masked-language-model head: dense -> GELU -> LayerNorm -> decoder
// (tied to the word embeddings) + bias -> softmax, for chosen positions only.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <vector>

namespace bertlens {

// The topK most probable tokens at each position of the final hidden state.
// The model must have an MLM head (Model::hasMlmHead()).
std::vector<Prediction> predictTopK(const Model& model, const RowMatrix& finalHidden, const std::vector<int>& positions,
                                    int topK);

}  // namespace bertlens
