// bertlens-cli evaluate: a model's top-1 accuracy on the held-out masked
// words of the generated corpus, computed with the inference Encoder (not
// the trainer's code); with --compare-directions the same words scored by
// BERT, BERT under a left-to-right mask, the left-to-right and right-to-left
// twins and their shallow combination (analysis/DirectionComparison.h).
#include "Errors.h"
#include "io/AtomicFile.h"
#include "analysis/DirectionComparison.h"
#include "cli/Commands.h"
#include "model/Encoder.h"
#include "train/BatchSampler.h"
#include "train/CorpusGenerator.h"
#include "train/Trainer.h"

#include <omp.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace bertlens::cli {
namespace {

void setThreads(const CliArgs& a) {
    const int threads = a.intValue("--threads", omp_get_num_procs(), 1, 256);
    omp_set_num_threads(threads);
    Eigen::setNbThreads(threads);
}

// The held-out sentences of the run with this seed and corpus size, masked
// as the trainer masks them for its own evaluation (heldOutBatches), with
// the true words kept beside the positions to guess.
std::vector<HeldOutWords> heldOutWords(const Model& model, uint64_t seed, int sentences, int heldOutCount) {
    const Corpus corpus = generateCorpus(seed, size_t(sentences), size_t(heldOutCount));
    const train::TokenizedSentences heldOut = train::tokenizeSentences(corpus.heldOut, model.tokenizer());
    train::SamplerOptions sampler;
    sampler.maxPositions = model.config().maxPositions;
    const auto batches = train::heldOutBatches(heldOut, train::SpecialIds::fromVocab(model.vocab()), sampler, seed);
    std::vector<HeldOutWords> out;
    size_t sentence = 0;
    for (const train::TrainBatch& b : batches) {
        size_t row = 0, next = 0;
        for (int length : b.lengths) {
            while (sentence < heldOut.count() && heldOut.length(sentence) == 0) ++sentence;  // skipped there too
            HeldOutWords w;
            w.ids.assign(b.ids.begin() + long(row), b.ids.begin() + long(row) + length);
            for (; next < b.maskedRows.size() && size_t(b.maskedRows[next]) < row + size_t(length); ++next) {
                const int position = b.maskedRows[next] - int(row);
                w.masked.push_back(position);
                w.ids[size_t(position)] = b.targets[next];
            }
            w.category = sentence < corpus.heldOutCategories.size() ? corpus.heldOutCategories[sentence] : "";
            out.push_back(std::move(w));
            ++sentence;
            row += size_t(length);
        }
    }
    return out;
}

std::shared_ptr<const Model> loadTwin(const CliArgs& a, const std::string& flag, const std::string& bertFolder,
                                      const char* suffix) {
    if (a.has(flag)) return Model::load(a.value(flag));
    std::string folder = bertFolder;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    folder += suffix;
    if (!std::filesystem::exists(folder)) {
        std::cerr << "evaluate: no " << suffix + 1 << " twin at " << folder << " (give one with " << flag
                  << " DIR); its rows are left out\n";
        return nullptr;
    }
    return Model::load(folder);
}

nlohmann::ordered_json scoreRows(const std::vector<PredictorScore>& rows) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const PredictorScore& r : rows) {
        out.push_back({{"predictor", r.predictor},
                       {"accuracy", r.accuracy()},
                       {"cross_entropy", r.crossEntropy()},
                       {"masked", r.masked}});
    }
    return out;
}

void printTable(std::ostream& out, const DirectionComparison& c, size_t sentences) {
    char line[160];
    out << "Held-out masked words (" << sentences << " sentences), top-1 accuracy and cross-entropy (nats/word)\n";
    std::snprintf(line, sizeof line, "%-20s", "category");
    out << line;
    for (const PredictorScore& r : c.rows) {
        std::snprintf(line, sizeof line, " %17s", r.predictor.c_str());
        out << line;
    }
    out << '\n';
    auto printRow = [&](const std::string& name, const std::vector<PredictorScore>& rows) {
        std::snprintf(line, sizeof line, "%-14s %5lld", name.c_str(), static_cast<long long>(rows[0].masked));
        out << line;
        for (const PredictorScore& r : rows) {
            std::snprintf(line, sizeof line, "   %6.2f%% %6.3f", 100.0 * r.accuracy(), r.crossEntropy());
            out << line;
        }
        out << '\n';
    };
    printRow("all", c.rows);
    for (const auto& [category, rows] : c.categories) printRow(category, rows);
}

int compareDirections(const CliArgs& a, std::ostream& out, uint64_t seed, int sentences, int heldOutCount) {
    const std::string folder = modelFolder(a);
    const auto bert = Model::load(folder);
    const auto leftToRight = loadTwin(a, "--l2r", folder, "-l2r");
    const auto rightToLeft = loadTwin(a, "--r2l", folder, "-r2l");
    DirectionEvaluator evaluator(bert, leftToRight, rightToLeft);
    const std::vector<HeldOutWords> words = heldOutWords(*bert, seed, sentences, heldOutCount);
    for (const HeldOutWords& w : words) evaluator.add(w);
    const DirectionComparison& c = evaluator.result();
    if (!a.has("--json")) {
        printTable(out, c, words.size());
        return 0;
    }
    nlohmann::ordered_json categories = nlohmann::ordered_json::object();
    for (const auto& [category, rows] : c.categories) categories[category] = scoreRows(rows);
    const nlohmann::ordered_json j = {{"sentences", words.size()}, {"rows", scoreRows(c.rows)}, {"categories", categories}};
    out << j.dump() << '\n';
    return 0;
}

}  // namespace

int runEvaluate(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args, {"--model", "--seed", "--sentences", "--held-out", "--mask-mode", "--threads", "--l2r", "--r2l",
                     "--dump-held-out"},
                    {"--compare-directions", "--json"});
    const train::TrainOptions defaults;
    const auto seed = static_cast<uint64_t>(a.intValue("--seed", 1, 0, 2147483647));
    const int sentences = a.intValue("--sentences", int(defaults.sentences), 10, 100000000);
    const int heldOutCount = a.intValue("--held-out", int(defaults.heldOutSentences), 1, 10000000);
    setThreads(a);
    if (a.has("--dump-held-out")) {
        // The very sentences evaluate scores: the held-out stream of the same seed and corpus size.
        const Corpus corpus = generateCorpus(seed, size_t(sentences), size_t(heldOutCount));
        std::string lines;
        for (const std::string& s : corpus.heldOut) lines += s + "\n";
        AtomicFile::writeAll(a.value("--dump-held-out"), lines);
        out << "{\"held_out\": " << corpus.heldOut.size() << ", \"seed\": " << seed << ", \"file\": \""
            << a.value("--dump-held-out") << "\"}\n";
        return 0;
    }
    if (a.has("--compare-directions")) return compareDirections(a, out, seed, sentences, heldOutCount);
    if (a.has("--l2r") || a.has("--r2l") || a.has("--json")) {
        throw UsageError("--l2r, --r2l and --json go with --compare-directions");
    }
    AnalyzeOptions options;
    options.topK = 1;
    const std::string mode = a.valueOr("--mask-mode", "bidirectional");
    if (!parseMaskMode(mode, options.maskMode)) {
        throw UsageError("--mask-mode is bidirectional or causal, not \"" + mode + "\"");
    }
    const auto model = Model::load(modelFolder(a));
    Encoder encoder(model);
    int64_t masked = 0, correct = 0;
    for (const HeldOutWords& w : heldOutWords(*model, seed, sentences, heldOutCount)) {
        std::vector<int32_t> ids = w.ids;
        for (int p : w.masked) ids[size_t(p)] = model->vocab().maskId();
        const Analysis analysis = encoder.forward(ids, std::vector<int32_t>(ids.size(), 0), options, w.masked);
        for (size_t i = 0; i < analysis.predictions.size(); ++i)
            correct += analysis.predictions[i].top[0].id == w.ids[size_t(w.masked[i])];
        masked += int64_t(w.masked.size());
    }
    out << "{\"sentences\": " << heldOutCount << ", \"masked\": " << masked << ", \"mask_mode\": \""
        << maskModeName(options.maskMode) << "\", \"accuracy\": " << (masked ? double(correct) / double(masked) : 0.0)
        << "}\n";
    return 0;
}

}  // namespace bertlens::cli
