// The pretraining corpus and its vocabulary: reproducible from the seed,
// held-out text disjoint from training text, every phenomenon present, the
// facts consistent with each other and with the real world (tables written
// here, not taken from the generator), and nothing the Tokenizer cannot read.
#include "TestSupport.h"

#include "tokenizer/Tokenizer.h"
#include "train/CorpusGenerator.h"
#include "train/Random.h"
#include "train/WordPieceBuilder.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace bertlens {
namespace {

constexpr uint64_t kSeed = 20240611;
constexpr size_t kTrain = 20000;
constexpr size_t kHeldOut = 2000;

const Corpus& corpus() {
    static const Corpus c = generateCorpus(kSeed, kTrain, kHeldOut);
    return c;
}

const std::vector<std::string>& vocabulary() {
    static const std::vector<std::string> v = buildWordPieceVocab(corpus().train);
    return v;
}

std::vector<std::string> words(const std::string& sentence) {
    std::vector<std::string> out;
    std::istringstream in(sentence);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool contains(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

size_t countMatching(const char* part) {
    size_t n = 0;
    for (const std::string& s : corpus().train) n += contains(s, part) ? 1 : 0;
    return n;
}

// Records key -> value and fails when a key is seen with two values.
void expectSameValue(std::map<std::string, std::string>& facts, const std::string& key, const std::string& value,
                     const std::string& sentence) {
    const auto [it, inserted] = facts.emplace(key, value);
    EXPECT_TRUE(inserted || it->second == value)
        << key << " -> " << it->second << " elsewhere, but -> " << value << " in: " << sentence;
}

TEST(Random, BelowStaysInRangeAndIsRoughlyUniform) {
    Random random(1);
    std::vector<int> buckets(10, 0);
    for (int i = 0; i < 100000; ++i) ++buckets.at(random.below(10));
    for (int count : buckets) EXPECT_NEAR(count, 10000, 500);
    Random a(5, 0), b(5, 0), c(5, 1);
    EXPECT_EQ(a.next(), b.next());
    EXPECT_NE(a.next(), c.next());
}

TEST(Corpus, SameSeedSameBytesOtherSeedOtherText) {
    const Corpus again = generateCorpus(kSeed, kTrain, kHeldOut);
    EXPECT_EQ(again.train, corpus().train);
    EXPECT_EQ(again.heldOut, corpus().heldOut);
    EXPECT_EQ(buildWordPieceVocab(again.train), vocabulary());
    const Corpus other = generateCorpus(kSeed + 1, 1000, 10);
    EXPECT_NE(other.train, std::vector<std::string>(corpus().train.begin(), corpus().train.begin() + 1000));
}

TEST(Corpus, HeldOutIsDistinctAndNeverInTrain) {
    ASSERT_EQ(corpus().heldOut.size(), kHeldOut);
    const std::set<std::string> train(corpus().train.begin(), corpus().train.end());
    const std::set<std::string> heldOut(corpus().heldOut.begin(), corpus().heldOut.end());
    EXPECT_EQ(heldOut.size(), kHeldOut);
    for (const std::string& s : heldOut) EXPECT_EQ(train.count(s), 0u) << s;
    // Most training text is new sentences, not a handful repeated.
    EXPECT_GT(train.size(), kTrain / 2);
}

TEST(Corpus, SentencesAreLowercaseSingleSpacedAndEndWithAPeriod) {
    size_t totalWords = 0;
    size_t longest = 0;
    for (const std::string& s : corpus().train) {
        ASSERT_GE(s.size(), 3u);
        EXPECT_EQ(s.substr(s.size() - 2), " .") << s;
        EXPECT_FALSE(contains(s, "  ") || s.front() == ' ') << s;
        for (char c : s) ASSERT_FALSE(c >= 'A' && c <= 'Z') << s;
        const size_t n = words(s).size();
        EXPECT_GE(n, 3u) << s;
        EXPECT_LE(n, 40u) << s;
        totalWords += n;
        longest = std::max(longest, n);
    }
    const double mean = double(totalWords) / double(corpus().train.size());
    EXPECT_GT(mean, 7.0);
    EXPECT_LT(mean, 14.0);
    EXPECT_GE(longest, 20u);
}

TEST(Corpus, EveryPhenomenonIsCommon) {
    const size_t onePercent = kTrain / 100;
    EXPECT_GT(countMatching("capital of"), 5 * onePercent);
    EXPECT_GT(countMatching("the keys to the ") + countMatching("the key to the "), 2 * onePercent);
    EXPECT_GT(countMatching(" that "), 3 * onePercent);
    EXPECT_GT(countMatching(" who "), onePercent);
    EXPECT_GT(countMatching(" she "), onePercent);
    EXPECT_GT(countMatching(" they "), onePercent);
    EXPECT_GT(countMatching(" under the "), onePercent);
    EXPECT_GT(countMatching(" because "), onePercent);
    EXPECT_GT(countMatching(" but "), onePercent);
    for (const char* sense : {"bank of the river", "money in the bank", "bat flew", "with his bat", "bark of the dog",
                              "bark of the old tree", "with a saw", "saw a bird", "bloom in spring", "spring broke"}) {
        EXPECT_GT(countMatching(sense), 0u) << sense;
    }
}

TEST(Corpus, AgreementFollowsTheHeadNotTheDistractor) {
    // "the key(s) to the N(s) VERB": the verb's number is the key's.
    const std::set<std::string> singularVerbs = {"is", "was", "has", "belongs", "looks", "costs"};
    const std::set<std::string> pluralVerbs = {"are", "were", "have", "belong", "look", "cost"};
    size_t checked = 0;
    size_t withPluralDistractor = 0;
    for (const std::string& s : corpus().train) {
        const std::vector<std::string> w = words(s);
        if (w.size() < 6 || w[0] != "the" || (w[1] != "key" && w[1] != "keys") || w[2] != "to") continue;
        const bool plural = w[1] == "keys";
        const std::string& verb = w[5];
        EXPECT_EQ(plural ? pluralVerbs.count(verb) : singularVerbs.count(verb), 1u) << s;
        withPluralDistractor += w[4].back() == 's' && !plural ? 1 : 0;
        ++checked;
    }
    EXPECT_GT(checked, 100u);
    EXPECT_GT(withPluralDistractor, 20u);
}

TEST(Corpus, FactsAreConsistentAndTrue) {
    std::map<std::string, std::string> capitals, sounds, tools, colours;
    const std::set<std::string> colourWords = {"blue", "yellow", "green",  "white",  "black",
                                               "red",  "brown",  "orange", "purple", "pink"};
    for (const std::string& s : corpus().train) {
        const std::vector<std::string> w = words(s);
        for (size_t i = 0; i + 4 < w.size(); ++i) {
            // the capital of X is Y
            if (w[i] == "the" && w[i + 1] == "capital" && w[i + 2] == "of" && i + 5 < w.size() && w[i + 4] == "is" &&
                w[i + 5] != "not") {
                expectSameValue(capitals, w[i + 3], w[i + 5], s);
            }
            // Y is the capital of X (at the start, so that Y is not "which" or "city")
            if (i == 0 && w[i + 1] == "is" && w[i + 2] == "the" && w[i + 3] == "capital" && i + 5 < w.size() &&
                w[i + 4] == "of") {
                expectSameValue(capitals, w[i + 5], w[i], s);
            }
            // a(n) JOB uses a(n) TOOL
            if ((w[i] == "a" || w[i] == "an") && w[i + 2] == "uses") expectSameValue(tools, w[i + 1], w[i + 4], s);
        }
        // the ANIMAL VERBED at the ...
        if (w.size() > 4 && w[0] == "the" && w[3] == "at" && w[4] == "the" &&
            (w[2] == "sang" || (w[2].size() > 2 && w[2].substr(w[2].size() - 2) == "ed"))) {
            expectSameValue(sounds, w[1], w[2], s);
        }
        // ... THING is/are COLOUR .
        const size_t n = w.size();
        if (n >= 4 && (w[n - 3] == "is" || w[n - 3] == "are") && colourWords.count(w[n - 2]) != 0) {
            expectSameValue(colours, w[n - 4], w[n - 2], s);
        }
    }
    EXPECT_GE(capitals.size(), 28u);
    EXPECT_EQ(capitals["france"], "paris");
    EXPECT_EQ(capitals["germany"], "berlin");
    EXPECT_EQ(capitals["japan"], "tokyo");
    EXPECT_GE(sounds.size(), 18u);
    EXPECT_EQ(sounds["dog"], "barked");
    EXPECT_EQ(sounds["cow"], "mooed");
    EXPECT_EQ(sounds["lion"], "roared");
    EXPECT_GE(tools.size(), 18u);
    EXPECT_EQ(tools["carpenter"], "hammer");
    EXPECT_EQ(tools["painter"], "brush");
    EXPECT_GE(colours.size(), 18u);
    EXPECT_EQ(colours["sky"], "blue");
    EXPECT_EQ(colours["grass"], "green");
    EXPECT_EQ(colours["snow"], "white");
    EXPECT_EQ(colours["bananas"], "yellow");
}

TEST(WordPieceVocab, StartsWithSpecialTokensAndHasNoDuplicates) {
    const std::vector<std::string>& v = vocabulary();
    ASSERT_GE(v.size(), 5u);
    EXPECT_EQ(std::vector<std::string>(v.begin(), v.begin() + 5),
              (std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}));
    EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), v.size());
    EXPECT_LE(v.size(), kDefaultVocabSize);
    const std::set<std::string> tokens(v.begin(), v.end());
    for (const char* t : {"a", "##a", ".", "paris", "barked", "are", "##ing", "##ed"})
        EXPECT_EQ(tokens.count(t), 1u) << t;
    EXPECT_EQ(buildWordPieceVocab(corpus().train, 100).size(), 100u);
}

TEST(WordPieceVocab, SplitsLikeTheTokenizer) {
    const std::vector<std::string> v = buildWordPieceVocab({"Hello, WORLD!  Café"});
    const std::set<std::string> tokens(v.begin(), v.end());
    for (const char* t : {"hello", ",", "world", "!", "cafe"}) EXPECT_EQ(tokens.count(t), 1u) << t;
    EXPECT_EQ(tokens.count("Hello"), 0u);
    EXPECT_EQ(tokens.count("hello,"), 0u);
}

TEST(WordPieceVocab, LoadsAsAVocabAndTokenizesTheCorpusWithoutUnk) {
    test::ScratchDir dir;
    const std::string path = (dir.path() / "vocab.txt").string();
    writeVocabFile(vocabulary(), path);
    auto vocab = std::make_shared<const Vocab>(Vocab::fromFile(path));
    ASSERT_EQ(vocab->size(), static_cast<int32_t>(vocabulary().size()));
    EXPECT_EQ(vocab->maskId(), 4);
    const Tokenizer tokenizer(vocab, TokenizerOptions{});
    size_t checked = 0;
    for (const auto* part : {&corpus().heldOut, &corpus().train}) {
        for (const std::string& s : *part) {
            if (checked++ == 10000) break;
            for (const Token& t : tokenizer.tokenize(s)) ASSERT_NE(t.id, vocab->unkId()) << s;
        }
    }
    // The probes the bundled model will face read as whole words.
    const Encoding probe = tokenizer.encode("The capital of France is [MASK].");
    std::vector<std::string> texts;
    for (const Token& t : probe.tokens) texts.push_back(t.text);
    EXPECT_EQ(texts,
              (std::vector<std::string>{"[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]"}));
}

}  // namespace
}  // namespace bertlens
