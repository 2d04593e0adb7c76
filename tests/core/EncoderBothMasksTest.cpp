// Encoder::forwardBothMasks runs the bidirectional and the causal pass in one
// pass over the weights; it must give, bit for bit, what two forward() calls
// give: every attention map, hidden state, value vector, prediction and the
// classifier's verdict, in F32 and BF16, with heads switched off, on 1 and 2
// threads, for texts whose two copies fill the columns' padding differently.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <omp.h>

namespace bertlens {
namespace {

void expectSame(const Analysis& joint, const Analysis& alone) {
    EXPECT_EQ(joint.maskMode, alone.maskMode);
    EXPECT_EQ(joint.precision, alone.precision);
    EXPECT_EQ(joint.attentions, alone.attentions);
    EXPECT_EQ(joint.hiddenStates, alone.hiddenStates);
    EXPECT_EQ(joint.values, alone.values);
    ASSERT_EQ(joint.predictions.size(), alone.predictions.size());
    for (size_t i = 0; i < joint.predictions.size(); ++i) {
        const Prediction &a = joint.predictions[i], &b = alone.predictions[i];
        EXPECT_EQ(a.position, b.position);
        EXPECT_EQ(a.fromPosition, b.fromPosition);
        ASSERT_EQ(a.top.size(), b.top.size());
        for (size_t k = 0; k < a.top.size(); ++k) {
            EXPECT_EQ(a.top[k].id, b.top[k].id);
            EXPECT_EQ(a.top[k].probability, b.top[k].probability);
        }
        EXPECT_EQ(a.logProbabilities, b.logProbabilities);
    }
    EXPECT_EQ(joint.classification.probabilities, alone.classification.probabilities);
    EXPECT_EQ(joint.classification.predicted, alone.classification.predicted);
    EXPECT_EQ(joint.classificationOffReason, alone.classificationOffReason);
    EXPECT_EQ(joint.predictionsOffReason, alone.predictionsOffReason);
}

void checkModel(const std::string& folder, const std::vector<std::string>& texts) {
    const auto model = Model::load(folder);
    for (const std::string& text : texts) {
        const Encoding e = model->tokenizer().encode(text);
        std::vector<int> positions;
        for (size_t i = 0; i < e.ids.size(); ++i) {
            if (e.ids[i] == model->vocab().maskId() || i % 5 == 1) positions.push_back(static_cast<int>(i));
        }
        for (Precision precision : {Precision::F32, Precision::Bf16}) {
            for (int threads : {1, 2}) {
                SCOPED_TRACE(testing::Message() << folder << " / " << text << " / " << precisionName(precision)
                                                << " / " << threads << " threads");
                omp_set_num_threads(threads);
                AnalyzeOptions options;
                options.precision = precision;
                options.keepValues = true;
                options.keepDistributions = threads == 1;
                options.topK = 7;
                const auto& c = model->config();
                options.headGates.assign(static_cast<size_t>(c.layers) * c.heads, 1.0f);
                options.headGates[1] = 0.0f;  // layer 0, head 1 switched off
                Encoder joint(model), alone(model);
                const auto [bi, ca] = joint.forwardBothMasks(e.ids, e.typeIds, options, positions);
                options.maskMode = MaskMode::Bidirectional;
                expectSame(bi, alone.forward(e.ids, e.typeIds, options, positions));
                options.maskMode = MaskMode::Causal;
                expectSame(ca, alone.forward(e.ids, e.typeIds, options, positions));
            }
        }
    }
    omp_set_num_threads(omp_get_num_procs());
}

TEST(EncoderBothMasks, EqualsTwoSeparatePassesOnTheBundledModel) {
    checkModel(test::bundledModel(),
               {"the dog [MASK] at the mailman .", "a",
                "the keys to the cabinet [MASK] on the table because the dog [MASK] at the man who was there ."});
}

TEST(EncoderBothMasks, EqualsTwoSeparatePassesOnAClassifierAndOddShapes) {
    checkModel(test::modelFixture("classifier-finetuned").string(), {"the dog barked at the mailman ."});
    checkModel(test::modelFixture("inter-f32").string(), {"a b c d e f g h i j k l m n o p q"});
}

TEST(EncoderBothMasks, RefusesAOneWayModel) {
    const auto model = Model::load(test::modelFixture("oneway-l2r").string());
    Encoder encoder(model);
    const Encoding e = model->tokenizer().encode("a b");
    EXPECT_THROW(encoder.forwardBothMasks(e.ids, e.typeIds, {}, {}), InputError);
}

}  // namespace
}  // namespace bertlens
