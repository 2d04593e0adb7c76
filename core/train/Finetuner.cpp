#include "train/Finetuner.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "io/FileBytes.h"
#include "model/Model.h"
#include "train/AdamW.h"
#include "train/Checkpoint.h"
#include "train/EigenSingleThread.h"
#include "train/FinetuneBatches.h"
#include "train/TrainState.h"
#include "train/TrainableBert.h"
#include "train/Trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kCurveFile = "finetune_curve.json";
constexpr int kReportEvery = 10;
constexpr int kEvaluationBatch = 64;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

void checkOptions(const FinetuneOptions& o) {
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw Error(what);
    };
    need(findTask(o.task) != nullptr, "unknown task \"" + o.task + "\"; the tasks are " + taskNames());
    need(o.trainExamples >= 1, "--train-examples must be at least 1: fine-tuning needs examples to learn from");
    need(o.heldOutExamples >= 1, "the held-out split needs at least 1 example");
    need(o.epochs >= 1, "--epochs must be at least 1");
    need(o.batchSize >= 1, "--batch must be at least 1");
    need(o.learningRate > 0 && o.learningRate < 1, "--lr must be between 0 and 1");
    need(!o.modelDir.empty(), "--model names the BERT folder to fine-tune");
    need(!o.outDir.empty(), "--out names the folder the fine-tuned model is written to");
}

void copyLinear(float* params, const LinearSlot& to, const LinearWeights& from) {
    std::memcpy(params + to.weight, from.weight, size_t(to.out) * size_t(to.in) * sizeof(float));
    std::memcpy(params + to.bias, from.bias, size_t(to.out) * sizeof(float));
}

void copyNorm(float* params, const NormSlot& to, const LayerNormWeights& from, int size) {
    std::memcpy(params + to.gamma, from.gamma, size_t(size) * sizeof(float));
    std::memcpy(params + to.beta, from.beta, size_t(size) * sizeof(float));
}

// The encoder's tensors (and the pooler's) from a loaded model, over the
// random initialisation.
void copyPretrained(TrainableBert<float>& net, const BertWeights& w) {
    const ModelConfig& c = net.config();
    const ParameterLayout& p = net.layout();
    float* params = net.parameters().data();
    const size_t d = size_t(c.hidden);
    std::memcpy(params + p.wordEmbeddings, w.wordEmbeddings, size_t(c.vocabSize) * d * sizeof(float));
    std::memcpy(params + p.positionEmbeddings, w.positionEmbeddings, size_t(c.maxPositions) * d * sizeof(float));
    std::memcpy(params + p.typeEmbeddings, w.tokenTypeEmbeddings, size_t(c.typeVocabSize) * d * sizeof(float));
    copyNorm(params, p.embeddingNorm, w.embeddingNorm, c.hidden);
    for (size_t l = 0; l < p.layers.size(); ++l) {
        const LayerSlots& to = p.layers[l];
        const EncoderLayerWeights& from = w.layers[l];
        copyLinear(params, to.query, from.query);
        copyLinear(params, to.key, from.key);
        copyLinear(params, to.value, from.value);
        copyLinear(params, to.attentionOut, from.attentionOut);
        copyNorm(params, to.attentionNorm, from.attentionNorm, c.hidden);
        copyLinear(params, to.intermediate, from.intermediate);
        copyLinear(params, to.output, from.output);
        copyNorm(params, to.outputNorm, from.outputNorm, c.hidden);
    }
    if (w.classifier.hasPooler) copyLinear(params, p.pooler, w.classifier.pooler);
}

// The curve saved beside a training state, up to the state's step.
std::vector<CurvePoint> readCurve(const fs::path& path, int64_t upToStep) {
    std::vector<CurvePoint> curve;
    if (!fs::exists(path)) return curve;
    try {
        for (const auto& j : nlohmann::json::parse(readRegularFile(path.string(), 1 << 20, "a curve file"))) {
            CurvePoint c{j.at("epoch").get<int>(), j.at("step").get<int64_t>(), j.at("train_loss").get<double>(),
                         j.at("held_out_loss").get<double>(), j.at("held_out_accuracy").get<double>()};
            if (c.step <= upToStep) curve.push_back(c);
        }
    } catch (const nlohmann::json::exception&) {
        curve.clear();  // only the summary's curve is lost; the weights are intact
    }
    return curve;
}

std::vector<std::string> vocabTokens(const Vocab& vocab) {
    std::vector<std::string> tokens;
    for (int32_t i = 0; i < vocab.size(); ++i) tokens.push_back(vocab.token(i));
    return tokens;
}

}  // namespace

std::string curveJson(const std::vector<CurvePoint>& curve) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const CurvePoint& c : curve) {
        j.push_back({{"epoch", c.epoch},
                     {"step", c.step},
                     {"train_loss", c.trainLoss},
                     {"held_out_loss", c.heldOutLoss},
                     {"held_out_accuracy", c.heldOutAccuracy}});
    }
    return j.dump();
}

std::string FinetuneOptions::recipeJson() const {
    return nlohmann::ordered_json{{"task", task},
                                  {"train_examples", trainExamples},
                                  {"held_out_examples", heldOutExamples},
                                  {"epochs", epochs},
                                  {"lr", learningRate},
                                  {"batch", batchSize},
                                  {"seed", seed},
                                  {"from_scratch", fromScratch},
                                  {"warmup_fraction", warmupFraction},
                                  {"weight_decay", weightDecay},
                                  {"clip_norm", clipNorm}}
        .dump();
}

Finetuner::Finetuner(FinetuneOptions options, std::function<void(const FinetuneProgress&)> onProgress)
    : m_options(std::move(options)), m_onProgress(std::move(onProgress)) {
    checkOptions(m_options);
}

void Finetuner::report(const FinetuneProgress& p) const {
    if (m_onProgress) m_onProgress(p);
}

FinetuneResult Finetuner::run() {
    const EigenSingleThread eigenSingleThread;
    const FinetuneOptions& o = m_options;
    auto message = [&](const std::string& text) {
        FinetuneProgress p;
        p.message = text;
        report(p);
    };
    const TaskInfo& task = *findTask(o.task);
    const std::shared_ptr<const Model> source = Model::load(o.modelDir);
    ModelConfig config = source->config();
    if (config.objective != Objective::MaskedLm) {
        throw Error(o.modelDir + " reads in one direction (" + objectiveName(config.objective) +
                    "); the classifier reads the whole text at once: fine-tune a bidirectional BERT");
    }
    config.labels = task.labels;
    std::error_code error;
    fs::create_directories(o.outDir, error);
    if (error) throw Error("cannot create the folder " + o.outDir + ": " + error.message());

    const TaskSplits splits = makeTaskSplits(task, o.seed, size_t(o.trainExamples), size_t(o.heldOutExamples));
    const SpecialIds special = SpecialIds::fromVocab(source->vocab());
    const std::vector<EncodedExample> train =
        encodeExamples(splits.train, source->tokenizer(), special, config.maxPositions);
    const std::vector<TrainBatch> heldOut = evaluationBatches(
        encodeExamples(splits.heldOut, source->tokenizer(), special, config.maxPositions), kEvaluationBatch);

    TrainableBert<float> net(config);
    Random init(o.seed, kInitStream);
    net.initialize(init);
    if (!o.fromScratch) {
        copyPretrained(net, source->weights());
        message(std::string("starting from the encoder of ") + o.modelDir +
                (source->weights().classifier.hasPooler ? " and its pooler" : "; pooler and classifier random"));
    } else {
        message("starting from random weights (BERT's initialisation, seed " + std::to_string(o.seed) + ")");
    }
    AdamW optimizer(net.layout().total(), {0.9, 0.999, 1e-6, o.weightDecay});
    const std::vector<std::string> vocab = vocabTokens(source->vocab());

    const int64_t perEpoch = stepsPerEpoch(train.size(), o.batchSize);
    const int64_t steps = perEpoch * o.epochs;
    const auto warmup = static_cast<int64_t>(o.warmupFraction * double(steps));
    const std::string stateDir = (fs::path(o.outDir) / "training").string();
    const fs::path curvePath = fs::path(o.outDir) / kCurveFile;
    const std::string recipe = o.recipeJson();
    int64_t step = 0;
    FinetuneResult result;
    result.labels = task.labels;
    if (o.resume && loadTrainingState(stateDir, net, optimizer, recipe, step)) {
        result.curve = readCurve(curvePath, step);
        message("resuming from the training state in " + stateDir + " at step " + std::to_string(step));
    } else if (!o.resume && (fs::exists(fs::path(stateDir) / "trainer_state.json") ||
                             fs::exists(fs::path(stateDir + ".old") / "trainer_state.json"))) {
        throw Error(stateDir + " holds an unfinished run: add --resume to continue it, or delete the folder");
    }
    message(std::to_string(train.size()) + " training and " + std::to_string(splits.heldOut.size()) +
            " held-out examples of " + task.name + ", " + std::to_string(steps) + " steps of " +
            std::to_string(o.batchSize));

    const auto start = Clock::now();
    const int64_t firstStep = step;
    int64_t examples = 0;
    double lossSum = 0, epochLossSum = 0;
    int lossCount = 0, epochLossCount = 0;
    auto progress = [&](FinetuneProgress p) {
        p.step = step;
        p.steps = steps;
        p.elapsedSeconds = secondsSince(start);
        p.examplesPerSecond = p.elapsedSeconds > 0 ? double(examples) / p.elapsedSeconds : 0.0;
        const int64_t done = step - firstStep;
        p.remainingSeconds = done > 0 ? p.elapsedSeconds / double(done) * double(steps - step) : 0.0;
        report(p);
    };
    auto stopIfCancelled = [&] {
        if (o.cancel != nullptr && o.cancel->load(std::memory_order_relaxed)) throw Cancelled();
    };
    while (step < steps) {
        stopIfCancelled();
        const TrainBatch batch = classificationBatch(train, stepIndices(train.size(), o.batchSize, o.seed, step));
        net.zeroGradients();
        const double loss = net.forward(batch);
        lossSum += loss;
        epochLossSum += loss;
        ++lossCount;
        ++epochLossCount;
        net.backward();
        clipGradientNorm(net.gradients(), o.clipNorm);
        optimizer.step(net.parameters(), net.gradients(), learningRateAt(step, steps, warmup, o.learningRate),
                       net.layout());
        examples += int64_t(batch.lengths.size());
        ++step;
        if (step % kReportEvery == 0 || step == steps) {
            FinetuneProgress p;
            p.kind = FinetuneProgress::Kind::Step;
            p.loss = lossSum / lossCount;
            progress(p);
            lossSum = 0;
            lossCount = 0;
        }
        if (step % perEpoch == 0) {
            stopIfCancelled();
            const HeldOutResult r = evaluate(net, heldOut);
            CurvePoint c{int(step / perEpoch), step, epochLossCount > 0 ? epochLossSum / epochLossCount : 0.0, r.loss,
                         r.accuracy};
            result.curve.push_back(c);
            epochLossSum = 0;
            epochLossCount = 0;
            FinetuneProgress p;
            p.kind = FinetuneProgress::Kind::Evaluation;
            p.epoch = c.epoch;
            p.heldOutLoss = r.loss;
            p.heldOutAccuracy = r.accuracy;
            progress(p);
        }
        if (o.checkpointEvery > 0 && step % o.checkpointEvery == 0 && step < steps) {
            AtomicFile::writeAll(curvePath, curveJson(result.curve) + "\n");
            saveTrainingState(stateDir, net, optimizer, vocab, recipe, step);
        }
    }
    stopIfCancelled();  // the last chance to leave nothing written
    result.steps = steps;
    result.heldOutAccuracy = result.curve.back().heldOutAccuracy;
    result.heldOutLoss = result.curve.back().heldOutLoss;
    const double seconds = secondsSince(start);
    result.examplesPerSecond = seconds > 0 ? double(examples) / seconds : 0.0;

    CheckpointContents c;
    c.config = config;
    c.vocab = vocab;
    c.lowerCase = source->tokenizer().options().lowerCase;
    c.dtype = o.dtype;
    c.metadata = {{"bertlens_finetune", recipe},
                  {"bertlens_held_out_accuracy", nlohmann::json(result.heldOutAccuracy).dump()}};
    for (const ParameterInfo& t : net.layout().tensors())
        c.tensors.push_back({t.name, t.shape, net.parameters().data() + t.offset});
    writeCheckpoint(o.outDir, c);
    // vocab.txt as the user's model has it, byte for byte (writeCheckpoint
    // wrote the same tokens; a copy keeps its exact bytes).
    const fs::path sourceVocab = fs::path(o.modelDir) / "vocab.txt";
    AtomicFile::writeAll(fs::path(o.outDir) / "vocab.txt",
                         readRegularFile(sourceVocab.string(), uint64_t(1) << 30, "a vocab.txt"));
    removeTrainingState(stateDir);
    fs::remove(curvePath, error);
    return result;
}

}  // namespace bertlens::train
