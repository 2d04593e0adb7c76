// Training and held-out batches: reproducible from (seed, step), shaped as
// BERT's inputs ([CLS] a [SEP], pairs with token types 0 then 1, long
// segments reaching the last position), and masked as BERT masks (15% of
// the tokens other than [CLS]/[SEP]; of those 80% [MASK], 10% a random
// ordinary token, 10% unchanged), measured over many batches.
#include "train/BatchSampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace bertlens::train {
namespace {

constexpr int32_t kVocab = 60;

// Sentences of 3..14 ordinary tokens (ids 5..59).
TokenizedSentences syntheticSentences(int count) {
    Random random(3);
    TokenizedSentences s;
    for (int i = 0; i < count; ++i) {
        const int n = 3 + int(random.below(12));
        for (int j = 0; j < n; ++j) s.ids.push_back(5 + int32_t(random.below(kVocab - 5)));
        s.starts.push_back(int64_t(s.ids.size()));
    }
    return s;
}

SpecialIds specials() {
    std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    for (int i = 5; i < kVocab; ++i) tokens.push_back("t" + std::to_string(i));
    return SpecialIds::fromVocab(Vocab(tokens));
}

SamplerOptions options() {
    SamplerOptions o;
    o.maxPositions = 48;
    o.batchTokens = 1024;
    return o;
}

TEST(TrainBatches, SameStepSameBatchAndEverySequenceIsWellFormed) {
    const TokenizedSentences sentences = syntheticSentences(400);
    const SpecialIds special = specials();
    EXPECT_EQ(special.ordinary.size(), size_t(kVocab - 5));
    const BatchSampler sampler(sentences, special, options(), 11);
    const TrainBatch a = sampler.batch(7);
    const TrainBatch again = BatchSampler(sentences, special, options(), 11).batch(7);
    EXPECT_EQ(a.ids, again.ids);
    EXPECT_EQ(a.maskedRows, again.maskedRows);
    EXPECT_NE(sampler.batch(8).ids, a.ids);
    EXPECT_NE(BatchSampler(sentences, special, options(), 12).batch(7).ids, a.ids);

    int pairs = 0, longest = 0, maxPosition = 0;
    for (int64_t step = 0; step < 50; ++step) {
        const TrainBatch b = sampler.batch(step);
        EXPECT_LE(b.tokens(), options().batchTokens);
        EXPECT_GT(b.tokens(), options().batchTokens - options().maxPositions - 1);  // filled
        int row = 0;
        for (int n : b.lengths) {
            ASSERT_LE(n, options().maxPositions);
            EXPECT_EQ(b.ids[size_t(row)], special.cls);
            EXPECT_EQ(b.ids[size_t(row + n - 1)], special.sep);
            int seps = 0;
            for (int i = 0; i < n; ++i) {
                EXPECT_EQ(b.positions[size_t(row + i)], i);
                // Type 1 exactly after the first [SEP] of a pair.
                EXPECT_EQ(b.typeIds[size_t(row + i)], seps > 0 ? 1 : 0);
                if (b.ids[size_t(row + i)] == special.sep) ++seps;
            }
            ASSERT_LE(seps, 2);
            pairs += seps == 2 ? 1 : 0;
            longest = std::max(longest, n);
            row += n;
        }
        ASSERT_EQ(row, b.tokens());
        for (int32_t p : b.positions) maxPosition = std::max(maxPosition, p);
    }
    EXPECT_GT(pairs, 50);                                // about 10% of some 4000 examples
    EXPECT_GE(longest, options().maxPositions - 2);      // long segments fill the model's length
    EXPECT_EQ(maxPosition, options().maxPositions - 1);  // so the last position embedding is trained
}

TEST(TrainBatches, MaskingIsBertsFifteenPercentWithEightyTenTen) {
    const TokenizedSentences sentences = syntheticSentences(400);
    const SpecialIds special = specials();
    const BatchSampler sampler(sentences, special, options(), 21);
    int64_t candidates = 0, chosen = 0, masked = 0, unchanged = 0, replaced = 0;
    for (int64_t step = 0; step < 200; ++step) {
        const TrainBatch b = sampler.batch(step);
        ASSERT_EQ(b.maskedRows.size(), b.targets.size());
        ASSERT_TRUE(std::is_sorted(b.maskedRows.begin(), b.maskedRows.end()));
        for (size_t i = 0; i < b.maskedRows.size(); ++i) {
            const int32_t id = b.ids[size_t(b.maskedRows[i])];
            const int32_t target = b.targets[i];
            ASSERT_TRUE(target >= 5 && target < kVocab) << "a special token is never a target";
            if (id == special.mask) {
                ++masked;
            } else if (id == target) {
                ++unchanged;
            } else {
                ASSERT_TRUE(id >= 5 && id < kVocab) << "a random replacement is an ordinary token";
                ++replaced;
            }
        }
        for (int32_t id : b.ids) candidates += id != special.cls && id != special.sep ? 1 : 0;
        chosen += int64_t(b.maskedRows.size());
        // [MASK] appears only where the loss looks.
        int64_t masks = std::count(b.ids.begin(), b.ids.end(), special.mask);
        int64_t maskedRowsWithMask = 0;
        for (int r : b.maskedRows) maskedRowsWithMask += b.ids[size_t(r)] == special.mask ? 1 : 0;
        EXPECT_EQ(masks, maskedRowsWithMask);
    }
    // About 150,000 candidates: three standard deviations are well under 0.5%.
    EXPECT_NEAR(double(chosen) / double(candidates), 0.15, 0.005);
    EXPECT_NEAR(double(masked) / double(chosen), 0.80, 0.01);
    // A random replacement equals the original 1 time in 55.
    EXPECT_NEAR(double(unchanged) / double(chosen), 0.10 + 0.10 / 55, 0.01);
    EXPECT_NEAR(double(replaced) / double(chosen), 0.10 - 0.10 / 55, 0.01);
}

TEST(TrainBatches, HeldOutBatchesAreFixedSingleSentencesMaskedOnlyWithMask) {
    const TokenizedSentences sentences = syntheticSentences(300);
    const SpecialIds special = specials();
    const auto batches = heldOutBatches(sentences, special, options(), 5);
    const auto again = heldOutBatches(sentences, special, options(), 5);
    ASSERT_EQ(batches.size(), again.size());
    ASSERT_GT(batches.size(), 1u);  // split at the token budget
    size_t sequences = 0;
    int64_t words = 0, masked = 0;
    double expectedMasked = 0;  // 15% of each sentence, plus one where none was drawn
    for (size_t bi = 0; bi < batches.size(); ++bi) {
        const TrainBatch& b = batches[bi];
        EXPECT_EQ(b.ids, again[bi].ids);
        EXPECT_LE(b.tokens(), options().batchTokens);
        size_t row = 0, next = 0;
        for (int n : b.lengths) {
            const size_t s = sequences++;
            ASSERT_EQ(n, sentences.length(s) + 2);
            int inThisSentence = 0;
            for (int i = 1; i + 1 < n; ++i) {
                const int32_t id = b.ids[row + size_t(i)];
                const int32_t original = sentences.begin(s)[i - 1];
                if (next < b.maskedRows.size() && size_t(b.maskedRows[next]) == row + size_t(i)) {
                    EXPECT_EQ(id, special.mask);
                    EXPECT_EQ(b.targets[next], original);
                    ++next;
                    ++inThisSentence;
                } else {
                    EXPECT_EQ(id, original);
                }
            }
            EXPECT_GE(inThisSentence, 1) << "every held-out sentence asks for at least one word";
            for (int i = 0; i < n; ++i) EXPECT_EQ(b.typeIds[row + size_t(i)], 0);
            words += n - 2;
            expectedMasked += 0.15 * (n - 2) + std::pow(0.85, n - 2);
            masked += inThisSentence;
            row += size_t(n);
        }
        EXPECT_EQ(next, b.maskedRows.size());
    }
    EXPECT_EQ(sequences, sentences.count());
    EXPECT_NEAR(double(masked) / double(words), expectedMasked / double(words), 0.012);
}

}  // namespace
}  // namespace bertlens::train

namespace bertlens::train {
namespace {

// The one-way objectives see the same sequences as the masked-LM run of the
// same seed, uncorrupted, and ask every position for its neighbour.
TEST(TrainBatches, OneWayObjectivesSeeTheMaskedLmSequencesUncorruptedWithNeighbourTargets) {
    const TokenizedSentences sentences = syntheticSentences(400);
    const SpecialIds special = specials();
    SamplerOptions next = options(), previous = options();
    next.objective = Objective::NextWord;
    previous.objective = Objective::PreviousWord;
    const BatchSampler maskedLm(sentences, special, options(), 31);
    for (int64_t step = 0; step < 20; ++step) {
        const TrainBatch m = maskedLm.batch(step);
        const TrainBatch l = BatchSampler(sentences, special, next, 31).batch(step);
        const TrainBatch r = BatchSampler(sentences, special, previous, 31).batch(step);
        ASSERT_EQ(m.lengths, l.lengths);
        ASSERT_EQ(m.lengths, r.lengths);
        EXPECT_EQ(l.ids, r.ids);
        EXPECT_EQ(l.typeIds, m.typeIds);
        // Undo BERT's corruption by hand: the masked-LM targets are the originals.
        std::vector<int32_t> original = m.ids;
        for (size_t i = 0; i < m.maskedRows.size(); ++i) original[size_t(m.maskedRows[i])] = m.targets[i];
        EXPECT_EQ(l.ids, original);
        EXPECT_EQ(std::count(l.ids.begin(), l.ids.end(), special.mask), 0);
        // Row i of a sequence predicts token i + 1 (next) or i - 1 (previous).
        size_t li = 0, ri = 0;
        int row = 0;
        for (int n : l.lengths) {
            for (int i = 0; i < n; ++i) {
                if (i + 1 < n) {
                    ASSERT_LT(li, l.maskedRows.size());
                    EXPECT_EQ(l.maskedRows[li], row + i);
                    EXPECT_EQ(l.targets[li], l.ids[size_t(row + i + 1)]);
                    ++li;
                }
                if (i > 0) {
                    ASSERT_LT(ri, r.maskedRows.size());
                    EXPECT_EQ(r.maskedRows[ri], row + i);
                    EXPECT_EQ(r.targets[ri], r.ids[size_t(row + i - 1)]);
                    ++ri;
                }
            }
            row += n;
        }
        EXPECT_EQ(li, l.maskedRows.size());
        EXPECT_EQ(ri, r.maskedRows.size());
    }
}

TEST(TrainBatches, OneWayHeldOutBatchesAreTheSameSentencesUnmasked) {
    const TokenizedSentences sentences = syntheticSentences(300);
    const SpecialIds special = specials();
    SamplerOptions next = options();
    next.objective = Objective::NextWord;
    const auto masked = heldOutBatches(sentences, special, options(), 5);
    const auto plain = heldOutBatches(sentences, special, next, 5);
    ASSERT_EQ(masked.size(), plain.size());
    for (size_t b = 0; b < masked.size(); ++b) {
        EXPECT_EQ(masked[b].lengths, plain[b].lengths);
        std::vector<int32_t> original = masked[b].ids;
        for (size_t i = 0; i < masked[b].maskedRows.size(); ++i)
            original[size_t(masked[b].maskedRows[i])] = masked[b].targets[i];
        EXPECT_EQ(plain[b].ids, original);
        EXPECT_EQ(plain[b].maskedRows.size(), plain[b].ids.size() - plain[b].lengths.size());
    }
}

}  // namespace
}  // namespace bertlens::train
