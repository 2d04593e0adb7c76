// The encoder's linear-layer products in bfloat16 (Precision::Bf16): the
// same broadcast form as Gemm.h's multiplyRows, with the depth taken two at
// a time. A holds BF16 weight rows (PyTorch's [out, in], each row padded to
// an even length); B is the activation, packed so that each step reads, for
// 16 tokens, the pair (x[k][t], x[k+1][t]) side by side, and one AVX512-BF16
// instruction adds w[k] x[k][t] + w[k+1] x[k+1][t] into 16 float sums.
// Sums are float32 and summed in one fixed order, so the thread count does
// not change the bits.
//
//   std::vector<uint16_t> packed(gemm::bf16PackedSize(hidden, gemm::paddedCols(n)));
//   gemm::packTransposedBf16(x, n, hidden, hidden, packed.data());
//   gemm::multiplyRowsBf16(w, ld, gemm::Bf16Panels{packed.data(), hidden, cols}, out, 0, rows);
//
// Pure functions of their arguments; thread-safe on disjoint outputs.
#pragma once

#include "model/Gemm.h"

#include <cstddef>
#include <cstdint>

namespace bertlens::gemm {

// A rows x cols matrix (cols a multiple of 16) in column panels of up to 64
// columns, each panel stored as (rows + 1) / 2 row pairs; within a pair row
// column j holds the two rows' values at [2j] and [2j + 1] (an odd last row
// pairs with zero).
struct Bf16Panels {
    uint16_t* data = nullptr;
    int rows = 0;
    int cols = 0;

    int pairs() const { return (rows + 1) / 2; }
    int count() const { return (cols + kPanelWidth - 1) / kPanelWidth; }
    int width(int p) const { return cols - p * kPanelWidth < kPanelWidth ? cols - p * kPanelWidth : kPanelWidth; }
    uint16_t* panel(int p) const { return data + static_cast<size_t>(p) * kPanelWidth * 2 * pairs(); }
};

// uint16 values a Bf16Panels of rows x cols needs.
inline size_t bf16PackedSize(int rows, int cols) { return static_cast<size_t>((rows + 1) / 2) * 2 * cols; }
// A BF16 weight row's stride: in rounded up to even.
inline size_t bf16RowStride(int in) { return static_cast<size_t>((in + 1) / 2 * 2); }

// Rows [r0, r1) of C = A · B with A BF16 [C.rows, B.rows] (rows lda apart,
// lda even) and C float32 (packed or row-major, as for multiplyRows).
void multiplyRowsBf16(const uint16_t* a, size_t lda, const Bf16Panels& b, const Panels& c, int r0, int r1);
// The same product by the portable loop (what a CPU without AVX512-BF16
// runs), kept callable everywhere so tests can hold the two side by side.
void multiplyRowsBf16Portable(const uint16_t* a, size_t lda, const Bf16Panels& b, const Panels& c, int r0, int r1);

// x^T for row-major float32 x [n, in] (rows ldx apart), rounded to BF16 and
// packed as Bf16Panels [in, paddedCols(n)]; padding columns are zero.
void packTransposedBf16(const float* x, int n, int in, size_t ldx, uint16_t* out);
// The same packing from a packed float32 matrix (the feed-forward activation).
void packPanelsBf16(const Panels& in, uint16_t* out);

// A float32 weight matrix [rows, in] rounded to BF16 into `out`, rows
// bf16RowStride(in) apart (an odd row length padded with a zero).
void convertRowsBf16(const float* w, int rows, int in, uint16_t* out);

}  // namespace bertlens::gemm
