#include "analysis/AttentionChange.h"

#include "Errors.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace bertlens {

int AttentionChange::mostChangedLayer() const {
    if (perLayer.empty()) return -1;
    return static_cast<int>(std::max_element(perLayer.begin(), perLayer.end()) - perLayer.begin());
}

double jensenShannonDistance(const float* p, const float* q, int n) {
    // 0 log 0 = 0: a key one row ignores adds only the other row's half.
    double divergence = 0.0;
    for (int j = 0; j < n; ++j) {
        const double a = p[j], b = q[j], m = 0.5 * (a + b);
        if (a > 0) divergence += 0.5 * a * std::log2(a / m);
        if (b > 0) divergence += 0.5 * b * std::log2(b / m);
    }
    return std::sqrt(std::clamp(divergence, 0.0, 1.0));  // rounding can step just outside [0, 1]
}

AttentionChange attentionChange(const Analysis& before, const Analysis& after) {
    if (before.layers != after.layers || before.heads != after.heads || before.tokenCount != after.tokenCount) {
        throw Error("the two models' attention maps differ in shape (" + std::to_string(before.layers) + "x" +
                    std::to_string(before.heads) + " heads at " + std::to_string(before.tokenCount) +
                    " tokens against " + std::to_string(after.layers) + "x" + std::to_string(after.heads) + " at " +
                    std::to_string(after.tokenCount) + "): compare a model with its own fine-tuned copy");
    }
    if (before.ids != after.ids) throw Error("the two attention maps are of different texts");
    AttentionChange c;
    c.layers = before.layers;
    c.heads = before.heads;
    c.tokens = before.tokenCount;
    const int n = before.tokenCount;
    c.perHead.assign(static_cast<size_t>(c.layers) * c.heads, 0.0);
    c.perLayer.assign(static_cast<size_t>(c.layers), 0.0);
    if (n == 0) return c;
    for (int l = 0; l < c.layers; ++l) {
        for (int h = 0; h < c.heads; ++h) {
            const size_t offset = (static_cast<size_t>(l) * c.heads + h) * n * n;
            double sum = 0.0;
            for (int i = 0; i < n; ++i) {
                const size_t row = offset + static_cast<size_t>(i) * n;
                sum += jensenShannonDistance(before.attentions.data() + row, after.attentions.data() + row, n);
            }
            c.perHead[static_cast<size_t>(l) * c.heads + h] = sum / n;
            c.perLayer[static_cast<size_t>(l)] += sum / n / c.heads;
        }
    }
    return c;
}

}  // namespace bertlens
