#include "analysis/Saliency.h"

namespace bertlens {
namespace {
std::vector<float> normalised(const Eigen::VectorXd& v) {
    const double sum = v.sum();
    std::vector<float> out(static_cast<size_t>(v.size()), 0.0f);
    for (Eigen::Index i = 0; i < v.size(); ++i) out[static_cast<size_t>(i)] = sum > 0 ? float(v[i] / sum) : 0.0f;
    return out;
}
}  // namespace

Saliency saliencyOf(const Gradients& g, int position, int fromPosition, int32_t target) {
    Saliency s;
    s.position = position;
    s.fromPosition = fromPosition;
    s.target = target;
    s.logProb = g.logProb;
    const Eigen::MatrixXd grad = g.embeddingGrad.cast<double>();
    s.gradient = normalised(grad.rowwise().norm());
    s.gradXInput = normalised(grad.cwiseProduct(g.embeddings.cast<double>()).rowwise().norm());
    return s;
}

}  // namespace bertlens
