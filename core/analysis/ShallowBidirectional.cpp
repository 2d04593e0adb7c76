#include "analysis/ShallowBidirectional.h"

#include "Errors.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bertlens {

std::vector<float> combineLogProbabilities(const std::vector<float>& leftToRight,
                                           const std::vector<float>& rightToLeft) {
    if (leftToRight.empty() || leftToRight.size() != rightToLeft.size()) {
        throw InputError("the left-to-right and right-to-left models must predict over the same vocabulary (" +
                         std::to_string(leftToRight.size()) + " and " + std::to_string(rightToLeft.size()) +
                         " tokens)");
    }
    std::vector<double> joint(leftToRight.size());
    double largest = -INFINITY;
    for (size_t v = 0; v < joint.size(); ++v) {
        joint[v] = double(leftToRight[v]) + double(rightToLeft[v]);
        largest = std::max(largest, joint[v]);
    }
    double sum = 0.0;
    for (double j : joint) sum += std::exp(j - largest);
    const double logSum = largest + std::log(sum);
    std::vector<float> out(joint.size());
    for (size_t v = 0; v < joint.size(); ++v) out[v] = float(joint[v] - logSum);
    return out;
}

Prediction combinePredictions(const Prediction& leftToRight, const Prediction& rightToLeft, const Vocab& vocab,
                              int topK, bool keepDistribution) {
    std::vector<float> combined = combineLogProbabilities(leftToRight.logProbabilities, rightToLeft.logProbabilities);
    const int k = std::clamp(topK, 1, int(combined.size()));
    std::vector<int32_t> order(combined.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
        return combined[size_t(a)] > combined[size_t(b)] || (combined[size_t(a)] == combined[size_t(b)] && a < b);
    });
    Prediction p;
    p.position = leftToRight.position;
    p.fromPosition = -1;
    for (int r = 0; r < k; ++r) {
        const int32_t id = order[size_t(r)];
        p.top.push_back({id, id < vocab.size() ? vocab.token(id) : "[unused id]", std::exp(combined[size_t(id)])});
    }
    if (keepDistribution) p.logProbabilities = std::move(combined);
    return p;
}

}  // namespace bertlens
