// The pieces of a BERT's forward pass and their hand-written backward
// passes, for training. Same equations as core/model (Kernels, Encoder,
// MlmHead); here every forward keeps what its backward needs.
//
// Templated on the scalar: float for training, double for the finite
// difference checks (explicit instantiations in TrainMath.cpp). Activations
// are row-major, one token per row; linear weights are PyTorch's [out, in].
// Backward functions ADD into parameter gradients (a batch accumulates) and
// OVERWRITE input gradients. Pure functions of their arguments: thread-safe
// on distinct outputs.
#pragma once

#include "model/Direction.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace bertlens::train {

template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename S>
using RowVec = Eigen::Matrix<S, 1, Eigen::Dynamic>;
template <typename S>
using MatMap = Eigen::Map<Mat<S>>;
template <typename S>
using ConstMatMap = Eigen::Map<const Mat<S>>;
template <typename S>
using VecMap = Eigen::Map<RowVec<S>>;
template <typename S>
using ConstVecMap = Eigen::Map<const RowVec<S>>;

// Every buffer the trainer maps matrices onto starts on Eigen's alignment.
// Eigen's vectorised reductions (a softmax row's sum, a dot product) split
// their work by the data's alignment, so with malloc's alignment the last bit
// of a result could change from run to run; with this it never does.
template <typename S>
using AlignedVector = std::vector<S, Eigen::aligned_allocator<S>>;

// y = x W^T + b.
template <typename S>
void linearForward(const Mat<S>& x, const ConstMatMap<S>& w, const ConstVecMap<S>& b, Mat<S>& y);
// dx = dy W (skipped when dx is null); dW += dy^T x; db += column sums of dy.
template <typename S>
void linearBackward(const Mat<S>& x, const ConstMatMap<S>& w, const Mat<S>& dy, Mat<S>* dx, MatMap<S>& dw,
                    VecMap<S>& db);

// Row-wise LayerNorm, biased variance (torch.nn.LayerNorm).
template <typename S>
struct LayerNormCache {
    Mat<S> normalized;                              // (x - mean) / sqrt(var + eps)
    Eigen::Matrix<S, Eigen::Dynamic, 1> invStdDev;  // 1 / sqrt(var + eps), per row
};
template <typename S>
void layerNormForward(const Mat<S>& x, const ConstVecMap<S>& gamma, const ConstVecMap<S>& beta, S eps, Mat<S>& y,
                      LayerNormCache<S>& cache);
template <typename S>
void layerNormBackward(const Mat<S>& dy, const ConstVecMap<S>& gamma, const LayerNormCache<S>& cache, Mat<S>& dx,
                       VecMap<S>& dgamma, VecMap<S>& dbeta);

// Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), and dx = dy * GELU'(x).
template <typename S>
void geluForward(const Mat<S>& x, Mat<S>& y);
template <typename S>
void geluBackward(const Mat<S>& x, const Mat<S>& dy, Mat<S>& dx);

// Where each sequence of a batch lies among the rows (tokens) of the batch.
struct SequenceLayout {
    std::vector<int> start;         // first row of each sequence
    std::vector<int> length;        // its token count
    std::vector<int64_t> mapStart;  // offset of its first head's map in a probabilities buffer
    int64_t mapSize = 0;            // heads * sum(length^2)
    int heads = 0;
    MaskMode mask = MaskMode::Bidirectional;  // which keys each query of a sequence sees

    SequenceLayout(const std::vector<int>& lengths, int heads, MaskMode mask = MaskMode::Bidirectional);
    int sequences() const { return static_cast<int>(start.size()); }
    int rows() const { return start.empty() ? 0 : start.back() + length.back(); }
    // The offset of head h's [length x length] map of sequence s.
    int64_t mapOffset(int s, int h) const {
        return mapStart[size_t(s)] + int64_t(h) * length[size_t(s)] * length[size_t(s)];
    }
};

// Multi-head attention within each sequence: for each head,
// probs = softmax(q k^T / sqrt(d_head)) row-wise over the keys layout.mask
// lets the query see (the others get probability exactly 0, so the backward
// pass needs no mask of its own), context = probs v.
// probs holds every map (layout.mapSize values, row = query).
template <typename S>
void attentionForward(const Mat<S>& q, const Mat<S>& k, const Mat<S>& v, const SequenceLayout& layout,
                      AlignedVector<S>& probs, Mat<S>& context);
template <typename S>
void attentionBackward(const Mat<S>& q, const Mat<S>& k, const Mat<S>& v, const SequenceLayout& layout,
                       const AlignedVector<S>& probs, const Mat<S>& dcontext, Mat<S>& dq, Mat<S>& dk, Mat<S>& dv);

// Mean softmax cross-entropy of logits rows against targets; writes the
// gradient of that mean into dlogits. Returns the mean loss; with correct
// set, counts the rows whose largest logit is the target.
template <typename S>
S softmaxCrossEntropy(const Mat<S>& logits, const std::vector<int32_t>& targets, Mat<S>& dlogits,
                      int* correct = nullptr);

}  // namespace bertlens::train
