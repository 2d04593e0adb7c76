// PCA of hidden states (core/analysis/Pca.h) against numpy's SVD
// (tests/fixtures/pca/pca_reference.json, made by tools/make_pca_fixture.py),
// and against properties and cases worked out by hand. Two sentences on one
// basis and the same word's cosine (core/analysis/SameWords.h) against numpy
// on the "bank" examples, whose states come from a float64 torch forward of
// the bundled model, and against hand computations.
#include "TestSupport.h"

#include "Errors.h"
#include "analysis/Pca.h"
#include "analysis/SameWords.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace bertlens {
namespace {

Eigen::MatrixXd matrixFromJson(const nlohmann::json& rows) {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.at(0).size()));
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) m(r, c) = rows[r][c].get<double>();
    }
    return m;
}

const nlohmann::json& referenceCase(const std::string& name) {
    static const nlohmann::json all = test::readJson(test::fixturesDir() / "pca" / "pca_reference.json");
    for (const auto& c : all.at("cases")) {
        if (c.at("name") == name) return c;
    }
    throw std::runtime_error("no PCA reference case " + name);
}

// Tolerances relative to the data's scale: the C++ code squares the data
// (Gram/covariance matrix), numpy's SVD does not.
void expectMatchesReference(const Pca2& pca, const nlohmann::json& ref, const std::string& what) {
    const double scale = std::sqrt(ref.at("total_variance").get<double>());
    const Eigen::MatrixXd mean = matrixFromJson(nlohmann::json::array({ref.at("mean")}));
    EXPECT_LT((pca.mean - mean.row(0)).cwiseAbs().maxCoeff(), 1e-12 * (1 + mean.cwiseAbs().maxCoeff())) << what;
    const Eigen::MatrixXd axes = matrixFromJson(ref.at("axes")).transpose();  // d x 2
    ASSERT_EQ(pca.axes.rows(), axes.rows()) << what;
    EXPECT_LT((pca.axes - axes).cwiseAbs().maxCoeff(), 1e-8) << what << "\nours:\n"
                                                             << pca.axes.transpose() << "\nnumpy:\n"
                                                             << axes.transpose();
    for (int k = 0; k < 2; ++k) {
        const double v = ref.at("variance")[k].get<double>();
        EXPECT_NEAR(pca.variance[k], v, 1e-10 * v) << what << " axis " << k;
        EXPECT_NEAR(pca.explainedRatio[k], ref.at("explained_ratio")[k].get<double>(), 1e-10) << what;
    }
    EXPECT_NEAR(pca.totalVariance, ref.at("total_variance").get<double>(), 1e-10 * scale * scale) << what;
}

TEST(Pca, MatchesNumpySvdWhenSamplesAreFewerThanDimensions) {
    const auto& ref = referenceCase("wide");
    const Eigen::MatrixXd x = matrixFromJson(ref.at("samples"));
    ASSERT_LT(x.rows(), x.cols());
    const Pca2 pca = fitPca2(x);
    expectMatchesReference(pca, ref, "wide");
    EXPECT_LT((pca.project(x) - matrixFromJson(ref.at("projection"))).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(Pca, MatchesNumpySvdWhenSamplesAreMoreThanDimensions) {
    const auto& ref = referenceCase("tall");
    const Eigen::MatrixXd x = matrixFromJson(ref.at("samples"));
    ASSERT_GT(x.rows(), x.cols());
    const Pca2 pca = fitPca2(x);
    expectMatchesReference(pca, ref, "tall");
    EXPECT_LT((pca.project(x) - matrixFromJson(ref.at("projection"))).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(Pca, MatchesNumpySvdOnHiddenStatesGivenAsFloats) {
    const auto& ref = referenceCase("layer");
    const Eigen::MatrixXd x = matrixFromJson(ref.at("samples"));
    const RowMatrix asFloat = x.cast<float>();  // the fixture holds float32 values: exact
    const Pca2 pca = fitPca2(ConstRowMatrixMap(asFloat.data(), asFloat.rows(), asFloat.cols()));
    expectMatchesReference(pca, ref, "layer");
    const Eigen::MatrixX2d projected = pca.project(ConstRowMatrixMap(asFloat.data(), asFloat.rows(), asFloat.cols()));
    EXPECT_LT((projected - matrixFromJson(ref.at("projection"))).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(Pca, LayerPathsShareOneBasisFittedOnAllLayers) {
    const auto& ref = referenceCase("paths");
    const auto& layers = ref.at("layers");
    Analysis a;
    a.layers = static_cast<int>(layers.size()) - 1;
    a.tokenCount = static_cast<int>(layers[0].size());
    a.hidden = static_cast<int>(layers[0][0].size());
    for (const auto& layer : layers) {
        for (const auto& row : layer) {
            for (const auto& v : row) a.hiddenStates.push_back(v.get<float>());
        }
    }
    const LayerPaths paths = fitLayerPaths(a);
    expectMatchesReference(paths.pca, ref, "paths");
    ASSERT_EQ(paths.points.size(), layers.size());
    const Eigen::MatrixXd projection = matrixFromJson(ref.at("projection"));  // all layers stacked
    for (int l = 0; l <= a.layers; ++l) {
        ASSERT_EQ(paths.points[l].rows(), a.tokenCount);
        EXPECT_LT((paths.points[l] - projection.middleRows(l * a.tokenCount, a.tokenCount)).cwiseAbs().maxCoeff(), 1e-8)
            << "layer " << l;
    }
}

TEST(Pca, AxesAreOrthonormalAndRatiosDescendAndStayWithinOne) {
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    for (auto [n, d] : {std::pair{3, 50}, std::pair{12, 48}, std::pair{200, 8}, std::pair{2, 2}, std::pair{5, 5}}) {
        Eigen::MatrixXd x(n, d);
        for (int r = 0; r < n; ++r) {
            for (int c = 0; c < d; ++c) x(r, c) = normal(rng) * (1.0 + c % 4);
        }
        const Pca2 pca = fitPca2(x);
        const Eigen::Matrix2d gram = pca.axes.transpose() * pca.axes;
        EXPECT_LT((gram - Eigen::Matrix2d::Identity()).cwiseAbs().maxCoeff(), 1e-12) << n << "x" << d;
        EXPECT_GE(pca.explainedRatio[0], pca.explainedRatio[1]) << n << "x" << d;
        EXPECT_GE(pca.explainedRatio[1], 0.0);
        EXPECT_LE(pca.explainedRatio[0] + pca.explainedRatio[1], 1.0 + 1e-12) << n << "x" << d;
        // The variance of the projected points is the variance along the axes.
        const Eigen::MatrixX2d p = pca.project(x);
        for (int k = 0; k < 2; ++k) {
            const double v = n > 1 ? p.col(k).squaredNorm() / (n - 1) : 0.0;
            EXPECT_NEAR(v, pca.variance[k], 1e-9 * (1 + v)) << n << "x" << d << " axis " << k;
        }
        if (n == 2) {
            EXPECT_NEAR(pca.explainedRatio[0], 1.0, 1e-12) << "two points span one line";
        }
    }
}

TEST(Pca, HandMadeCrossInThePlane) {
    // Four points (+-2, 0) and (0, +-1), shifted by (10, -5): the mean is the
    // shift; x varies most. Sums of squares 8 and 2 over n - 1 = 3.
    Eigen::MatrixXd x(4, 2);
    x << 12, -5, 8, -5, 10, -4, 10, -6;
    const Pca2 pca = fitPca2(x);
    EXPECT_NEAR(pca.mean(0), 10.0, 1e-12);
    EXPECT_NEAR(pca.mean(1), -5.0, 1e-12);
    EXPECT_NEAR(pca.axes(0, 0), 1.0, 1e-12);
    EXPECT_NEAR(pca.axes(1, 0), 0.0, 1e-12);
    EXPECT_NEAR(pca.axes(0, 1), 0.0, 1e-12);
    EXPECT_NEAR(pca.axes(1, 1), 1.0, 1e-12);
    EXPECT_NEAR(pca.variance[0], 8.0 / 3.0, 1e-12);
    EXPECT_NEAR(pca.variance[1], 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(pca.explainedRatio[0], 0.8, 1e-12);
    EXPECT_NEAR(pca.explainedRatio[1], 0.2, 1e-12);
    const Eigen::MatrixX2d p = pca.project(x);
    Eigen::MatrixX2d expected(4, 2);
    expected << 2, 0, -2, 0, 0, 1, 0, -1;
    EXPECT_LT((p - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Pca, HandMadeDiagonalLineInThreeDimensions) {
    // Points on the line t * (2, -6, 3) / 7 (a unit vector): all variance on
    // one axis, whose largest loading (-6/7) must come out positive; the
    // second axis is orthogonal with variance 0.
    Eigen::MatrixXd x(5, 3);
    const Eigen::RowVector3d dir(2.0 / 7, -6.0 / 7, 3.0 / 7);
    for (int i = 0; i < 5; ++i) x.row(i) = (i - 2.0) * 3.0 * dir;
    const Pca2 pca = fitPca2(x);
    EXPECT_LT((pca.axes.col(0) - Eigen::Vector3d(-2.0 / 7, 6.0 / 7, -3.0 / 7)).cwiseAbs().maxCoeff(), 1e-12)
        << pca.axes.col(0).transpose();
    EXPECT_NEAR(pca.explainedRatio[0], 1.0, 1e-12);
    EXPECT_NEAR(pca.explainedRatio[1], 0.0, 1e-12);
    EXPECT_NEAR(pca.axes.col(1).norm(), 1.0, 1e-12);
    EXPECT_NEAR(pca.axes.col(0).dot(pca.axes.col(1)), 0.0, 1e-12);
    // Sum of squares of (i - 2) * 3 for i = 0..4 is 90, over n - 1 = 4.
    EXPECT_NEAR(pca.variance[0], 22.5, 1e-10);
}

TEST(Pca, MirroredDataGivesTheSameAxes) {
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd x(7, 20);
    for (int r = 0; r < x.rows(); ++r) {
        for (int c = 0; c < x.cols(); ++c) x(r, c) = normal(rng) * (c < 3 ? 5.0 : 1.0);
    }
    const Pca2 a = fitPca2(x);
    const Pca2 b = fitPca2(-x);
    // Negating the data leaves the axes' lines unchanged; the sign rule picks the same direction.
    EXPECT_LT((a.axes - b.axes).cwiseAbs().maxCoeff(), 1e-10);
    for (int k = 0; k < 2; ++k) {
        const Eigen::Index largest = [&] {
            Eigen::Index i;
            a.axes.col(k).cwiseAbs().maxCoeff(&i);
            return i;
        }();
        EXPECT_GT(a.axes(largest, k), 0.0);
    }
}

TEST(Pca, DegenerateInputsGiveFiniteOrthonormalAxesAndZeroRatios) {
    Eigen::MatrixXd same(4, 6);
    same.rowwise() = Eigen::RowVectorXd::LinSpaced(6, 1, 6);
    Eigen::MatrixXd one = Eigen::MatrixXd::Ones(1, 6);
    for (const Eigen::MatrixXd& x : {same, one}) {
        const Pca2 pca = fitPca2(x);
        EXPECT_TRUE(pca.axes.allFinite());
        EXPECT_LT((pca.axes.transpose() * pca.axes - Eigen::Matrix2d::Identity()).cwiseAbs().maxCoeff(), 1e-12);
        EXPECT_EQ(pca.explainedRatio[0], 0.0);
        EXPECT_EQ(pca.explainedRatio[1], 0.0);
        EXPECT_EQ(pca.totalVariance, 0.0);
        EXPECT_LT(pca.project(x).cwiseAbs().maxCoeff(), 1e-12) << "every point sits at the mean";
    }
}

// The fixture's tokens of one sentence as the tokenizer marks them.
std::vector<Token> tokensFromJson(const nlohmann::json& words) {
    std::vector<Token> tokens;
    for (const auto& w : words) {
        Token t;
        t.text = w.get<std::string>();
        t.added = t.text == "[CLS]" || t.text == "[SEP]";
        tokens.push_back(t);
    }
    return tokens;
}

RowMatrix floatRows(const Eigen::MatrixXd& m) {
    return m.cast<float>();  // the fixture's states are float32 values: exact
}

ConstRowMatrixMap mapOf(const RowMatrix& m) {
    return ConstRowMatrixMap(m.data(), m.rows(), m.cols());
}

// Every pair numpy found, at its positions with its cosine, and no other;
// least alike first.
void expectSameWords(const std::vector<SameWord>& words, const nlohmann::json& expected, double tolerance) {
    ASSERT_EQ(words.size(), expected.size());
    for (const auto& e : expected) {
        const auto found = std::find_if(words.begin(), words.end(), [&](const SameWord& w) {
            return w.word == e.at("word").get<std::string>() && w.occurrence == e.at("occurrence").get<int>();
        });
        ASSERT_NE(found, words.end()) << e.dump();
        EXPECT_EQ(found->firstPosition, e.at("first").get<int>()) << e.dump();
        EXPECT_EQ(found->secondPosition, e.at("second").get<int>()) << e.dump();
        EXPECT_NEAR(found->cosine, e.at("cosine").get<double>(), tolerance) << e.dump();
    }
    for (size_t i = 1; i < words.size(); ++i) EXPECT_LE(words[i - 1].cosine, words[i].cosine);
}

TEST(Pca, SentencePairSharesOneBasisFittedOnBothSentences) {
    const auto& ref = referenceCase("pair");
    const RowMatrix first = floatRows(matrixFromJson(ref.at("first")));
    const RowMatrix second = floatRows(matrixFromJson(ref.at("second")));
    const SentencePairProjection pair = projectSentencePair(mapOf(first), mapOf(second));
    expectMatchesReference(pair.pca, ref, "pair");
    EXPECT_EQ(pair.pca.samples, first.rows() + second.rows());
    ASSERT_EQ(pair.first.rows(), first.rows());
    ASSERT_EQ(pair.second.rows(), second.rows());
    EXPECT_LT((pair.first - matrixFromJson(ref.at("projection_first"))).cwiseAbs().maxCoeff(), 1e-8);
    EXPECT_LT((pair.second - matrixFromJson(ref.at("projection_second"))).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(Pca, SentencePairByHandIsNotTwoSeparateFits) {
    // Two "sentences" of two points each on the x axis: (0,0),(2,0) and
    // (4,0),(6,0). Fitted together the mean is (3,0) and the first axis x,
    // so they project to -3,-1 and 1,3; fitted apart each would be -1,1.
    Eigen::MatrixXd a(2, 2), b(2, 2);
    a << 0, 0, 2, 0;
    b << 4, 0, 6, 0;
    const SentencePairProjection pair = projectSentencePair(a, b);
    EXPECT_NEAR(pair.pca.mean(0), 3.0, 1e-12);
    EXPECT_NEAR(pair.pca.mean(1), 0.0, 1e-12);
    EXPECT_NEAR(pair.first(0, 0), -3.0, 1e-12);
    EXPECT_NEAR(pair.first(1, 0), -1.0, 1e-12);
    EXPECT_NEAR(pair.second(0, 0), 1.0, 1e-12);
    EXPECT_NEAR(pair.second(1, 0), 3.0, 1e-12);
    // Sum of squares 9 + 1 + 1 + 9 over n - 1 = 3.
    EXPECT_NEAR(pair.pca.variance[0], 20.0 / 3.0, 1e-12);
    EXPECT_LT(pair.first.col(1).cwiseAbs().maxCoeff() + pair.second.col(1).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Pca, SentencePairOfTwoWidthsIsRefusedWithTheWidths) {
    const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(3, 4), b = Eigen::MatrixXd::Ones(2, 5);
    try {
        projectSentencePair(a, b);
        FAIL() << "states of two widths were projected together";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("(4 and 5)"), std::string::npos) << e.what();
    }
}

TEST(SameWords, CosineByHand) {
    // (1,2,2).(2,1,-2) = 2 + 2 - 4 = 0: orthogonal.
    EXPECT_NEAR(cosineSimilarity(Eigen::Vector3d(1, 2, 2), Eigen::Vector3d(2, 1, -2)), 0.0, 1e-15);
    // (1,0).(1,1) = 1 over 1 * sqrt(2).
    EXPECT_NEAR(cosineSimilarity(Eigen::Vector2d(1, 0), Eigen::Vector2d(1, 1)), 1.0 / std::sqrt(2.0), 1e-15);
    // A vector and its double point the same way; and the opposite way.
    EXPECT_NEAR(cosineSimilarity(Eigen::Vector2d(3, -4), Eigen::Vector2d(6, -8)), 1.0, 1e-15);
    EXPECT_NEAR(cosineSimilarity(Eigen::Vector2d(3, -4), Eigen::Vector2d(-3, 4)), -1.0, 1e-15);
    EXPECT_EQ(cosineSimilarity(Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 1)), 0.0);
}

TEST(SameWords, PairsTheKthAppearanceAndLeavesOutSpecialTokensByHand) {
    // "[CLS] a b a [SEP]" and "[CLS] a c [SEP]": only the first "a" has a
    // partner (the second has none); [CLS] and [SEP] are in both but left out.
    const std::vector<Token> first = tokensFromJson(nlohmann::json{"[CLS]", "a", "b", "a", "[SEP]"});
    const std::vector<Token> second = tokensFromJson(nlohmann::json{"[CLS]", "a", "c", "[SEP]"});
    RowMatrix x(5, 2), y(4, 2);
    x << 1, 1, 3, 4, 0, 1, 1, 0, 1, 1;
    y << 1, 1, 4, 3, 1, 0, 1, 1;
    const std::vector<SameWord> words = sameWords(first, mapOf(x), second, mapOf(y));
    ASSERT_EQ(words.size(), 1u);
    EXPECT_EQ(words[0].word, "a");
    EXPECT_EQ(words[0].occurrence, 0);
    EXPECT_EQ(words[0].firstPosition, 1);
    EXPECT_EQ(words[0].secondPosition, 1);
    // (3,4).(4,3) = 24 over 5 * 5.
    EXPECT_NEAR(words[0].cosine, 24.0 / 25.0, 1e-7);
}

TEST(SameWords, MatchNumpyOnTheBankExamplesLeastAlikeFirst) {
    const auto& ref = referenceCase("pair");
    const RowMatrix first = floatRows(matrixFromJson(ref.at("first")));
    const RowMatrix second = floatRows(matrixFromJson(ref.at("second")));
    const std::vector<SameWord> words = sameWords(tokensFromJson(ref.at("tokens")[0]), mapOf(first),
                                                  tokensFromJson(ref.at("tokens")[1]), mapOf(second));
    expectSameWords(words, ref.at("same_words"), 1e-12);
    // The context changes "bank" most: a river's edge against a place for money.
    EXPECT_EQ(words.front().word, "bank");
}

// The chain the embeddings view runs: the engine's own hidden states of the
// two sentences (float32) against the float64 torch reference, on one basis.
TEST(SameWords, TheEngineOnTheBankExamplesMatchesTheTorchReference) {
    const auto& ref = referenceCase("pair");
    const auto model = Model::load((std::filesystem::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini").string());
    Encoder encoder(model);
    std::vector<Analysis> runs;
    for (int s = 0; s < 2; ++s) {
        const std::string text = ref.at("texts")[s].get<std::string>();
        runs.push_back(encoder.analyze(text, AnalyzeOptions{}));
        std::vector<int32_t> ids;
        for (const Token& t : runs.back().tokens) ids.push_back(t.id);
        EXPECT_EQ(ids, ref.at("ids")[s].get<std::vector<int32_t>>()) << text;
    }
    const int hiddenState = ref.at("hidden_state").get<int>();
    const Eigen::MatrixXd first = runs[0].hiddenState(hiddenState).cast<double>();
    const Eigen::MatrixXd second = runs[1].hiddenState(hiddenState).cast<double>();
    EXPECT_LT((first - matrixFromJson(ref.at("first"))).cwiseAbs().maxCoeff(), 1e-4);
    EXPECT_LT((second - matrixFromJson(ref.at("second"))).cwiseAbs().maxCoeff(), 1e-4);
    const SentencePairProjection pair = projectSentencePair(first, second);
    const double scale = std::sqrt(ref.at("total_variance").get<double>());
    EXPECT_LT((pair.first - matrixFromJson(ref.at("projection_first"))).cwiseAbs().maxCoeff(), 1e-3 * scale);
    EXPECT_LT((pair.second - matrixFromJson(ref.at("projection_second"))).cwiseAbs().maxCoeff(), 1e-3 * scale);
    const std::vector<SameWord> words =
        sameWords(runs[0].tokens, runs[0].hiddenState(hiddenState), runs[1].tokens, runs[1].hiddenState(hiddenState));
    expectSameWords(words, ref.at("same_words"), 1e-5);
    EXPECT_EQ(words.front().word, "bank");
}

}  // namespace
}  // namespace bertlens
