// What the Fine-tune view's job does on its thread (issue 16, part 5): one
// task and training size, fine-tuned twice with core's Finetuner — from the
// window's model ("pretrained") and from BERT's random initialisation with
// the same architecture, budget and seed ("from scratch") — then the
// "what changed" map of the sentence: each head's attention in the
// pretrained model against the fine-tuned one (AttentionChange.h).
//
// The runs write their models into a temporary folder under
// request.stagingRoot, which the outcome owns: it is removed when the last
// outcome holding it goes (the end of the session at the latest), and at
// once when the work is cancelled or fails, so a stopped run leaves
// nothing on disk. The from-scratch model is not kept.
//
// Plain values; runFinetunePair runs on any one thread at a time (OpenMP
// threads as the caller's omp_get_max_threads).
#pragma once

#include "analysis/AttentionChange.h"
#include "train/Finetuner.h"

#include <QMetaType>
#include <QString>
#include <QTemporaryDir>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bertlens {
class Model;
}

namespace bertlens::ui {

enum class FinetuneArm { Pretrained = 0, FromScratch = 1 };

struct FinetuneRequest {
    std::shared_ptr<const Model> model;  // the pretrained model (the window's)
    QString modelName;
    std::string task;
    int trainExamples = 100;
    int epochs = 20;
    int heldOutExamples = 500;
    int batchSize = 32;
    uint64_t seed = 1;
    // The sentence of the map, as the window ran it (its ids and token types).
    std::vector<int32_t> ids, typeIds;
    QString stagingRoot;  // where the temporary folder goes; empty = the system's
};

// One progress report of one arm, as the Finetuner gave it.
struct FinetuneLive {
    FinetuneArm arm = FinetuneArm::Pretrained;
    train::FinetuneProgress progress;
};

struct FinetuneOutcome {
    train::FinetuneResult results[2];  // by FinetuneArm
    double seconds[2] = {0, 0};        // wall-clock time of each run
    std::shared_ptr<QTemporaryDir> staging;
    QString folder;                          // the fine-tuned pretrained model (a classifier folder)
    std::shared_ptr<const Model> finetuned;  // loaded from folder
    AttentionChange change;                  // of the request's sentence
};
using FinetuneOutcomePtr = std::shared_ptr<const FinetuneOutcome>;

// The folder name of a fine-tuned model: "<model>-<task>-<examples>".
QString finetunedFolderName(const QString& modelName, const std::string& task, int trainExamples);

// The options of one arm (out folder and cancel flag aside): what an
// independent `bertlens-cli finetune` with the same numbers would use.
train::FinetuneOptions finetuneOptions(const FinetuneRequest& request, FinetuneArm arm);

// Both runs and the map. Throws Cancelled once cancel is set, Error on
// anything else; either way the temporary folder is gone.
FinetuneOutcome runFinetunePair(const FinetuneRequest& request, const std::atomic<bool>& cancel,
                                const std::function<void(const FinetuneLive&)>& onProgress);

// The map alone, for another sentence: the two models on the same ids.
AttentionChange changeForSentence(const std::shared_ptr<const Model>& pretrained,
                                  const std::shared_ptr<const Model>& finetuned, const std::vector<int32_t>& ids,
                                  const std::vector<int32_t>& typeIds, const std::atomic<bool>* cancel);

}  // namespace bertlens::ui

Q_DECLARE_METATYPE(bertlens::ui::FinetuneLive)
Q_DECLARE_METATYPE(bertlens::ui::FinetuneOutcomePtr)
