// The encoder's matrix product against a plain float64 triple loop, over the
// shapes that reach every path: tile heights 12/8/6/1, panels of 1-4 vectors,
// a last vector only partly inside the matrix, depths that cross the 768-deep
// pass boundary, row-major and packed operands, and row ranges split between
// threads. Memory just outside the output must stay untouched.
#include "model/Gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace bertlens {
namespace {

constexpr float kGuard = 12345.0f;

std::vector<float> randomValues(size_t count, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(count);
    for (float& x : v) x = d(rng);
    return v;
}

struct Shape {
    int rows, depth, cols;
};

class GemmShapes : public ::testing::TestWithParam<Shape> {};

// C = A B with A [rows, depth] (rows lda apart), B [depth, cols] row-major
// (rows ldb apart), C [rows, cols] row-major (rows ldc apart), then the same
// product from B packed and into packed C.
TEST_P(GemmShapes, MatchesFloat64ProductForRowMajorAndPackedOperands) {
    const Shape s = GetParam();
    const size_t lda = static_cast<size_t>(s.depth) + 3, ldb = static_cast<size_t>(s.cols) + 5;
    const size_t ldc = static_cast<size_t>(s.cols) + 7;
    const std::vector<float> a = randomValues(lda * s.rows, 1);
    const std::vector<float> b = randomValues(ldb * s.depth, 2);

    std::vector<double> expected(static_cast<size_t>(s.rows) * s.cols, 0.0);
    double magnitude = 0;
    for (int r = 0; r < s.rows; ++r) {
        for (int c = 0; c < s.cols; ++c) {
            double sum = 0, abs = 0;
            for (int k = 0; k < s.depth; ++k) {
                sum += static_cast<double>(a[r * lda + k]) * b[k * ldb + c];
                abs += std::abs(static_cast<double>(a[r * lda + k]) * b[k * ldb + c]);
            }
            expected[static_cast<size_t>(r) * s.cols + c] = sum;
            magnitude = std::max(magnitude, abs);
        }
    }
    // float32 accumulation over `depth` terms: a few ulps of the terms' size.
    const double tolerance = 4e-7 * magnitude * std::sqrt(static_cast<double>(std::max(s.depth, 1))) + 1e-30;

    // Row-major B into row-major C, rows computed as two threads would.
    std::vector<float> c(ldc * s.rows, kGuard);
    const auto bView = gemm::Panels::rowMajor(b.data(), s.depth, s.cols, ldb);
    const auto cView = gemm::Panels::rowMajor(c.data(), s.rows, s.cols, ldc);
    const int split = s.rows / 2;
    gemm::multiplyRows(a.data(), lda, bView, cView, 0, split);
    gemm::multiplyRows(a.data(), lda, bView, cView, split, s.rows);
    for (int r = 0; r < s.rows; ++r) {
        for (int col = 0; col < s.cols; ++col)
            ASSERT_NEAR(c[r * ldc + col], expected[static_cast<size_t>(r) * s.cols + col], tolerance)
                << "row " << r << " column " << col;
        for (size_t col = static_cast<size_t>(s.cols); col < ldc; ++col)
            ASSERT_EQ(c[r * ldc + col], kGuard) << "wrote past the last column, row " << r;
    }

    // The panel-by-panel order (a large B), panels shared as two threads
    // would: the same bits, and nothing written past the last column.
    std::vector<float> byPanel(ldc * s.rows, kGuard);
    const auto panelView = gemm::Panels::rowMajor(byPanel.data(), s.rows, s.cols, ldc);
    const int half = panelView.count() / 2;
    gemm::multiplyPanels(a.data(), lda, bView, panelView, 0, half, false);
    gemm::multiplyPanels(a.data(), lda, bView, panelView, half, panelView.count(), false);
    for (int r = 0; r < s.rows; ++r) {
        for (size_t col = 0; col < ldc; ++col)
            ASSERT_EQ(byPanel[r * ldc + col], c[r * ldc + col]) << "panel order, row " << r << " column " << col;
    }
    // Accumulating onto what C holds: C + A · B.
    std::vector<float> onto(ldc * s.rows, 0.0f);
    for (size_t e = 0; e < onto.size(); ++e) onto[e] = 0.25f * static_cast<float>(e % 7) - 0.5f;
    const std::vector<float> before = onto;
    gemm::multiplyPanels(a.data(), lda, bView, gemm::Panels::rowMajor(onto.data(), s.rows, s.cols, ldc), 0,
                         panelView.count(), true);
    for (int r = 0; r < s.rows; ++r) {
        for (int col = 0; col < s.cols; ++col)
            ASSERT_NEAR(onto[r * ldc + col], before[r * ldc + col] + expected[static_cast<size_t>(r) * s.cols + col],
                        tolerance + 1e-6)
                << "accumulated, row " << r << " column " << col;
    }

    // Packed B (columns padded to 16 with zeros) into packed C: same bits,
    // because every element is summed in the same order.
    const int padded = gemm::paddedCols(s.cols);
    std::vector<float> bPacked(static_cast<size_t>(s.depth) * padded, 0.0f);
    const auto bp = gemm::Panels::packedOf(bPacked.data(), s.depth, padded);
    for (int k = 0; k < s.depth; ++k)
        for (int col = 0; col < s.cols; ++col) *bp.at(k, col) = b[k * ldb + col];
    std::vector<float> cPacked(static_cast<size_t>(s.rows) * padded, kGuard);
    const auto cp = gemm::Panels::packedOf(cPacked.data(), s.rows, padded);
    gemm::multiplyRows(a.data(), lda, bp, cp, 0, s.rows);
    for (int r = 0; r < s.rows; ++r) {
        for (int col = 0; col < s.cols; ++col) ASSERT_EQ(*cp.at(r, col), c[r * ldc + col]) << r << "," << col;
        for (int col = s.cols; col < padded; ++col) ASSERT_EQ(*cp.at(r, col), 0.0f) << "padding column " << col;
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemmShapes,
                         ::testing::Values(Shape{1, 1, 1}, Shape{5, 7, 15}, Shape{12, 64, 16}, Shape{13, 33, 17},
                                           Shape{25, 100, 32}, Shape{24, 5, 48}, Shape{30, 64, 64}, Shape{7, 800, 65},
                                           Shape{37, 1600, 130}, Shape{50, 3, 200}, Shape{11, 40, 16},
                                           Shape{16, 1600, 200}, Shape{3, 0, 20}),
                         [](const auto& info) {
                             const Shape s = info.param;
                             return std::to_string(s.rows) + "x" + std::to_string(s.depth) + "x" +
                                    std::to_string(s.cols);
                         });

// The masked-LM head's path: a few positions against many weight rows.
TEST(GemmDot, MatchesFloat64ForEveryPositionCountAndIgnoresTheRowSplit) {
    for (int k : {1, 15, 16, 17, 100, 768}) {
        for (int count : {1, 2, 3, 4, 5, 8, 9}) {
            const int rows = 31;
            const size_t ldw = static_cast<size_t>(k) + 2, ldx = static_cast<size_t>(k) + 1, ldy = rows + 3;
            const std::vector<float> w = randomValues(ldw * rows, 4);
            const std::vector<float> x = randomValues(ldx * count, 5);
            std::vector<float> y(ldy * count, kGuard), split(ldy * count, kGuard);
            gemm::dotRows(w.data(), ldw, k, x.data(), ldx, count, y.data(), ldy, 0, rows);
            gemm::dotRows(w.data(), ldw, k, x.data(), ldx, count, split.data(), ldy, 0, 13);
            gemm::dotRows(w.data(), ldw, k, x.data(), ldx, count, split.data(), ldy, 13, rows);
            for (int p = 0; p < count; ++p) {
                for (int o = 0; o < rows; ++o) {
                    double sum = 0, abs = 0;
                    for (int kk = 0; kk < k; ++kk) {
                        sum += static_cast<double>(w[o * ldw + kk]) * x[p * ldx + kk];
                        abs += std::abs(static_cast<double>(w[o * ldw + kk]) * x[p * ldx + kk]);
                    }
                    ASSERT_NEAR(y[p * ldy + o], sum, 4e-7 * abs * std::sqrt(double(k)) + 1e-30)
                        << "k " << k << " positions " << count << " position " << p << " row " << o;
                    ASSERT_EQ(split[p * ldy + o], y[p * ldy + o]) << "a different row split changed a bit";
                }
                for (size_t o = rows; o < ldy; ++o) ASSERT_EQ(y[p * ldy + o], kGuard) << "wrote past the rows";
            }
        }
    }
}

TEST(GemmPacking, TransposeAndBackIsExactAndPadsWithZeros) {
    const int n = 21, features = 70;
    const std::vector<float> x = randomValues(static_cast<size_t>(n) * features, 3);
    const int padded = gemm::paddedCols(n);
    ASSERT_EQ(padded, 32);
    std::vector<float> packed(static_cast<size_t>(features) * padded, kGuard);
    gemm::packTransposed(x.data(), n, features, features, packed.data());
    const auto t = gemm::Panels::packedOf(packed.data(), features, padded);
    for (int k = 0; k < features; ++k) {
        for (int i = 0; i < padded; ++i)
            ASSERT_EQ(*t.at(k, i), i < n ? x[static_cast<size_t>(i) * features + k] : 0.0f) << k << "," << i;
    }
    // Back, in two row ranges, with a bias; then once more accumulating.
    std::vector<float> bias(features);
    for (int k = 0; k < features; ++k) bias[k] = 0.25f * k;
    std::vector<float> y(static_cast<size_t>(n) * features, kGuard);
    gemm::unpackTransposed(t, n, 0, 30, bias.data(), false, y.data(), features);
    gemm::unpackTransposed(t, n, 30, features, bias.data(), false, y.data(), features);
    for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y[i], x[i] + bias[i % features]) << i;
    gemm::unpackTransposed(t, n, 0, features, nullptr, true, y.data(), features);
    for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y[i], (x[i] + bias[i % features]) + x[i]) << i;
}

}  // namespace
}  // namespace bertlens
