// The encoder against float64 PyTorch outputs (tests/fixtures/models/*/expected.json,
// written by tools/make_model_fixtures.py with torch.nn.TransformerEncoderLayer).
// Three shapes (12 heads; intermediate != 4 x hidden with legacy tensor names;
// an own vocabulary with an untied decoder) x F32/F16/BF16 files x both masks.
#include "TestSupport.h"

#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace bertlens {
namespace {

constexpr double kAttentionTolerance = 1e-4;
constexpr double kHiddenTolerance = 1e-3;
constexpr double kProbabilityTolerance = 1e-4;

struct Worst {
    double error = 0.0;
    std::string where;
    void update(double e, const std::string& w) {
        if (e > error) {
            error = e;
            where = w;
        }
    }
};

class EncoderReference : public ::testing::TestWithParam<std::string> {};

TEST_P(EncoderReference, MatchesTorchInBothMaskModes) {
    const auto dir = test::modelFixture(GetParam());
    const auto model = Model::load(dir.string());
    Encoder encoder(model);
    const auto expected = test::readJson(dir / "expected.json");
    ASSERT_GE(expected["cases"].size(), 6u);
    Worst attention, hidden, probability;
    int comparedTop5 = 0;
    for (const auto& c : expected["cases"]) {
        const std::string name = c["name"].get<std::string>();
        SCOPED_TRACE(GetParam() + " case " + name);
        const auto ids = c["ids"].get<std::vector<int32_t>>();
        const auto types = c["token_type_ids"].get<std::vector<int32_t>>();
        AnalyzeOptions options;
        ASSERT_TRUE(parseMaskMode(c["mask_mode"].get<std::string>(), options.maskMode));
        std::vector<int> all(ids.size());
        std::iota(all.begin(), all.end(), 0);
        const Analysis a = encoder.forward(ids, types, options, all);
        const int n = static_cast<int>(ids.size());

        if (c.contains("attentions")) {
            const auto& att = c["attentions"];
            ASSERT_EQ(static_cast<int>(att.size()), a.layers);
            for (int l = 0; l < a.layers; ++l) {
                ASSERT_EQ(static_cast<int>(att[l].size()), a.heads);
                for (int h = 0; h < a.heads; ++h) {
                    const auto m = a.attention(l, h);
                    for (int q = 0; q < n; ++q) {
                        for (int k = 0; k < n; ++k) {
                            attention.update(std::abs(m(q, k) - att[l][h][q][k].get<double>()),
                                             name + " layer " + std::to_string(l) + " head " + std::to_string(h) +
                                                 " query " + std::to_string(q) + " key " + std::to_string(k));
                        }
                    }
                }
            }
        }
        if (c.contains("hidden_states")) {
            const auto& hs = c["hidden_states"];
            ASSERT_EQ(static_cast<int>(hs.size()), a.layers + 1);
            for (int l = 0; l <= a.layers; ++l) {
                const auto m = a.hiddenState(l);
                for (int t = 0; t < n; ++t) {
                    for (int d = 0; d < a.hidden; ++d) {
                        hidden.update(std::abs(m(t, d) - hs[l][t][d].get<double>()),
                                      name + " state " + std::to_string(l) + " token " + std::to_string(t) + " dim " +
                                          std::to_string(d));
                    }
                }
            }
        }
        const auto ambiguous = c["top5_ambiguous"].get<std::vector<int>>();
        ASSERT_EQ(a.predictions.size(), ids.size());
        for (int p = 0; p < n; ++p) {
            if (std::find(ambiguous.begin(), ambiguous.end(), p) != ambiguous.end()) continue;
            const auto& top = c["top5"][p];
            ASSERT_EQ(a.predictions[p].top.size(), 5u);
            for (int r = 0; r < 5; ++r) {
                EXPECT_EQ(a.predictions[p].top[r].id, top[r]["id"].get<int>()) << "position " << p << " rank " << r;
                probability.update(std::abs(a.predictions[p].top[r].probability - top[r]["prob"].get<double>()),
                                   name + " position " + std::to_string(p));
            }
            ++comparedTop5;
        }
    }
    EXPECT_LE(attention.error, kAttentionTolerance) << "worst at " << attention.where;
    EXPECT_LE(hidden.error, kHiddenTolerance) << "worst at " << hidden.where;
    EXPECT_LE(probability.error, kProbabilityTolerance) << "worst at " << probability.where;
    EXPECT_GT(comparedTop5, 50);
    std::cout << "[ reference ] " << GetParam() << ": max |attention error| " << attention.error
              << ", max |hidden error| " << hidden.error << ", max |prob error| " << probability.error << ", "
              << comparedTop5 << " top-5 lists equal\n";
}

INSTANTIATE_TEST_SUITE_P(AllShapesAndDTypes, EncoderReference,
                         ::testing::Values("h12-f32", "h12-f16", "h12-bf16", "inter-f32", "inter-f16", "inter-bf16",
                                           "ownvocab-f32", "ownvocab-f16", "ownvocab-bf16"),
                         [](const auto& info) {
                             std::string s = info.param;
                             std::replace(s.begin(), s.end(), '-', '_');
                             return s;
                         });

// The whole path a user takes: text in, through the CLI, JSON out.
TEST(EncoderReferenceCli, AnalyzeFromTextMatchesTorch) {
    const auto dir = test::modelFixture("h12-f32");
    const auto expected = test::readJson(dir / "expected.json");
    int checked = 0;
    for (const auto& c : expected["cases"]) {
        // An empty text is refused by design (see BadInputTest).
        if (!c.contains("text") || c.contains("text_pair") || c["text"].get<std::string>().empty()) continue;
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto r =
            test::runCli("analyze --model '" + dir.string() + "' --text - --predict-all --hidden-states --mask-mode " +
                             c["mask_mode"].get<std::string>(),
                         c["text"].get<std::string>());
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto out = nlohmann::json::parse(r.out);
        ASSERT_EQ(out["ids"], c["ids"]);
        EXPECT_EQ(out["mask_mode"], c["mask_mode"]);
        double worst = 0;
        const auto& want = c["attentions"];
        for (size_t l = 0; l < want.size(); ++l)
            for (size_t h = 0; h < want[l].size(); ++h)
                for (size_t q = 0; q < want[l][h].size(); ++q)
                    for (size_t k = 0; k < want[l][h][q].size(); ++k)
                        worst = std::max(worst, std::abs(out["attentions"][l][h][q][k].get<double>() -
                                                         want[l][h][q][k].get<double>()));
        EXPECT_LE(worst, kAttentionTolerance);
        ASSERT_EQ(out["predictions"].size(), c["ids"].size());
        for (size_t p = 0; p < out["predictions"].size(); ++p) {
            EXPECT_EQ(out["predictions"][p]["top"][0]["id"], c["top5"][p][0]["id"]) << "position " << p;
        }
        ASSERT_EQ(out["hidden_states"].size(), c["hidden_states"].size());
        ++checked;
    }
    EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace bertlens
