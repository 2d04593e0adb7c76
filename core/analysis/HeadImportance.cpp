#include "analysis/HeadImportance.h"

#include <cmath>

namespace bertlens {

std::vector<float> headImportance(const Gradients& g) {
    std::vector<float> out;
    out.reserve(g.gateGrad.size());
    // L = −log P, so |∂L/∂ξ| = |∂ log P/∂ξ|.
    for (double v : g.gateGrad) out.push_back(static_cast<float>(std::abs(v)));
    return out;
}

}  // namespace bertlens
