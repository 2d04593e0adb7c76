// The interactive page (core/export/InteractivePage.h): the data it carries,
// read back here with nlohmann::json and a base64 decoder of this file's own,
// is the engine's attention within the page's rounding; the page names no
// address and no hostile text or token can end its scripts.
#include "Errors.h"
#include "export/InteractivePage.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <random>

namespace bertlens {
namespace {

const std::string kDataOpen = "<script type=\"application/json\" id=\"bertlens-data\">";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

size_t occurrences(const std::string& haystack, const std::string& needle) {
    size_t count = 0;
    for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++count;
    return count;
}

// The text between the data <script> and the first "</script" after it, as
// a browser's HTML parser cuts it.
nlohmann::json embeddedData(const std::string& page) {
    const size_t open = page.find(kDataOpen);
    EXPECT_NE(open, std::string::npos) << "no data script";
    const size_t begin = open + kDataOpen.size();
    const size_t end = lower(page).find("</script", begin);
    return nlohmann::json::parse(page.substr(begin, end - begin));
}

std::vector<uint8_t> base64Decode(const std::string& text) {
    std::vector<uint8_t> out;
    uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        int v;
        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;
        } else if (c == '+') {
            v = 62;
        } else if (c == '/') {
            v = 63;
        } else {
            EXPECT_EQ(c, '=') << "not base64";
            break;
        }
        bits = (bits << 6) | uint32_t(v);
        if ((count += 6) >= 8) {
            count -= 8;
            out.push_back(uint8_t((bits >> count) & 0xFF));
        }
    }
    return out;
}

// [head][query][key] of one layer as the page stores it, masked cells as 0.
std::vector<double> decodeLayer(const nlohmann::json& data, const std::string& mask, int layer) {
    const int H = data["heads"], n = int(data["tokens"].size());
    const std::vector<uint8_t> bytes = base64Decode(data["masks"][mask]["attention"][layer].get<std::string>());
    std::vector<double> out(size_t(H) * n * n, 0.0);
    size_t p = 0;
    for (int h = 0; h < H; ++h) {
        for (int q = 0; q < n; ++q) {
            for (int k = 0; k < (mask == "causal" ? q + 1 : n); ++k, p += 2) {
                if (p + 1 >= bytes.size()) {
                    ADD_FAILURE() << mask << " layer " << layer << " is short";
                    return out;
                }
                const unsigned v = bytes[p] | (unsigned(bytes[p + 1]) << 8);
                out[(size_t(h) * n + q) * n + k] = v / double(data["scale"]);
            }
        }
    }
    EXPECT_EQ(p, bytes.size()) << mask << " layer " << layer << " holds more than its rows";
    return out;
}

// Rows of softmax weights from a seeded generator, for shapes no bundled model has.
Analysis randomAnalysis(int layers, int heads, int n, MaskMode mode, uint32_t seed) {
    Analysis a;
    a.layers = layers, a.heads = heads, a.tokenCount = n, a.maskMode = mode;
    for (int i = 0; i < n; ++i) {
        a.ids.push_back(1000 + i);
        Token t;
        t.text = i == 0 ? "[CLS]" : "word" + std::to_string(i);
        a.tokens.push_back(t);
    }
    std::mt19937 rng(seed);
    std::exponential_distribution<float> draw(1.0f);
    a.attentions.assign(size_t(layers) * heads * n * n, 0.0f);
    for (size_t row = 0; row < size_t(layers) * heads * n; ++row) {
        const int q = int(row % size_t(n));
        float* r = a.attentions.data() + row * n;
        float sum = 0;
        for (int k = 0; k < endVisible(mode, q, n); ++k) sum += r[k] = std::pow(draw(rng), 3.0f);
        for (int k = 0; k < endVisible(mode, q, n); ++k) r[k] /= sum;
    }
    return a;
}

class InteractivePageTest : public ::testing::Test {
protected:
    std::shared_ptr<const Model> model =
        Model::load((std::filesystem::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini").string());
    const std::string text = "the [MASK] barked at the mailman .";
    Analysis bi = Encoder(model).analyze(text, {MaskMode::Bidirectional, 10});
    Analysis causal = Encoder(model).analyze(text, {MaskMode::Causal, 10});

    PageInput input() const {
        PageInput in;
        in.modelName = "bertlens-mini";
        in.text = text;
        in.bidirectional = &bi;
        in.causal = &causal;
        return in;
    }
};

TEST_F(InteractivePageTest, EmbeddedWeightsAreTheEnginesWithinTheRounding) {
    const std::string page = interactivePage(input());
    const nlohmann::json data = embeddedData(page);
    ASSERT_EQ(data["format"], "bertlens-page");
    ASSERT_EQ(data["layers"], bi.layers);
    ASSERT_EQ(data["heads"], bi.heads);
    ASSERT_EQ(data["tokens"].size(), size_t(bi.tokenCount));
    for (int i = 0; i < bi.tokenCount; ++i) EXPECT_EQ(data["tokens"][i], bi.tokens[size_t(i)].text);
    const int n = bi.tokenCount;
    const double rounding = 0.5 / kPageScale + 1e-7;
    for (const Analysis* a : {&bi, &causal}) {
        const std::string mask = maskModeName(a->maskMode);
        ASSERT_EQ(data["masks"][mask]["attention"].size(), size_t(a->layers));
        for (int l = 0; l < a->layers; ++l) {
            const std::vector<double> w = decodeLayer(data, mask, l);
            for (int h = 0; h < a->heads; ++h) {
                const auto engine = a->attention(l, h);
                for (int q = 0; q < n; ++q) {
                    double sum = 0;
                    for (int k = 0; k < n; ++k) {
                        const double page_w = w[(size_t(h) * n + q) * n + k];
                        sum += page_w;
                        ASSERT_NEAR(page_w, engine(q, k), rounding)
                            << mask << " layer " << l << " head " << h << " " << q << "->" << k;
                    }
                    EXPECT_NEAR(sum, 1.0, n * rounding) << mask << " L" << l << " H" << h << " row " << q;
                }
            }
        }
    }
}

TEST_F(InteractivePageTest, GuessesUnderBothMasksToFourDigits) {
    const nlohmann::json data = embeddedData(interactivePage(input()));
    for (const Analysis* a : {&bi, &causal}) {
        const nlohmann::json& p = data["masks"][maskModeName(a->maskMode)]["predictions"];
        ASSERT_EQ(a->predictions.size(), 1u) << "one [MASK]";
        ASSERT_EQ(p.size(), 1u);
        EXPECT_EQ(p[0]["position"], 2);
        ASSERT_EQ(p[0]["top"].size(), a->predictions[0].top.size());
        for (size_t i = 0; i < p[0]["top"].size(); ++i) {
            const TokenProbability& t = a->predictions[0].top[i];
            EXPECT_EQ(p[0]["top"][i][0], t.token);
            const double prob = p[0]["top"][i][1];
            EXPECT_NEAR(prob, t.probability, 5e-4 * t.probability + 1e-12) << t.token;
        }
    }
    EXPECT_NE(data["masks"]["bidirectional"]["predictions"], data["masks"]["causal"]["predictions"]);
}

TEST_F(InteractivePageTest, NamesNoAddressAndForbidsLoadingAny) {
    const std::string page = lower(interactivePage(input()));
    for (const char* bad : {"http://", "https://", "src=", "url(", "@import", "<link", "<iframe", "<img", "fetch(",
                            "xmlhttprequest", "//cdn", "file://"}) {
        EXPECT_EQ(page.find(bad), std::string::npos) << "the page holds " << bad;
    }
    EXPECT_NE(page.find("content-security-policy\" content=\"default-src 'none'"), std::string::npos);
    EXPECT_EQ(occurrences(page, "<script"), 2u);
}

TEST_F(InteractivePageTest, HostileTextAndTokensStayInsideTheirScript) {
    const std::string hostile =
        "</script><script>alert(1)</script> <!-- \xff\xfe\xC0\xAF caf\xC3\xA9 \xE2\x80\xA8 "
        "\xE2\x80\xAE & \"q\" 'a'";
    Analysis b = bi, c = causal;
    b.tokens[1].text = c.tokens[1].text = "</SCRIPT><img src=x onerror=alert(2)>";
    b.predictions[0].top[0].token = c.predictions[0].top[0].token = "</script ><b>";
    PageInput in = input();
    in.bidirectional = &b;
    in.causal = &c;
    in.text = hostile;
    in.modelName = "<i>model</i> \xff";
    const std::string page = interactivePage(in);
    const std::string low = lower(page);
    EXPECT_EQ(occurrences(low, "<script"), 2u) << "only the data and the page's own script";
    EXPECT_EQ(occurrences(low, "</script"), 2u);
    EXPECT_EQ(low.find("<img"), std::string::npos);
    EXPECT_EQ(low.find("<!--"), std::string::npos);
    EXPECT_EQ(page.find("<i>"), std::string::npos);
    EXPECT_NE(page.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("caf\xC3\xA9"), std::string::npos) << "ordinary non-ASCII text shown as it is";
    EXPECT_EQ(page.find("\xE2\x80\xAE"), std::string::npos) << "a direction override is not passed on";
    EXPECT_EQ(page.find('\xff'), std::string::npos);
    // The data still reads, and says what the user typed (bad bytes as U+FFFD).
    const nlohmann::json data = embeddedData(page);
    EXPECT_EQ(data["tokens"][1], "</SCRIPT><img src=x onerror=alert(2)>");
    EXPECT_EQ(data["masks"]["causal"]["predictions"][0]["top"][0][0], "</script ><b>");
    const std::string decoded = data["text"];
    EXPECT_EQ(decoded.find("\xEF\xBF\xBD"), decoded.find(" \xEF\xBF\xBD") + 1);
    EXPECT_EQ(decoded.substr(0, 34), "</script><script>alert(1)</script>");
    EXPECT_NE(decoded.find("caf\xC3\xA9 \xE2\x80\xA8"), std::string::npos);
    EXPECT_EQ(data["model"], "<i>model</i> \xEF\xBF\xBD");
    // The whole data script is ASCII: nothing a parser could read differently.
    const size_t begin = page.find(kDataOpen) + kDataOpen.size();
    const std::string json = page.substr(begin, low.find("</script", begin) - begin);
    EXPECT_TRUE(std::all_of(json.begin(), json.end(), [](char ch) { return ch > 0x1F && ch < 0x7F; }));
    EXPECT_EQ(json.find('<'), std::string::npos);
}

TEST_F(InteractivePageTest, StartViewAndRefusals) {
    PageInput in = input();
    in.layer = 3;
    in.head = kPageMeanHead;
    in.mask = MaskMode::Causal;
    const nlohmann::json start = embeddedData(interactivePage(in))["start"];
    EXPECT_EQ(start, (nlohmann::json{{"layer", 3}, {"head", "mean"}, {"mask", "causal"}}));

    in.layer = bi.layers;
    EXPECT_THROW(interactivePage(in), InputError);
    in = input();
    in.head = bi.heads;
    EXPECT_THROW(interactivePage(in), InputError);
    in = input();
    std::swap(in.bidirectional, in.causal);
    EXPECT_THROW(interactivePage(in), InputError);
    in = input();
    in.causal = nullptr;
    EXPECT_THROW(interactivePage(in), InputError);
    Analysis other = causal;
    other.ids[1] += 1;
    in = input();
    in.causal = &other;
    EXPECT_THROW(interactivePage(in), InputError);
}

// The legend names the mask the model was trained with; a one-way model's
// analyses are refused with a message that says why.
TEST_F(InteractivePageTest, LegendSaysWhichMaskTheModelWasTrainedWith) {
    const std::string page = interactivePage(input());
    EXPECT_NE(page.find("The mask BERT was trained with."), std::string::npos);
    EXPECT_NE(page.find("BERT was not trained this way"), std::string::npos);
    EXPECT_EQ(page.find("_NOTE@"), std::string::npos);

    Analysis twinBi = bi, twinCausal = causal;
    twinBi.objective = twinCausal.objective = Objective::NextWord;
    PageInput in = input();
    in.bidirectional = &twinBi;
    in.causal = &twinCausal;
    const std::string twin = interactivePage(in);
    EXPECT_NE(twin.find("The mask this model was trained with (predicting the next word)."), std::string::npos);
    EXPECT_NE(twin.find("This model was not trained with it"), std::string::npos);
    EXPECT_EQ(twin.find("BERT was not trained this way"), std::string::npos);

    twinBi.maskMode = MaskMode::Causal;  // what a decoder's own runs are
    try {
        interactivePage(in);
        ADD_FAILURE() << "a one-way model's page was made";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("reads in one direction only"), std::string::npos) << e.what();
    }
}

TEST_F(InteractivePageTest, SizeIsKnownBeforeWriting) {
    const std::string page = interactivePage(input());
    EXPECT_EQ(interactivePageBytes(input()), page.size());
    const double estimate = double(estimateInteractivePageBytes(bi.layers, bi.heads, bi.tokenCount));
    EXPECT_NEAR(estimate, double(page.size()), 4000.0) << "bundled model at its demo sentence";
    std::cout << "bertlens-mini, " << bi.tokenCount << " tokens: " << page.size() << " bytes\n";
}

TEST(InteractivePageShapes, BertBaseAt32TokensAndALongText) {
    for (const auto& [layers, heads, n] : {std::tuple{12, 12, 32}, std::tuple{2, 2, 512}}) {
        const Analysis b = randomAnalysis(layers, heads, n, MaskMode::Bidirectional, 1);
        const Analysis c = randomAnalysis(layers, heads, n, MaskMode::Causal, 2);
        PageInput in;
        in.modelName = "bert-base-shaped";
        in.text = "a long text";
        in.bidirectional = &b;
        in.causal = &c;
        const std::string page = interactivePage(in);
        EXPECT_EQ(interactivePageBytes(in), page.size());
        const double estimate = double(estimateInteractivePageBytes(layers, heads, n));
        EXPECT_NEAR(estimate, double(page.size()), 0.02 * page.size()) << layers << "x" << heads << "x" << n;
        const nlohmann::json data = embeddedData(page);
        const std::vector<double> w = decodeLayer(data, "causal", layers - 1);
        const auto engine = c.attention(layers - 1, heads - 1);
        for (int q = 0; q < n; q += 7) {
            for (int k = 0; k < n; ++k)
                ASSERT_NEAR(w[(size_t(heads - 1) * n + q) * n + k], engine(q, k), 0.5 / kPageScale + 1e-7);
        }
        std::cout << layers << " layers x " << heads << " heads x " << n << " tokens: " << page.size()
                  << " bytes (estimate " << estimate << ")\n";
    }
    // bert-base at its longest text, from the shape alone.
    std::cout << "12 x 12 x 512 estimated: " << estimateInteractivePageBytes(12, 12, 512) << " bytes\n";
}

}  // namespace
}  // namespace bertlens
