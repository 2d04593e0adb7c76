// The head summary (Clark et al. 2019) against hand computations, against
// tools/head_summary_reference.py (float64 numpy from analyze's attentions),
// streaming against all at once, and bad corpus lines through the CLI.
#include "TestSupport.h"
#include "analysis/CorpusLines.h"
#include "analysis/HeadSummary.h"
#include "model/Encoder.h"
#include "train/CorpusGenerator.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace bertlens {
namespace {

const char* kKeys[] = {"entropy",        "distance", "to_cls",      "to_sep",
                       "to_punctuation", "to_self",  "to_previous", "to_next"};

std::vector<double> values(const HeadStatistics& s) {
    return {s.entropy, s.distance, s.toCls, s.toSep, s.toPunctuation, s.toSelf, s.toPrevious, s.toNext};
}

// [CLS] , [SEP] : head 0 a made-up map, head 1 uniform.
KeyRoles threeRoles() {
    std::vector<Token> tokens(3);
    tokens[0].text = "[CLS]";
    tokens[1].text = ",";
    tokens[2].text = "[SEP]";
    return keyRoles(tokens);
}

TEST(HeadSummary, StatisticsMatchAHandComputation) {
    const float third = 1.0f / 3.0f;
    const std::vector<float> att = {0.5f,  0.25f, 0.25f, 0.2f,  0.6f,  0.2f,  0.1f,  0.3f,  0.6f,
                                    third, third, third, third, third, third, third, third, third};
    HeadSummaryAccumulator acc(1, 2, true);
    acc.add(att.data(), 3, threeRoles(), MaskMode::Bidirectional);
    const auto s = acc.statistics();
    const double e = (1.5 * std::log(2.0) + 0.4 * std::log(5.0) + 0.6 * std::log(5.0 / 3) + 0.1 * std::log(10.0) +
                      0.3 * std::log(10.0 / 3) + 0.6 * std::log(5.0 / 3)) /
                     3;
    const std::vector<double> want = {e, 0.55, 0.8 / 3, 0.35, 1.15 / 3, 1.7 / 3, 0.5 / 3, 0.15};
    const auto got = values(s[0]);
    for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-7) << kKeys[k];
    EXPECT_NEAR(s[1].entropy, std::log(3.0), 1e-7);
    EXPECT_NEAR(s[1].distance, (1.0 + 2.0 / 3 + 1.0) / 3, 1e-7);  // rows 0,1,2: (0+1+2)/3, (1+0+1)/3, (2+1+0)/3
    EXPECT_NEAR(s[1].toPrevious, 2.0 / 9, 1e-7);
}

TEST(HeadSummary, CausalRowsCountOnlyTheKeysTheySee) {
    // Weight right of the diagonal is ignored under the causal mask, even if present.
    const std::vector<float> att = {1.0f, 0.3f, 0.3f, 0.25f, 0.75f, 0.4f, 0.2f, 0.3f, 0.5f};
    HeadSummaryAccumulator acc(1, 1, false);
    acc.add(att.data(), 3, threeRoles(), MaskMode::Causal);
    const HeadStatistics s = acc.statistics()[0];
    EXPECT_DOUBLE_EQ(s.toNext, 0.0);
    EXPECT_NEAR(s.toPrevious, (0.25 + 0.3) / 3, 1e-7);
    EXPECT_NEAR(s.toSep, 0.5 / 3, 1e-7);
    EXPECT_NEAR(s.distance, (0.25 + 0.4 + 0.3) / 3, 1e-7);
}

TEST(HeadSummary, JsDistanceOfDisjointRowsIsSqrtLn2) {
    // Head 0 looks at itself, head 1 at [CLS]: rows 1 and 2 disjoint, row 0 equal.
    const std::vector<float> att = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0};
    HeadSummaryAccumulator acc(1, 2, true);
    acc.add(att.data(), 3, threeRoles(), MaskMode::Bidirectional);
    const Eigen::MatrixXd d = acc.jsDistances();
    EXPECT_NEAR(d(0, 1), 2.0 * std::sqrt(std::log(2.0)) / 3, 1e-9);
    EXPECT_DOUBLE_EQ(d(1, 0), d(0, 1));
    EXPECT_DOUBLE_EQ(d(0, 0), 0.0);
}

TEST(HeadSummary, MdsOfPointsOnALineRecoversThem) {
    // Points at 0, 1, 3: centred -4/3, -1/3, 5/3; the largest coordinate is positive.
    Eigen::MatrixXd d(3, 3);
    d << 0, 1, 3, 1, 0, 2, 3, 2, 0;
    const auto m = classicalMds(d);
    EXPECT_NEAR(m[0][0], -4.0 / 3, 1e-9);
    EXPECT_NEAR(m[1][0], -1.0 / 3, 1e-9);
    EXPECT_NEAR(m[2][0], 5.0 / 3, 1e-9);
    for (const auto& p : m) EXPECT_NEAR(p[1], 0.0, 1e-6);
}

TEST(HeadSummary, PunctuationIsUnicodeCategoryP) {
    EXPECT_TRUE(isAllPunctuation(","));
    EXPECT_TRUE(isAllPunctuation("\xC2\xBF"));      // ¿
    EXPECT_TRUE(isAllPunctuation("\xE2\x80\x94"));  // em dash
    EXPECT_FALSE(isAllPunctuation("$"));            // Sc, a symbol
    EXPECT_FALSE(isAllPunctuation("[CLS]"));
    EXPECT_FALSE(isAllPunctuation(""));
}

void expectMatchesFixture(const nlohmann::json& want, const std::vector<HeadStatistics>& got,
                          const Eigen::MatrixXd& d) {
    ASSERT_EQ(want["heads"].size(), got.size());
    for (size_t h = 0; h < got.size(); ++h) {
        const auto v = values(got[h]);
        for (size_t k = 0; k < v.size(); ++k) {
            EXPECT_NEAR(v[k], want["heads"][h][kKeys[k]].get<double>(), 1e-6) << "head " << h << " " << kKeys[k];
        }
    }
    for (Eigen::Index r = 0; r < d.rows(); ++r) {
        for (Eigen::Index c = 0; c < d.cols(); ++c) {
            EXPECT_NEAR(d(r, c), want["js_distance"][r][c].get<double>(), 1e-6) << r << "," << c;
        }
    }
    const auto m = classicalMds(d);
    for (int axis = 0; axis < 2; ++axis) {
        // Up to sign per axis: numpy's eigenvectors carry no sign convention.
        double same = 0, flipped = 0;
        for (size_t i = 0; i < m.size(); ++i) {
            const double w = want["mds"][i][axis].get<double>();
            same = std::max(same, std::abs(m[i][axis] - w));
            flipped = std::max(flipped, std::abs(m[i][axis] + w));
        }
        EXPECT_LT(std::min(same, flipped), 1e-6) << "axis " << axis;
    }
}

TEST(HeadSummary, MatchesTheNumpyReferenceFromAnalyze) {
    const nlohmann::json fx = test::readJson(test::fixturesDir() / "head-summary.json");
    const auto model = Model::load(test::bundledModel());
    Encoder encoder(model);
    for (const char* mode : {"bidirectional", "causal"}) {
        SCOPED_TRACE(mode);
        AnalyzeOptions o;
        ASSERT_TRUE(parseMaskMode(mode, o.maskMode));
        HeadSummaryAccumulator acc(model->config().layers, model->config().heads, true);
        for (const auto& s : fx["sentences"]) acc.add(encoder.analyze(s.get<std::string>(), o));
        EXPECT_EQ(acc.queryTokens(), fx[mode]["query_tokens"].get<int64_t>());
        expectMatchesFixture(fx[mode], acc.statistics(), acc.jsDistances());
    }
}

TEST(HeadSummary, StreamingEqualsPerSentenceResultsCombined) {
    const nlohmann::json fx = test::readJson(test::fixturesDir() / "head-summary.json");
    const auto model = Model::load(test::bundledModel());
    Encoder encoder(model);
    const int L = model->config().layers, H = model->config().heads;
    HeadSummaryAccumulator streamed(L, H, true);
    std::vector<double> combined(static_cast<size_t>(L * H) * 8, 0.0);
    Eigen::MatrixXd dCombined = Eigen::MatrixXd::Zero(L * H, L * H);
    int64_t tokens = 0;
    for (const auto& s : fx["sentences"]) {
        const Analysis a = encoder.analyze(s.get<std::string>(), {});
        streamed.add(a);
        HeadSummaryAccumulator one(L, H, true);
        one.add(a);
        const auto st = one.statistics();
        for (size_t h = 0; h < st.size(); ++h) {
            const auto v = values(st[h]);
            for (size_t k = 0; k < 8; ++k) combined[h * 8 + k] += v[k] * a.tokenCount;
        }
        dCombined += one.jsDistances() * a.tokenCount;
        tokens += a.tokenCount;
    }
    const auto st = streamed.statistics();
    for (size_t h = 0; h < st.size(); ++h) {
        const auto v = values(st[h]);
        for (size_t k = 0; k < 8; ++k) EXPECT_NEAR(v[k], combined[h * 8 + k] / tokens, 1e-9);
    }
    EXPECT_LT((streamed.jsDistances() - dCombined / tokens).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(HeadSummary, CorpusReaderClassifiesBadLines) {
    std::string big(200000, 'a');
    std::istringstream in("ok line\r\n\n   \n" + std::string("bad \xff here\n") + std::string("nul\0x\n", 6) + big +
                          "\nlast");
    CorpusLineReader r(in);
    std::string t;
    LineProblem p;
    std::vector<LineProblem> seen;
    while (r.next(t, p)) {
        seen.push_back(p);
        EXPECT_LE(t.size(), CorpusLineReader::kDefaultMaxBytes);
    }
    const std::vector<LineProblem> want = {LineProblem::None,    LineProblem::Empty,       LineProblem::Empty,
                                           LineProblem::NotUtf8, LineProblem::ContainsNul, LineProblem::TooLong,
                                           LineProblem::None};
    EXPECT_EQ(seen, want);
    EXPECT_EQ(corpusLineToText("a b\tc d"), "a b [SEP] c d");
}

TEST(HeadSummary, CliSkipsAndCountsBadLinesAndMatchesTheReference) {
    const nlohmann::json fx = test::readJson(test::fixturesDir() / "head-summary.json");
    test::ScratchDir dir;
    std::string good, mixed;
    for (const auto& s : fx["sentences"]) good += s.get<std::string>() + "\n";
    mixed = "\n" + fx["sentences"][0].get<std::string>() + "\n" + "caf\xe9 au lait\n" + std::string("a\0b\n", 4) +
            std::string(10 * 1024 * 1024, 'x') + "\n" + fx["sentences"][1].get<std::string>() + "\n" +
            fx["sentences"][2].get<std::string>() + "\n";
    test::writeBytes(dir.path() / "good.txt", good);
    test::writeBytes(dir.path() / "mixed.txt", mixed);
    for (const char* name : {"good.txt", "mixed.txt"}) {
        SCOPED_TRACE(name);
        const auto r = test::runCli("heads --model '" + test::bundledModel() + "' --threads 1 --corpus '" +
                                    (dir.path() / name).string() + "'");
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto j = nlohmann::json::parse(r.out);
        EXPECT_EQ(j["lines_used"], 3);
        const bool isMixed = std::string(name) == "mixed.txt";
        EXPECT_EQ(j["skipped"]["empty"], isMixed ? 1 : 0);
        EXPECT_EQ(j["skipped"]["not_utf8"], isMixed ? 1 : 0);
        EXPECT_EQ(j["skipped"]["contains_nul"], isMixed ? 1 : 0);
        EXPECT_EQ(j["skipped"]["line_over_64_kib"], isMixed ? 1 : 0);
        std::vector<HeadStatistics> got;
        for (const auto& h : j["heads"]) {
            got.push_back({h["entropy"], h["distance"], h["to_cls"], h["to_sep"], h["to_punctuation"], h["to_self"],
                           h["to_previous"], h["to_next"]});
        }
        const auto n = static_cast<Eigen::Index>(got.size());
        Eigen::MatrixXd d(n, n);
        for (Eigen::Index a = 0; a < n; ++a)
            for (Eigen::Index b = 0; b < n; ++b) d(a, b) = j["js_distance"][a][b].get<double>();
        expectMatchesFixture(fx["bidirectional"], got, d);
        ASSERT_EQ(j["mds"].size(), got.size());
    }
}

TEST(HeadSummary, CliExitCodes) {
    test::ScratchDir dir;
    test::writeBytes(dir.path() / "empty.txt", "");
    test::writeBytes(dir.path() / "bad.txt", std::string("\n\xff\xfe\n", 4));
    const std::string m = "heads --model '" + test::bundledModel() + "' ";
    EXPECT_EQ(test::runCli(m + "--text 'the dog .' --mask-mode sideways").exitCode, 2);
    EXPECT_EQ(test::runCli(m).exitCode, 2);  // neither --text nor --corpus
    const auto empty = test::runCli(m + "--corpus '" + (dir.path() / "empty.txt").string() + "'");
    EXPECT_EQ(empty.exitCode, 1);
    EXPECT_NE(empty.err.find("is empty"), std::string::npos) << empty.err;
    const auto bad = test::runCli(m + "--corpus '" + (dir.path() / "bad.txt").string() + "'");
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("no line"), std::string::npos) << bad.err;
    EXPECT_EQ(test::runCli(m + "--corpus '" + (dir.path() / "missing.txt").string() + "'").exitCode, 1);
    const auto text = test::runCli(m + "--text 'the dog barked .' --mask-mode causal");
    ASSERT_EQ(text.exitCode, 0) << text.err;
    const nlohmann::json parsed = nlohmann::json::parse(text.out);
    ASSERT_FALSE(parsed["heads"].empty());
    for (const auto& h : parsed["heads"]) EXPECT_EQ(h["to_next"].get<double>(), 0.0);
}

}  // namespace
}  // namespace bertlens

namespace bertlens {
namespace {

TEST(HeadSummary, ShippedCorpusIsTheHeldOutSetEvaluateScores) {
    // evaluate --seed 1 with the trainer's defaults: the recipe of the bundled model.
    const train::TrainOptions defaults;
    const Corpus c = generateCorpus(1, size_t(defaults.sentences), size_t(defaults.heldOutSentences));
    std::string want;
    for (const std::string& s : c.heldOut) want += s + "\n";
    EXPECT_EQ(test::readBytes(std::filesystem::path(BERTLENS_RESOURCES) / "corpora" / "bertlens-mini-heldout.txt"),
              want);
}

}  // namespace
}  // namespace bertlens
