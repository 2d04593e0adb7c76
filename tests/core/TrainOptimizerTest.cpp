// AdamW, gradient clipping and the learning-rate schedule against values
// worked out by hand from their definitions (torch.optim.AdamW's update with
// decoupled weight decay and bias correction).
#include "train/AdamW.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bertlens::train {
namespace {

ModelConfig tiny() {
    ModelConfig c;
    c.layers = 1;
    c.hidden = 4;
    c.heads = 2;
    c.intermediate = 6;
    c.vocabSize = 10;
    c.maxPositions = 8;
    return c;
}

TEST(TrainOptimizer, AdamWTwoStepsByHand) {
    const ParameterLayout layout(tiny());
    const ParameterInfo& word = *layout.find("bert.embeddings.word_embeddings.weight");  // decayed
    const ParameterInfo& beta = *layout.find("bert.embeddings.LayerNorm.bias");          // not decayed
    ASSERT_TRUE(word.decay);
    ASSERT_FALSE(beta.decay);
    AlignedVector<float> params(size_t(layout.total()), 0.5f), grads(size_t(layout.total()), 0.0f);
    const size_t w = size_t(word.offset), b = size_t(beta.offset);
    AdamW adam(layout.total(), {0.9, 0.999, 1e-6, 0.1});

    grads[w] = 0.2f;
    grads[b] = -0.4f;
    adam.step(params, grads, 0.01, layout);
    // Step 1: m = 0.1 g, v = 0.001 g^2; corrected m/(1-0.9) = g, v/(1-0.999) = g^2,
    // so the update is lr * g / (|g| + eps); decay first multiplies by 1 - lr * wd.
    const double w1 = 0.5 * (1 - 0.01 * 0.1) - 0.01 * 0.2 / (0.2 + 1e-6);
    const double b1 = 0.5 + 0.01 * 0.4 / (0.4 + 1e-6);
    EXPECT_NEAR(params[w], w1, 1e-6);
    EXPECT_NEAR(params[b], b1, 1e-6);
    EXPECT_FLOAT_EQ(params[w + 1], float(0.5 * (1 - 0.01 * 0.1)));  // zero gradient: decay only
    EXPECT_FLOAT_EQ(params[b + 1], 0.5f);                           // no gradient, no decay

    grads[w] = -0.1f;
    adam.step(params, grads, 0.02, layout);
    const double m = 0.9 * (0.1 * 0.2) + 0.1 * -0.1;
    const double v = 0.999 * (0.001 * 0.04) + 0.001 * 0.01;
    const double w2 = w1 * (1 - 0.02 * 0.1) - 0.02 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-6);
    EXPECT_NEAR(params[w], w2, 2e-6);
    EXPECT_EQ(adam.steps(), 2);
}

TEST(TrainOptimizer, ClippingScalesToTheGlobalNormOnlyWhenAbove) {
    AlignedVector<float> g = {3.0f, 0.0f, -4.0f};
    EXPECT_DOUBLE_EQ(clipGradientNorm(g, 1.0), 5.0);
    EXPECT_FLOAT_EQ(g[0], 0.6f);
    EXPECT_FLOAT_EQ(g[2], -0.8f);
    AlignedVector<float> small = {0.3f, 0.4f};
    EXPECT_NEAR(clipGradientNorm(small, 1.0), 0.5, 1e-7);
    EXPECT_FLOAT_EQ(small[0], 0.3f);  // untouched
}

TEST(TrainOptimizer, LearningRateWarmsUpLinearlyThenDecaysToZero) {
    EXPECT_DOUBLE_EQ(learningRateAt(0, 100, 10, 1.0), 0.1);
    EXPECT_DOUBLE_EQ(learningRateAt(4, 100, 10, 1.0), 0.5);
    EXPECT_DOUBLE_EQ(learningRateAt(9, 100, 10, 1.0), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(10, 100, 10, 1.0), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(55, 100, 10, 2.0), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(99, 100, 10, 0.9), 0.01);
    EXPECT_DOUBLE_EQ(learningRateAt(0, 100, 0, 1.0), 1.0);  // no warm-up
}

}  // namespace
}  // namespace bertlens::train
