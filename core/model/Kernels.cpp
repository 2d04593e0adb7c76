#include "model/Kernels.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <cmath>

namespace bertlens::kernels {

namespace {
constexpr Eigen::Index kColumnMajorRows = 24;
}  // namespace

void linear(const RowMatrix& x, const LinearWeights& w, RowMatrix& y) {
    const ColMatrixMap weightT(w.weight, w.in, w.out);  // row-major [out,in] is column-major [in,out]
    // For a handful of tokens the cost is streaming W once. A column-major
    // product makes W Eigen's right-hand side, packed by streaming its rows;
    // the row-major product Eigen would otherwise compute as W * x^T,
    // transpose-packing all of W per call. Measured (bert-base, 2 threads):
    // 10% faster at 16 tokens, 10% slower at 128, even at 32.
    if (x.rows() <= kColumnMajorRows) {
        thread_local Eigen::MatrixXf product;
        product.resize(x.rows(), w.out);
        product.noalias() = x * weightT;
        y = product;
    } else {
        y.noalias() = x * weightT;
    }
    y.rowwise() += ConstRowVectorMap(w.bias, w.out);
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

void gelu(RowMatrix& x) {
    auto a = x.array();
    a = 0.5f * a * (1.0f + (a * static_cast<float>(M_SQRT1_2)).erf());
}

void softmaxRows(Eigen::Ref<RowMatrix> scores, bool causal) {
    const Eigen::Index n = scores.cols();
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        const Eigen::Index visible = causal ? r + 1 : n;
        auto row = scores.row(r).head(visible).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
        if (visible < n) scores.row(r).tail(n - visible).setZero();
    }
}

}  // namespace bertlens::kernels
