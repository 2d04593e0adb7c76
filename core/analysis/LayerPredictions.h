// "What would it guess after layer k": the masked-LM head applied to every
// layer's hidden state (layer 0 = the embeddings' output), at the positions
// the analysis predicted. Reads the analysis and the model only; thread-safe
// when no pool is given (a pool belongs to one caller at a time).
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"
#include "model/ThreadPool.h"

#include <vector>

namespace bertlens {

// [layers + 1][one per analysis prediction, same order], each with the
// prediction's position and fromPosition. Empty when the model has no head.
std::vector<std::vector<Prediction>> layerPredictions(const Model& model, const Analysis& analysis, int topK,
                                                      ThreadPool* pool = nullptr);

}  // namespace bertlens
