// The trainer's hand-written backward passes against central finite
// differences, in double precision on tiny shapes: each piece alone (linear,
// LayerNorm, GELU, attention with its softmax, cross-entropy, embeddings with
// the masked-LM head), then the whole model, every parameter tensor by name.
//
// Each piece is checked through a scalar objective L = sum(R * output) with a
// fixed random R, so every output element's gradient path is exercised.
// Error measure: |analytic - numeric| / max(|analytic| + |numeric|, 1e-3).
#include "train/BatchSampler.h"
#include "train/TrainableBert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>

namespace bertlens::train {
namespace {

using M = Mat<double>;
constexpr double kStep = 1e-5;
constexpr double kTolerance = 1e-6;

M randomMatrix(Random& random, int rows, int cols, double scale = 1.0) {
    M m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * random.normal();
    return m;
}

double relativeError(double analytic, double numeric) {
    return std::abs(analytic - numeric) / std::max(std::abs(analytic) + std::abs(numeric), 1e-3);
}

// Compares analytic[i] with the central difference of loss() in values[i],
// for every element; returns the worst relative error. Fails when the
// gradient is zero everywhere (a check that could not fail), unless
// zeroByTheory says it must be.
double checkGradient(const std::string& what, double* values, const double* analytic, Eigen::Index count,
                     const std::function<double()>& loss, bool zeroByTheory = false) {
    double worst = 0.0;
    double largest = 0.0;
    for (Eigen::Index i = 0; i < count; ++i) {
        const double saved = values[i];
        values[i] = saved + kStep;
        const double up = loss();
        values[i] = saved - kStep;
        const double down = loss();
        values[i] = saved;
        const double numeric = (up - down) / (2 * kStep);
        const double error = relativeError(analytic[i], numeric);
        EXPECT_LT(error, kTolerance) << what << "[" << i << "]: analytic " << analytic[i] << ", numeric " << numeric;
        worst = std::max(worst, error);
        largest = std::max(largest, std::abs(analytic[i]));
    }
    if (zeroByTheory) {
        EXPECT_LT(largest, 1e-12) << what << " should have no gradient";
    } else {
        EXPECT_GT(largest, 1e-6) << what << ": the gradient is zero everywhere";
    }
    std::cout << "  " << what << ": worst relative error " << worst << " over " << count << " values\n";
    return worst;
}

double weighted(const M& y, const M& r) {
    return y.cwiseProduct(r).sum();
}

TEST(TrainGradient, Linear) {
    Random random(11);
    M x = randomMatrix(random, 5, 4);
    M w = randomMatrix(random, 3, 4);
    M b = randomMatrix(random, 1, 3);
    const M r = randomMatrix(random, 5, 3);
    auto loss = [&] {
        M y;
        linearForward<double>(x, ConstMatMap<double>(w.data(), 3, 4), ConstVecMap<double>(b.data(), 3), y);
        return weighted(y, r);
    };
    M dx, dw = M::Zero(3, 4), db = M::Zero(1, 3);
    MatMap<double> dwMap(dw.data(), 3, 4);
    VecMap<double> dbMap(db.data(), 3);
    linearBackward<double>(x, ConstMatMap<double>(w.data(), 3, 4), r, &dx, dwMap, dbMap);
    checkGradient("linear dx", x.data(), dx.data(), x.size(), loss);
    checkGradient("linear dW", w.data(), dw.data(), w.size(), loss);
    checkGradient("linear db", b.data(), db.data(), b.size(), loss);
}

TEST(TrainGradient, LayerNorm) {
    Random random(12);
    M x = randomMatrix(random, 4, 6, 2.0);
    x.col(2).array() += 3.0;  // a row mean far from 0
    M gamma = randomMatrix(random, 1, 6);
    M beta = randomMatrix(random, 1, 6);
    const M r = randomMatrix(random, 4, 6);
    LayerNormCache<double> cache;
    auto loss = [&] {
        M y;
        layerNormForward<double>(x, ConstVecMap<double>(gamma.data(), 6), ConstVecMap<double>(beta.data(), 6), 1e-12, y,
                                 cache);
        return weighted(y, r);
    };
    loss();
    M dx, dgamma = M::Zero(1, 6), dbeta = M::Zero(1, 6);
    VecMap<double> dg(dgamma.data(), 6), dbt(dbeta.data(), 6);
    layerNormBackward<double>(r, ConstVecMap<double>(gamma.data(), 6), cache, dx, dg, dbt);
    checkGradient("layernorm dx", x.data(), dx.data(), x.size(), loss);
    checkGradient("layernorm dgamma", gamma.data(), dgamma.data(), gamma.size(), loss);
    checkGradient("layernorm dbeta", beta.data(), dbeta.data(), beta.size(), loss);
    // The forward is torch's: each row of the normalized input has mean 0 and (biased) variance 1.
    for (Eigen::Index i = 0; i < cache.normalized.rows(); ++i) {
        EXPECT_NEAR(cache.normalized.row(i).mean(), 0.0, 1e-12);
        EXPECT_NEAR(cache.normalized.row(i).squaredNorm() / 6.0, 1.0, 1e-9);
    }
}

TEST(TrainGradient, Gelu) {
    Random random(13);
    M x = randomMatrix(random, 3, 5, 1.5);
    const M r = randomMatrix(random, 3, 5);
    auto loss = [&] {
        M y;
        geluForward<double>(x, y);
        return weighted(y, r);
    };
    M dx;
    geluBackward<double>(x, r, dx);
    checkGradient("gelu dx", x.data(), dx.data(), x.size(), loss);
    // Hand values: GELU(1) = 0.5 (1 + erf(1 / sqrt 2)) = 0.8413447460685429.
    M one = M::Constant(1, 1, 1.0), y;
    geluForward<double>(one, y);
    EXPECT_NEAR(y(0, 0), 0.8413447460685429, 1e-15);
}

TEST(TrainGradient, AttentionWithSoftmax) {
    Random random(14);
    const SequenceLayout layout({1, 4, 3}, 2);  // a one-token sequence too
    const int rows = layout.rows(), d = 6;
    M q = randomMatrix(random, rows, d), k = randomMatrix(random, rows, d), v = randomMatrix(random, rows, d);
    const M r = randomMatrix(random, rows, d);
    AlignedVector<double> probs;
    auto loss = [&] {
        M context;
        attentionForward<double>(q, k, v, layout, probs, context);
        return weighted(context, r);
    };
    loss();
    for (int s = 0; s < layout.sequences(); ++s) {
        for (int h = 0; h < 2; ++h) {
            const int n = layout.length[size_t(s)];
            const ConstMatMap<double> p(probs.data() + layout.mapOffset(s, h), n, n);
            for (int i = 0; i < n; ++i) EXPECT_NEAR(p.row(i).sum(), 1.0, 1e-12);
        }
    }
    M dq, dk, dv;
    attentionBackward<double>(q, k, v, layout, probs, r, dq, dk, dv);
    checkGradient("attention dq", q.data(), dq.data(), q.size(), loss);
    checkGradient("attention dk", k.data(), dk.data(), k.size(), loss);
    checkGradient("attention dv", v.data(), dv.data(), v.size(), loss);
}

TEST(TrainGradient, SoftmaxCrossEntropy) {
    Random random(15);
    M logits = randomMatrix(random, 4, 7, 2.0);
    const std::vector<int32_t> targets = {0, 6, 3, 3};
    M dlogits, scratch;
    const double mean = softmaxCrossEntropy<double>(logits, targets, dlogits);
    // By hand: mean of log(sum exp) - logit[target].
    double expected = 0;
    for (int i = 0; i < 4; ++i) expected += std::log(logits.row(i).array().exp().sum()) - logits(i, targets[size_t(i)]);
    EXPECT_NEAR(mean, expected / 4, 1e-12);
    checkGradient("cross-entropy dlogits", logits.data(), dlogits.data(), logits.size(),
                  [&] { return softmaxCrossEntropy<double>(logits, targets, scratch); });
}

ModelConfig tinyConfig(int layers) {
    ModelConfig c;
    c.layers = layers;
    c.hidden = 8;
    c.heads = 2;
    c.intermediate = 12;
    c.vocabSize = 20;
    c.maxPositions = 9;
    c.typeVocabSize = 2;
    c.layerNormEps = 1e-12f;
    return c;
}

// Three sequences of different lengths, the last a sentence pair, with
// masked rows in each.
TrainBatch tinyBatch() {
    TrainBatch b;
    b.addSequence({2, 7, 4, 9, 3}, {0, 0, 0, 0, 0});
    b.addSequence({2, 4, 3}, {0, 0, 0});
    b.addSequence({2, 11, 12, 3, 4, 19, 3}, {0, 0, 0, 0, 1, 1, 1});
    b.maskedRows = {2, 3, 6, 9, 12, 13};
    b.targets = {5, 9, 8, 12, 17, 19};
    return b;
}

// Every parameter of a model, checked element by element. The weights are
// drawn with a large spread (not BERT's 0.02) so that LayerNorm gains,
// biases and attention are far from their trivial starting values.
void checkWholeModel(int layers, Objective objective = Objective::MaskedLm) {
    ModelConfig config = tinyConfig(layers);
    config.objective = objective;
    TrainableBert<double> model(config);
    Random random(16);
    for (const ParameterInfo& t : model.layout().tensors()) {
        const bool gamma = t.name.find("LayerNorm.weight") != std::string::npos;
        for (int64_t i = 0; i < t.size; ++i)
            model.parameters()[size_t(t.offset + i)] = (gamma ? 1.0 : 0.0) + 0.5 * random.normal();
    }
    TrainBatch batch = tinyBatch();
    if (objective != Objective::MaskedLm) {
        // Every neighbour a target, as BatchSampler makes them.
        batch.maskedRows.clear();
        batch.targets.clear();
        int base = 0;
        for (int n : batch.lengths) {
            const std::vector<int32_t> ids(batch.ids.begin() + base, batch.ids.begin() + base + n);
            addNeighbourTargets(objective, base, ids, batch);
            base += n;
        }
        EXPECT_EQ(batch.maskedRows.size(), batch.ids.size() - batch.lengths.size());
    }
    model.zeroGradients();
    model.forward(batch);
    model.backward();
    const AlignedVector<double> analytic = model.gradients();
    double worst = 0.0;
    for (const ParameterInfo& t : model.layout().tensors()) {
        // A key bias adds q.b to every score of a query's row, which the
        // softmax cancels: its gradient is exactly zero, and must come out so.
        const bool keyBias = t.name.find("attention.self.key.bias") != std::string::npos;
        const double error = checkGradient(
            t.name, model.parameters().data() + t.offset, analytic.data() + t.offset, t.size,
            [&] { return model.forward(batch); }, keyBias);
        if (!keyBias) worst = std::max(worst, error);
    }
    std::cout << "whole model, " << objectiveName(objective) << ", " << layers << " layer(s): worst relative error " << worst << " over "
              << model.layout().total() << " parameters (" << model.layout().tensors().size() << " tensors)\n";
}

TEST(TrainGradient, EmbeddingsAndMaskedLmHead) {
    checkWholeModel(0);  // embeddings -> LayerNorm -> head -> cross-entropy, no encoder layer
}

TEST(TrainGradient, WholeModelEveryParameter) {
    checkWholeModel(2);
}

// The one-way objectives: the same model under the causal (next-word) and
// anti-causal (previous-word) mask, every position a loss row.
TEST(TrainGradient, WholeModelNextWord) {
    checkWholeModel(2, Objective::NextWord);
}

TEST(TrainGradient, WholeModelPreviousWord) {
    checkWholeModel(2, Objective::PreviousWord);
}

TEST(TrainGradient, MaskedAttentionHidesTheOtherSide) {
    Random random(17);
    for (MaskMode mask : {MaskMode::Causal, MaskMode::AntiCausal}) {
        const SequenceLayout layout({1, 5, 3}, 2, mask);
        const int rows = layout.rows(), d = 6;
        M q = randomMatrix(random, rows, d), k = randomMatrix(random, rows, d), v = randomMatrix(random, rows, d);
        const M r = randomMatrix(random, rows, d);
        AlignedVector<double> probs;
        auto loss = [&] {
            M context;
            attentionForward<double>(q, k, v, layout, probs, context);
            return weighted(context, r);
        };
        loss();
        for (int s = 0; s < layout.sequences(); ++s) {
            for (int h = 0; h < 2; ++h) {
                const int n = layout.length[size_t(s)];
                const ConstMatMap<double> p(probs.data() + layout.mapOffset(s, h), n, n);
                for (int i = 0; i < n; ++i) {
                    EXPECT_NEAR(p.row(i).sum(), 1.0, 1e-12);
                    for (int j = 0; j < n; ++j) {
                        const bool hidden = mask == MaskMode::Causal ? j > i : j < i;
                        if (hidden) {
                            EXPECT_EQ(p(i, j), 0.0) << maskModeName(mask) << " row " << i << " col " << j;
                        } else {
                            EXPECT_GT(p(i, j), 0.0) << maskModeName(mask) << " row " << i << " col " << j;
                        }
                    }
                }
            }
        }
        // Moving a hidden key or value changes nothing; the gradient still
        // passes the finite-difference check through the visible ones.
        M dq, dk, dv;
        attentionBackward<double>(q, k, v, layout, probs, r, dq, dk, dv);
        checkGradient(std::string(maskModeName(mask)) + " attention dq", q.data(), dq.data(), q.size(), loss);
        checkGradient(std::string(maskModeName(mask)) + " attention dk", k.data(), dk.data(), k.size(), loss);
        checkGradient(std::string(maskModeName(mask)) + " attention dv", v.data(), dv.data(), v.size(), loss);
    }
}

}  // namespace
}  // namespace bertlens::train
