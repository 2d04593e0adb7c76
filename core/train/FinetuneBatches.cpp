#include "train/FinetuneBatches.h"

#include <algorithm>
#include <numeric>

namespace bertlens::train {

std::vector<EncodedExample> encodeExamples(const std::vector<TaskExample>& examples, const Tokenizer& tokenizer,
                                           const SpecialIds& special, int maxPositions) {
    std::vector<EncodedExample> out;
    out.reserve(examples.size());
    auto pieces = [&](const std::string& text) {
        std::vector<int32_t> ids;
        for (const Token& t : tokenizer.tokenize(text)) ids.push_back(t.id);
        return ids;
    };
    for (const TaskExample& x : examples) {
        std::vector<int32_t> a = pieces(x.a);
        std::vector<int32_t> b = x.b.empty() ? std::vector<int32_t>() : pieces(x.b);
        const size_t specials = x.b.empty() ? 2 : 3;
        const size_t room = size_t(std::max(maxPositions, int(specials))) - specials;
        while (a.size() + b.size() > room) (a.size() >= b.size() ? a : b).pop_back();
        EncodedExample e;
        e.label = x.label;
        e.ids.push_back(special.cls);
        e.ids.insert(e.ids.end(), a.begin(), a.end());
        e.ids.push_back(special.sep);
        e.typeIds.assign(e.ids.size(), 0);
        if (!x.b.empty()) {
            e.ids.insert(e.ids.end(), b.begin(), b.end());
            e.ids.push_back(special.sep);
            e.typeIds.resize(e.ids.size(), 1);
        }
        out.push_back(std::move(e));
    }
    return out;
}

TrainBatch classificationBatch(const std::vector<EncodedExample>& examples, const std::vector<size_t>& indices) {
    TrainBatch batch;
    for (size_t i : indices) {
        const EncodedExample& e = examples[i];
        batch.maskedRows.push_back(batch.tokens());  // this sequence's [CLS]
        batch.targets.push_back(e.label);
        batch.addSequence(e.ids, e.typeIds);
    }
    return batch;
}

int64_t stepsPerEpoch(size_t count, int batchSize) {
    return (int64_t(count) + batchSize - 1) / batchSize;
}

std::vector<size_t> stepIndices(size_t count, int batchSize, uint64_t seed, int64_t step) {
    const int64_t perEpoch = stepsPerEpoch(count, batchSize);
    const int64_t epoch = step / perEpoch;
    std::vector<size_t> order(count);
    std::iota(order.begin(), order.end(), size_t(0));
    Random random(seed, kFinetuneShuffleStreamBase + uint64_t(epoch));
    for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[random.below(uint32_t(i))]);  // Fisher-Yates
    const size_t first = size_t(step % perEpoch) * size_t(batchSize);
    const size_t last = std::min(count, first + size_t(batchSize));
    return std::vector<size_t>(order.begin() + std::ptrdiff_t(first), order.begin() + std::ptrdiff_t(last));
}

std::vector<TrainBatch> evaluationBatches(const std::vector<EncodedExample>& examples, int batchSize) {
    std::vector<TrainBatch> batches;
    for (size_t first = 0; first < examples.size(); first += size_t(batchSize)) {
        std::vector<size_t> indices;
        for (size_t i = first; i < std::min(examples.size(), first + size_t(batchSize)); ++i) indices.push_back(i);
        batches.push_back(classificationBatch(examples, indices));
    }
    return batches;
}

}  // namespace bertlens::train
