// The optimizer of the trainer: AdamW (decoupled weight decay, bias-corrected
// moments, as torch.optim.AdamW), gradient clipping by global norm, and the
// learning-rate schedule (linear warm-up, then linear decay to zero).
//
// An AdamW is a plain value holding its moments; not thread-safe (it
// parallelises inside with OpenMP). The free functions are pure.
#pragma once

#include "train/ParameterLayout.h"
#include "train/TrainMath.h"

#include <cstdint>
#include <vector>

namespace bertlens::train {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-6;
    double weightDecay = 0.01;  // on ParameterInfo::decay tensors only
};

class AdamW {
public:
    AdamW(int64_t parameterCount, AdamWOptions options);

    // One update with learning rate lr:
    //   p -= lr * weightDecay * p                 (decay tensors)
    //   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
    //   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    void step(AlignedVector<float>& params, const AlignedVector<float>& grads, double lr,
              const ParameterLayout& layout);

    int64_t steps() const { return m_steps; }
    AlignedVector<float>& firstMoment() { return m_first; }
    AlignedVector<float>& secondMoment() { return m_second; }
    const AlignedVector<float>& firstMoment() const { return m_first; }
    const AlignedVector<float>& secondMoment() const { return m_second; }
    void setSteps(int64_t steps) { m_steps = steps; }  // when restoring a checkpoint

private:
    AdamWOptions m_options;
    AlignedVector<float> m_first, m_second;
    int64_t m_steps = 0;
};

// The global L2 norm of the gradients (accumulated in double); when it
// exceeds maxNorm every gradient is scaled by maxNorm / norm. Returns the
// norm before clipping.
double clipGradientNorm(AlignedVector<float>& grads, double maxNorm);

// The learning rate of 0-based step: rising linearly to peak over the first
// warmupSteps steps (peak * (step + 1) / warmupSteps), then falling linearly
// to 0 at totalSteps.
double learningRateAt(int64_t step, int64_t totalSteps, int64_t warmupSteps, double peak);

}  // namespace bertlens::train
