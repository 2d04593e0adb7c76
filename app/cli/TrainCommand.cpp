// bertlens-cli train: pretrains a small BERT on the generated corpus (the
// bundled model's recipe by default) and prints progress lines to stderr.
#include "Errors.h"
#include "cli/Commands.h"
#include "tokenizer/Vocab.h"
#include "train/Trainer.h"

#include <omp.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace bertlens::cli {
namespace {

// What the held-out accuracy counts, by objective.
const char* g_accuracyName = "masked-word";

void printProgress(const train::TrainProgress& p) {
    using Kind = train::TrainProgress::Kind;
    char line[256];
    switch (p.kind) {
        case Kind::Message:
            std::cerr << "train: " << p.message << '\n';
            return;
        case Kind::Snapshot:
            return;  // the summary line at the end counts them
        case Kind::Step:
            std::snprintf(line, sizeof line, "step %lld/%lld  loss %.4f  lr %.2e  %.0f tokens/s  elapsed %s  left %s",
                          static_cast<long long>(p.step), static_cast<long long>(p.steps), p.loss, p.learningRate,
                          p.tokensPerSecond, durationText(p.elapsedSeconds).c_str(), durationText(p.remainingSeconds).c_str());
            break;
        case Kind::Evaluation:
            std::snprintf(line, sizeof line, "step %lld/%lld  held-out loss %.4f  %s accuracy %.2f%%",
                          static_cast<long long>(p.step), static_cast<long long>(p.steps), p.heldOutLoss,
                          g_accuracyName, 100.0 * p.heldOutAccuracy);
            break;
        case Kind::Finished:
            std::snprintf(line, sizeof line, "done in %s: held-out %s accuracy %.2f%%",
                          durationText(p.elapsedSeconds).c_str(), g_accuracyName, 100.0 * p.heldOutAccuracy);
            break;
    }
    std::cerr << line << std::endl;  // flushed: the log is watched while it runs
}

void setThreads(const CliArgs& a) {
    const int threads = a.intValue("--threads", omp_get_num_procs(), 1, 256);
    omp_set_num_threads(threads);
    Eigen::setNbThreads(threads);
}

}  // namespace

int runTrain(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args,
                    {"--out", "--seed", "--layers", "--hidden", "--heads", "--intermediate", "--max-positions",
                     "--vocab-size", "--sentences", "--steps", "--batch-tokens", "--lr", "--warmup", "--threads",
                     "--dtype", "--eval-every", "--checkpoint-every", "--objective", "--snapshot-every", "--snapshots",
                     "--vocab"},
                    {"--resume"});
    train::TrainOptions o;
    o.outDir = a.value("--out");
    o.seed = static_cast<uint64_t>(a.intValue("--seed", 1, 0, 2147483647));
    o.model.layers = a.intValue("--layers", o.model.layers, 1, 48);
    o.model.hidden = a.intValue("--hidden", o.model.hidden, 2, 8192);
    o.model.heads = a.intValue("--heads", o.model.heads, 1, 256);
    o.model.intermediate = a.intValue("--intermediate", o.model.intermediate, 1, 65536);
    o.model.maxPositions = a.intValue("--max-positions", o.model.maxPositions, 8, 4096);
    o.model.vocabSize = a.intValue("--vocab-size", o.model.vocabSize, 100, 1000000);
    o.sentences = a.intValue("--sentences", int(o.sentences), 10, 100000000);
    o.steps = a.intValue("--steps", int(o.steps), 1, 100000000);
    o.batchTokens = a.intValue("--batch-tokens", o.batchTokens, 8, 1 << 22);
    o.learningRate = a.doubleValue("--lr", o.learningRate, 1e-7, 0.5);
    o.warmupSteps = a.intValue("--warmup", int(o.warmupSteps), 0, 100000000);
    o.evalEvery = a.intValue("--eval-every", o.evalEvery, 1, 100000000);
    o.checkpointEvery = a.intValue("--checkpoint-every", o.checkpointEvery, 1, 100000000);
    o.resume = a.has("--resume");
    if (a.has("--snapshots") != a.has("--snapshot-every")) {
        throw UsageError(
            a.has("--snapshots")
                ? "--snapshots needs --snapshot-every N: a snapshot every N steps (and of the first and last)"
                : "--snapshot-every needs --snapshots DIR: the folder the snapshots go into");
    }
    o.snapshotEvery = a.intValue("--snapshot-every", 0, 1, 100000000);
    o.snapshotDir = a.valueOr("--snapshots", "");
    if (a.has("--snapshots") && o.snapshotDir.empty()) throw UsageError("--snapshots needs a folder, not \"\"");
    if (a.has("--vocab")) {
        const Vocab vocab = Vocab::fromFile(a.value("--vocab"));
        for (int32_t id = 0; id < vocab.size(); ++id) o.vocabulary.push_back(vocab.token(id));
    }
    const std::string objective = a.valueOr("--objective", "masked-lm");
    if (!parseObjective(objective, o.model.objective)) {
        throw UsageError("--objective is masked-lm, next-word or previous-word, not \"" + objective + "\"");
    }
    g_accuracyName = o.model.objective == Objective::NextWord       ? "next-word"
                     : o.model.objective == Objective::PreviousWord ? "previous-word"
                                                                    : "masked-word";
    const std::string dtype = a.valueOr("--dtype", "f16");
    if (dtype == "f16") {
        o.dtype = DType::F16;
    } else if (dtype == "f32") {
        o.dtype = DType::F32;
    } else {
        throw UsageError("--dtype is f16 or f32, not \"" + dtype + "\"");
    }
    setThreads(a);
    train::Trainer trainer(o, printProgress);  // checks the options first
    std::cerr << "train: " << omp_get_max_threads() << " threads, recipe " << o.recipeJson() << '\n';
    trainer.run();
    out << nlohmann::json{{"model", o.outDir}}.dump() << '\n';
    return 0;
}

}  // namespace bertlens::cli
