#include "analysis/InsideHead.h"

#include "Errors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace bertlens {
namespace {

// x W^hᵀ + b^h for the head's d rows of a [hidden, hidden] projection.
RowMatrix project(const Eigen::MatrixXd& x, const LinearWeights& w, int offset, int d) {
    const ConstRowMatrixMap weight(w.weight, w.out, w.in);
    const Eigen::MatrixXd rows = weight.middleRows(offset, d).cast<double>();
    const Eigen::RowVectorXd bias = ConstRowVectorMap(w.bias + offset, d).cast<double>();
    const Eigen::MatrixXd out = (x * rows.transpose()).rowwise() + bias;
    return out.cast<float>();
}

}  // namespace

InsideHead insideHead(const Model& model, const Analysis& a, int layer, int head) {
    if (layer < 0 || layer >= a.layers || head < 0 || head >= a.heads) {
        throw InputError("head " + std::to_string(layer) + ":" + std::to_string(head) +
                         " does not exist: this model has layers 0.." + std::to_string(a.layers - 1) +
                         " and heads 0.." + std::to_string(a.heads - 1));
    }
    const int d = model.config().headDim();
    const EncoderLayerWeights& w = model.weights().layers[static_cast<size_t>(layer)];
    const Eigen::MatrixXd x = a.hiddenState(layer).cast<double>();
    InsideHead in;
    in.layer = layer;
    in.head = head;
    in.dim = d;
    in.maskMode = a.maskMode;
    in.queries = project(x, w.query, head * d, d);
    in.keys = project(x, w.key, head * d, d);
    in.values = project(x, w.value, head * d, d);
    return in;
}

HeadRow headRow(const InsideHead& in, int query) {
    const int n = static_cast<int>(in.queries.rows());
    HeadRow r;
    r.query = query;
    r.scores.assign(static_cast<size_t>(n), -std::numeric_limits<double>::infinity());
    r.probabilities.assign(static_cast<size_t>(n), 0.0);
    r.output.assign(static_cast<size_t>(in.dim), 0.0);
    const double scale = 1.0 / std::sqrt(static_cast<double>(in.dim));
    const Eigen::RowVectorXd q = in.queries.row(query).cast<double>();
    const int first = firstVisible(in.maskMode, query), end = endVisible(in.maskMode, query, n);
    double top = -std::numeric_limits<double>::infinity();
    for (int j = first; j < end; ++j) {
        r.scores[static_cast<size_t>(j)] = q.dot(in.keys.row(j).cast<double>()) * scale;
        top = std::max(top, r.scores[static_cast<size_t>(j)]);
    }
    double sum = 0.0;
    for (int j = first; j < end; ++j)
        sum += r.probabilities[static_cast<size_t>(j)] = std::exp(r.scores[static_cast<size_t>(j)] - top);
    for (int j = first; j < end; ++j) {
        double& p = r.probabilities[static_cast<size_t>(j)];
        p /= sum;
        for (int k = 0; k < in.dim; ++k) r.output[static_cast<size_t>(k)] += p * double(in.values(j, k));
    }
    return r;
}

std::vector<int> topDimensions(const InsideHead& in, int query, int key, int count) {
    std::vector<int> dims(static_cast<size_t>(in.dim));
    std::iota(dims.begin(), dims.end(), 0);
    auto weight = [&](int k) { return std::abs(double(in.queries(query, k)) * double(in.keys(key, k))); };
    count = std::clamp(count, 0, in.dim);
    std::partial_sort(dims.begin(), dims.begin() + count, dims.end(),
                      [&](int a, int b) { return weight(a) > weight(b); });
    dims.resize(static_cast<size_t>(count));
    return dims;
}

}  // namespace bertlens
