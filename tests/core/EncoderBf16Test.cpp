// The encoder under Precision::Bf16, held against
//  - a float64 reference that rounds each linear layer's input and weights to
//    BF16 (tools/make_bf16_fixture.py): the engine must be near it, and nearer
//    to it than the float32 engine is, so the test sees the rounding happen;
//  - the float32 engine on the bundled model's classroom probes, with the
//    tolerances README states for teaching: every probe keeps its top guess,
//    probabilities within 0.01, attention weights within 0.02 (a fiftieth of
//    the colour scale);
//  - itself on 1 and 2 threads (same bits).
#include "TestSupport.h"

#include "model/Encoder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace bertlens {
namespace {

double maxDifference(const std::vector<float>& got, const std::vector<double>& want) {
    EXPECT_EQ(got.size(), want.size());
    double worst = 0.0;
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) worst = std::max(worst, std::fabs(got[i] - want[i]));
    return worst;
}

std::vector<float> lastHidden(const Analysis& a) {
    const auto n = static_cast<size_t>(a.tokenCount) * a.hidden;
    return {a.hiddenStates.end() - static_cast<std::ptrdiff_t>(n), a.hiddenStates.end()};
}

TEST(EncoderBf16, MatchesTheFloat64ReferenceThatRoundsLikeIt) {
    std::ifstream file(test::fixturesDir() / "bf16" / "h12-bf16-precision.json");
    ASSERT_TRUE(file) << "tests/fixtures/bf16/h12-bf16-precision.json (tools/make_bf16_fixture.py)";
    const nlohmann::json fixture = nlohmann::json::parse(file);
    const auto model = Model::load(test::modelFixture("h12-bf16").string());
    Encoder encoder(model);
    ASSERT_FALSE(fixture["cases"].empty());
    for (const auto& c : fixture["cases"]) {
        const std::vector<int32_t> ids = c["ids"].get<std::vector<int32_t>>();
        const std::vector<int32_t> types(ids.size(), 0);
        AnalyzeOptions options;
        ASSERT_TRUE(parseMaskMode(c["mask_mode"].get<std::string>(), options.maskMode));
        options.precision = Precision::Bf16;
        const Analysis bf16 = encoder.forward(ids, types, options, {});
        options.precision = Precision::F32;
        const Analysis f32 = encoder.forward(ids, types, options, {});
        EXPECT_EQ(bf16.precision, Precision::Bf16);
        EXPECT_EQ(f32.precision, Precision::F32);
        const auto want = c["bf16"]["attentions"].get<std::vector<double>>();
        const auto wantHidden = c["bf16"]["last_hidden"].get<std::vector<double>>();
        const auto exact = c["float64"]["attentions"].get<std::vector<double>>();
        const double bf16Error = maxDifference(bf16.attentions, want);
        const double f32Distance = maxDifference(f32.attentions, want);
        SCOPED_TRACE(testing::Message() << ids.size() << " tokens, " << c["mask_mode"]);
        // The float32 engine is exact against the unrounded reference...
        EXPECT_LT(maxDifference(f32.attentions, exact), 1e-5);
        // ...and the rounding moves the maps by far more than the BF16 engine
        // misses its reference by (a float32 sum can land an input on the other
        // side of a BF16 rounding step, so not 1e-6).
        EXPECT_LT(bf16Error, 2e-4);
        EXPECT_GT(f32Distance, 5.0 * bf16Error);
        EXPECT_LT(maxDifference(lastHidden(bf16), wantHidden), 5e-4);
    }
}

std::vector<std::string> classroomProbes() {
    return {"the capital of france is [MASK] .", "the dog [MASK] at the mailman .",
            "the [MASK] barked at the mailman .", "the keys to the cabinet [MASK] on the table .",
            "the key to the cabinets [MASK] on the table .", "the [MASK] of france is paris ."};
}

TEST(EncoderBf16, KeepsEveryClassroomProbesTopGuessOnTheBundledModel) {
    const auto model = Model::load(test::bundledModel());
    Encoder encoder(model);
    for (const std::string& text : classroomProbes()) {
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            SCOPED_TRACE(text + " / " + maskModeName(mode));
            AnalyzeOptions options;
            options.maskMode = mode;
            options.topK = model->config().vocabSize;
            const Analysis f32 = encoder.analyze(text, options);
            options.precision = Precision::Bf16;
            const Analysis bf16 = encoder.analyze(text, options);
            ASSERT_EQ(f32.predictions.size(), 1u);
            ASSERT_EQ(bf16.predictions.size(), 1u);
            EXPECT_EQ(bf16.predictions[0].top[0].token, f32.predictions[0].top[0].token);
            double worstProbability = 0.0;
            for (const TokenProbability& t : f32.predictions[0].top) {
                const auto& other = bf16.predictions[0].top;
                const auto same = std::find_if(other.begin(), other.end(), [&](const TokenProbability& u) { return u.id == t.id; });
                ASSERT_NE(same, other.end());
                worstProbability = std::max(worstProbability, double(std::fabs(same->probability - t.probability)));
            }
            EXPECT_LE(worstProbability, 0.01);
            double worstWeight = 0.0;
            for (size_t i = 0; i < f32.attentions.size(); ++i) {
                worstWeight = std::max(worstWeight, double(std::fabs(f32.attentions[i] - bf16.attentions[i])));
            }
            EXPECT_LE(worstWeight, 0.02);
            EXPECT_GT(worstWeight, 0.0) << "the BF16 run must not be the float32 one";
        }
    }
}

TEST(EncoderBf16, OneAndTwoThreadsGiveTheSameBits) {
    const auto model = Model::load(test::bundledModel());
    AnalyzeOptions options;
    options.precision = Precision::Bf16;
    const std::string text = "the keys to the cabinet [MASK] on the table because the dog [MASK] .";
    Analysis runs[2];
    for (int t = 0; t < 2; ++t) {
        omp_set_num_threads(t + 1);
        Encoder encoder(model);
        runs[t] = encoder.analyze(text, options);
    }
    omp_set_num_threads(omp_get_num_procs());
    EXPECT_EQ(runs[0].attentions, runs[1].attentions);
    EXPECT_EQ(runs[0].hiddenStates, runs[1].hiddenStates);
}

}  // namespace
}  // namespace bertlens
