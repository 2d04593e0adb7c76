// Head importance (Michel et al. 2019, "Are Sixteen Heads Really Better than
// One?"): |∂L/∂ξ_h| at the current gates (1 unless ablated), ξ_h a gate on
// head h's attention and L the negative log-likelihood of the saliency's
// target word; from Gradients::gateGrad. Thread-safe.
#pragma once

#include "analysis/Gradients.h"

namespace bertlens {

std::vector<float> headImportance(const Gradients& gradients);  // [layers][heads]

}  // namespace bertlens
