// The element-wise building blocks of a BERT layer, on row-major activations
// (one token per row). Pure functions of their arguments; thread-safe.
#pragma once

#include "EigenTypes.h"
#include "model/Weights.h"

namespace bertlens::kernels {

// y = x * W^T + b, with W in PyTorch's [out, in] layout, read in place.
void linear(const RowMatrix& x, const LinearWeights& w, RowMatrix& y);
// Row-wise LayerNorm (biased variance, as torch.nn.LayerNorm), in place.
void layerNorm(RowMatrix& x, const LayerNormWeights& w, float eps);
// Exact GELU: 0.5 x (1 + erf(x / sqrt 2)), in place.
void gelu(RowMatrix& x);
// Softmax of scores row by row, in place. With causal set, row i keeps
// columns 0..i and every column right of the diagonal is set to exactly 0.
void softmaxRows(Eigen::Ref<RowMatrix> scores, bool causal);

}  // namespace bertlens::kernels
