// Turns tokenized sentences into masked-LM batches, reproducibly.
//
// Training batch of step s: drawn from Random(seed, kBatchStreamBase + s)
// alone, so a resumed run sees exactly the batches an uninterrupted one
// would. Each example is, by draw: one sentence "[CLS] a [SEP]" (most), a
// pair "[CLS] a [SEP] b [SEP]" (token types 0 then 1), or a segment of
// consecutive sentences "[CLS] a b c ... [SEP]" up to maxPositions tokens,
// so that every position embedding is trained. Examples are added until the
// next would pass the batch's token budget. BERT's masking: each token other
// than [CLS]/[SEP] is chosen with probability maskPercent; a chosen token
// becomes [MASK] (80%), a random ordinary token (10%) or stays (10%), and
// the loss asks for the original at every chosen position.
//
// For the one-way objectives (next-word, previous-word) nothing is
// corrupted: every position that has a neighbour on the predicted side is a
// loss row, its target the next (previous) token. The masking draws are
// still made and thrown away, so each step's batch holds exactly the
// sequences the masked-LM run with the same seed sees.
//
// Held-out batches: each sentence alone, maskPercent of its tokens (at least
// one) replaced by [MASK] only, chosen by Random(seed, kHeldOutMaskStream):
// the same masked sentences on every evaluation and in every tool. For the
// one-way objectives the same sentences unmasked, every neighbour a target.
//
// A BatchSampler is immutable after construction; thread-safe.
#pragma once

#include "model/Direction.h"
#include "tokenizer/Tokenizer.h"
#include "train/Random.h"
#include "train/TrainBatch.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bertlens::train {

// Random streams of the seed (the corpus uses 0 and 1).
constexpr uint64_t kInitStream = 2;
constexpr uint64_t kHeldOutMaskStream = 3;
constexpr uint64_t kBatchStreamBase = uint64_t(1) << 32;

// Sentences as word-piece ids, without [CLS]/[SEP], back to back.
struct TokenizedSentences {
    std::vector<int32_t> ids;
    std::vector<int64_t> starts{0};  // sentence i is ids[starts[i], starts[i + 1])

    size_t count() const { return starts.size() - 1; }
    int length(size_t i) const { return int(starts[i + 1] - starts[i]); }
    const int32_t* begin(size_t i) const { return ids.data() + starts[i]; }
    size_t tokens() const { return ids.size(); }
};
TokenizedSentences tokenizeSentences(const std::vector<std::string>& sentences, const Tokenizer& tokenizer);

struct SpecialIds {
    int32_t cls = 2, sep = 3, mask = 4;
    std::vector<int32_t> ordinary;  // every id a random replacement may take (not a special token)

    static SpecialIds fromVocab(const Vocab& vocab);  // throws Error when [CLS]/[SEP]/[MASK] are missing
};

struct SamplerOptions {
    int maxPositions = 128;
    int batchTokens = 4096;
    int pairPercent = 10;
    int segmentPercent = 10;
    int maskPercent = 15;
    Objective objective = Objective::MaskedLm;
};

class BatchSampler {
public:
    BatchSampler(const TokenizedSentences& sentences, SpecialIds special, SamplerOptions options, uint64_t seed);

    TrainBatch batch(int64_t step) const;

private:
    void addExample(Random& random, TrainBatch& batch, std::vector<int32_t>& ids, std::vector<int32_t>& types) const;
    void appendSentence(size_t index, int32_t type, int room, std::vector<int32_t>& ids,
                        std::vector<int32_t>& types) const;

    const TokenizedSentences& m_sentences;
    SpecialIds m_special;
    SamplerOptions m_options;
    uint64_t m_seed;
};

// The loss rows of a one-way objective for one sequence starting at batch
// row base: every position with a neighbour on the predicted side.
void addNeighbourTargets(Objective objective, int base, const std::vector<int32_t>& ids, TrainBatch& batch);

// The held-out masking of one sentence of `words` word pieces (positions
// 1..words, after [CLS]): each with maskPercent probability, at least one.
std::vector<int> heldOutMaskedPositions(Random& random, int words, int maskPercent);

std::vector<TrainBatch> heldOutBatches(const TokenizedSentences& sentences, const SpecialIds& special,
                                       const SamplerOptions& options, uint64_t seed);

}  // namespace bertlens::train
