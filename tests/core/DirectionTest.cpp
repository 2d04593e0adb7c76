// Models that read one way: the left-to-right twin (Hugging Face's
// BertLMHeadModel, next-word) and the right-to-left twin (previous-word).
// Their probabilities against a float64 torch forward pass written from
// BertLMHeadModel's definition (tools/make_oneway_fixtures.py); where a word's
// prediction is read; what each direction may and may not see; the config
// keys; the shallow combination by hand; the bundled twins against the same
// reference; and the five-way evaluation scoring
// the same words for every predictor.
#include "Errors.h"
#include "TestSupport.h"
#include "analysis/DirectionComparison.h"
#include "analysis/ShallowBidirectional.h"
#include "io/ModelConfig.h"
#include "model/Encoder.h"
#include "train/Checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>

namespace bertlens {
namespace {

std::vector<int32_t> asIds(const nlohmann::json& j) { return j.get<std::vector<int32_t>>(); }

void checkAgainstTorch(const std::string& fixture, MaskMode expectedMask) {
    const auto model = Model::load(test::modelFixture(fixture).string());
    const nlohmann::json expected = test::readJson(test::modelFixture(fixture) / "expected.json");
    Encoder encoder(model);
    AnalyzeOptions options;
    options.keepDistributions = true;
    options.maskMode = MaskMode::Bidirectional;  // asked for, but a one-way model runs with its own mask
    double worst = 0.0;
    int compared = 0;
    for (const auto& c : expected["cases"]) {
        const std::vector<int32_t> ids = asIds(c["ids"]);
        std::vector<int> positions;
        for (const auto& p : c["predictions"]) positions.push_back(p["position"].get<int>());
        const Analysis a = encoder.forward(ids, asIds(c["types"]), options, positions);
        EXPECT_EQ(a.maskMode, expectedMask);
        ASSERT_EQ(a.predictions.size(), c["predictions"].size()) << c["name"];
        for (size_t i = 0; i < a.predictions.size(); ++i) {
            const auto& want = c["predictions"][i];
            EXPECT_EQ(a.predictions[i].position, want["position"].get<int>());
            EXPECT_EQ(a.predictions[i].fromPosition, want["from_position"].get<int>());
            const auto probs = want["probabilities"].get<std::vector<double>>();
            ASSERT_EQ(probs.size(), a.predictions[i].logProbabilities.size());
            for (size_t v = 0; v < probs.size(); ++v) {
                const double got = std::exp(double(a.predictions[i].logProbabilities[v]));
                worst = std::max(worst, std::abs(got - probs[v]));
                ++compared;
            }
        }
    }
    EXPECT_LT(worst, 1e-5) << fixture;
    EXPECT_GT(compared, 10000);
    std::cout << fixture << ": worst probability difference " << worst << " over " << compared << " values\n";
}

TEST(OneWayModels, LeftToRightMatchesBertLMHeadModelInFloat64Torch) {
    checkAgainstTorch("oneway-l2r", MaskMode::Causal);
}

TEST(OneWayModels, RightToLeftMatchesTheMirroredReference) {
    checkAgainstTorch("oneway-r2l", MaskMode::AntiCausal);
}

TEST(OneWayModels, ConfigKeysSayTheDirection) {
    ModelConfig c;
    c.layers = 1, c.hidden = 8, c.heads = 2, c.intermediate = 8, c.vocabSize = 10, c.maxPositions = 8;
    for (Objective o : {Objective::MaskedLm, Objective::NextWord, Objective::PreviousWord}) {
        c.objective = o;
        const std::string text = c.toJsonText();
        const nlohmann::json j = nlohmann::json::parse(text);
        EXPECT_EQ(j["architectures"][0], objectiveInfo(o).architecture);
        EXPECT_EQ(j.value("is_decoder", false), o == Objective::NextWord);
        EXPECT_EQ(ModelConfig::fromJsonText(text, "config.json").objective, o);
    }
    // A Hugging Face decoder config: is_decoder alone.
    const std::string hf = R"({"model_type": "bert", "is_decoder": true, "num_hidden_layers": 1, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 8, "vocab_size": 10, "max_position_embeddings": 8})";
    EXPECT_EQ(ModelConfig::fromJsonText(hf, "config.json").objective, Objective::NextWord);
    auto withKey = [&](const std::string& key) {
        std::string text = hf;
        text.insert(1, key + ", ");
        return text;
    };
    EXPECT_THROW(ModelConfig::fromJsonText(withKey(R"("bertlens_objective": "previous-word")"), "c"), CheckpointError);
    EXPECT_THROW(ModelConfig::fromJsonText(withKey(R"("bertlens_objective": "sideways")"), "c"), CheckpointError);
    EXPECT_THROW(ModelConfig::fromJsonText(withKey(R"("add_cross_attention": true)"), "c"), CheckpointError);
    try {
        ModelConfig::fromJsonText(withKey(R"("bertlens_objective": 3)"), "config.json");
        FAIL() << "a number is not an objective";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("next-word"), std::string::npos) << e.what();
    }
}

// Three random models over one vocabulary, one of each objective.
class Twins : public ::testing::Test {
protected:
    void SetUp() override {
        std::ifstream in(test::modelFixture("ownvocab-f32") / "vocab.txt");
        for (std::string line; std::getline(in, line);) m_vocab.push_back(line);
        ModelConfig c;
        c.layers = 2, c.hidden = 16, c.heads = 2, c.intermediate = 24, c.maxPositions = 24;
        c.vocabSize = int(m_vocab.size());
        const char* names[] = {"bert", "bert-l2r", "bert-r2l"};
        const Objective objectives[] = {Objective::MaskedLm, Objective::NextWord, Objective::PreviousWord};
        for (int i = 0; i < 3; ++i) {
            c.objective = objectives[i];
            writeRandomCheckpoint((m_dir.path() / names[i]).string(), c, m_vocab, 40 + i);
            m_models[i] = Model::load((m_dir.path() / names[i]).string());
        }
    }
    test::ScratchDir m_dir;
    std::vector<std::string> m_vocab;
    std::shared_ptr<const Model> m_models[3];
};

TEST_F(Twins, EachSideSeesOnlyItsOwnContext) {
    const std::vector<int32_t> ids = {2, 10, 11, 12, 13, 14, 15, 3};
    const std::vector<int32_t> types(ids.size(), 0);
    AnalyzeOptions options;
    options.keepDistributions = true;
    for (int side : {1, 2}) {
        Encoder encoder(m_models[side]);
        const Analysis a = encoder.forward(ids, types, options, {4});
        ASSERT_EQ(a.predictions.size(), 1u);
        EXPECT_EQ(a.objective, side == 1 ? Objective::NextWord : Objective::PreviousWord);
        EXPECT_EQ(a.predictions[0].fromPosition, side == 1 ? 3 : 5);
        // Attention: nothing on the hidden side, rows sum to 1.
        for (int l = 0; l < a.layers; ++l) {
            for (int h = 0; h < a.heads; ++h) {
                const auto map = a.attention(l, h);
                for (int i = 0; i < a.tokenCount; ++i) {
                    EXPECT_NEAR(map.row(i).sum(), 1.0f, 1e-5f);
                    for (int j = 0; j < a.tokenCount; ++j) {
                        if (side == 1 ? j > i : j < i) {
                            EXPECT_EQ(map(i, j), 0.0f);
                        }
                    }
                }
            }
        }
        // Changing the word itself and everything on the hidden side changes
        // nothing; changing a word on the seen side does.
        std::vector<int32_t> hiddenChanged = ids, seenChanged = ids;
        for (int i = 1; i + 1 < int(ids.size()); ++i) {
            if (side == 1 ? i >= 4 : i <= 4) hiddenChanged[size_t(i)] = 20 + i;
        }
        seenChanged[side == 1 ? 2 : 6] = 40;
        const Analysis b = encoder.forward(hiddenChanged, types, options, {4});
        const Analysis c = encoder.forward(seenChanged, types, options, {4});
        EXPECT_EQ(a.predictions[0].logProbabilities, b.predictions[0].logProbabilities);
        EXPECT_NE(a.predictions[0].logProbabilities, c.predictions[0].logProbabilities);
    }
    // The first word has no left neighbour inside a left-to-right run, the
    // last none on the right for a right-to-left one: [CLS] / [SEP] give them.
    Encoder l2r(m_models[1]);
    EXPECT_EQ(l2r.forward(ids, types, options, {0, 1}).predictions.size(), 1u);
}

TEST(ShallowBidirectional, ProductOfTheTwoSidesRenormalisedByHand) {
    // p_l2r = (0.5, 0.3, 0.2), p_r2l = (0.1, 0.6, 0.3): products 0.05, 0.18,
    // 0.06, sum 0.29.
    const std::vector<float> l = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    const std::vector<float> r = {std::log(0.1f), std::log(0.6f), std::log(0.3f)};
    const std::vector<float> c = combineLogProbabilities(l, r);
    EXPECT_NEAR(std::exp(c[0]), 0.05 / 0.29, 1e-6);
    EXPECT_NEAR(std::exp(c[1]), 0.18 / 0.29, 1e-6);
    EXPECT_NEAR(std::exp(c[2]), 0.06 / 0.29, 1e-6);
    EXPECT_THROW(combineLogProbabilities(l, {0.0f}), InputError);
    Prediction left, right;
    left.position = right.position = 3;
    left.logProbabilities = l;
    right.logProbabilities = r;
    const Prediction p = combinePredictions(left, right, Vocab({"a", "b", "c"}), 2);
    ASSERT_EQ(p.top.size(), 2u);
    EXPECT_EQ(p.top[0].token, "b");
    EXPECT_EQ(p.top[1].token, "c");
    EXPECT_EQ(p.position, 3);
}

TEST_F(Twins, FiveWayEvaluationScoresTheSameWordsForEveryPredictor) {
    DirectionEvaluator evaluator(m_models[0], m_models[1], m_models[2]);
    evaluator.add({{2, 10, 11, 12, 13, 3}, {2, 4}, "agreement"});
    evaluator.add({{2, 20, 21, 22, 3}, {1}, "capital"});
    evaluator.add({{2, 30, 31, 32, 33, 34, 3}, {3, 5}, "agreement"});
    const DirectionComparison& r = evaluator.result();
    ASSERT_EQ(r.rows.size(), 5u);
    const char* names[] = {"bidirectional", "masked-lm-causal", "l2r", "r2l", "shallow"};
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(r.rows[i].predictor, names[i]);
        EXPECT_EQ(r.rows[i].masked, 5);
        EXPECT_EQ(r.categories.at("agreement")[i].masked + r.categories.at("capital")[i].masked, 5);
        EXPECT_NEAR(r.categories.at("agreement")[i].nats + r.categories.at("capital")[i].nats, r.rows[i].nats, 1e-9);
    }
    // The l2r row by another route: each word from the prefix alone, read at
    // the prefix's last token (nothing to the right exists at all).
    Encoder l2r(m_models[1]);
    AnalyzeOptions options;
    options.keepDistributions = true;
    double nats = 0;
    const std::vector<std::pair<std::vector<int32_t>, int>> words = {
        {{2, 10, 11, 12, 13, 3}, 2}, {{2, 10, 11, 12, 13, 3}, 4}, {{2, 20, 21, 22, 3}, 1},
        {{2, 30, 31, 32, 33, 34, 3}, 3}, {{2, 30, 31, 32, 33, 34, 3}, 5}};
    for (const auto& [ids, p] : words) {
        const std::vector<int32_t> prefix(ids.begin(), ids.begin() + p);
        const Analysis a = l2r.forward(prefix, std::vector<int32_t>(prefix.size(), 0), options, {p});
        ASSERT_EQ(a.predictions.size(), 1u);
        nats -= a.predictions[0].logProbabilities[size_t(ids[size_t(p)])];
    }
    EXPECT_NEAR(r.rows[2].nats, nats, 1e-4);
    EXPECT_THROW(evaluator.add({{2, 10, 3}, {0}, "x"}), InputError);  // [CLS] is no word to guess
}

TEST_F(Twins, EvaluationRefusesModelsThatDoNotFit) {
    EXPECT_THROW(DirectionEvaluator(m_models[1], m_models[1], nullptr), InputError);  // a twin as BERT
    EXPECT_THROW(DirectionEvaluator(m_models[0], m_models[2], nullptr), InputError);  // r2l given as l2r
    // The fixture's own BERT has the twins' vocabulary: it fits.
    EXPECT_NO_THROW(DirectionEvaluator(Model::load(test::modelFixture("ownvocab-f32").string()), m_models[1], nullptr));
    ModelConfig c = m_models[1]->config();
    std::vector<std::string> smaller(m_vocab.begin(), m_vocab.end() - 1);
    c.vocabSize = int(smaller.size());
    writeRandomCheckpoint((m_dir.path() / "small-l2r").string(), c, smaller, 3);
    EXPECT_THROW(DirectionEvaluator(m_models[0], Model::load((m_dir.path() / "small-l2r").string()), nullptr),
                 InputError);
}

}  // namespace
}  // namespace bertlens

namespace bertlens {
namespace {

// The bundled twins themselves, F16 on disk, against the same float64 torch
// forward pass run on their weights (tools/make_oneway_fixtures.py --bundled):
// every token's probability at every position of a sentence.
TEST(OneWayModels, BundledTwinsMatchTheFloat64Reference) {
    const nlohmann::json expected = test::readJson(test::fixturesDir() / "bundled-twins.json");
    for (const auto& [direction, mode, objective] :
         {std::tuple{"l2r", MaskMode::Causal, Objective::NextWord},
          std::tuple{"r2l", MaskMode::AntiCausal, Objective::PreviousWord}}) {
        const auto folder = std::filesystem::path(BERTLENS_RESOURCES) / "models" / ("bertlens-mini-" + std::string(direction));
        const auto model = Model::load(folder.string());
        EXPECT_EQ(model->config().objective, objective);
        Encoder encoder(model);
        AnalyzeOptions options;
        options.keepDistributions = true;
        double worst = 0.0;
        for (const auto& c : expected[direction]) {
            // The tokenizer gives the ids the reference was given.
            const Encoding e = model->tokenizer().encode(c["text"].get<std::string>());
            ASSERT_EQ(e.ids, asIds(c["ids"]));
            std::vector<int> positions;
            for (const auto& p : c["predictions"]) positions.push_back(p["position"].get<int>());
            const Analysis a = encoder.forward(e.ids, e.typeIds, options, positions);
            EXPECT_EQ(a.maskMode, mode);
            ASSERT_EQ(a.predictions.size(), positions.size());
            for (size_t i = 0; i < positions.size(); ++i) {
                EXPECT_EQ(a.predictions[i].fromPosition, c["predictions"][i]["from_position"].get<int>());
                const auto probs = c["predictions"][i]["probabilities"].get<std::vector<double>>();
                ASSERT_EQ(probs.size(), a.predictions[i].logProbabilities.size());
                for (size_t v = 0; v < probs.size(); ++v)
                    worst = std::max(worst, std::abs(std::exp(double(a.predictions[i].logProbabilities[v])) - probs[v]));
            }
        }
        EXPECT_LT(worst, 1e-5) << direction;
        std::cout << "bundled " << direction << " twin: worst probability difference " << worst << "\n";
    }
}

}  // namespace
}  // namespace bertlens

namespace bertlens {
namespace {

// What the window says about a folder beside the model that is not a usable
// twin: the wrong direction, no prediction head, another vocabulary.
TEST(OneWayModels, TwinProblemsSayWhatIsWrong) {
    const auto root = std::filesystem::path(BERTLENS_RESOURCES) / "models";
    const auto bert = Model::load((root / "bertlens-mini").string());
    const auto l2r = Model::load((root / "bertlens-mini-l2r").string());
    const auto r2l = Model::load((root / "bertlens-mini-r2l").string());
    EXPECT_EQ(twinProblem(*bert, *l2r, Objective::NextWord), "");
    EXPECT_EQ(twinProblem(*bert, *r2l, Objective::PreviousWord), "");
    const std::string wrongWay = twinProblem(*bert, *r2l, Objective::NextWord);
    EXPECT_NE(wrongWay.find("left-to-right"), std::string::npos) << wrongWay;
    EXPECT_NE(wrongWay.find("--objective next-word"), std::string::npos) << wrongWay;
    EXPECT_NE(twinProblem(*bert, *bert, Objective::PreviousWord).find("masked-lm"), std::string::npos);
    const auto other = Model::load(test::modelFixture("oneway-l2r").string());
    EXPECT_NE(twinProblem(*bert, *other, Objective::NextWord).find("different vocabularies"), std::string::npos);
}

}  // namespace
}  // namespace bertlens
