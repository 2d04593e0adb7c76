#include "model/Kernels.h"

#include "model/Gemm.h"
#include "model/ThreadPool.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace bertlens::kernels {

namespace {
// Up to this many rows (the masked-LM head's positions), one matrix-vector
// product per row: the weights are streamed once either way, and the
// broadcast product would spend 16-lane multiply-adds on a few tokens.
// bert-base's head, one thread: 1 position 10.5 -> 5.2-5.7 ms, 2 positions
// 10.6 -> 5.6-6.9, 4 positions 11.1 -> 7-9.5; at 8 the broadcast product
// (11.8 ms) is as fast.
constexpr int kMatrixVectorRows = 4;
}  // namespace

void linear(const RowMatrix& x, const LinearWeights& w, RowMatrix& y, ThreadPool* pool) {
    const int n = static_cast<int>(x.rows());
    y.resize(n, w.out);
    float* const out = y.data();
    const auto addBias = [&](int o0, int o1) {
        for (int i = 0; i < n; ++i) {
            for (int o = o0; o < o1; ++o) out[static_cast<size_t>(i) * w.out + o] += w.bias[o];
        }
    };
    std::function<void(int, int)> part;
    if (n <= kMatrixVectorRows) {
        part = [&](int index, int parts) {
            const RowRange rows = partRows(w.out, index, parts, 24);
            gemm::dotRows(w.weight, static_cast<size_t>(w.in), w.in, x.data(), static_cast<size_t>(x.cols()), n, out,
                          static_cast<size_t>(w.out), rows.begin, rows.end);
            addBias(rows.begin, rows.end);
        };
    } else {
        const int cols = gemm::paddedCols(n);
        thread_local std::vector<float> packed, product;
        packed.resize(static_cast<size_t>(w.in) * cols);
        product.resize(static_cast<size_t>(w.out) * cols);
        gemm::packTransposed(x.data(), n, w.in, static_cast<size_t>(x.cols()), packed.data());
        const gemm::Panels b = gemm::Panels::packedOf(packed.data(), w.in, cols);
        const gemm::Panels c = gemm::Panels::rowMajor(product.data(), w.out, cols, static_cast<size_t>(cols));
        part = [&, b, c](int index, int parts) {
            const RowRange rows = partRows(w.out, index, parts, 24);
            gemm::multiplyRows(w.weight, static_cast<size_t>(w.in), b, c, rows.begin, rows.end);
            gemm::unpackTransposed(c, n, rows.begin, rows.end, w.bias, false, out, static_cast<size_t>(w.out));
        };
    }
    if (pool) {
        pool->run(part);
    } else {
        part(0, 1);
    }
}

void layerNorm(RowMatrix& x, const LayerNormWeights& w, float eps) {
    const ConstRowVectorMap gamma(w.gamma, x.cols());
    const ConstRowVectorMap beta(w.beta, x.cols());
    const float inv = 1.0f / static_cast<float>(x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        auto row = x.row(r);
        const float mean = row.sum() * inv;
        row.array() -= mean;
        const float variance = row.squaredNorm() * inv;
        row *= 1.0f / std::sqrt(variance + eps);
        row = row.cwiseProduct(gamma) + beta;
    }
}

void gelu(float* x, Eigen::Index count) {
    auto a = Eigen::Map<Eigen::ArrayXf>(x, count);
    a = 0.5f * a * (1.0f + (a * static_cast<float>(M_SQRT1_2)).erf());
}

void gelu(RowMatrix& x) { gelu(x.data(), x.size()); }

void softmaxRows(float* scores, int n, float scale, MaskMode mask) {
    // Each row is worked on in an aligned buffer padded to whole vectors with
    // -inf (exp gives exactly 0), so Eigen never peels a scalar head or tail
    // whose exp would round differently from the vector one. The padding
    // depends only on how many columns the row sees, so under the causal mask
    // row i comes out the same whatever follows token i (and under the
    // anti-causal mask whatever precedes it).
    thread_local Eigen::ArrayXf storage;  // Eigen aligns it to its widest vector
    if (storage.size() < (n + 15) / 16 * 16) storage.resize((n + 15) / 16 * 16);
    const float minusInf = -std::numeric_limits<float>::infinity();
    for (int r = 0; r < n; ++r) {
        float* row = scores + static_cast<size_t>(r) * n;
        const int first = firstVisible(mask, r);
        const int visible = endVisible(mask, r, n) - first;
        Eigen::Map<Eigen::ArrayXf, Eigen::AlignedMax> buffer(storage.data(), (visible + 15) / 16 * 16);
        for (int j = 0; j < visible; ++j) buffer[j] = row[first + j] * scale;
        for (Eigen::Index j = visible; j < buffer.size(); ++j) buffer[j] = minusInf;
        buffer = (buffer - buffer.maxCoeff()).exp();
        const float sum = buffer.sum();
        for (int j = 0; j < first; ++j) row[j] = 0.0f;
        for (int j = 0; j < visible; ++j) row[first + j] = buffer[j] / sum;
        for (int j = first + visible; j < n; ++j) row[j] = 0.0f;
    }
}

}  // namespace bertlens::kernels
