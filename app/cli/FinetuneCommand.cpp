// bertlens-cli finetune: a BERT fine-tuned on one of the tasks, written as a
// Hugging Face BertForSequenceClassification folder; progress lines on
// stderr, a JSON summary (DESIGN.md's contract) on stdout.
#include "Errors.h"
#include "cli/Commands.h"
#include "text/SafeText.h"
#include "train/Finetuner.h"
#include "train/TaskTable.h"

#include <omp.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace bertlens::cli {
namespace {

void printProgress(const train::FinetuneProgress& p) {
    using Kind = train::FinetuneProgress::Kind;
    char line[256];
    switch (p.kind) {
        case Kind::Message:
            std::cerr << "finetune: " << p.message << '\n';
            return;
        case Kind::Step:
            std::snprintf(line, sizeof line, "step %lld/%lld  loss %.4f  %.0f examples/s  elapsed %s  left %s",
                          static_cast<long long>(p.step), static_cast<long long>(p.steps), p.loss, p.examplesPerSecond,
                          durationText(p.elapsedSeconds).c_str(), durationText(p.remainingSeconds).c_str());
            break;
        case Kind::Evaluation:
            std::snprintf(line, sizeof line, "epoch %d (step %lld/%lld)  held-out loss %.4f  accuracy %.2f%%", p.epoch,
                          static_cast<long long>(p.step), static_cast<long long>(p.steps), p.heldOutLoss,
                          100.0 * p.heldOutAccuracy);
            break;
    }
    std::cerr << line << std::endl;  // flushed: the log is watched while it runs
}

}  // namespace

int runFinetune(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args,
                    {"--model", "--task", "--out", "--train-examples", "--held-out", "--epochs", "--lr", "--batch",
                     "--seed", "--threads", "--checkpoint-every"},
                    {"--from-scratch", "--resume"});
    train::FinetuneOptions o;
    o.task = a.value("--task");
    if (train::findTask(o.task) == nullptr) {
        throw UsageError("unknown task \"" + safeQuote(o.task) + "\"; the tasks are " + train::taskNames() +
                         " (bertlens-cli tasks lists them)");
    }
    o.outDir = a.value("--out");
    if (a.has("--train-examples") && a.value("--train-examples") == "0") {
        throw UsageError("--train-examples is 0: fine-tuning needs at least 1 training example");
    }
    o.trainExamples = a.intValue("--train-examples", o.trainExamples, 1, 100000);
    o.heldOutExamples = a.intValue("--held-out", o.heldOutExamples, 1, 100000);
    o.epochs = a.intValue("--epochs", o.epochs, 1, 10000);
    o.learningRate = a.doubleValue("--lr", o.learningRate, 1e-7, 0.5);
    o.batchSize = a.intValue("--batch", o.batchSize, 1, 4096);
    o.seed = static_cast<uint64_t>(a.intValue("--seed", 1, 0, 2147483647));
    o.fromScratch = a.has("--from-scratch");
    o.checkpointEvery = a.intValue("--checkpoint-every", 0, 0, 100000000);
    o.resume = a.has("--resume");
    o.modelDir = modelFolder(a);
    setThreadCount(a);
    train::Finetuner finetuner(o, printProgress);
    std::cerr << "finetune: " << omp_get_max_threads() << " threads, recipe " << o.recipeJson() << '\n';
    const train::FinetuneResult r = finetuner.run();
    std::cerr << "finetune: held-out accuracy " << 100.0 * r.heldOutAccuracy << "%, the model is in " << o.outDir
              << '\n';
    out << nlohmann::ordered_json{{"task", o.task},
                                  {"labels", r.labels},
                                  {"train_examples", o.trainExamples},
                                  {"held_out_examples", o.heldOutExamples},
                                  {"from_scratch", o.fromScratch},
                                  {"seed", o.seed},
                                  {"epochs", o.epochs},
                                  {"steps", r.steps},
                                  {"held_out_accuracy", r.heldOutAccuracy},
                                  {"held_out_loss", r.heldOutLoss},
                                  {"examples_per_second", r.examplesPerSecond},
                                  {"model", o.outDir},
                                  {"curve", nlohmann::json::parse(train::curveJson(r.curve))}}
               .dump()
        << '\n';
    return 0;
}

}  // namespace bertlens::cli
