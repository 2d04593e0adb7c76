// The element-wise building blocks of a BERT layer, on row-major activations
// (one token per row), and the linear layer built on gemm::multiplyRows.
// Pure functions of their arguments; thread-safe.
#pragma once

#include "EigenTypes.h"
#include "model/Direction.h"
#include "model/Weights.h"

namespace bertlens {
class ThreadPool;
}

namespace bertlens::kernels {

// y = x * W^T + b, with W in PyTorch's [out, in] layout, read in place. The
// output rows are shared among the pool's threads when a pool is given.
void linear(const RowMatrix& x, const LinearWeights& w, RowMatrix& y, ThreadPool* pool = nullptr);
// Row-wise LayerNorm (biased variance, as torch.nn.LayerNorm), in place.
void layerNorm(RowMatrix& x, const LayerNormWeights& w, float eps);
// Exact GELU: 0.5 x (1 + erf(x / sqrt 2)), in place.
void gelu(RowMatrix& x);
void gelu(float* x, Eigen::Index count);
// Softmax of scale * scores, row by row, in place, for a row-major n x n map.
// Under the causal mask row i keeps columns 0..i, under the anti-causal mask
// columns i..n-1; every hidden column is set to exactly 0. The result does not depend on where the map
// lies in memory (vectorised code sees the same aligned layout every time).
void softmaxRows(float* scores, int n, float scale, MaskMode mask);

}  // namespace bertlens::kernels
