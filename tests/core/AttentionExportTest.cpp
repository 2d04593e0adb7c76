// Attention export (core/export/AttentionExport.h): the CSV and JSON read
// back (with a CSV reader written here and nlohmann::json) hold exactly the
// engine's floats, with the token labels, for every kind of slice.
#include "TestSupport.h"

#include "Errors.h"
#include "export/AttentionExport.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <sstream>

namespace bertlens {
namespace {

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false, wasQuoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"' && field.empty() && !wasQuoted) {
            quoted = wasQuoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
            wasQuoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(field);
            field.clear();
            wasQuoted = false;
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    if (!rows.back().empty() || !field.empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

float exactFloat(const std::string& s) {
    size_t used = 0;
    const float v = std::stof(s, &used);
    EXPECT_EQ(used, s.size()) << "not a plain number: " << s;
    return v;
}

class AttentionExportTest : public ::testing::Test {
protected:
    std::shared_ptr<const Model> model = Model::load(test::modelFixture("h12-f32").string());
    const std::string text = "the cat , [MASK] on the mat .";
    Analysis bi = Encoder(model).analyze(text, {MaskMode::Bidirectional});
    Analysis causal = Encoder(model).analyze(text, {MaskMode::Causal});

    static std::string csv(const std::vector<const Analysis*>& a, AttentionSlice s) {
        std::ostringstream out;
        writeAttentionCsv(out, a, s);
        return out.str();
    }
    static nlohmann::json json(const std::vector<const Analysis*>& a, AttentionSlice s) {
        std::ostringstream out;
        writeAttentionJson(out, a, s);
        return nlohmann::json::parse(out.str());
    }
    // The mean of a layer's heads, summed here in double.
    float meanOfHeads(const Analysis& a, int layer, int q, int k) const {
        double sum = 0;
        for (int h = 0; h < a.heads; ++h) sum += a.attention(layer, h)(q, k);
        return static_cast<float>(sum / a.heads);
    }
};

TEST_F(AttentionExportTest, CsvOfOneHeadHoldsTheEngineFloatsExactly) {
    // A comma and a quote as tokens: the CSV must quote them. The fixture
    // vocabulary has no '"', so one label is changed by hand.
    ASSERT_EQ(bi.tokens[3].text, ",");
    bi.tokens[5].text = "say \"on\"";
    const auto rows = parseCsv(csv({&bi}, {1, 5}));
    const int n = bi.tokenCount;
    ASSERT_EQ(rows.size(), static_cast<size_t>(n + 1));
    ASSERT_EQ(rows[0].size(), static_cast<size_t>(5 + n));
    EXPECT_EQ(rows[0][0], "mask_mode");
    EXPECT_EQ(rows[0][4], "query_token");
    for (int k = 0; k < n; ++k) EXPECT_EQ(rows[0][5 + k], bi.tokens[k].text) << "key label " << k;
    bool sawComma = false, sawQuote = false;
    for (int q = 0; q < n; ++q) {
        const auto& r = rows[q + 1];
        ASSERT_EQ(r.size(), static_cast<size_t>(5 + n));
        EXPECT_EQ(r[0], "bidirectional");
        EXPECT_EQ(r[1], "1");
        EXPECT_EQ(r[2], "5");
        EXPECT_EQ(r[3], std::to_string(q));
        EXPECT_EQ(r[4], bi.tokens[q].text);
        sawComma |= r[4] == ",";
        sawQuote |= r[4] == "say \"on\"";
        for (int k = 0; k < n; ++k) EXPECT_EQ(exactFloat(r[5 + k]), bi.attention(1, 5)(q, k)) << q << "->" << k;
    }
    EXPECT_TRUE(sawComma && sawQuote) << "labels with ',' and '\"' must survive quoting";
}

TEST_F(AttentionExportTest, CsvOfEveryLayerAndHeadUnderBothMasks) {
    const auto rows = parseCsv(csv({&bi, &causal}, {}));
    const int n = bi.tokenCount;
    ASSERT_EQ(rows.size(), static_cast<size_t>(1 + 2 * bi.layers * bi.heads * n));
    size_t r = 1;
    for (const Analysis* a : {&bi, &causal}) {
        for (int l = 0; l < a->layers; ++l) {
            for (int h = 0; h < a->heads; ++h) {
                for (int q = 0; q < n; ++q, ++r) {
                    ASSERT_EQ(rows[r][0], maskModeName(a->maskMode));
                    ASSERT_EQ(rows[r][1], std::to_string(l));
                    ASSERT_EQ(rows[r][2], std::to_string(h));
                    for (int k = 0; k < n; ++k) ASSERT_EQ(exactFloat(rows[r][5 + k]), a->attention(l, h)(q, k));
                }
            }
        }
    }
}

TEST_F(AttentionExportTest, CsvOfTheMeanOfHeads) {
    const auto rows = parseCsv(csv({&causal}, {0, AttentionSlice::kMean}));
    const int n = causal.tokenCount;
    ASSERT_EQ(rows.size(), static_cast<size_t>(n + 1));
    for (int q = 0; q < n; ++q) {
        EXPECT_EQ(rows[q + 1][2], "mean");
        double sum = 0;
        for (int k = 0; k < n; ++k) {
            const float v = exactFloat(rows[q + 1][5 + k]);
            EXPECT_NEAR(v, meanOfHeads(causal, 0, q, k), 1e-7);
            if (k > q) {
                EXPECT_EQ(v, 0.0f) << "causal: no weight on later tokens";
            }
            sum += v;
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
    }
}

TEST_F(AttentionExportTest, JsonOfOneHead) {
    const auto j = json({&bi}, {0, 2});
    EXPECT_EQ(j["mask_mode"], "bidirectional");
    EXPECT_EQ(j["layer"], 0);
    EXPECT_EQ(j["head"], 2);
    const int n = bi.tokenCount;
    EXPECT_EQ(j["shape"], nlohmann::json::array({n, n}));
    ASSERT_EQ(j["tokens"].size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(j["tokens"][i], bi.tokens[i].text);
    for (int q = 0; q < n; ++q) {
        for (int k = 0; k < n; ++k) EXPECT_EQ(j["attention"][q][k].get<float>(), bi.attention(0, 2)(q, k));
    }
}

TEST_F(AttentionExportTest, JsonOfEveryLayerUnderBothMasks) {
    const auto j = json({&bi, &causal}, {});
    EXPECT_EQ(j["mask_mode"], "both");
    EXPECT_EQ(j["layer"], "all");
    EXPECT_EQ(j["head"], "all");
    const int n = bi.tokenCount;
    EXPECT_EQ(j["shape"], nlohmann::json::array({bi.layers, bi.heads, n, n}));
    for (const Analysis* a : {&bi, &causal}) {
        const auto& t = j["attention"][maskModeName(a->maskMode)];
        ASSERT_EQ(t.size(), static_cast<size_t>(a->layers));
        for (int l = 0; l < a->layers; ++l) {
            ASSERT_EQ(t[l].size(), static_cast<size_t>(a->heads));
            for (int h = 0; h < a->heads; ++h) {
                for (int q = 0; q < n; ++q) {
                    for (int k = 0; k < n; ++k) ASSERT_EQ(t[l][h][q][k].get<float>(), a->attention(l, h)(q, k));
                }
            }
        }
    }
}

TEST_F(AttentionExportTest, JsonOfOneLayersHeadsAndOfTheMean) {
    const auto all = json({&causal}, {1, AttentionSlice::kAll});
    EXPECT_EQ(all["head"], "all");
    ASSERT_EQ(all["attention"].size(), static_cast<size_t>(causal.heads));
    EXPECT_EQ(all["attention"][7][3][1].get<float>(), causal.attention(1, 7)(3, 1));
    const auto mean = json({&causal}, {1, AttentionSlice::kMean});
    EXPECT_EQ(mean["head"], "mean");
    const int n = causal.tokenCount;
    EXPECT_EQ(mean["shape"], nlohmann::json::array({n, n}));
    for (int q = 0; q < n; ++q) {
        for (int k = 0; k < n; ++k)
            EXPECT_NEAR(mean["attention"][q][k].get<float>(), meanOfHeads(causal, 1, q, k), 1e-7);
    }
}

TEST_F(AttentionExportTest, BadSlicesAndMismatchedAnalysesAreRefused) {
    EXPECT_THROW(csv({&bi}, {bi.layers, 0}), InputError);
    EXPECT_THROW(csv({&bi}, {0, bi.heads}), InputError);
    EXPECT_THROW(json({&bi}, {0, -7}), InputError);
    EXPECT_THROW(json({}, {}), InputError);
    EXPECT_THROW(json({&bi, &bi}, {}), InputError) << "two analyses under the same mask";
    const Analysis other = Encoder(model).analyze("the dog", {MaskMode::Causal});
    EXPECT_THROW(csv({&bi, &other}, {}), InputError);
}

}  // namespace
}  // namespace bertlens
