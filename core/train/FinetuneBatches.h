// Task examples as classification batches for fine-tuning, reproducibly.
//
// An example becomes "[CLS] a [SEP]" or, for a pair task, "[CLS] a [SEP] b
// [SEP]" (token types 0, then 1 from b on), cut to the model's positions
// (the longer segment loses its last word pieces first, as BERT's own
// fine-tuning scripts do). A batch's loss rows are the [CLS] rows and its
// targets the labels (TrainableBert's classifier head reads them so).
//
// The order of epoch e is a shuffle drawn from Random(seed,
// kFinetuneShuffleStreamBase + e) alone, so a resumed run sees exactly the
// batches an uninterrupted one would. Pure functions: thread-safe.
#pragma once

#include "tokenizer/Tokenizer.h"
#include "train/BatchSampler.h"
#include "train/TaskTable.h"
#include "train/TrainBatch.h"

#include <cstdint>
#include <vector>

namespace bertlens::train {

constexpr uint64_t kFinetuneShuffleStreamBase = uint64_t(3) << 32;

struct EncodedExample {
    std::vector<int32_t> ids;
    std::vector<int32_t> typeIds;
    int label = 0;
};

std::vector<EncodedExample> encodeExamples(const std::vector<TaskExample>& examples, const Tokenizer& tokenizer,
                                           const SpecialIds& special, int maxPositions);

// The batch of the examples at these indices, in that order.
TrainBatch classificationBatch(const std::vector<EncodedExample>& examples, const std::vector<size_t>& indices);

// Steps per epoch: ceil(count / batchSize) (the last batch of an epoch is smaller).
int64_t stepsPerEpoch(size_t count, int batchSize);
// The example indices of 0-based step.
std::vector<size_t> stepIndices(size_t count, int batchSize, uint64_t seed, int64_t step);

// The held-out examples in batches of batchSize, in order.
std::vector<TrainBatch> evaluationBatches(const std::vector<EncodedExample>& examples, int batchSize);

}  // namespace bertlens::train
