// The BF16 precision path (model/Precision.h, model/GemmBf16.h): rounding
// checked on hand-worked values, the products against a float64 sum of the
// same rounded operands (a BF16 x BF16 product is exact in float32, so the
// only error left is float32 summation, bounded by depth x 2^-24 x the sum
// of |terms|), over the shapes that reach every tile and the 768-pair pass
// boundary; the native instruction and the portable loop agree to the bit.
#include "model/GemmBf16.h"
#include "model/Precision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace bertlens {
namespace {

constexpr float kGuard = 12345.0f;

uint32_t bitsOf(float f) {
    uint32_t u = 0;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float fromBits(uint32_t u) {
    float f = 0.0f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

TEST(Bf16, RoundsToNearestEven) {
    EXPECT_EQ(toBf16(1.0f), 0x3F80);
    EXPECT_EQ(toBf16(-2.0f), 0xC000);
    // 1 + 2^-8 lies halfway between 1 (0x3F80, even) and 1 + 2^-7 (0x3F81): to even.
    EXPECT_EQ(toBf16(1.0f + 0x1p-8f), 0x3F80);
    // 1 + 3 x 2^-8 lies halfway between 0x3F81 (odd) and 0x3F82 (even): up.
    EXPECT_EQ(toBf16(1.0f + 3 * 0x1p-8f), 0x3F82);
    // Just above the halfway point rounds up.
    EXPECT_EQ(toBf16(fromBits(0x3F808001u)), 0x3F81);
    EXPECT_EQ(toBf16(std::numeric_limits<float>::infinity()), 0x7F80);
    // The largest float is nearer 2^128 than the largest BF16: infinity.
    EXPECT_EQ(toBf16(std::numeric_limits<float>::max()), 0x7F80);
    EXPECT_TRUE(std::isnan(fromBf16(toBf16(std::numeric_limits<float>::quiet_NaN()))));
    // A NaN whose payload sits only in the low bits must not round to infinity.
    EXPECT_TRUE(std::isnan(fromBf16(toBf16(fromBits(0x7F800001u)))));
    for (uint32_t h : {0x0000u, 0x3F80u, 0x4049u, 0xBEEFu, 0x0001u}) {
        EXPECT_EQ(toBf16(fromBf16(static_cast<uint16_t>(h))), h) << "a BF16 value rounds to itself";
        EXPECT_EQ(bitsOf(fromBf16(static_cast<uint16_t>(h))), h << 16);
    }
}

TEST(Bf16, PrecisionNamesRoundTrip) {
    for (Precision p : {Precision::F32, Precision::Bf16}) {
        Precision parsed = p == Precision::F32 ? Precision::Bf16 : Precision::F32;
        ASSERT_TRUE(parsePrecision(precisionName(p), parsed));
        EXPECT_EQ(parsed, p);
    }
    Precision p = Precision::F32;
    EXPECT_FALSE(parsePrecision("fp16", p));
    EXPECT_FALSE(parsePrecision("BF16 ", p));
}

std::vector<float> randomValues(size_t count, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(count);
    for (float& x : v) x = d(rng);
    return v;
}

struct Shape {
    int rows, depth, tokens;
};

class Bf16Shapes : public ::testing::TestWithParam<Shape> {};

using Multiply = void (*)(const uint16_t*, size_t, const gemm::Bf16Panels&, const gemm::Panels&, int, int);

// Out [rows, paddedCols(tokens)] row-major with guard columns and rows around.
struct Product {
    std::vector<float> c;
    size_t ldc = 0;
};

Product run(Multiply multiply, const std::vector<uint16_t>& w, size_t ldw, const gemm::Bf16Panels& b, int rows,
            int splitAt) {
    Product p;
    const int cols = b.cols;
    p.ldc = static_cast<size_t>(cols) + 3;
    p.c.assign(p.ldc * (rows + 1), kGuard);
    const auto out = gemm::Panels::rowMajor(p.c.data(), rows, cols, p.ldc);
    // Two calls on disjoint row ranges, as two threads make them.
    multiply(w.data(), ldw, b, out, 0, splitAt);
    multiply(w.data(), ldw, b, out, splitAt, rows);
    return p;
}

TEST_P(Bf16Shapes, MatchesFloat64SumOfTheRoundedOperands) {
    const Shape s = GetParam();
    const std::vector<float> wf = randomValues(static_cast<size_t>(s.rows) * s.depth, 3);
    const std::vector<float> x = randomValues(static_cast<size_t>(s.tokens) * s.depth, 4);  // [tokens, depth]
    const size_t ldw = gemm::bf16RowStride(s.depth);
    std::vector<uint16_t> w(ldw * s.rows, 0xFFFF);
    gemm::convertRowsBf16(wf.data(), s.rows, s.depth, w.data());
    const int cols = gemm::paddedCols(s.tokens);
    std::vector<uint16_t> packed(gemm::bf16PackedSize(s.depth, cols), 0xFFFF);
    gemm::packTransposedBf16(x.data(), s.tokens, s.depth, static_cast<size_t>(s.depth), packed.data());
    const gemm::Bf16Panels b{packed.data(), s.depth, cols};

    // The same matrix packed from float32 panels (the feed-forward path) gives the same bytes.
    std::vector<float> xt(static_cast<size_t>(s.depth) * cols);
    gemm::packTransposed(x.data(), s.tokens, s.depth, static_cast<size_t>(s.depth), xt.data());
    std::vector<uint16_t> repacked(packed.size(), 0xFFFF);
    // In two row ranges, as two threads convert it.
    const int half = s.depth / 4 * 2;
    gemm::packPanelsBf16(gemm::Panels::packedOf(xt.data(), s.depth, cols), repacked.data(), 0, half);
    gemm::packPanelsBf16(gemm::Panels::packedOf(xt.data(), s.depth, cols), repacked.data(), half, s.depth);
    EXPECT_EQ(repacked, packed);

    const int split = s.rows / 2;
    const Product native = run(gemm::multiplyRowsBf16, w, ldw, b, s.rows, split);
    const Product portable = run(gemm::multiplyRowsBf16Portable, w, ldw, b, s.rows, split);
    bool identical = true;
    for (int r = 0; r < s.rows; ++r) {
        for (int t = 0; t < cols; ++t) {
            double sum = 0.0, size = 0.0;
            for (int k = 0; k < s.depth; ++k) {
                const double xv = t < s.tokens ? fromBf16(toBf16(x[static_cast<size_t>(t) * s.depth + k])) : 0.0;
                const double term = double(fromBf16(w[r * ldw + k])) * xv;
                sum += term;
                size += std::fabs(term);
            }
            const double bound = s.depth * 0x1p-24 * size + 1e-30;
            const float got = native.c[r * native.ldc + t], alt = portable.c[r * portable.ldc + t];
            ASSERT_LE(std::fabs(got - sum), bound) << "native, row " << r << " token " << t;
            ASSERT_LE(std::fabs(alt - sum), bound) << "portable, row " << r << " token " << t;
            if (t >= s.tokens) {
                ASSERT_EQ(got, 0.0f) << "a padding column";
            }
            identical = identical && bitsOf(got) == bitsOf(alt);
        }
        for (size_t t = cols; t < native.ldc; ++t) ASSERT_EQ(native.c[r * native.ldc + t], kGuard);
    }
    for (size_t t = 0; t < native.ldc; ++t) ASSERT_EQ(native.c[s.rows * native.ldc + t], kGuard);
    // The portable loop follows the instruction's definition (per pair the
    // odd element's product, then the even one's), so they agree to the bit.
    EXPECT_TRUE(identical) << (nativeBf16() ? "vdpbf16ps and the portable loop differ"
                                            : "without AVX512-BF16 both names run the portable loop");
}

// Whole-matrix and split row ranges give the same bits: threads do not change results.
TEST(Bf16, RowSplitsDoNotChangeTheBits) {
    const int rows = 50, depth = 1600, tokens = 37;
    const std::vector<float> wf = randomValues(static_cast<size_t>(rows) * depth, 5);
    const std::vector<float> x = randomValues(static_cast<size_t>(tokens) * depth, 6);
    const size_t ldw = gemm::bf16RowStride(depth);
    std::vector<uint16_t> w(ldw * rows);
    gemm::convertRowsBf16(wf.data(), rows, depth, w.data());
    const int cols = gemm::paddedCols(tokens);
    std::vector<uint16_t> packed(gemm::bf16PackedSize(depth, cols));
    gemm::packTransposedBf16(x.data(), tokens, depth, depth, packed.data());
    const gemm::Bf16Panels b{packed.data(), depth, cols};
    const Product whole = run(gemm::multiplyRowsBf16, w, ldw, b, rows, rows);
    for (int split : {1, 12, 24, 37}) {
        const Product parts = run(gemm::multiplyRowsBf16, w, ldw, b, rows, split);
        for (int r = 0; r < rows; ++r) {
            for (int t = 0; t < cols; ++t) {
                ASSERT_EQ(bitsOf(parts.c[r * parts.ldc + t]), bitsOf(whole.c[r * whole.ldc + t])) << split;
            }
        }
    }
}

// Tile heights 12/8/6/1, 1-4 vectors per panel and a second panel, odd
// depths (a pair padded with zero) and depths past one 768-pair pass.
INSTANTIATE_TEST_SUITE_P(Shapes, Bf16Shapes,
                         ::testing::Values(Shape{1, 1, 1}, Shape{13, 7, 5}, Shape{25, 48, 16}, Shape{9, 64, 17},
                                           Shape{30, 33, 40}, Shape{7, 768, 64}, Shape{14, 1537, 65},
                                           Shape{26, 1536, 130}, Shape{37, 3073, 23}));

}  // namespace
}  // namespace bertlens
