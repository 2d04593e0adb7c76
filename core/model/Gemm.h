// The encoder's matrix products, written for BERT's shapes on a CPU.
//
// C = A · B, where A is read row by row where it lies (a weight matrix in
// PyTorch's [out, in] layout straight from the mapped checkpoint, or a head's
// attention probabilities) and B is the small operand (activations, one
// token per column), read as 16-float vectors. Each step broadcasts one
// element of A against a vector of B, so weights need no transposing or
// packing at all: a 16-token pass streams each weight once, which is what
// bounds it. Every output element is summed in the same order whatever the
// thread count, the token count or the memory alignment, so results do not
// depend on them.
//
// Pure functions of their arguments; thread-safe on disjoint outputs.
#pragma once

#include <cstddef>

namespace bertlens::gemm {

constexpr int kPanelWidth = 64;  // columns per panel: 4 vectors of 16 floats

// A rows x cols matrix stored as column panels of up to 64 columns. Row-major
// storage is one such layout (panel p starts 64p floats in, rows `ld` apart).
// Packed storage keeps each panel's rows together (panel p starts at
// 64p * rows, rows `width(p)` apart) so that a product reads it as one
// stream; packed matrices have a multiple of 16 columns (zero padding).
struct Panels {
    float* data = nullptr;
    int rows = 0;
    int cols = 0;
    size_t ld = 0;  // row-major only
    bool packed = false;

    static Panels rowMajor(float* data, int rows, int cols, size_t ld) { return {data, rows, cols, ld, false}; }
    static Panels packedOf(float* data, int rows, int cols) { return {data, rows, cols, 0, true}; }
    // A product's B operand is only read; these views of const data are for it.
    static Panels rowMajor(const float* data, int rows, int cols, size_t ld) {
        return rowMajor(const_cast<float*>(data), rows, cols, ld);
    }
    static Panels packedOf(const float* data, int rows, int cols) { return packedOf(const_cast<float*>(data), rows, cols); }

    int count() const { return (cols + kPanelWidth - 1) / kPanelWidth; }
    int width(int p) const { return cols - p * kPanelWidth < kPanelWidth ? cols - p * kPanelWidth : kPanelWidth; }
    float* panel(int p) const {
        return data + (packed ? static_cast<size_t>(p) * kPanelWidth * rows : static_cast<size_t>(p) * kPanelWidth);
    }
    size_t stride(int p) const { return packed ? static_cast<size_t>(width(p)) : ld; }
    float* at(int row, int col) const {
        const int p = col / kPanelWidth;
        return panel(p) + static_cast<size_t>(row) * stride(p) + (col - p * kPanelWidth);
    }
};

// Columns of a packed matrix holding n tokens: n rounded up to 16.
inline int paddedCols(int n) { return (n + 15) / 16 * 16; }

// Rows [r0, r1) of C = A · B, A row-major [C.rows, B.rows] with rows `lda`
// apart. C and B may be packed or row-major; C may not overlap A or B.
void multiplyRows(const float* a, size_t lda, const Panels& b, const Panels& c, int r0, int r1);

// Panels [p0, p1) of C = A · B (+ C when `accumulate`), A row-major
// [C.rows, B.rows] with rows `lda` apart, for a B too large to stream once
// per row tile (a weight matrix read in its own [out, in] layout, as the
// backward pass's x · W needs): each panel of B (up to 64 columns of a block
// of 768 rows, 192 KiB) is read from memory once and meets every row of A
// from the cache. Same summation order as multiplyRows. C may not overlap A
// or B; threads may share the panels of one C.
void multiplyPanels(const float* a, size_t lda, const Panels& b, const Panels& c, int p0, int p1, bool accumulate);

// Rows [o0, o1) of y = x W^T for a few rows of x (matrix-vector products):
// y[i][o] = dot(W[o], x[i]) for i < count, W row-major [out, k] with rows
// ldw apart, x and y row-major (rows ldx and ldy apart). W is streamed once
// whatever the count, 16 weights per load, so for a handful of positions (the
// masked-LM head's decoder) it does a sixteenth of the broadcast product's
// multiply-adds. Each dot product is summed in one fixed order.
void dotRows(const float* w, size_t ldw, int k, const float* x, size_t ldx, int count, float* y, size_t ldy, int o0,
             int o1);

// Writes x^T for row-major x [n, in] (rows ldx apart) into `out`, packed:
// [in, paddedCols(n)], the padding columns zero. `out` holds in * paddedCols(n).
void packTransposed(const float* x, int n, int in, size_t ldx, float* out);

// For rows [o0, o1) of t [out, >= n]: y[i][o] = t[o][i] + bias[o] for every
// token i < n, added to y's value when `accumulate` is set (residuals).
// y is row-major with rows ldy apart; bias may be null.
void unpackTransposed(const Panels& t, int n, int o0, int o1, const float* bias, bool accumulate, float* y,
                      size_t ldy);

}  // namespace bertlens::gemm
