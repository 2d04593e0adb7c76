// Properties every analysis must have, whatever the weights: attention rows
// are probability distributions; the causal mask hides the future exactly,
// so a token's numbers under it do not change when text is added after it;
// the two mask modes give different results; the thread count changes no bit.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <filesystem>

namespace bertlens {
namespace {

class EncoderProperties : public ::testing::TestWithParam<std::string> {
protected:
    std::shared_ptr<const Model> model = Model::load(test::modelFixture(GetParam()).string());
    Encoder encoder{model};
    Analysis run(MaskMode mode) { return encoder.analyze("the [MASK] barked at the mailman .", {mode}); }
};

TEST_P(EncoderProperties, EveryAttentionRowSumsToOne) {
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
        const Analysis a = run(mode);
        for (int l = 0; l < a.layers; ++l) {
            for (int h = 0; h < a.heads; ++h) {
                const auto m = a.attention(l, h);
                for (int q = 0; q < a.tokenCount; ++q) {
                    EXPECT_NEAR(m.row(q).sum(), 1.0f, 1e-5f)
                        << maskModeName(mode) << " " << l << "/" << h << " row " << q;
                    EXPECT_GE(m.row(q).minCoeff(), 0.0f);
                }
            }
        }
    }
}

TEST_P(EncoderProperties, CausalMaskHidesEveryLaterToken) {
    const Analysis a = run(MaskMode::Causal);
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            const auto m = a.attention(l, h);
            EXPECT_EQ(m(0, 0), 1.0f) << "the first token can only attend to itself";
            for (int q = 0; q < a.tokenCount; ++q) {
                for (int k = q + 1; k < a.tokenCount; ++k)
                    ASSERT_EQ(m(q, k), 0.0f) << l << "/" << h << " " << q << "->" << k;
            }
        }
    }
}

TEST_P(EncoderProperties, BidirectionalAndCausalRunsDiffer) {
    const Analysis bi = run(MaskMode::Bidirectional);
    const Analysis causal = run(MaskMode::Causal);
    ASSERT_EQ(bi.attentions.size(), causal.attentions.size());
    float largest = 0;
    for (size_t i = 0; i < bi.attentions.size(); ++i)
        largest = std::max(largest, std::abs(bi.attentions[i] - causal.attentions[i]));
    EXPECT_GT(largest, 0.05f);
    // The last token sees everything in both modes, yet its state differs
    // because the earlier tokens' states differ.
    EXPECT_GT((bi.hiddenState(bi.layers) - causal.hiddenState(causal.layers)).cwiseAbs().maxCoeff(), 1e-3f);
    ASSERT_EQ(bi.predictions.size(), 1u);
    EXPECT_EQ(bi.predictions[0].position, 2);
}

TEST_P(EncoderProperties, RunsAreRepeatableWithReusedBuffers) {
    const Analysis first = run(MaskMode::Bidirectional);
    encoder.analyze("a much longer sentence to resize every scratch buffer of the encoder", {});
    const Analysis again = run(MaskMode::Bidirectional);
    EXPECT_EQ(first.attentions, again.attentions);
    EXPECT_EQ(first.hiddenStates, again.hiddenStates);
}

// ids [CLS] w w ... [SEP] of length n from the model's own vocabulary range.
std::vector<int32_t> sentenceIds(const Model& model, int n) {
    const int vocab = model.config().vocabSize;
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = static_cast<int32_t>((7 + 31 * i) % vocab);
    return ids;
}

void expectSameBitsWithOneOrTwoThreads(Encoder& encoder, const std::vector<int32_t>& ids, MaskMode mode) {
    const std::vector<int32_t> types(ids.size(), 0);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const Analysis one = encoder.forward(ids, types, {mode}, {1});
    omp_set_num_threads(2);
    const Analysis two = encoder.forward(ids, types, {mode}, {1});
    omp_set_num_threads(before);
    EXPECT_EQ(one.attentions, two.attentions) << maskModeName(mode);
    EXPECT_EQ(one.hiddenStates, two.hiddenStates) << maskModeName(mode);
    ASSERT_EQ(one.predictions.size(), two.predictions.size());
    for (size_t i = 0; i < one.predictions.size(); ++i) {
        for (size_t r = 0; r < one.predictions[i].top.size(); ++r) {
            EXPECT_EQ(one.predictions[i].top[r].id, two.predictions[i].top[r].id);
            EXPECT_EQ(one.predictions[i].top[r].probability, two.predictions[i].top[r].probability);
        }
    }
}

// Under the left-to-right mask token i sees tokens 0..i only, so running the
// first m tokens alone must give those tokens the same attention rows and
// hidden states as running all n.
void expectCausalPrefixUnchanged(Encoder& encoder, int n, int m) {
    const std::vector<int32_t> ids = sentenceIds(encoder.model(), n);
    const std::vector<int32_t> prefixIds(ids.begin(), ids.begin() + m);
    const Analysis all = encoder.forward(ids, std::vector<int32_t>(ids.size(), 0), {MaskMode::Causal}, {});
    const Analysis prefix = encoder.forward(prefixIds, std::vector<int32_t>(prefixIds.size(), 0), {MaskMode::Causal}, {});
    for (int l = 0; l <= all.layers; ++l) {
        ASSERT_EQ(all.hiddenState(l).topRows(m), prefix.hiddenState(l)) << "layer " << l;
    }
    for (int l = 0; l < all.layers; ++l) {
        for (int h = 0; h < all.heads; ++h) {
            ASSERT_EQ(all.attention(l, h).topLeftCorner(m, m), prefix.attention(l, h)) << l << "/" << h;
        }
    }
}

TEST_P(EncoderProperties, ThreadCountChangesNoBit) {
    const int n = model->config().maxPositions;
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
        expectSameBitsWithOneOrTwoThreads(encoder, sentenceIds(*model, n), mode);
        expectSameBitsWithOneOrTwoThreads(encoder, sentenceIds(*model, 9), mode);
    }
}

TEST_P(EncoderProperties, CausalNumbersOfATokenDoNotChangeWhenTextFollows) {
    const int n = model->config().maxPositions;
    expectCausalPrefixUnchanged(encoder, n, n - 19);
    expectCausalPrefixUnchanged(encoder, n, 3);
    expectCausalPrefixUnchanged(encoder, 20, 17);
}

// The bundled model reads 128 tokens: more than one 64-column panel and the
// shapes the window runs most.
TEST(EncoderPropertiesBundled, LongInputsKeepEveryProperty) {
    const auto model = Model::load(
        (std::filesystem::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini").string());
    Encoder encoder(model);
    expectCausalPrefixUnchanged(encoder, 128, 100);
    expectCausalPrefixUnchanged(encoder, 77, 65);
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
        expectSameBitsWithOneOrTwoThreads(encoder, sentenceIds(*model, 128), mode);
        expectSameBitsWithOneOrTwoThreads(encoder, sentenceIds(*model, 70), mode);
        const Analysis a = encoder.forward(sentenceIds(*model, 100), std::vector<int32_t>(100, 0), {mode}, {});
        for (int l = 0; l < a.layers; ++l) {
            for (int h = 0; h < a.heads; ++h) {
                const auto rowSums = a.attention(l, h).rowwise().sum();
                ASSERT_LT((rowSums.array() - 1.0f).abs().maxCoeff(), 1e-5f) << l << "/" << h;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, EncoderProperties, ::testing::Values("h12-f32", "inter-bf16", "ownvocab-f16"),
                         [](const auto& info) {
                             std::string s = info.param;
                             std::replace(s.begin(), s.end(), '-', '_');
                             return s;
                         });

TEST(EncoderCancel, StopsBetweenLayers) {
    Encoder encoder(Model::load(test::modelFixture("h12-f32").string()));
    std::atomic<bool> cancel{true};
    AnalyzeOptions options;
    options.cancel = &cancel;
    EXPECT_THROW(encoder.analyze("the dog barked", options), Cancelled);
    cancel = false;
    EXPECT_EQ(encoder.analyze("the dog barked", options).layers, 2);
}

}  // namespace
}  // namespace bertlens

namespace bertlens {
namespace {

// A plain BertModel (no cls.predictions.*) still shows attention, the same
// attention as with the head, and says why there are no predictions.
TEST(CheckpointVariants, ModelWithoutMlmHeadShowsAttentionAndSaysWhyNoPredictions) {
    test::ScratchDir scratch;
    const auto dir = scratch.copyModel("h12-f32");
    test::rewriteSafetensors(dir / "model.safetensors", [](nlohmann::json& header, std::string&) {
        for (auto it = header.begin(); it != header.end();) {
            it = it.key().rfind("cls.", 0) == 0 ? header.erase(it) : std::next(it);
        }
    });
    Encoder plain(Model::load(dir.string()));
    Encoder full(Model::load(test::modelFixture("h12-f32").string()));
    const Analysis a = plain.analyze("the [MASK] barked", {});
    EXPECT_TRUE(a.predictions.empty());
    EXPECT_NE(a.predictionsOffReason.find("no masked-LM head"), std::string::npos) << a.predictionsOffReason;
    EXPECT_EQ(a.attentions, full.analyze("the [MASK] barked", {}).attentions);
}

}  // namespace
}  // namespace bertlens
