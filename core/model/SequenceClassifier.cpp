#include "model/SequenceClassifier.h"

#include <algorithm>
#include <cmath>

namespace bertlens {
namespace {

std::vector<double> affine(const LinearWeights& w, const std::vector<double>& x) {
    std::vector<double> y(static_cast<size_t>(w.out));
    for (int o = 0; o < w.out; ++o) {
        const float* row = w.weight + static_cast<size_t>(o) * static_cast<size_t>(w.in);
        double sum = w.bias[o];
        for (int i = 0; i < w.in; ++i) sum += double(row[i]) * x[static_cast<size_t>(i)];
        y[static_cast<size_t>(o)] = sum;
    }
    return y;
}

}  // namespace

Classification classifySequence(const ClassifierWeights& weights, const std::vector<std::string>& labels,
                                const float* cls, int hidden) {
    std::vector<double> x(cls, cls + hidden);
    std::vector<double> pooled = affine(weights.pooler, x);
    for (double& v : pooled) v = std::tanh(v);
    const std::vector<double> logits = affine(weights.classifier, pooled);
    const double top = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (double l : logits) sum += std::exp(l - top);
    Classification c;
    c.labels = labels;
    for (double l : logits) c.probabilities.push_back(float(std::exp(l - top) / sum));
    c.predicted = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
    return c;
}

}  // namespace bertlens
