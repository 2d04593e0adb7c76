#include "train/TrainMath.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>
#include <cmath>

namespace bertlens::train {
namespace {

// Row loops are split across threads only when there is enough work to pay
// for waking them (a training batch has thousands of rows, a test a dozen).
constexpr Eigen::Index kParallelRows = 256;

// Matrix products are cut into blocks of a fixed size, each an independent
// single-threaded Eigen product, spread over the threads. Two reasons:
// Eigen's own parallel product shares packed panels through spin-waits,
// which collapsed when the 2 cores were oversubscribed (measured 10x slower
// than one thread while others compiled); and with blocks of a fixed shape
// every number is the same whatever the thread count, so a run is
// reproducible from its seed alone.
constexpr Eigen::Index kRowBlock = 256;  // rows of x per block in x W^T and dy W
constexpr Eigen::Index kOutBlock = 64;   // rows of dW per block in dy^T x

template <typename Fn>
void forBlocks(Eigen::Index total, Eigen::Index block, const Fn& fn) {
    const Eigen::Index blocks = (total + block - 1) / block;
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
    for (Eigen::Index b = 0; b < blocks; ++b) fn(b * block, std::min(block, total - b * block));
}

// Adds the column sums of m into sum, row after row (contiguous, in a fixed order).
template <typename S, typename Derived>
void addColumnSums(const Eigen::MatrixBase<Derived>& m, VecMap<S>& sum) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) sum += m.row(r);
}

}  // namespace

template <typename S>
void linearForward(const Mat<S>& x, const ConstMatMap<S>& w, const ConstVecMap<S>& b, Mat<S>& y) {
    y.resize(x.rows(), w.rows());
    forBlocks(x.rows(), kRowBlock, [&](Eigen::Index r0, Eigen::Index n) {
        y.middleRows(r0, n).noalias() = x.middleRows(r0, n) * w.transpose();
        y.middleRows(r0, n).rowwise() += b;
    });
}

template <typename S>
void linearBackward(const Mat<S>& x, const ConstMatMap<S>& w, const Mat<S>& dy, Mat<S>* dx, MatMap<S>& dw,
                    VecMap<S>& db) {
    if (dx != nullptr) {
        dx->resize(dy.rows(), w.cols());
        forBlocks(dy.rows(), kRowBlock,
                  [&](Eigen::Index r0, Eigen::Index n) { dx->middleRows(r0, n).noalias() = dy.middleRows(r0, n) * w; });
    }
    forBlocks(w.rows(), kOutBlock, [&](Eigen::Index o0, Eigen::Index n) {
        dw.middleRows(o0, n).noalias() += dy.middleCols(o0, n).transpose() * x;
        VecMap<S> dbPart(db.data() + o0, n);
        addColumnSums<S>(dy.middleCols(o0, n), dbPart);
    });
}

template <typename S>
void layerNormForward(const Mat<S>& x, const ConstVecMap<S>& gamma, const ConstVecMap<S>& beta, S eps, Mat<S>& y,
                      LayerNormCache<S>& cache) {
    const Eigen::Index rows = x.rows();
    const S inv = S(1) / S(x.cols());
    cache.normalized.resize(rows, x.cols());
    cache.invStdDev.resize(rows);
    y.resize(rows, x.cols());
#pragma omp parallel for schedule(static) if (rows > kParallelRows)
    for (Eigen::Index r = 0; r < rows; ++r) {
        const S mean = x.row(r).sum() * inv;
        auto n = cache.normalized.row(r);
        n = x.row(r).array() - mean;
        const S variance = n.squaredNorm() * inv;
        const S invStd = S(1) / std::sqrt(variance + eps);
        n *= invStd;
        cache.invStdDev[r] = invStd;
        y.row(r) = n.cwiseProduct(gamma) + beta;
    }
}

template <typename S>
void layerNormBackward(const Mat<S>& dy, const ConstVecMap<S>& gamma, const LayerNormCache<S>& cache, Mat<S>& dx,
                       VecMap<S>& dgamma, VecMap<S>& dbeta) {
    const Eigen::Index rows = dy.rows();
    const S inv = S(1) / S(dy.cols());
    dx.resize(rows, dy.cols());
    // With g = dy * gamma and n the normalized input:
    // dx = invStd * (g - mean(g) - n * mean(g * n)).
#pragma omp parallel for schedule(static) if (rows > kParallelRows)
    for (Eigen::Index r = 0; r < rows; ++r) {
        const auto n = cache.normalized.row(r);
        auto g = dx.row(r);
        g = dy.row(r).cwiseProduct(gamma);
        const S meanG = g.sum() * inv;
        const S meanGn = g.dot(n) * inv;
        g = (g.array() - meanG - n.array() * meanGn) * cache.invStdDev[r];
    }
    for (Eigen::Index r = 0; r < rows; ++r) dgamma += dy.row(r).cwiseProduct(cache.normalized.row(r));
    addColumnSums<S>(dy, dbeta);
}

template <typename S>
void geluForward(const Mat<S>& x, Mat<S>& y) {
    y.resize(x.rows(), x.cols());
    const S invSqrt2 = S(M_SQRT1_2);
#pragma omp parallel for schedule(static) if (x.rows() > kParallelRows)
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const auto a = x.row(r).array();
        y.row(r).array() = S(0.5) * a * (S(1) + (a * invSqrt2).erf());
    }
}

template <typename S>
void geluBackward(const Mat<S>& x, const Mat<S>& dy, Mat<S>& dx) {
    // GELU'(x) = Phi(x) + x phi(x), with Phi the normal CDF and phi its density.
    dx.resize(x.rows(), x.cols());
    const S invSqrt2 = S(M_SQRT1_2);
    const S invSqrt2Pi = S(0.39894228040143267793994605993438);
#pragma omp parallel for schedule(static) if (x.rows() > kParallelRows)
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const auto a = x.row(r).array();
        const auto cdf = S(0.5) * (S(1) + (a * invSqrt2).erf());
        const auto density = (S(-0.5) * a.square()).exp() * invSqrt2Pi;
        dx.row(r).array() = dy.row(r).array() * (cdf + a * density);
    }
}

SequenceLayout::SequenceLayout(const std::vector<int>& lengths, int headCount, MaskMode maskMode)
    : heads(headCount), mask(maskMode) {
    int row = 0;
    for (int n : lengths) {
        start.push_back(row);
        length.push_back(n);
        mapStart.push_back(mapSize);
        row += n;
        mapSize += int64_t(headCount) * n * n;
    }
}

template <typename S>
void attentionForward(const Mat<S>& q, const Mat<S>& k, const Mat<S>& v, const SequenceLayout& layout,
                      AlignedVector<S>& probs, Mat<S>& context) {
    const int heads = layout.heads;
    const auto headDim = static_cast<int>(q.cols() / heads);
    const S scale = S(1) / std::sqrt(S(headDim));
    probs.resize(size_t(layout.mapSize));
    context.resize(q.rows(), q.cols());
    const int jobs = layout.sequences() * heads;
#pragma omp parallel for schedule(dynamic, 4) if (jobs > 8)
    for (int job = 0; job < jobs; ++job) {
        const int s = job / heads;
        const int h = job % heads;
        const int n = layout.length[size_t(s)];
        const int r0 = layout.start[size_t(s)];
        MatMap<S> p(probs.data() + layout.mapOffset(s, h), n, n);
        p.noalias() = q.block(r0, h * headDim, n, headDim) * k.block(r0, h * headDim, n, headDim).transpose();
        p *= scale;
        for (int r = 0; r < n; ++r) {
            const int first = firstVisible(layout.mask, r);
            const int count = endVisible(layout.mask, r, n) - first;
            auto row = p.row(r).array();
            auto seen = row.segment(first, count);
            seen = (seen - seen.maxCoeff()).exp();
            seen /= seen.sum();
            row.head(first).setZero();
            row.tail(n - first - count).setZero();
        }
        context.block(r0, h * headDim, n, headDim).noalias() = p * v.block(r0, h * headDim, n, headDim);
    }
}

template <typename S>
void attentionBackward(const Mat<S>& q, const Mat<S>& k, const Mat<S>& v, const SequenceLayout& layout,
                       const AlignedVector<S>& probs, const Mat<S>& dcontext, Mat<S>& dq, Mat<S>& dk, Mat<S>& dv) {
    const int heads = layout.heads;
    const auto headDim = static_cast<int>(q.cols() / heads);
    const S scale = S(1) / std::sqrt(S(headDim));
    dq.resize(q.rows(), q.cols());
    dk.resize(q.rows(), q.cols());
    dv.resize(q.rows(), q.cols());
    const int jobs = layout.sequences() * heads;
#pragma omp parallel for schedule(dynamic, 4) if (jobs > 8)
    for (int job = 0; job < jobs; ++job) {
        const int s = job / heads;
        const int h = job % heads;
        const int n = layout.length[size_t(s)];
        const int r0 = layout.start[size_t(s)];
        const ConstMatMap<S> p(probs.data() + layout.mapOffset(s, h), n, n);
        const auto dc = dcontext.block(r0, h * headDim, n, headDim);
        dv.block(r0, h * headDim, n, headDim).noalias() = p.transpose() * dc;
        // Softmax backward, row by row: dscores = p * (dp - sum(dp * p)).
        Mat<S> dscores(n, n);
        dscores.noalias() = dc * v.block(r0, h * headDim, n, headDim).transpose();
        for (int r = 0; r < n; ++r) {
            const S dot = dscores.row(r).dot(p.row(r));
            dscores.row(r) = p.row(r).cwiseProduct((dscores.row(r).array() - dot).matrix());
        }
        dscores *= scale;
        dq.block(r0, h * headDim, n, headDim).noalias() = dscores * k.block(r0, h * headDim, n, headDim);
        dk.block(r0, h * headDim, n, headDim).noalias() = dscores.transpose() * q.block(r0, h * headDim, n, headDim);
    }
}

template <typename S>
S softmaxCrossEntropy(const Mat<S>& logits, const std::vector<int32_t>& targets, Mat<S>& dlogits, int* correct) {
    const Eigen::Index rows = logits.rows();
    dlogits.resize(rows, logits.cols());
    if (rows == 0) return S(0);
    const S invRows = S(1) / S(rows);
    // Per-row losses summed in order afterwards, so the mean does not depend
    // on thread timing.
    std::vector<double> rowLoss(static_cast<size_t>(rows));
    std::vector<char> rowRight(static_cast<size_t>(rows));
#pragma omp parallel for schedule(static) if (rows > 64)
    for (Eigen::Index r = 0; r < rows; ++r) {
        const int32_t target = targets[size_t(r)];
        Eigen::Index best = 0;
        const S maxLogit = logits.row(r).maxCoeff(&best);
        auto d = dlogits.row(r);
        d.array() = (logits.row(r).array() - maxLogit).exp();
        const S sum = d.sum();
        rowLoss[size_t(r)] = double(std::log(sum) + maxLogit - logits(r, target));
        d *= invRows / sum;
        d[target] -= invRows;
        rowRight[size_t(r)] = best == target ? 1 : 0;
    }
    double total = 0.0;
    int right = 0;
    for (Eigen::Index r = 0; r < rows; ++r) {
        total += rowLoss[size_t(r)];
        right += rowRight[size_t(r)];
    }
    if (correct != nullptr) *correct = right;
    return S(total / double(rows));
}

#define BERTLENS_INSTANTIATE(S)                                                                                 \
    template void linearForward<S>(const Mat<S>&, const ConstMatMap<S>&, const ConstVecMap<S>&, Mat<S>&);       \
    template void linearBackward<S>(const Mat<S>&, const ConstMatMap<S>&, const Mat<S>&, Mat<S>*, MatMap<S>&,   \
                                    VecMap<S>&);                                                                \
    template void layerNormForward<S>(const Mat<S>&, const ConstVecMap<S>&, const ConstVecMap<S>&, S, Mat<S>&,  \
                                      LayerNormCache<S>&);                                                      \
    template void layerNormBackward<S>(const Mat<S>&, const ConstVecMap<S>&, const LayerNormCache<S>&, Mat<S>&, \
                                       VecMap<S>&, VecMap<S>&);                                                 \
    template void geluForward<S>(const Mat<S>&, Mat<S>&);                                                       \
    template void geluBackward<S>(const Mat<S>&, const Mat<S>&, Mat<S>&);                                       \
    template void attentionForward<S>(const Mat<S>&, const Mat<S>&, const Mat<S>&, const SequenceLayout&,       \
                                      AlignedVector<S>&, Mat<S>&);                                              \
    template void attentionBackward<S>(const Mat<S>&, const Mat<S>&, const Mat<S>&, const SequenceLayout&,      \
                                       const AlignedVector<S>&, const Mat<S>&, Mat<S>&, Mat<S>&, Mat<S>&);      \
    template S softmaxCrossEntropy<S>(const Mat<S>&, const std::vector<int32_t>&, Mat<S>&, int*);

BERTLENS_INSTANTIATE(float)
BERTLENS_INSTANTIATE(double)
#undef BERTLENS_INSTANTIATE

}  // namespace bertlens::train
