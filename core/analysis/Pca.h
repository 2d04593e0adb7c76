// Principal component analysis of hidden states down to two dimensions, for
// the token-embeddings view: where each token sits in a layer, and the path
// it takes through the layers.
//
//   Pca2 pca = fitPca2(analysis.hiddenState(layer));   // n x d -> top two axes
//   Eigen::MatrixX2d xy = pca.project(analysis.hiddenState(layer));
//   LayerPaths paths = fitLayerPaths(analysis);           // one basis for all layers
//   SentencePairProjection pair = projectSentencePair(a.hiddenState(l), b.hiddenState(l));
//
// Computed in double. Pure functions on plain values: safe from any thread.
#pragma once

#include "EigenTypes.h"
#include "model/Analysis.h"

#include <Eigen/Core>

#include <array>
#include <vector>

namespace bertlens {

struct Pca2 {
    int samples = 0;
    Eigen::RowVectorXd mean;                        // 1 x d: the centre of the samples
    Eigen::Matrix<double, Eigen::Dynamic, 2> axes;  // d x 2, orthonormal columns, most variance first
    // Variance along each axis (sum of squares / (samples - 1)); the total
    // variance of all d dimensions; and each axis' share of it (0 when the
    // samples do not vary at all).
    std::array<double, 2> variance{0.0, 0.0};
    double totalVariance = 0.0;
    std::array<double, 2> explainedRatio{0.0, 0.0};

    // Coordinates of each row of states on the two axes (after centring): n x 2.
    Eigen::MatrixX2d project(const Eigen::Ref<const Eigen::MatrixXd>& states) const;
    Eigen::MatrixX2d project(const ConstRowMatrixMap& states) const;
};

// Fits the two principal axes of the rows of samples (n x d, n >= 1, d >= 1).
// Uses the eigenvectors of the smaller of the d x d covariance and the n x n
// Gram matrix: hidden states usually have far fewer tokens than dimensions.
//
// Signs are made deterministic: on each axis the loading of largest
// magnitude (the first one, on a tie) is positive. When the samples span
// fewer than two dimensions the missing axis is any unit vector orthogonal
// to the others (chosen deterministically) with variance 0; with d == 1 the
// second axis is zero.
Pca2 fitPca2(const Eigen::Ref<const Eigen::MatrixXd>& samples);
Pca2 fitPca2(const ConstRowMatrixMap& samples);

// Every token's path through the layers. The basis is fitted once on the
// hidden states of all layers stacked ((layers + 1) * n rows), so that points
// of different layers are in the same coordinates and a path's steps can be
// compared; a per-layer fit would rotate and flip between layers.
struct LayerPaths {
    Pca2 pca;
    std::vector<Eigen::MatrixX2d> points;  // [layers + 1], each n x 2; 0 = embeddings
};
LayerPaths fitLayerPaths(const Analysis& analysis);

// Two sentences in one picture: one basis fitted on both sentences' states
// stacked (the first's rows, then the second's), so that the same word in
// two contexts ("bank" of a river, "bank" for money) lands in the same
// coordinates and its two points can be compared; a PCA per sentence would
// give each its own axes. Both must have the same width d.
struct SentencePairProjection {
    Pca2 pca;
    Eigen::MatrixX2d first;   // n1 x 2
    Eigen::MatrixX2d second;  // n2 x 2
};
SentencePairProjection projectSentencePair(const Eigen::Ref<const Eigen::MatrixXd>& first,
                                           const Eigen::Ref<const Eigen::MatrixXd>& second);
SentencePairProjection projectSentencePair(const ConstRowMatrixMap& first, const ConstRowMatrixMap& second);

}  // namespace bertlens
