#include "model/GemmBf16.h"

#include "model/Precision.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__AVX512BF16__)
#include <immintrin.h>
#endif

namespace bertlens::gemm {

namespace {

// Depth of one pass, in pairs: the A tile (MR rows x 2 kKcPairs BF16) stays
// in L1 while it meets every panel of B (same bytes as Gemm.cpp's 768 floats).
constexpr int kKcPairs = 768;

using TileFn = void (*)(const uint16_t*, size_t, const uint16_t*, size_t, float*, size_t, int, int, bool);

// The portable tile, summing in the order the instruction's definition gives
// (per pair: the odd element's product, then the even one's; each product of
// two BF16 values is exact in float32).
template <int MR, int NV>
void tilePortable(const uint16_t* a, size_t lda, const uint16_t* b, size_t ldb, float* c, size_t ldc, int pairs,
                  int lastLanes, bool accumulate) {
    constexpr int kCols = 16 * NV;
    const int cols = 16 * (NV - 1) + lastLanes;
    float acc[MR][kCols];
    for (int r = 0; r < MR; ++r) {
        for (int j = 0; j < cols; ++j) acc[r][j] = 0.0f;
    }
    for (int kk = 0; kk < pairs; ++kk) {
        const uint16_t* row = b + static_cast<size_t>(kk) * ldb;
        for (int r = 0; r < MR; ++r) {
            const float w0 = fromBf16(a[r * lda + 2 * kk]), w1 = fromBf16(a[r * lda + 2 * kk + 1]);
            for (int j = 0; j < cols; ++j) {
                acc[r][j] = std::fma(w1, fromBf16(row[2 * j + 1]), acc[r][j]);
                acc[r][j] = std::fma(w0, fromBf16(row[2 * j]), acc[r][j]);
            }
        }
    }
    for (int r = 0; r < MR; ++r) {
        for (int j = 0; j < cols; ++j) c[r * ldc + j] = accumulate ? acc[r][j] + c[r * ldc + j] : acc[r][j];
    }
}

#if defined(__AVX512BF16__)
// MR x NV float accumulators; each step loads NV vectors of 16 token pairs
// and broadcasts one weight pair per row (32 bits) into vdpbf16ps.
template <int MR, int NV>
void tileNative(const uint16_t* a, size_t lda, const uint16_t* b, size_t ldb, float* c, size_t ldc, int pairs,
                int lastLanes, bool accumulate) {
    const __mmask16 last = static_cast<__mmask16>(lastLanes >= 16 ? 0xFFFF : (1u << lastLanes) - 1u);
    __m512 acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
    }
    for (int kk = 0; kk < pairs; ++kk) {
        __m512bh bv[NV];
        const uint16_t* row = b + static_cast<size_t>(kk) * ldb;
#pragma GCC unroll 4
        for (int v = 0; v < NV - 1; ++v) bv[v] = (__m512bh)_mm512_loadu_si512(row + 32 * v);
        bv[NV - 1] = (__m512bh)_mm512_maskz_loadu_epi32(last, row + 32 * (NV - 1));
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
            int32_t pair = 0;
            std::memcpy(&pair, a + r * lda + 2 * kk, sizeof pair);
            const __m512bh s = (__m512bh)_mm512_set1_epi32(pair);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], s, bv[v]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
        float* out = c + r * ldc;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            const __mmask16 m = v == NV - 1 ? last : __mmask16(0xFFFF);
            if (accumulate) acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(m, out + 16 * v));
            _mm512_mask_storeu_ps(out + 16 * v, m, acc[r][v]);
        }
    }
}
#endif

template <bool Native, int MR>
TileFn tileFor(int vectors) {
#if defined(__AVX512BF16__)
    if constexpr (Native) {
        switch (vectors) {
            case 1: return tileNative<MR, 1>;
            case 2: return tileNative<MR, 2>;
            case 3: return tileNative<MR, 3>;
            default: return tileNative<MR, 4>;
        }
    }
#endif
    switch (vectors) {
        case 1: return tilePortable<MR, 1>;
        case 2: return tilePortable<MR, 2>;
        case 3: return tilePortable<MR, 3>;
        default: return tilePortable<MR, 4>;
    }
}

template <bool Native>
TileFn tileFor(int rows, int vectors) {
    switch (rows) {
        case 12: return tileFor<Native, 12>(vectors);
        case 8: return tileFor<Native, 8>(vectors);
        case 6: return tileFor<Native, 6>(vectors);
        default: return tileFor<Native, 1>(vectors);
    }
}

// As Gemm.cpp: the accumulators the 32 registers allow beside B's vectors.
int tileRows(int vectors) { return vectors == 1 ? 12 : vectors == 2 ? 8 : 6; }

template <bool Native>
void multiply(const uint16_t* a, size_t lda, const Bf16Panels& b, const Panels& c, int r0, int r1) {
    const int pairs = b.pairs();
    if (r1 <= r0 || c.cols <= 0) return;
    const int panels = c.count();
    const int mr = tileRows((std::min(c.cols, kPanelWidth) + 15) / 16);
    for (int k0 = 0; k0 < std::max(pairs, 1); k0 += kKcPairs) {
        const int kc = std::max(std::min(kKcPairs, pairs - k0), 0);
        const bool accumulate = k0 > 0;
        for (int r = r0; r < r1;) {
            const int rows = r1 - r >= mr ? mr : 1;
            for (int p = 0; p < panels; ++p) {
                const int width = c.width(p);
                const int vectors = (width + 15) / 16;
                const size_t ldb = static_cast<size_t>(2 * b.width(p));
                tileFor<Native>(rows, vectors)(a + static_cast<size_t>(r) * lda + 2 * static_cast<size_t>(k0), lda,
                                               b.panel(p) + static_cast<size_t>(k0) * ldb, ldb,
                                               c.panel(p) + static_cast<size_t>(r) * c.stride(p), c.stride(p), kc,
                                               width - 16 * (vectors - 1), accumulate);
            }
            r += rows;
        }
    }
}

}  // namespace

void multiplyRowsBf16(const uint16_t* a, size_t lda, const Bf16Panels& b, const Panels& c, int r0, int r1) {
    multiply<true>(a, lda, b, c, r0, r1);
}

void multiplyRowsBf16Portable(const uint16_t* a, size_t lda, const Bf16Panels& b, const Panels& c, int r0, int r1) {
    multiply<false>(a, lda, b, c, r0, r1);
}

void packTransposedBf16(const float* x, int n, int in, size_t ldx, uint16_t* out) {
    const int cols = paddedCols(n);
    const Bf16Panels t{out, in, cols};
    for (int p = 0; p < t.count(); ++p) {
        const int width = t.width(p);
        uint16_t* panel = t.panel(p);
        for (int j = 0; j < width; ++j) {
            const int i = p * kPanelWidth + j;
            const float* src = x + static_cast<size_t>(i) * ldx;
            for (int kk = 0; kk < t.pairs(); ++kk) {
                uint16_t* dst = panel + (static_cast<size_t>(kk) * width + j) * 2;
                const int k = 2 * kk;
                dst[0] = i < n ? toBf16(src[k]) : 0;
                dst[1] = i < n && k + 1 < in ? toBf16(src[k + 1]) : 0;
            }
        }
    }
}

void packPanelsBf16(const Panels& in, uint16_t* out) {
    const Bf16Panels t{out, in.rows, in.cols};
    for (int p = 0; p < t.count(); ++p) {
        const int width = t.width(p);
        uint16_t* panel = t.panel(p);
        const float* src = in.panel(p);
        const size_t ld = in.stride(p);
        for (int kk = 0; kk < t.pairs(); ++kk) {
            const int k = 2 * kk;
            const float* even = src + static_cast<size_t>(k) * ld;
            const float* odd = k + 1 < in.rows ? even + ld : nullptr;
            uint16_t* dst = panel + static_cast<size_t>(kk) * width * 2;
            for (int j = 0; j < width; ++j) {
                dst[2 * j] = toBf16(even[j]);
                dst[2 * j + 1] = odd ? toBf16(odd[j]) : 0;
            }
        }
    }
}

void convertRowsBf16(const float* w, int rows, int in, uint16_t* out) {
    const size_t ld = bf16RowStride(in);
    for (int r = 0; r < rows; ++r) {
        const float* src = w + static_cast<size_t>(r) * in;
        uint16_t* dst = out + static_cast<size_t>(r) * ld;
        for (int k = 0; k < in; ++k) dst[k] = toBf16(src[k]);
        if (ld > static_cast<size_t>(in)) dst[in] = 0;
    }
}

}  // namespace bertlens::gemm
