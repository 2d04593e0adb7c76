#include "analysis/Pca.h"

#include "Errors.h"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <string>

namespace bertlens {
namespace {

// The loading of largest magnitude becomes positive, so that the same data
// always gives the same picture (an eigensolver may return either sign).
void fixSign(Eigen::Ref<Eigen::VectorXd> axis) {
    Eigen::Index largest = 0;
    for (Eigen::Index i = 1; i < axis.size(); ++i) {
        if (std::abs(axis(i)) > std::abs(axis(largest))) largest = i;
    }
    if (axis.size() > 0 && axis(largest) < 0) axis = -axis;
}

// A unit vector orthogonal to `other` (a unit vector or zero): the standard
// basis vector least aligned with it, with its `other` part removed.
Eigen::VectorXd orthogonalTo(const Eigen::VectorXd& other) {
    const Eigen::Index d = other.size();
    Eigen::VectorXd v = Eigen::VectorXd::Zero(d);
    if (d < 2 && other.squaredNorm() > 0) return v;  // nothing is orthogonal in one dimension
    Eigen::Index pick = 0;
    for (Eigen::Index i = 1; i < d; ++i) {
        if (std::abs(other(i)) < std::abs(other(pick))) pick = i;
    }
    v(pick) = 1.0;
    v -= other(pick) * other;
    return v / v.norm();
}

}  // namespace

Eigen::MatrixX2d Pca2::project(const Eigen::Ref<const Eigen::MatrixXd>& states) const {
    return (states.rowwise() - mean) * axes;
}

Eigen::MatrixX2d Pca2::project(const ConstRowMatrixMap& states) const {
    const Eigen::MatrixXd s = states.cast<double>();
    return project(s);
}

Pca2 fitPca2(const Eigen::Ref<const Eigen::MatrixXd>& samples) {
    const Eigen::Index n = samples.rows();
    const Eigen::Index d = samples.cols();
    Pca2 pca;
    pca.samples = static_cast<int>(n);
    pca.mean = n > 0 ? Eigen::RowVectorXd(samples.colwise().mean()) : Eigen::RowVectorXd::Zero(d);
    pca.axes.setZero(d, 2);
    if (d == 0) return pca;
    const Eigen::MatrixXd centred = samples.rowwise() - pca.mean;
    const double dof = n > 1 ? static_cast<double>(n - 1) : 1.0;
    const double sumSquares = centred.squaredNorm();
    pca.totalVariance = n > 1 ? sumSquares / dof : 0.0;

    // Eigenvalues of X^T X and X X^T are the same; the smaller matrix is
    // cheaper and better conditioned to decompose.
    const bool useCovariance = d <= n;
    Eigen::MatrixXd gram;
    if (useCovariance) {
        gram.noalias() = centred.transpose() * centred;
    } else {
        gram.noalias() = centred * centred.transpose();
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram);
    const Eigen::VectorXd& values = solver.eigenvalues();  // ascending
    const Eigen::Index m = values.size();
    // Directions whose variance is a rounding error of the total are not
    // directions of the data: their eigenvectors are arbitrary.
    const double negligible = 1e-12 * sumSquares;

    for (int k = 0; k < 2; ++k) {
        const Eigen::Index idx = m - 1 - k;
        const double lambda = idx >= 0 ? values(idx) : 0.0;
        Eigen::VectorXd axis;
        if (idx >= 0 && lambda > negligible && sumSquares > 0) {
            if (useCovariance) {
                axis = solver.eigenvectors().col(idx);
            } else {
                axis = centred.transpose() * solver.eigenvectors().col(idx) / std::sqrt(lambda);
            }
            axis.normalize();  // exact unit length despite rounding in the Gram route
            pca.variance[k] = lambda / dof;
        } else if (k == 0) {
            axis = Eigen::VectorXd::Unit(d, 0);
        } else {
            axis = orthogonalTo(pca.axes.col(0));
        }
        fixSign(axis);
        pca.axes.col(k) = axis;
    }
    if (n <= 1) pca.variance = {0.0, 0.0};
    for (int k = 0; k < 2; ++k) pca.explainedRatio[k] = pca.totalVariance > 0 ? pca.variance[k] / pca.totalVariance : 0;
    return pca;
}

Pca2 fitPca2(const ConstRowMatrixMap& samples) {
    const Eigen::MatrixXd s = samples.cast<double>();
    return fitPca2(s);
}

LayerPaths fitLayerPaths(const Analysis& a) {
    const Eigen::Index n = a.tokenCount;
    Eigen::MatrixXd stacked(static_cast<Eigen::Index>(a.layers + 1) * n, a.hidden);
    for (int l = 0; l <= a.layers; ++l) stacked.middleRows(l * n, n) = a.hiddenState(l).cast<double>();
    LayerPaths paths;
    paths.pca = fitPca2(stacked);
    paths.points.reserve(static_cast<size_t>(a.layers + 1));
    for (int l = 0; l <= a.layers; ++l) paths.points.push_back(paths.pca.project(stacked.middleRows(l * n, n)));
    return paths;
}

SentencePairProjection projectSentencePair(const Eigen::Ref<const Eigen::MatrixXd>& first,
                                           const Eigen::Ref<const Eigen::MatrixXd>& second) {
    if (first.cols() != second.cols()) {
        throw InputError("the two sentences' states differ in width (" + std::to_string(first.cols()) + " and " +
                         std::to_string(second.cols()) + "): only states of one model can share a projection");
    }
    Eigen::MatrixXd stacked(first.rows() + second.rows(), first.cols());
    stacked.topRows(first.rows()) = first;
    stacked.bottomRows(second.rows()) = second;
    SentencePairProjection pair;
    pair.pca = fitPca2(stacked);
    pair.first = pair.pca.project(first);
    pair.second = pair.pca.project(second);
    return pair;
}

SentencePairProjection projectSentencePair(const ConstRowMatrixMap& first, const ConstRowMatrixMap& second) {
    const Eigen::MatrixXd a = first.cast<double>();
    const Eigen::MatrixXd b = second.cast<double>();
    return projectSentencePair(a, b);
}

}  // namespace bertlens
