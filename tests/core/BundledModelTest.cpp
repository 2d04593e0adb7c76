// The bundled model (resources/models/bertlens-mini) answers the classroom
// probes, and the left-to-right (causal) mask visibly does worse on them:
// the right answer gets a lower probability when each token may only look
// back. The expected answers come from the world the corpus describes and
// from English grammar, not from an earlier run of the model.
#include "TestSupport.h"

#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

namespace bertlens {
namespace {

const std::shared_ptr<const Model>& model() {
    static const std::shared_ptr<const Model> m = Model::load(test::bundledModel());
    return m;
}

// Every token's probability at the one [MASK] of the text.
std::map<std::string, float> maskProbabilities(const std::string& text, MaskMode mode) {
    Encoder encoder(model());
    AnalyzeOptions options;
    options.maskMode = mode;
    options.topK = model()->config().vocabSize;
    const Analysis a = encoder.analyze(text, options);
    EXPECT_EQ(a.predictions.size(), 1u) << text;
    std::map<std::string, float> p;
    if (a.predictions.empty()) return p;
    for (const TokenProbability& t : a.predictions[0].top) p[t.token] = t.probability;
    return p;
}

std::string top(const std::string& text, MaskMode mode) {
    Encoder encoder(model());
    AnalyzeOptions options;
    options.maskMode = mode;
    options.topK = 1;
    const Analysis a = encoder.analyze(text, options);
    return a.predictions.empty() ? std::string() : a.predictions[0].top[0].token;
}

TEST(BundledModel, IsASmallF16BertWithAMaskedLmHead) {
    ASSERT_TRUE(model()->hasMlmHead());
    EXPECT_EQ(model()->weightDType(), "F16");
    EXPECT_EQ(model()->config().maxPositions, 128);
    EXPECT_EQ(model()->vocab().find("[MASK]"), 4);
}

TEST(BundledModel, CapitalOfFranceIsParisAndTheCausalMaskIsLessSure) {
    const std::string probe = "the capital of france is [MASK] .";
    EXPECT_EQ(top(probe, MaskMode::Bidirectional), "paris");
    const float both = maskProbabilities(probe, MaskMode::Bidirectional)["paris"];
    const float left = maskProbabilities(probe, MaskMode::Causal)["paris"];
    std::cout << "  P(paris): bidirectional " << both << ", causal " << left << "\n";
    EXPECT_LT(left, both);
}

TEST(BundledModel, KeysToTheCabinetAreAndTheCausalMaskIsLessSure) {
    const std::string probe = "the keys to the cabinet [MASK] on the table .";
    const auto both = maskProbabilities(probe, MaskMode::Bidirectional);
    const auto left = maskProbabilities(probe, MaskMode::Causal);
    std::cout << "  P(are) / P(is): bidirectional " << both.at("are") << " / " << both.at("is") << ", causal "
              << left.at("are") << " / " << left.at("is") << "\n";
    EXPECT_GT(both.at("are"), both.at("is"));
    EXPECT_LT(left.at("are"), both.at("are"));
}

TEST(BundledModel, TheDogBarksAndTheCausalMaskIsLessSure) {
    const std::string probe = "the dog [MASK] at the mailman .";
    const std::string answer = top(probe, MaskMode::Bidirectional);
    EXPECT_TRUE(answer == "barked" || answer == "barks") << answer;
    const auto both = maskProbabilities(probe, MaskMode::Bidirectional);
    const auto left = maskProbabilities(probe, MaskMode::Causal);
    const float bark = both.at("barked") + both.at("barks");
    const float barkLeft = left.at("barked") + left.at("barks");
    std::cout << "  P(barked) + P(barks): bidirectional " << bark << ", causal " << barkLeft << "\n";
    EXPECT_LT(barkLeft, bark);
}

// The same probes through the command line, as a student would type them.
TEST(BundledModel, CommandLineAnalyzeGivesTheProbesTopWords) {
    const struct {
        const char* text;
        const char* mode;
        std::vector<std::string> expected;  // any of these on top
    } probes[] = {
        {"the capital of france is [MASK] .", "bidirectional", {"paris"}},
        {"the dog [MASK] at the mailman .", "bidirectional", {"barked", "barks"}},
        {"the keys to the cabinet [MASK] on the table .", "bidirectional", {"are", "were"}},
    };
    for (const auto& p : probes) {
        const auto r = test::runCli("analyze --model '" + test::bundledModel() + "' --top-k 3 --mask-mode " + p.mode +
                                    " --text '" + p.text + "'");
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto j = nlohmann::json::parse(r.out);
        ASSERT_EQ(j["predictions"].size(), 1u) << p.text;
        const std::string top = j["predictions"][0]["top"][0]["token"];
        EXPECT_NE(std::find(p.expected.begin(), p.expected.end(), top), p.expected.end()) << p.text << ": " << top;
    }
}

}  // namespace
}  // namespace bertlens
