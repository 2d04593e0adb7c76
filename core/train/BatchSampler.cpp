#include "train/BatchSampler.h"

#include "Errors.h"

#include <omp.h>

#include <algorithm>

namespace bertlens::train {

TokenizedSentences tokenizeSentences(const std::vector<std::string>& sentences, const Tokenizer& tokenizer) {
    // Chunks tokenized in parallel, joined in order: the result does not
    // depend on the thread count.
    const auto chunks = static_cast<int64_t>(std::max<size_t>(1, std::min<size_t>(sentences.size() / 1000, 64)));
    std::vector<TokenizedSentences> parts(static_cast<size_t>(chunks));
    const auto n = static_cast<int64_t>(sentences.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t c = 0; c < chunks; ++c) {
        TokenizedSentences& part = parts[size_t(c)];
        for (int64_t i = n * c / chunks; i < n * (c + 1) / chunks; ++i) {
            for (const Token& t : tokenizer.tokenize(sentences[size_t(i)])) part.ids.push_back(t.id);
            part.starts.push_back(int64_t(part.ids.size()));
        }
    }
    TokenizedSentences all;
    for (const TokenizedSentences& part : parts) {
        const auto base = int64_t(all.ids.size());
        all.ids.insert(all.ids.end(), part.ids.begin(), part.ids.end());
        for (size_t i = 1; i < part.starts.size(); ++i) all.starts.push_back(base + part.starts[i]);
    }
    return all;
}

SpecialIds SpecialIds::fromVocab(const Vocab& vocab) {
    SpecialIds s;
    s.cls = vocab.clsId();
    s.sep = vocab.sepId();
    s.mask = vocab.maskId();
    if (s.cls == Vocab::kNotFound || s.sep == Vocab::kNotFound || s.mask == Vocab::kNotFound) {
        throw Error("the vocabulary has no [CLS], [SEP] or [MASK] token; a masked-LM vocabulary needs all three");
    }
    for (int32_t id = 0; id < vocab.size(); ++id) {
        if (id != s.cls && id != s.sep && id != s.mask && id != vocab.padId() && id != vocab.unkId())
            s.ordinary.push_back(id);
    }
    if (s.ordinary.empty()) throw Error("the vocabulary has only special tokens");
    return s;
}

BatchSampler::BatchSampler(const TokenizedSentences& sentences, SpecialIds special, SamplerOptions options,
                           uint64_t seed)
    : m_sentences(sentences), m_special(std::move(special)), m_options(options), m_seed(seed) {
    if (sentences.count() == 0) throw Error("there are no training sentences");
    if (options.maxPositions < 4) throw Error("sequences need room for at least 4 tokens");
}

void BatchSampler::appendSentence(size_t index, int32_t type, int room, std::vector<int32_t>& ids,
                                  std::vector<int32_t>& types) const {
    const int n = std::min(m_sentences.length(index), std::max(room, 0));
    ids.insert(ids.end(), m_sentences.begin(index), m_sentences.begin(index) + n);
    types.insert(types.end(), size_t(n), type);
}

void BatchSampler::addExample(Random& random, TrainBatch& batch, std::vector<int32_t>& ids,
                              std::vector<int32_t>& types) const {
    const int max = m_options.maxPositions;
    const auto count = static_cast<uint32_t>(m_sentences.count());
    ids.assign(1, m_special.cls);
    types.assign(1, 0);
    const uint32_t roll = random.below(100);
    if (roll < uint32_t(m_options.segmentPercent)) {
        // Consecutive sentences up to a drawn length in [max / 4, max].
        const int target = max / 4 + int(random.below(uint32_t(max - max / 4 + 1)));
        size_t i = random.below(count);
        do {
            appendSentence(i, 0, max - 1 - int(ids.size()), ids, types);  // 1 left for [SEP]
            i = (i + 1) % count;
        } while (int(ids.size()) + m_sentences.length(i) + 1 <= target);
        ids.push_back(m_special.sep);
        types.push_back(0);
    } else if (roll < uint32_t(m_options.segmentPercent + m_options.pairPercent)) {
        appendSentence(random.below(count), 0, max - 4, ids, types);  // leaves room for a word of b
        ids.push_back(m_special.sep);
        types.push_back(0);
        appendSentence(random.below(count), 1, max - 1 - int(ids.size()), ids, types);
        ids.push_back(m_special.sep);
        types.push_back(1);
    } else {
        appendSentence(random.below(count), 0, max - 2, ids, types);
        ids.push_back(m_special.sep);
        types.push_back(0);
    }
    if (!batch.lengths.empty() && batch.tokens() + int(ids.size()) > m_options.batchTokens) {
        ids.clear();  // over budget: the batch is full
        return;
    }
    const int base = batch.tokens();
    const bool maskedLm = m_options.objective == Objective::MaskedLm;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] == m_special.cls || ids[i] == m_special.sep) continue;
        if (random.below(100) >= uint32_t(m_options.maskPercent)) continue;
        const uint32_t how = random.below(10);
        const int32_t replacement =
            how == 8 ? m_special.ordinary[random.below(uint32_t(m_special.ordinary.size()))] : m_special.mask;
        if (!maskedLm) continue;  // drawn all the same: see the header
        batch.maskedRows.push_back(base + int(i));
        batch.targets.push_back(ids[i]);
        if (how <= 8) ids[i] = replacement;
    }
    if (!maskedLm) addNeighbourTargets(m_options.objective, base, ids, batch);
    batch.addSequence(ids, types);
}

void addNeighbourTargets(Objective objective, int base, const std::vector<int32_t>& ids, TrainBatch& batch) {
    const int offset = -objectiveInfo(objective).readOffset;  // next-word: row i predicts token i + 1
    const int n = int(ids.size());
    for (int i = 0; i < n; ++i) {
        if (i + offset < 0 || i + offset >= n) continue;
        batch.maskedRows.push_back(base + i);
        batch.targets.push_back(ids[size_t(i + offset)]);
    }
}

TrainBatch BatchSampler::batch(int64_t step) const {
    Random random(m_seed, kBatchStreamBase + uint64_t(step));
    TrainBatch batch;
    std::vector<int32_t> ids, types;
    do {
        addExample(random, batch, ids, types);
    } while (!ids.empty());
    if (batch.maskedRows.empty()) {  // rare with real batches; the loss needs one position
        int row = 0;
        while (batch.ids[size_t(row)] == m_special.cls || batch.ids[size_t(row)] == m_special.sep) ++row;
        batch.maskedRows.push_back(row);
        batch.targets.push_back(batch.ids[size_t(row)]);
        batch.ids[size_t(row)] = m_special.mask;
    }
    return batch;
}

std::vector<int> heldOutMaskedPositions(Random& random, int words, int maskPercent) {
    std::vector<int> chosen;
    for (int i = 1; i <= words; ++i) {
        if (random.below(100) < uint32_t(maskPercent)) chosen.push_back(i);
    }
    if (chosen.empty()) chosen.push_back(1 + int(random.below(uint32_t(words))));
    return chosen;
}

std::vector<TrainBatch> heldOutBatches(const TokenizedSentences& sentences, const SpecialIds& special,
                                       const SamplerOptions& options, uint64_t seed) {
    Random random(seed, kHeldOutMaskStream);
    std::vector<TrainBatch> batches(1);
    std::vector<int32_t> ids;
    for (size_t s = 0; s < sentences.count(); ++s) {
        const int words = std::min(sentences.length(s), options.maxPositions - 2);
        if (words <= 0) continue;
        ids.assign(1, special.cls);
        ids.insert(ids.end(), sentences.begin(s), sentences.begin(s) + words);
        ids.push_back(special.sep);
        const std::vector<int> chosen = heldOutMaskedPositions(random, words, options.maskPercent);
        if (!batches.back().lengths.empty() && batches.back().tokens() + int(ids.size()) > options.batchTokens)
            batches.emplace_back();
        TrainBatch& b = batches.back();
        if (options.objective != Objective::MaskedLm) {
            addNeighbourTargets(options.objective, b.tokens(), ids, b);
            b.addSequence(ids, std::vector<int32_t>(ids.size(), 0));
            continue;
        }
        for (int i : chosen) {
            b.maskedRows.push_back(b.tokens() + i);
            b.targets.push_back(ids[size_t(i)]);
            ids[size_t(i)] = special.mask;
        }
        b.addSequence(ids, std::vector<int32_t>(ids.size(), 0));
    }
    if (batches.back().lengths.empty()) batches.pop_back();
    return batches;
}

}  // namespace bertlens::train
