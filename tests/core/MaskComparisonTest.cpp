// Bidirectional vs left-to-right (core/analysis/MaskComparison.h): the
// difference map and the attention hidden by the causal mask, against the
// float64 torch reference of the h12 fixture (tools/make_model_fixtures.py)
// and against sums done here.
#include "TestSupport.h"

#include "Errors.h"
#include "analysis/MaskComparison.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

namespace bertlens {
namespace {

const nlohmann::json& caseNamed(const nlohmann::json& expected, const std::string& name) {
    for (const auto& c : expected.at("cases")) {
        if (c.at("name") == name) return c;
    }
    throw std::runtime_error("no case " + name);
}

class MaskComparisonTest : public ::testing::Test {
protected:
    std::shared_ptr<const Model> model = Model::load(test::modelFixture("h12-f32").string());
    nlohmann::json expected = test::readJson(test::modelFixture("h12-f32") / "expected.json");
    const nlohmann::json& refBi = caseNamed(expected, "single");
    const nlohmann::json& refCausal = caseNamed(expected, "single_causal");
    Analysis run(MaskMode mode) {
        Encoder encoder(model);
        const auto ids = refBi.at("ids").get<std::vector<int32_t>>();
        const auto types = refBi.at("token_type_ids").get<std::vector<int32_t>>();
        std::vector<int> masks;
        for (size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == model->vocab().maskId()) masks.push_back(static_cast<int>(i));
        }
        return encoder.forward(ids, types, {mode}, masks);
    }
    Analysis bi = run(MaskMode::Bidirectional);
    Analysis causal = run(MaskMode::Causal);
};

TEST_F(MaskComparisonTest, DifferenceIsTorchBidirectionalMinusTorchCausal) {
    ASSERT_EQ(refBi.at("ids"), refCausal.at("ids"));
    const int n = bi.tokenCount;
    for (int l = 0; l < bi.layers; ++l) {
        for (int h = 0; h < bi.heads; ++h) {
            const MaskComparison c = compareMasks(bi, causal, l, h);
            ASSERT_EQ(c.difference.rows(), n);
            ASSERT_EQ(c.difference.cols(), n);
            double largest = 0;
            for (int q = 0; q < n; ++q) {
                double later = 0;
                for (int k = 0; k < n; ++k) {
                    const double b = refBi["attentions"][l][h][q][k].get<double>();
                    const double d = b - refCausal["attentions"][l][h][q][k].get<double>();
                    EXPECT_NEAR(c.difference(q, k), d, 1e-6) << l << "/" << h << " " << q << "->" << k;
                    largest = std::max(largest, std::abs(d));
                    if (k > q) later += b;
                }
                EXPECT_NEAR(c.laterShare[q], later, 1e-6) << l << "/" << h << " query " << q;
            }
            EXPECT_NEAR(c.maxAbsDifference, largest, 1e-6);
        }
    }
}

TEST_F(MaskComparisonTest, MeanOfHeadsIsTheMeanOfTheTorchMaps) {
    const int n = bi.tokenCount;
    const MaskComparison c = compareMasks(bi, causal, 1, kMeanOfHeads);
    for (int q = 0; q < n; ++q) {
        EXPECT_NEAR(c.bidirectional.row(q).sum(), 1.0, 1e-5) << "a mean of distributions is a distribution";
        for (int k = 0; k < n; ++k) {
            double b = 0, d = 0;
            for (int h = 0; h < bi.heads; ++h) {
                b += refBi["attentions"][1][h][q][k].get<double>();
                d += refBi["attentions"][1][h][q][k].get<double>() - refCausal["attentions"][1][h][q][k].get<double>();
            }
            EXPECT_NEAR(c.bidirectional(q, k), b / bi.heads, 1e-6);
            EXPECT_NEAR(c.difference(q, k), d / bi.heads, 1e-6);
        }
    }
}

TEST_F(MaskComparisonTest, AboveTheDiagonalTheDifferenceIsAllOfTheBidirectionalWeight) {
    const MaskComparison c = compareMasks(bi, causal, 0, 3);
    for (int q = 0; q < bi.tokenCount; ++q) {
        for (int k = q + 1; k < bi.tokenCount; ++k) EXPECT_EQ(c.difference(q, k), c.bidirectional(q, k));
    }
    EXPECT_EQ(c.laterShare.back(), 0.0f) << "the last token has nothing after it";
}

TEST_F(MaskComparisonTest, PredictionsArePairedByPosition) {
    const auto pairs = pairPredictions(bi, causal);
    ASSERT_EQ(pairs.size(), 2u) << "the fixture sentence has two [MASK]s";
    for (const PredictionPair& p : pairs) {
        EXPECT_EQ(bi.ids[p.position], model->vocab().maskId());
        ASSERT_FALSE(p.bidirectional.empty());
        ASSERT_FALSE(p.causal.empty());
        // Each side is that run's own list.
        const auto& ownBi = *std::find_if(bi.predictions.begin(), bi.predictions.end(),
                                          [&](const Prediction& x) { return x.position == p.position; });
        EXPECT_EQ(p.bidirectional.front().id, ownBi.top.front().id);
        EXPECT_EQ(p.bidirectional.front().probability, ownBi.top.front().probability);
    }
    EXPECT_LT(pairs[0].position, pairs[1].position);
    // A position only one run predicts still appears, with the other side empty.
    Analysis onlyOne = causal;
    onlyOne.predictions.pop_back();
    const auto partial = pairPredictions(bi, onlyOne);
    ASSERT_EQ(partial.size(), 2u);
    EXPECT_TRUE(partial[1].causal.empty());
    EXPECT_FALSE(partial[1].bidirectional.empty());
}

TEST_F(MaskComparisonTest, OutOfRangeAndMismatchedInputsAreRefused) {
    EXPECT_THROW(compareMasks(bi, causal, bi.layers, 0), InputError);
    EXPECT_THROW(compareMasks(bi, causal, 0, bi.heads), InputError);
    EXPECT_THROW(compareMasks(bi, causal, -1, 0), InputError);
    Analysis other = causal;
    other.ids[1] += 1;
    EXPECT_THROW(compareMasks(bi, other, 0, 0), InputError);
}

}  // namespace
}  // namespace bertlens
