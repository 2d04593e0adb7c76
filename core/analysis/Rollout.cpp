#include "analysis/Rollout.h"

#include <Eigen/Core>

namespace bertlens {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<double> residualAttention(const Analysis& a, int layer) {
    const int n = a.tokenCount;
    RowMatrixD m = RowMatrixD::Zero(n, n);
    for (int h = 0; h < a.heads; ++h) m += a.attention(layer, h).cast<double>();
    m *= 0.5 / a.heads;
    m.diagonal().array() += 0.5;
    // Rows of A sum to 1 already, so this only removes rounding; kept
    // because it is part of the definition.
    for (int i = 0; i < n; ++i) m.row(i) /= m.row(i).sum();
    return std::vector<double>(m.data(), m.data() + m.size());
}

std::vector<float> attentionRollout(const Analysis& a) {
    const int n = a.tokenCount;
    const size_t nn = static_cast<size_t>(n) * n;
    std::vector<float> out(static_cast<size_t>(a.layers) * nn);
    RowMatrixD r;
    for (int l = 0; l < a.layers; ++l) {
        const std::vector<double> t = residualAttention(a, l);
        const Eigen::Map<const RowMatrixD> tilde(t.data(), n, n);
        r = l == 0 ? RowMatrixD(tilde) : RowMatrixD(tilde * r);
        Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out.data() + l * nn, n, n) =
            r.cast<float>();
    }
    return out;
}

}  // namespace bertlens
