#include "train/Trainer.h"

#include "Errors.h"
#include "train/AdamW.h"
#include "train/CorpusGenerator.h"
#include "train/EigenSingleThread.h"
#include "train/SnapshotRecorder.h"
#include "train/TrainState.h"
#include "train/WordPieceBuilder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

void checkOptions(const TrainOptions& o) {
    const ModelConfig& m = o.model;
    auto need = [](bool ok, const std::string& what) {
        if (!ok) throw Error(what);
    };
    need(m.layers >= 1 && m.layers <= 48, "--layers must be from 1 to 48");
    need(m.hidden >= 2 && m.heads >= 1 && m.hidden % m.heads == 0,
         "--hidden must be a multiple of --heads (each head gets hidden / heads dimensions)");
    need(m.intermediate >= 1, "--intermediate must be at least 1");
    need(m.maxPositions >= 8 && m.maxPositions <= 4096, "--max-positions must be from 8 to 4096");
    need(m.vocabSize >= 100, "--vocab-size must be at least 100");
    need(o.sentences >= 10, "--sentences must be at least 10");
    need(o.steps >= 1, "--steps must be at least 1");
    need(o.batchTokens >= m.maxPositions, "--batch-tokens must be at least --max-positions (one full sequence)");
    need(o.learningRate > 0 && o.learningRate < 1, "--lr must be between 0 and 1");
    need(o.warmupSteps >= 0 && o.warmupSteps < o.steps, "--warmup must be less than --steps");
    need(!o.outDir.empty(), "--out names the folder the model is written to");
    need(o.snapshotEvery >= 0, "--snapshot-every must be at least 1");
    need(o.snapshotDir.empty() || o.snapshotEvery > 0,
         "--snapshots needs --snapshot-every N: a snapshot every N steps (and of the first and last)");
    need(!o.snapshotDir.empty() || o.snapshotEvery == 0,
         "--snapshot-every needs --snapshots DIR: the folder the snapshots go into");
    need(o.reportEvery >= 1, "progress is reported every 1 step or more");
    need(o.vocabulary.empty() || o.vocabulary.size() >= 5,
         "the vocabulary given has fewer than 5 word pieces: give a model's vocab.txt");
}

void checkWritableFolder(const std::string& folder) {
    std::error_code error;
    fs::create_directories(folder, error);
    const fs::path probe = fs::path(folder) / ".bertlens-write-test";
    std::ofstream out(probe);
    const bool writable = !error && out.good();
    out.close();
    fs::remove(probe, error);
    if (!writable) throw Error("cannot write to the folder " + folder + ": choose an output folder you can write to");
}

// The out folder's own name ("bertlens-mini" for resources/models/bertlens-mini/).
std::string folderName(const std::string& folder) {
    fs::path p = fs::path(folder).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

// The training state folder is removed when the run ends: snapshots there would go with it.
void refuseSnapshotsInside(const std::string& snapshots, const std::string& stateDir) {
    std::error_code error;
    const fs::path s = fs::weakly_canonical(snapshots, error);
    const fs::path state = fs::weakly_canonical(stateDir, error);
    if (std::mismatch(state.begin(), state.end(), s.begin(), s.end()).first == state.end()) {
        throw Error("--snapshots " + snapshots + " is inside " + stateDir +
                    ", which is removed when the run ends: choose a folder outside it");
    }
}

}  // namespace

ModelConfig TrainOptions::defaultModel() {
    ModelConfig c;
    c.layers = 4;
    c.hidden = 128;
    c.heads = 4;
    c.intermediate = 512;
    c.maxPositions = 128;
    c.vocabSize = int(kDefaultVocabSize);
    c.typeVocabSize = 2;
    c.layerNormEps = 1e-12f;
    return c;
}

std::string TrainOptions::recipeJson() const {
    nlohmann::ordered_json j = {
        {"layers", model.layers},
        {"hidden", model.hidden},
        {"heads", model.heads},
        {"intermediate", model.intermediate},
        {"max_positions", model.maxPositions},
        {"vocab_size_target", model.vocabSize},
        {"seed", seed},
        {"sentences", sentences},
        {"held_out_sentences", heldOutSentences},
        {"steps", steps},
        {"batch_tokens", batchTokens},
        {"lr", learningRate},
        {"warmup", warmupSteps},
        {"weight_decay", weightDecay},
        {"clip_norm", clipNorm},
        {"pair_percent", sampler.pairPercent},
        {"segment_percent", sampler.segmentPercent},
        {"mask_percent", sampler.maskPercent},
    };
    // A given vocabulary by its size and a checksum of its lines (FNV-1a),
    // so that a resume with another one is refused.
    if (!vocabulary.empty()) {
        uint64_t hash = 1469598103934665603ull;
        for (const std::string& piece : vocabulary) {
            for (const char c : piece + '\n') hash = (hash ^ uint8_t(c)) * 1099511628211ull;
        }
        char hex[20];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
        j["vocabulary_given"] = {{"size", vocabulary.size()}, {"fnv1a", hex}};
    }
    // Only a one-way run records its objective, so that the bundled model's
    // recipe (masked-LM, from before objectives existed) reads as it did.
    if (model.objective != Objective::MaskedLm) j["objective"] = objectiveName(model.objective);
    return j.dump();
}

HeldOutResult evaluate(TrainableBert<float>& model, const std::vector<TrainBatch>& batches) {
    HeldOutResult r;
    double lossSum = 0;
    int64_t correct = 0;
    for (const TrainBatch& b : batches) {
        const double loss = model.forward(b);
        lossSum += loss * double(b.maskedRows.size());
        correct += model.correctPredictions();
        r.masked += int64_t(b.maskedRows.size());
    }
    if (r.masked > 0) {
        r.loss = lossSum / double(r.masked);
        r.accuracy = double(correct) / double(r.masked);
    }
    return r;
}

Trainer::Trainer(TrainOptions options, std::function<void(const TrainProgress&)> onProgress)
    : m_options(std::move(options)), m_onProgress(std::move(onProgress)) {
    m_options.sampler.maxPositions = m_options.model.maxPositions;
    m_options.sampler.batchTokens = m_options.batchTokens;
    m_options.sampler.objective = m_options.model.objective;
    checkOptions(m_options);
}

void Trainer::report(TrainProgress p) const {
    if (m_onProgress) m_onProgress(p);
}

void Trainer::prepare() {
    if (!m_vocab.empty()) return;
    const auto start = Clock::now();
    auto message = [&](const std::string& text) {
        TrainProgress p;
        p.message = text;
        report(p);
    };
    message("generating " + std::to_string(m_options.sentences) + " training and " +
            std::to_string(m_options.heldOutSentences) + " held-out sentences from seed " +
            std::to_string(m_options.seed));
    const Corpus corpus =
        generateCorpus(m_options.seed, size_t(m_options.sentences), size_t(m_options.heldOutSentences));
    m_vocab = m_options.vocabulary.empty() ? buildWordPieceVocab(corpus.train, size_t(m_options.model.vocabSize))
                                           : m_options.vocabulary;
    const auto vocab = std::make_shared<const Vocab>(Vocab(m_vocab));
    const Tokenizer tokenizer(vocab, TokenizerOptions{});
    m_train = tokenizeSentences(corpus.train, tokenizer);
    m_heldOut = tokenizeSentences(corpus.heldOut, tokenizer);
    message("corpus: " + std::to_string(m_train.tokens()) + " word pieces in " + std::to_string(m_train.count()) +
            " sentences, vocabulary " + std::to_string(m_vocab.size()) + " tokens (" +
            std::to_string(int(secondsSince(start))) + " s)");
}

void Trainer::run() {
    const EigenSingleThread eigenSingleThread;
    const TrainOptions& o = m_options;
    const std::string stateDir = (fs::path(o.outDir) / "training").string();
    const std::string recipe = o.recipeJson();
    // Before an hour of work, not after: the folders can be written.
    checkWritableFolder(o.outDir);
    std::optional<SnapshotRecorder> snapshots;
    if (!o.snapshotDir.empty()) {
        refuseSnapshotsInside(o.snapshotDir, stateDir);
        snapshots.emplace(
            SnapshotRecorder::Plan{o.snapshotDir, o.snapshotEvery, folderName(o.outDir), o.steps, recipe});
        snapshots->check(o.resume);
    }
    prepare();
    ModelConfig config = o.model;
    config.vocabSize = int(m_vocab.size());
    TrainableBert<float> model(config);
    Random init(o.seed, kInitStream);
    model.initialize(init);
    AdamW optimizer(model.layout().total(), {0.9, 0.999, 1e-6, o.weightDecay});

    int64_t step = 0;
    if (o.resume && loadTrainingState(stateDir, model, optimizer, recipe, step)) {
        TrainProgress p;
        p.message = "resuming from the training state in " + stateDir + " at step " + std::to_string(step);
        report(p);
    } else if (!o.resume && (fs::exists(fs::path(stateDir) / "trainer_state.json") ||
                             fs::exists(fs::path(stateDir + ".old") / "trainer_state.json"))) {
        throw Error(stateDir + " holds an unfinished run: add --resume to continue it, or delete the folder");
    }
    if (snapshots) snapshots->start(step, o.resume, model, m_vocab);

    const SpecialIds special = SpecialIds::fromVocab(Vocab(m_vocab));
    const BatchSampler sampler(m_train, special, o.sampler, o.seed);
    const std::vector<TrainBatch> heldOut = heldOutBatches(m_heldOut, special, o.sampler, o.seed);

    const auto start = Clock::now();
    const int64_t firstStep = step;
    int64_t tokens = 0;
    double lossSum = 0;
    int lossCount = 0;
    HeldOutResult lastEval;
    auto progress = [&](TrainProgress::Kind kind) {
        TrainProgress p;
        p.kind = kind;
        p.step = step;
        p.steps = o.steps;
        p.loss = lossCount > 0 ? lossSum / lossCount : 0.0;
        p.learningRate = learningRateAt(std::max<int64_t>(step - 1, 0), o.steps, o.warmupSteps, o.learningRate);
        p.elapsedSeconds = secondsSince(start);
        p.tokensPerSecond = p.elapsedSeconds > 0 ? double(tokens) / p.elapsedSeconds : 0.0;
        const int64_t done = step - firstStep;
        p.remainingSeconds = done > 0 ? p.elapsedSeconds / double(done) * double(o.steps - step) : 0.0;
        p.heldOutLoss = lastEval.loss;
        p.heldOutAccuracy = lastEval.accuracy;
        report(p);
    };
    if (snapshots) progress(TrainProgress::Kind::Snapshot);
    while (step < o.steps) {
        if (o.stop && o.stop->load()) {
            // The snapshots written stay a complete series, with every step's loss.
            if (snapshots) snapshots->writeSeries();
            throw Cancelled();
        }
        const TrainBatch batch = sampler.batch(step);
        model.zeroGradients();
        const double loss = model.forward(batch);
        lossSum += loss;
        ++lossCount;
        model.backward();
        clipGradientNorm(model.gradients(), o.clipNorm);
        optimizer.step(model.parameters(), model.gradients(),
                       learningRateAt(step, o.steps, o.warmupSteps, o.learningRate), model.layout());
        tokens += batch.tokens();
        ++step;
        const bool snapshotWritten = snapshots && snapshots->afterStep(step, loss, model, m_vocab);
        if (step % o.reportEvery == 0 || step == o.steps) {
            progress(TrainProgress::Kind::Step);
            lossSum = 0;
            lossCount = 0;
        }
        if (snapshotWritten) progress(TrainProgress::Kind::Snapshot);
        if (step % o.evalEvery == 0 || step == o.steps) {
            lastEval = evaluate(model, heldOut);
            progress(TrainProgress::Kind::Evaluation);
        }
        if (step % o.checkpointEvery == 0 && step < o.steps) {
            if (snapshots) snapshots->writeSeries();  // so that it reaches the state's step
            saveTrainingState(stateDir, model, optimizer, m_vocab, recipe, step);
        }
    }

    const nlohmann::json accuracy = lastEval.accuracy;
    writeTrainedModel(o.outDir, model, m_vocab, o.dtype,
                      {{"bertlens_recipe", recipe}, {"bertlens_held_out_accuracy", accuracy.dump()}});
    removeTrainingState(stateDir);
    if (snapshots) {
        char text[160];
        std::snprintf(text, sizeof text, "%lld snapshots written (%.2f s in all, %.0f ms each with the series)",
                      static_cast<long long>(snapshots->snapshotsWritten()), snapshots->secondsWriting(),
                      1000 * snapshots->secondsWriting() / double(std::max<int64_t>(snapshots->snapshotsWritten(), 1)));
        TrainProgress p;
        p.message = text + std::string(" into ") + o.snapshotDir;
        report(p);
    }
    progress(TrainProgress::Kind::Finished);
}

}  // namespace bertlens::train
