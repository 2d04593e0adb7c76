#include "train/AdamW.h"

#include <algorithm>
#include <cmath>

namespace bertlens::train {

AdamW::AdamW(int64_t parameterCount, AdamWOptions options)
    : m_options(options), m_first(size_t(parameterCount), 0.0f), m_second(size_t(parameterCount), 0.0f) {}

void AdamW::step(AlignedVector<float>& params, const AlignedVector<float>& grads, double lr,
                 const ParameterLayout& layout) {
    ++m_steps;
    const auto b1 = float(m_options.beta1);
    const auto b2 = float(m_options.beta2);
    const auto eps = float(m_options.epsilon);
    const auto stepSize = float(lr / (1.0 - std::pow(m_options.beta1, double(m_steps))));
    const auto invSqrtCorrection2 = float(1.0 / std::sqrt(1.0 - std::pow(m_options.beta2, double(m_steps))));
    const auto decayFactor = float(1.0 - lr * m_options.weightDecay);
    for (const ParameterInfo& t : layout.tensors()) {
        float* p = params.data() + t.offset;
        const float* g = grads.data() + t.offset;
        float* m = m_first.data() + t.offset;
        float* v = m_second.data() + t.offset;
        const float decay = t.decay ? decayFactor : 1.0f;
#pragma omp parallel for simd schedule(static) if (t.size > 65536)
        for (int64_t i = 0; i < t.size; ++i) {
            m[i] = b1 * m[i] + (1.0f - b1) * g[i];
            v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
            p[i] = p[i] * decay - stepSize * m[i] / (std::sqrt(v[i]) * invSqrtCorrection2 + eps);
        }
    }
}

double clipGradientNorm(AlignedVector<float>& grads, double maxNorm) {
    // Fixed chunks summed in order, not an OpenMP reduction: the norm (and so
    // every weight after clipping) must not depend on which thread finished first.
    constexpr int64_t kChunks = 64;
    const auto n = int64_t(grads.size());
    std::vector<double> partial(size_t(kChunks), 0.0);
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t c = 0; c < kChunks; ++c) {
        double sum = 0.0;
        for (int64_t i = n * c / kChunks; i < n * (c + 1) / kChunks; ++i)
            sum += double(grads[size_t(i)]) * grads[size_t(i)];
        partial[size_t(c)] = sum;
    }
    double sum = 0.0;
    for (double p : partial) sum += p;
    const double norm = std::sqrt(sum);
    if (norm > maxNorm) {
        const auto scale = float(maxNorm / norm);
        for (float& g : grads) g *= scale;
    }
    return norm;
}

double learningRateAt(int64_t step, int64_t totalSteps, int64_t warmupSteps, double peak) {
    if (step < warmupSteps) return peak * double(step + 1) / double(warmupSteps);
    if (totalSteps <= warmupSteps) return 0.0;
    return peak * std::max(0.0, double(totalSteps - step) / double(totalSteps - warmupSteps));
}

}  // namespace bertlens::train
