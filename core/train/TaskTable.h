// The fine-tuning tasks made from the pretraining grammar's own lexicon and
// world of facts, as data: one table row per task (name, labels, generator),
// so the fine-tuner reads the table instead of being copied per task.
//
//   const TaskInfo* task = findTask("agreement");
//   TaskSplits s = makeTaskSplits(*task, seed, 1000, 500);
//   // s.train[i].a = "the keys to the cabinet is old .", label 1 (ungrammatical)
//
// agreement: one segment; label 0 grammatical, 1 ungrammatical, the
//   ungrammatical twin made by flipping the number of the verb (or the
//   predicate's first word) while the subject, a distractor noun of the other
//   number, or a relative clause with its own subject stay as they are.
// pair: segments a and b; b states a fact of the grammar's world that
//   agrees with a (said another way), contradicts it (the same frame with a
//   wrong capital, sound, tool or colour), or is about something else.
//
// Train and held-out examples come from separate Random streams of the seed
// (kTaskTrainStream, kTaskHeldOutStream); a training draw whose grammatical
// form is a held-out one's is discarded, so no held-out sentence (nor its
// twin) is ever trained on. Constant table, pure functions: thread-safe.
#pragma once

#include "train/Random.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bertlens::train {

constexpr uint64_t kTaskTrainStream = 16;
constexpr uint64_t kTaskHeldOutStream = 17;

struct TaskExample {
    std::string a;  // the first (or only) segment
    std::string b;  // the second segment, empty for single-sentence tasks
    int label = 0;
    std::string key;  // what makes two examples "the same sentence" for the split check
};

struct TaskInfo {
    const char* name;
    const char* description;
    std::vector<std::string> labels;  // index = label id
    bool pair;                        // two segments (token type ids 0 then 1)
    TaskExample (*draw)(Random& random);
};

struct TaskSplits {
    std::vector<TaskExample> train;
    std::vector<TaskExample> heldOut;
};

const std::vector<TaskInfo>& taskTable();
// nullptr when no task has that name.
const TaskInfo* findTask(const std::string& name);
// The names, comma separated, for messages.
std::string taskNames();

// Held-out examples are distinct by key; training examples avoid every
// held-out key (training examples may repeat among themselves, as data does).
// Throws Error when the grammar cannot supply heldOut distinct examples.
TaskSplits makeTaskSplits(const TaskInfo& task, uint64_t seed, size_t train, size_t heldOut);

// Examples per label.
std::vector<size_t> labelCounts(const TaskInfo& task, const std::vector<TaskExample>& examples);

}  // namespace bertlens::train
