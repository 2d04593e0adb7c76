// Fine-tunes a BERT on one of the tasks of TaskTable: the code behind
// `bertlens-cli finetune`. BertForSequenceClassification's head (pooler and
// classifier, ClassifierHead) goes on top of the encoder and every weight is
// trained with the pretraining's backward passes and AdamW.
//
//   FinetuneOptions o;
//   o.modelDir = "resources/models/bertlens-mini";
//   o.task = "agreement";
//   o.outDir = "/tmp/agreement";
//   FinetuneResult r = Finetuner(o, onProgress).run();   // writes /tmp/agreement
//
// The weights start from the model folder's encoder (and its pooler, when
// it has one), or with fromScratch from BERT's initialisation; either way
// every tensor is first drawn from Random(seed, kInitStream) exactly as
// `train` draws them, so the pooler and classifier start the same in both.
// The examples come from makeTaskSplits(task, seed, ...), their order from
// FinetuneBatches; with the same options and thread count two runs give the
// same weights, and a run resumed from its training state (OUT/training)
// ends where an uninterrupted one does. With a cancel flag, run() stops
// before the next step (or held-out batch) once it is set and throws
// Cancelled, having written nothing. Not thread-safe; run() uses OpenMP.
#pragma once

#include "io/SafeTensors.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bertlens::train {

struct FinetuneOptions {
    std::string modelDir;
    std::string task;
    std::string outDir;
    int trainExamples = 3000;
    int heldOutExamples = 500;
    int epochs = 5;
    double learningRate = 5e-4;
    int batchSize = 32;
    uint64_t seed = 1;
    bool fromScratch = false;
    double warmupFraction = 0.1;  // of all steps, linear warm-up, then linear decay
    double weightDecay = 0.01;
    double clipNorm = 1.0;
    int checkpointEvery = 0;  // steps between training states for resume; 0 = none
    bool resume = false;
    DType dtype = DType::F32;  // of the written model.safetensors
    // Set from another thread to stop the run (Cancelled); not part of the recipe.
    const std::atomic<bool>* cancel = nullptr;

    // The options that decide the result, as JSON (a resume must match them).
    std::string recipeJson() const;
};

struct FinetuneProgress {
    enum class Kind { Message, Step, Evaluation } kind = Kind::Message;
    std::string message;
    int64_t step = 0, steps = 0;
    int epoch = 0;                 // Evaluation: epochs done
    double loss = 0;               // Step: mean training loss since the previous report
    double examplesPerSecond = 0;  // since this process started training
    double elapsedSeconds = 0, remainingSeconds = 0;
    double heldOutLoss = 0, heldOutAccuracy = 0;  // Evaluation
};

struct CurvePoint {
    int epoch = 0;
    int64_t step = 0;
    double trainLoss = 0;  // mean over the epoch's steps
    double heldOutLoss = 0;
    double heldOutAccuracy = 0;
};

struct FinetuneResult {
    std::vector<std::string> labels;
    int64_t steps = 0;
    double heldOutAccuracy = 0;  // after the last epoch
    double heldOutLoss = 0;
    double examplesPerSecond = 0;
    std::vector<CurvePoint> curve;  // one point per epoch
};

// The curve as a JSON array of {epoch, step, train_loss, held_out_loss,
// held_out_accuracy} (the summary's "curve", the saved curve of a resume).
std::string curveJson(const std::vector<CurvePoint>& curve);

class Finetuner {
public:
    // Throws Error on bad options (an unknown task, no examples, ...).
    Finetuner(FinetuneOptions options, std::function<void(const FinetuneProgress&)> onProgress);

    // Throws Error (CheckpointError for a model that cannot be read).
    FinetuneResult run();

private:
    void report(const FinetuneProgress& p) const;

    FinetuneOptions m_options;
    std::function<void(const FinetuneProgress&)> m_onProgress;
};

}  // namespace bertlens::train
