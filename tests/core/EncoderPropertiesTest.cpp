// Properties every analysis must have, whatever the weights: attention rows
// are probability distributions; the causal mask hides the future exactly;
// the two mask modes give different results.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

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
