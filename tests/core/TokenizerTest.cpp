// The tokenizer against tests/fixtures/tokenizer/*.json, whose expected
// tokens, ids and offsets come from tools/tokenizer_reference.py (an
// independent Python transcription of Hugging Face's BertTokenizer).
#include "TestSupport.h"

#include "tokenizer/Tokenizer.h"

#include <gtest/gtest.h>

namespace bertlens {
namespace {

using test::fixturesDir;

void checkCases(const Tokenizer& tokenizer, const nlohmann::json& file) {
    ASSERT_GE(file["cases"].size(), 15u);
    for (const auto& c : file["cases"]) {
        const std::string text = c["text"].get<std::string>();
        SCOPED_TRACE("case " + c["name"].get<std::string>());
        const std::vector<Token> tokens = tokenizer.tokenize(text);
        std::vector<std::string> texts;
        std::vector<int32_t> ids;
        std::vector<std::pair<int, int>> offsets;
        for (const Token& t : tokens) {
            texts.push_back(t.text);
            ids.push_back(t.id);
            offsets.emplace_back(t.chars.start, t.chars.end);
        }
        EXPECT_EQ(texts, c["tokens"].get<std::vector<std::string>>());
        EXPECT_EQ(ids, c["ids"].get<std::vector<int32_t>>());
        EXPECT_EQ(offsets, (c["offsets"].get<std::vector<std::pair<int, int>>>()));
    }
}

TEST(Tokenizer, UncasedMatchesReferenceOnBertBaseVocabulary) {
    const auto dir = test::sharedBertBaseUncased();
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/bert-base-uncased is absent";
    auto vocab = std::make_shared<const Vocab>(Vocab::fromFile((dir / "vocab.txt").string()));
    ASSERT_EQ(vocab->size(), 30522);
    const auto file = test::readJson(fixturesDir() / "tokenizer" / "uncased_cases.json");
    ASSERT_GE(file["cases"].size(), 50u);
    checkCases(Tokenizer(vocab, {}), file);
}

TEST(Tokenizer, CasedMatchesReference) {
    auto vocab =
        std::make_shared<const Vocab>(Vocab::fromFile((fixturesDir() / "tokenizer" / "cased_vocab.txt").string()));
    TokenizerOptions cased;
    cased.lowerCase = false;
    cased.stripAccents = false;
    checkCases(Tokenizer(vocab, cased), test::readJson(fixturesDir() / "tokenizer" / "cased_cases.json"));
}

TEST(Tokenizer, EncodeWrapsInClsAndSepAndMarksTheSecondSentence) {
    auto vocab =
        std::make_shared<const Vocab>(std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"});
    const Tokenizer tok(vocab, {});
    const Encoding single = tok.encode("a b");
    EXPECT_EQ(single.ids, (std::vector<int32_t>{2, 5, 6, 3}));
    EXPECT_EQ(single.typeIds, (std::vector<int32_t>{0, 0, 0, 0}));
    EXPECT_TRUE(single.tokens.front().added);
    EXPECT_EQ(single.tokens.front().chars.end, 0);

    const Encoding pair = tok.encode("a [SEP] b");
    EXPECT_EQ(pair.ids, (std::vector<int32_t>{2, 5, 3, 6, 3}));
    EXPECT_EQ(pair.typeIds, (std::vector<int32_t>{0, 0, 0, 1, 1}));

    const Encoding typed = tok.encode("[CLS] a [SEP] b [SEP]");  // already wrapped: kept as typed
    EXPECT_EQ(typed.ids, (std::vector<int32_t>{2, 5, 3, 6, 3}));
    EXPECT_EQ(typed.typeIds, (std::vector<int32_t>{0, 0, 0, 1, 1}));
    EXPECT_FALSE(typed.tokens.front().added);
}

TEST(Tokenizer, ByteOffsetsPointAtTheOriginalUtf8) {
    auto vocab = std::make_shared<const Vocab>(std::vector<std::string>{"[UNK]", "cafe", "!"});
    const Tokenizer tok(vocab, {});
    const std::string text = "Caf\xC3\xA9!";  // "Café!": é is two bytes
    const auto tokens = tok.tokenize(text);
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(text.substr(tokens[0].bytes.start, tokens[0].bytes.end - tokens[0].bytes.start), "Caf\xC3\xA9");
    EXPECT_EQ(tokens[1].chars.start, 4);
    EXPECT_EQ(tokens[1].bytes.start, 5);
}

TEST(Tokenizer, InvalidUtf8BytesAreDroppedLikeReplacementCharacters) {
    auto vocab = std::make_shared<const Vocab>(std::vector<std::string>{"[UNK]", "ab"});
    const Tokenizer tok(vocab, {});
    const auto tokens = tok.tokenize(
        "a\xFF\xFE"
        "b");
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].text, "ab");
}

}  // namespace
}  // namespace bertlens

namespace bertlens {
namespace {

// The CLI's tokenize output (the contract outside tools rely on) for every
// reference case: [CLS] + the reference tokens + [SEP], offsets included.
TEST(TokenizerCli, TokenizeJsonMatchesReference) {
    const auto dir = test::sharedBertBaseUncased();
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/bert-base-uncased is absent";
    const auto file = test::readJson(test::fixturesDir() / "tokenizer" / "uncased_cases.json");
    int checked = 0;
    for (const auto& c : file["cases"]) {
        if (c["tokens"].empty()) continue;        // empty texts are refused, see BadInputTest
        if (c["tokens"][0] == "[CLS]") continue;  // typed [CLS]: not wrapped
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto r = test::runCli("tokenize --model '" + dir.string() + "' --text -", c["text"].get<std::string>());
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const auto out = nlohmann::json::parse(r.out);
        auto tokens = c["tokens"];
        tokens.insert(tokens.begin(), "[CLS]");
        tokens.push_back("[SEP]");
        EXPECT_EQ(out["tokens"], tokens);
        auto offsets = c["offsets"];
        offsets.insert(offsets.begin(), nlohmann::json::array({0, 0}));
        offsets.push_back(nlohmann::json::array({0, 0}));
        EXPECT_EQ(out["offsets"], offsets);
        EXPECT_EQ(out["ids"].front(), 101);
        EXPECT_EQ(out["ids"].back(), 102);
        ++checked;
    }
    EXPECT_GE(checked, 60);
}

}  // namespace
}  // namespace bertlens
