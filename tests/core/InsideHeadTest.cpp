// Inside one head (core/analysis/InsideHead): queries, keys and values
// against the float64 torch reference of tools/make_inside_fixture.py
// (tests/fixtures/inside/*.json: two shapes, the first and the last layer,
// both masks); softmax(q kᵀ/√d + mask) against the engine's attention map;
// and `bertlens-cli analyze --inside L:H` and its "parameters" as a user
// sees them, with the one-sentence exit 2 for a head that does not exist.
#include "TestSupport.h"

#include "analysis/AnalyzeRequest.h"
#include "analysis/InsideHead.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bertlens {
namespace {

// Worst |ours - reference| over a [n][d] matrix.
double worstError(const RowMatrix& ours, const nlohmann::json& ref) {
    EXPECT_EQ(ours.rows(), static_cast<Eigen::Index>(ref.size()));
    double worst = 0.0;
    for (Eigen::Index i = 0; i < ours.rows(); ++i) {
        EXPECT_EQ(ours.cols(), static_cast<Eigen::Index>(ref[static_cast<size_t>(i)].size()));
        for (Eigen::Index k = 0; k < ours.cols(); ++k)
            worst = std::max(worst, std::abs(double(ours(i, k)) -
                                             ref[static_cast<size_t>(i)][static_cast<size_t>(k)].get<double>()));
    }
    return worst;
}

class InsideReference : public ::testing::TestWithParam<std::string> {};

TEST_P(InsideReference, QueriesKeysValuesMatchFloat64Torch) {
    const auto model = Model::load(test::modelFixture(GetParam() + "-f32").string());
    Encoder encoder(model);
    const auto fixture = test::readJson(test::fixturesDir() / "inside" / (GetParam() + ".json"));
    double worst = 0.0;
    for (const auto& c : fixture["cases"]) {
        SCOPED_TRACE(c["mode"].get<std::string>() + " " + std::to_string(c["layer"].get<int>()));
        AnalyzeRequest rq;
        ASSERT_TRUE(parseMaskMode(c["mode"].get<std::string>(), rq.encoder.maskMode));
        rq.inside = HeadRef{c["layer"].get<int>(), c["head"].get<int>()};
        const Measures m = runAnalysis(encoder, fixture["text"].get<std::string>(), rq);
        ASSERT_EQ(m.analysis.ids, fixture["ids"].get<std::vector<int32_t>>());
        ASSERT_TRUE(m.inside);
        EXPECT_EQ(m.inside->dim, model->config().headDim());
        worst = std::max({worst, worstError(m.inside->queries, c["queries"]), worstError(m.inside->keys, c["keys"]),
                          worstError(m.inside->values, c["values"])});
        // The row computed from them is torch's attention row too.
        for (int i = 0; i < m.analysis.tokenCount; ++i) {
            const HeadRow row = headRow(*m.inside, i);
            for (int j = 0; j < m.analysis.tokenCount; ++j)
                EXPECT_NEAR(row.probabilities[size_t(j)], c["attention"][size_t(i)][size_t(j)].get<double>(), 1e-6);
        }
    }
    EXPECT_LT(worst, 1e-5);
    std::printf("[ inside %s ] worst q/k/v error %.2g\n", GetParam().c_str(), worst);
}

INSTANTIATE_TEST_SUITE_P(Shapes, InsideReference, ::testing::Values("h12", "inter"));

TEST(InsideHead, SoftmaxOfScaledScoresIsTheEnginesAttention) {
    const auto model = Model::load((std::filesystem::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini").string());
    Encoder encoder(model);
    for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
        AnalyzeOptions o;
        o.maskMode = mode;
        const Analysis a = encoder.analyze("the dog [MASK] at the mailman .", o);
        for (int l = 0; l < a.layers; ++l) {
            for (int h = 0; h < a.heads; ++h) {
                const InsideHead in = insideHead(*model, a, l, h);
                for (int i = 0; i < a.tokenCount; ++i) {
                    const HeadRow row = headRow(in, i);
                    double sum = 0.0;
                    for (int j = 0; j < a.tokenCount; ++j) {
                        EXPECT_NEAR(row.probabilities[size_t(j)], a.attention(l, h)(i, j), 2e-6);
                        sum += row.probabilities[size_t(j)];
                        // The mask: -inf right of the diagonal, left to right.
                        if (mode == MaskMode::Causal && j > i) {
                            EXPECT_TRUE(std::isinf(row.scores[size_t(j)]));
                        }
                        if (j <= i) {
                            EXPECT_TRUE(std::isfinite(row.scores[size_t(j)]));
                        }
                    }
                    EXPECT_NEAR(sum, 1.0, 1e-12);
                    // o_i = Σ_j α_ij v_j, summed here another way round.
                    const Eigen::VectorXd out =
                        in.values.cast<double>().transpose() *
                        Eigen::Map<const Eigen::VectorXd>(row.probabilities.data(), a.tokenCount);
                    for (int k = 0; k < in.dim; ++k) EXPECT_NEAR(row.output[size_t(k)], out[k], 1e-9);
                }
            }
        }
    }
}

TEST(InsideHead, TopDimensionsAreTheLargestProducts) {
    InsideHead in;
    in.dim = 4;
    in.queries = RowMatrix(1, 4);
    in.keys = RowMatrix(2, 4);
    in.queries << 1.0f, -2.0f, 0.5f, 3.0f;
    in.keys << 1.0f, 1.0f, 1.0f, 1.0f, 4.0f, 0.1f, -1.0f, 0.0f;
    EXPECT_EQ(topDimensions(in, 0, 0, 2), (std::vector<int>{3, 1}));     // |3|, |-2|
    EXPECT_EQ(topDimensions(in, 0, 1, 3), (std::vector<int>{0, 2, 1}));  // 4, 0.5, 0.2
}

TEST(InsideHead, CliWritesInsideAndParameters) {
    const std::string model = test::modelFixture("inter-f32").string();
    const auto fixture = test::readJson(test::fixturesDir() / "inside" / "inter.json");
    for (const auto& c : fixture["cases"]) {
        if (c["layer"].get<int>() == 0) continue;  // a later layer, under both masks
        const std::string spec = std::to_string(c["layer"].get<int>()) + ":" + std::to_string(c["head"].get<int>());
        const test::CliResult r = test::runCli("analyze --model '" + model + "' --text - --mask-mode " +
                                                   c["mode"].get<std::string>() + " --inside " + spec,
                                               fixture["text"].get<std::string>());
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto j = nlohmann::json::parse(r.out);
        const auto& in = j["inside"];
        EXPECT_EQ(in["layer"], c["layer"]);
        EXPECT_EQ(in["head"], c["head"]);
        for (const char* key : {"queries", "keys", "values"}) {
            double worst = 0.0;
            for (size_t i = 0; i < c[key].size(); ++i)
                for (size_t k = 0; k < c[key][i].size(); ++k)
                    worst = std::max(worst, std::abs(in[key][i][k].get<double>() - c[key][i][k].get<double>()));
            EXPECT_LT(worst, 1e-5) << key;
        }
        // The "parameters" key: the file's own tensor count (legacy names, a
        // pooler, and a 64-element I64 position_ids buffer that is no parameter).
        EXPECT_EQ(j["parameters"].get<int64_t>(), 3 * 4 * (64 * 64 + 64) + 2 * 3 * 128 +
                                                      3 * (64 * 96 + 96 + 96 * 64 + 64) + (150 + 64 + 2) * 64 + 128 +
                                                      (64 * 64 + 64) + (64 * 64 + 64 + 128 + 150));
        EXPECT_EQ(j["parameters_by_part"]["pooler"].get<int64_t>(), 64 * 64 + 64);
        EXPECT_TRUE(j["parameters_by_part"]["decoder_tied"].get<bool>());
    }
    for (const char* bad : {"3:0", "0:4", "-1:0", "x:1"}) {
        const test::CliResult r = test::runCli("analyze --model '" + model + "' --text 'the dog' --inside " + bad);
        EXPECT_EQ(r.exitCode, 2) << bad;
        EXPECT_TRUE(r.out.empty());
        // One sentence naming the flag, then the command's usage (as for --ablate).
        EXPECT_EQ(r.err.rfind("bertlens-cli: --inside ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find("\nusage:"), std::string::npos) << r.err;
    }
    const test::CliResult text = test::runCli("analyze --model '" + model + "' --text 'the dog' --format text");
    ASSERT_EQ(text.exitCode, 0);
    EXPECT_NE(text.out.find("parameters: "), std::string::npos);
}

}  // namespace
}  // namespace bertlens
