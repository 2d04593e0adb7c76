// Pretrains a small BERT on the generated corpus: the code behind
// `bertlens-cli train`, the bundled model and its one-way twins. The
// objective (model.objective) is masked-LM (BERT), next-word (left to right,
// a decoder's causal mask) or previous-word (right to left); everything
// else, corpus, vocabulary, batches and budget, is the same for all three.
//
//   TrainOptions o;            // the bundled model's recipe
//   o.outDir = "/tmp/mini";
//   Trainer t(o, [](const TrainProgress& p) { ... });
//   t.run();                   // writes /tmp/mini (config.json, vocab.txt, ...)
//
// Everything follows from the options: the corpus and vocabulary from the
// seed, the initial weights from Random(seed, kInitStream), each step's batch
// and masks from Random(seed, kBatchStreamBase + step). With resume set, a
// killed run continues from the training state in OUT/training and ends with
// the same weights as an uninterrupted run. Progress goes to the callback
// (the caller prints it). With snapshotDir and snapshotEvery set, snapshots of
// the model and the loss of every step go into snapshotDir as it trains
// (train/SnapshotSeries.h). Not thread-safe; run() uses OpenMP threads.
#pragma once

#include "io/ModelConfig.h"
#include "io/SafeTensors.h"
#include "train/BatchSampler.h"
#include "train/TrainableBert.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bertlens::train {

// The defaults are the bundled model's recipe (resources/models/bertlens-mini):
// `bertlens-cli train --out DIR --seed 1` makes it again.
struct TrainOptions {
    ModelConfig model = defaultModel();  // vocabSize: the vocabulary's target size
    uint64_t seed = 1;
    int64_t sentences = 2000000;  // training sentences generated (about 19M word pieces)
    int64_t heldOutSentences = 2000;
    int64_t steps = 12000;
    int batchTokens = 4096;
    double learningRate = 2e-3;
    int64_t warmupSteps = 500;
    double weightDecay = 0.01;
    double clipNorm = 1.0;
    int evalEvery = 500;        // held-out loss and accuracy (and at the end)
    int checkpointEvery = 500;  // training state for --resume
    SamplerOptions sampler;     // its maxPositions and batchTokens are set from model and batchTokens
    DType dtype = DType::F16;   // of the final model.safetensors
    std::string outDir;
    bool resume = false;
    // With both set, snapshots of the model go into snapshotDir as it trains
    // (train/SnapshotRecorder.h). They only read the model: not in the recipe.
    std::string snapshotDir;
    int64_t snapshotEvery = 0;
    // When not empty, the word pieces to train with (a model's vocab.txt,
    // one per line; the window's live pretraining gives the bundled model's)
    // instead of a vocabulary built from the corpus. Part of the recipe.
    std::vector<std::string> vocabulary;
    // Steps between Step reports (each reports the mean loss since the last;
    // 1: every step's own loss, as series.json has it).
    int reportEvery = 10;
    // Set from another thread to stop between two steps: run() then writes
    // the series up to the last step done (and no model, no new training state) and
    // throws Cancelled. Not part of the recipe.
    const std::atomic<bool>* stop = nullptr;

    static ModelConfig defaultModel();
    // The options that decide the result, as JSON (recorded in the training
    // state and the model's metadata; a resume must match them).
    std::string recipeJson() const;
};

struct TrainProgress {
    // Snapshot: a snapshot of `step` and the series up to it are on disk.
    enum class Kind { Message, Step, Evaluation, Snapshot, Finished } kind = Kind::Message;
    std::string message;  // Message: what is being prepared
    int64_t step = 0;     // steps done
    int64_t steps = 0;
    double loss = 0;  // mean training loss since the previous Step report
    double learningRate = 0;
    double tokensPerSecond = 0;  // since this process started training
    double elapsedSeconds = 0;
    double remainingSeconds = 0;
    double heldOutLoss = 0;      // Evaluation
    double heldOutAccuracy = 0;  // top-1 on the held-out loss rows (masked words, or every next/previous word)
};

struct HeldOutResult {
    double loss = 0;
    double accuracy = 0;
    int64_t masked = 0;
};

// Mean loss and top-1 accuracy of the model over the masked rows of batches.
HeldOutResult evaluate(TrainableBert<float>& model, const std::vector<TrainBatch>& batches);

class Trainer {
public:
    Trainer(TrainOptions options, std::function<void(const TrainProgress&)> onProgress);

    // Runs to options.steps; throws Error on bad options or unwritable folders,
    // Cancelled when options.stop was set.
    void run();

    // The vocabulary and sentences, after run() (or prepare()).
    void prepare();
    const std::vector<std::string>& vocabulary() const { return m_vocab; }

private:
    void report(TrainProgress p) const;

    TrainOptions m_options;
    std::function<void(const TrainProgress&)> m_onProgress;
    std::vector<std::string> m_vocab;
    TokenizedSentences m_train, m_heldOut;
};

}  // namespace bertlens::train
