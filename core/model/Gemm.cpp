#include "model/Gemm.h"

#include <algorithm>
#include <cmath>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace bertlens::gemm {

namespace {

// Depth of one pass over k: the A tile (MR rows x kKc floats) stays in L1
// while it meets every panel of B.
constexpr int kKc = 768;

#if defined(__AVX512F__)
using Mask = __mmask16;
inline Mask maskFor(int lanes) { return static_cast<Mask>(lanes >= 16 ? 0xFFFF : (1u << lanes) - 1u); }

// C[MR rows, NV vectors] (=|+=) A[MR rows, k] * B[k, NV vectors]: MR x NV
// accumulators in registers; each step loads NV vectors of B and broadcasts
// MR elements of A (the broadcast folds into the FMA's memory operand).
// `last` masks the final vector's lanes (columns past the matrix's end).
template <int MR, int NV>
void tile(const float* a, size_t lda, const float* b, size_t ldb, float* c, size_t ldc, int k, Mask last,
          bool accumulate) {
    __m512 acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
    }
    for (int kk = 0; kk < k; ++kk) {
        __m512 bv[NV];
        const float* row = b + static_cast<size_t>(kk) * ldb;
#pragma GCC unroll 4
        for (int v = 0; v < NV - 1; ++v) bv[v] = _mm512_loadu_ps(row + 16 * v);
        bv[NV - 1] = _mm512_maskz_loadu_ps(last, row + 16 * (NV - 1));
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
            const __m512 s = _mm512_set1_ps(a[r * lda + kk]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(s, bv[v], acc[r][v]);
        }
    }
    // A later pass over k adds its partial sums to the earlier ones.
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
        float* out = c + r * ldc;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            const Mask m = v == NV - 1 ? last : Mask(0xFFFF);
            if (accumulate) acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(m, out + 16 * v));
            _mm512_mask_storeu_ps(out + 16 * v, m, acc[r][v]);
        }
    }
}
#else
// Portable form of the same tile: same summation order, one FMA per step.
using Mask = int;  // lanes used in the last vector
inline Mask maskFor(int lanes) { return std::min(lanes, 16); }

template <int MR, int NV>
void tile(const float* a, size_t lda, const float* b, size_t ldb, float* c, size_t ldc, int k, Mask last,
          bool accumulate) {
    constexpr int kCols = 16 * NV;
    const int cols = 16 * (NV - 1) + last;
    float acc[MR][kCols];
    for (int r = 0; r < MR; ++r) {
        for (int j = 0; j < cols; ++j) acc[r][j] = 0.0f;
    }
    for (int kk = 0; kk < k; ++kk) {
        const float* row = b + static_cast<size_t>(kk) * ldb;
        for (int r = 0; r < MR; ++r) {
            const float s = a[r * lda + kk];
            for (int j = 0; j < cols; ++j) acc[r][j] = std::fma(s, row[j], acc[r][j]);
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int j = 0; j < cols; ++j) c[r * ldc + j] = accumulate ? acc[r][j] + c[r * ldc + j] : acc[r][j];
    }
}
#endif

using TileFn = void (*)(const float*, size_t, const float*, size_t, float*, size_t, int, Mask, bool);

template <int MR>
TileFn tileFor(int vectors) {
    switch (vectors) {
        case 1: return tile<MR, 1>;
        case 2: return tile<MR, 2>;
        case 3: return tile<MR, 3>;
        default: return tile<MR, 4>;
    }
}

// Rows per tile for a panel of `vectors` vectors: as many accumulators as
// the 32 vector registers allow with B's vectors and the broadcast beside them.
int tileRows(int vectors) { return vectors == 1 ? 12 : vectors == 2 ? 8 : 6; }

TileFn tileFor(int rows, int vectors) {
    switch (rows) {
        case 12: return tileFor<12>(vectors);
        case 8: return tileFor<8>(vectors);
        case 6: return tileFor<6>(vectors);
        case 5: return tileFor<5>(vectors);
        case 4: return tileFor<4>(vectors);
        case 3: return tileFor<3>(vectors);
        case 2: return tileFor<2>(vectors);
        default: return tileFor<1>(vectors);
    }
}

}  // namespace

void multiplyRows(const float* a, size_t lda, const Panels& b, const Panels& c, int r0, int r1) {
    const int k = b.rows;
    if (r1 <= r0 || c.cols <= 0) return;
    const int panels = c.count();
    const int mr = tileRows((std::min(c.cols, kPanelWidth) + 15) / 16);
    for (int k0 = 0; k0 < std::max(k, 1); k0 += kKc) {
        const int kc = std::min(kKc, k - k0);
        const bool accumulate = k0 > 0;
        for (int r = r0; r < r1;) {
            const int rows = r1 - r >= mr ? mr : 1;
            for (int p = 0; p < panels; ++p) {
                const int width = c.width(p);
                const int vectors = (width + 15) / 16;
                const TileFn fn = tileFor(rows, vectors);
                fn(a + static_cast<size_t>(r) * lda + k0, lda, b.panel(p) + static_cast<size_t>(k0) * b.stride(p),
                   b.stride(p), c.panel(p) + static_cast<size_t>(r) * c.stride(p), c.stride(p), std::max(kc, 0),
                   maskFor(width - 16 * (vectors - 1)), accumulate);
            }
            r += rows;
        }
    }
}

void multiplyPanels(const float* a, size_t lda, const Panels& b, const Panels& c, int p0, int p1, bool accumulate) {
    const int k = b.rows;
    for (int p = p0; p < p1; ++p) {
        const int width = c.width(p);
        const int vectors = (width + 15) / 16;
        const int mr = tileRows(vectors);
        const Mask last = maskFor(width - 16 * (vectors - 1));
        for (int k0 = 0; k0 < std::max(k, 1); k0 += kKc) {
            const int kc = std::max(std::min(kKc, k - k0), 0);
            for (int r = 0; r < c.rows;) {
                // The rows left after whole tiles go in one smaller tile, not
                // one at a time: a few tokens are the common case here.
                const int left = std::min(mr, c.rows - r);
                const int rows = left >= 12 ? 12 : left >= 8 ? 8 : left >= 6 ? 6 : left;
                tileFor(rows, vectors)(a + static_cast<size_t>(r) * lda + k0, lda,
                                       b.panel(p) + static_cast<size_t>(k0) * b.stride(p), b.stride(p),
                                       c.panel(p) + static_cast<size_t>(r) * c.stride(p), c.stride(p), kc, last,
                                       accumulate || k0 > 0);
                r += rows;
            }
        }
    }
}

namespace {

constexpr int kDotPositions = 4;  // positions per pass over a weight row

// The 16 lanes of a dot product's accumulator, summed in lane order.
#if defined(__AVX512F__)
float laneSum(__m512 v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    float sum = 0.0f;
    for (float x : lanes) sum += x;
    return sum;
}
#endif

// y[p * ldy] = dot(w, x[p]) for P positions: one pass over one weight row
// (a single sequential stream, which this machine's memory served twice as
// fast as four rows side by side: bert-base's head, 1 position, 5.1 against
// 8.7 ms).
template <int P>
void dotTile(const float* w, int k, const float* x, size_t ldx, float* y, size_t ldy) {
#if defined(__AVX512F__)
    __m512 acc[P];
#pragma GCC unroll 4
    for (int p = 0; p < P; ++p) acc[p] = _mm512_setzero_ps();
    const auto step = [&](int k0, Mask m) {
        __m512 xv[P];
#pragma GCC unroll 4
        for (int p = 0; p < P; ++p) xv[p] = _mm512_maskz_loadu_ps(m, x + p * ldx + k0);
        const __m512 wv = _mm512_maskz_loadu_ps(m, w + k0);
#pragma GCC unroll 4
        for (int p = 0; p < P; ++p) acc[p] = _mm512_fmadd_ps(wv, xv[p], acc[p]);
    };
    int k0 = 0;
    for (; k0 + 16 <= k; k0 += 16) step(k0, Mask(0xFFFF));
    if (k0 < k) step(k0, maskFor(k - k0));
    for (int p = 0; p < P; ++p) y[p * ldy] = laneSum(acc[p]);
#else
    for (int p = 0; p < P; ++p) {
        float lanes[16] = {};
        for (int kk = 0; kk < k; ++kk) lanes[kk % 16] = std::fma(w[kk], x[p * ldx + kk], lanes[kk % 16]);
        float sum = 0.0f;
        for (float v : lanes) sum += v;
        y[p * ldy] = sum;
    }
#endif
}

void dotTileFor(int positions, const float* w, int k, const float* x, size_t ldx, float* y, size_t ldy) {
    switch (positions) {
        case 1: return dotTile<1>(w, k, x, ldx, y, ldy);
        case 2: return dotTile<2>(w, k, x, ldx, y, ldy);
        case 3: return dotTile<3>(w, k, x, ldx, y, ldy);
        default: return dotTile<4>(w, k, x, ldx, y, ldy);
    }
}

}  // namespace

void dotRows(const float* w, size_t ldw, int k, const float* x, size_t ldx, int count, float* y, size_t ldy, int o0,
             int o1) {
    for (int o = o0; o < o1; ++o) {
        for (int p0 = 0; p0 < count; p0 += kDotPositions) {
            dotTileFor(std::min(kDotPositions, count - p0), w + static_cast<size_t>(o) * ldw, k,
                       x + static_cast<size_t>(p0) * ldx, ldx, y + static_cast<size_t>(p0) * ldy + o, ldy);
        }
    }
}

void packTransposed(const float* x, int n, int in, size_t ldx, float* out) {
    const int cols = paddedCols(n);
    const Panels t = Panels::packedOf(out, in, cols);
    float block[16][16];
    for (int i0 = 0; i0 < cols; i0 += 16) {
        for (int k0 = 0; k0 < in; k0 += 16) {
            const int kn = std::min(16, in - k0);
            for (int i = 0; i < 16; ++i) {
                const float* src = x + static_cast<size_t>(i0 + i) * ldx + k0;
                for (int kk = 0; kk < kn; ++kk) block[kk][i] = i0 + i < n ? src[kk] : 0.0f;
            }
            for (int kk = 0; kk < kn; ++kk) std::copy_n(block[kk], 16, t.at(k0 + kk, i0));
        }
    }
}

void unpackTransposed(const Panels& t, int n, int o0, int o1, const float* bias, bool accumulate, float* y,
                      size_t ldy) {
    float block[16][16];
    for (int oo = o0; oo < o1; oo += 16) {
        const int on = std::min(16, o1 - oo);
        for (int i0 = 0; i0 < n; i0 += 16) {
            const int in = std::min(16, n - i0);
            for (int o = 0; o < on; ++o) {
                const float* src = t.at(oo + o, i0);
                const float b = bias ? bias[oo + o] : 0.0f;
                for (int i = 0; i < in; ++i) block[i][o] = src[i] + b;
            }
            for (int i = 0; i < in; ++i) {
                float* dst = y + static_cast<size_t>(i0 + i) * ldy + oo;
                if (accumulate) {
                    for (int o = 0; o < on; ++o) dst[o] += block[i][o];
                } else {
                    std::copy_n(block[i], on, dst);
                }
            }
        }
    }
}

}  // namespace bertlens::gemm
