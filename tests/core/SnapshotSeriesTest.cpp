// Pretraining snapshots (train --snapshot-every N --snapshots DIR): they do
// not change training (the final model is byte for byte the one of a run
// without them); the series holds the snapshots of step 0, every N and the
// last, each a folder Model::load opens, and one loss per step (the first
// checked against a forward pass of the initial weights computed here); an
// interrupted and resumed run leaves the same folder as one never stopped.
// Then the reader against every damaged or hostile series.json, each
// refused with a message that says what is wrong and what to do.
#include "TestSupport.h"

#include "../common/PrintableCheck.h"
#include "../common/TinyTrainRun.h"
#include "Errors.h"
#include "io/HalfFloat.h"
#include "io/MappedFile.h"
#include "io/SafeTensors.h"
#include "model/Model.h"
#include "train/Checkpoint.h"
#include "train/CorpusGenerator.h"
#include "train/SnapshotSeries.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

TrainOptions shortRun(const fs::path& out) {
    return test::tinyTrainRun(out.string());
}

TrainOptions withSnapshots(TrainOptions o, const fs::path& dir, int64_t every) {
    o.snapshotDir = dir.string();
    o.snapshotEvery = every;
    return o;
}

// Runs to the end, or throws at the evaluation of step interruptAt as a kill
// would (after that step's snapshot, before its training state).
void train(const TrainOptions& o, int64_t interruptAt = -1) {
    Trainer trainer(o, [&](const TrainProgress& p) {
        if (p.kind == TrainProgress::Kind::Evaluation && p.step == interruptAt) throw std::runtime_error("interrupted");
    });
    trainer.run();
}

// The message of the Error f throws (SHOW_MESSAGES=1 prints each, to read them all).
std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_EQ(test::printableProblem(message), "") << message;
        if (std::getenv("SHOW_MESSAGES")) std::cout << "  " << message << "\n";
        return message;
    }
    ADD_FAILURE() << "no error";
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// name -> the bytes of that tensor's data.
std::map<std::string, std::string> tensorBytes(const fs::path& file) {
    const MappedFile mapped(file.string());
    const SafeTensors tensors = SafeTensors::parse(mapped.data(), mapped.size(), file.string());
    std::map<std::string, std::string> out;
    for (const auto& [name, t] : tensors.tensors())
        out[name] = std::string(reinterpret_cast<const char*>(t.data), t.bytes);
    return out;
}

// Every file of a folder tree, by relative path, with its bytes.
std::map<std::string, std::string> treeBytes(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = test::readBytes(e.path());
    }
    return out;
}

// The recipe's corpus, initial weights and first batch, assembled here
// from the trainer's parts: the loss update 1 must have had.
double firstStepLoss(const TrainOptions& o) {
    Trainer t(o, nullptr);
    t.prepare();
    const Vocab vocab(t.vocabulary());
    const auto shared = std::make_shared<const Vocab>(vocab);
    const Corpus corpus = generateCorpus(o.seed, size_t(o.sentences), size_t(o.heldOutSentences));
    const TokenizedSentences sentences = tokenizeSentences(corpus.train, Tokenizer(shared, {}));
    SamplerOptions s = o.sampler;
    s.maxPositions = o.model.maxPositions;
    s.batchTokens = o.batchTokens;
    const BatchSampler sampler(sentences, SpecialIds::fromVocab(vocab), s, o.seed);
    ModelConfig c = o.model;
    c.vocabSize = int(vocab.size());
    TrainableBert<float> model(c);
    Random init(o.seed, kInitStream);
    model.initialize(init);
    return model.forward(sampler.batch(0));
}

TEST(SnapshotSeries, SnapshotsDoNotChangeTrainingAndHoldEveryStepsLoss) {
    test::ScratchDir dir;
    const TrainOptions plain = shortRun(dir.path() / "plain" / "mini");
    const TrainOptions snapped = withSnapshots(shortRun(dir.path() / "snapped" / "mini"), dir.path() / "snaps", 5);
    train(plain);
    train(snapped);
    // (TRUE, not EQ: a failure would print the weights.)
    EXPECT_TRUE(test::readBytes(dir.path() / "plain" / "mini" / "model.safetensors") ==
                test::readBytes(dir.path() / "snapped" / "mini" / "model.safetensors"));

    const SnapshotSeries series = SnapshotSeries::open((dir.path() / "snaps").string());
    EXPECT_EQ(series.contents().model, "mini");
    EXPECT_EQ(series.contents().steps, 12);
    EXPECT_EQ(series.contents().snapshotEvery, 5);
    EXPECT_EQ(series.contents().stepsDone, 12);
    EXPECT_EQ(nlohmann::json::parse(series.contents().recipe), nlohmann::json::parse(plain.recipeJson()));
    ASSERT_EQ(series.snapshots().size(), 4u);
    const int64_t steps[] = {0, 5, 10, 12};
    const char* folders[] = {"step-000000", "step-000005", "step-000010", "step-000012"};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(series.snapshots()[i].step, steps[i]);
        EXPECT_EQ(series.snapshotPath(i), dir.path() / "snaps" / folders[i]);
        const auto model = series.loadModel(i);
        EXPECT_EQ(model->weightDType(), "F16");
        EXPECT_EQ(model->config().layers, 2);
    }
    // Nothing else is left in the folder: four snapshots and the series.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "snaps"), fs::directory_iterator()), 5);

    // One loss per step; the first is the initial weights' loss on batch 0.
    ASSERT_EQ(series.loss().size(), 12u);
    EXPECT_NEAR(series.loss()[0], firstStepLoss(plain), 1e-9 * series.loss()[0]);
    EXPECT_GT(series.loss()[0], 0.8 * std::log(double(Model::load(series.snapshotPath(0).string())->vocab().size())));
    for (double loss : series.loss()) EXPECT_TRUE(std::isfinite(loss) && loss > 0);

    // Step 0 is the initialisation (rounded to F16), the last snapshot the final model.
    ModelConfig c = plain.model;
    c.vocabSize = int(Model::load(series.snapshotPath(0).string())->vocab().size());
    TrainableBert<float> initial(c);
    Random init(plain.seed, kInitStream);
    initial.initialize(init);
    const auto first = tensorBytes(series.snapshotPath(0) / "model.safetensors");
    float worst = 0;
    for (const ParameterInfo& t : initial.layout().tensors()) {
        const std::string& bytes = first.at(t.name);
        ASSERT_EQ(bytes.size(), size_t(t.size) * 2) << t.name;
        std::vector<float> widened(size_t(t.size));
        widenHalf(reinterpret_cast<const uint8_t*>(bytes.data()), widened.size(), widened.data());
        for (int64_t i = 0; i < t.size; ++i) {
            const float want = initial.parameters()[size_t(t.offset + i)];
            worst = std::max(worst, std::abs(widened[size_t(i)] - want) / std::max(std::abs(want), 1e-4f));
        }
    }
    EXPECT_LT(worst, 1.0f / 2048);  // half precision keeps 11 significant bits
    EXPECT_TRUE(tensorBytes(series.snapshotPath(3) / "model.safetensors") ==
                tensorBytes(dir.path() / "snapped" / "mini" / "model.safetensors"));
}

TEST(SnapshotSeries, AResumedSeriesEqualsAnUninterruptedOne) {
    test::ScratchDir dir;
    const TrainOptions whole = withSnapshots(shortRun(dir.path() / "a" / "mini"), dir.path() / "a" / "snaps", 4);
    train(whole);
    // Killed at step 9: the state of step 5 is on disk, and the snapshot of
    // step 8 and the series up to it, past that state: a resume drops them
    // and does steps 6 to 9 again.
    TrainOptions broken = withSnapshots(shortRun(dir.path() / "b" / "mini"), dir.path() / "b" / "snaps", 4);
    EXPECT_THROW(train(broken, 9), std::runtime_error);
    ASSERT_TRUE(fs::exists(dir.path() / "b" / "snaps" / "step-000008"));
    EXPECT_EQ(SnapshotSeries::open((dir.path() / "b" / "snaps").string()).contents().stepsDone, 8);
    broken.resume = true;
    EXPECT_THROW(train(broken, 6), std::runtime_error);  // killed again, at step 6 (state 5, snapshot 4)
    EXPECT_EQ(SnapshotSeries::open((dir.path() / "b" / "snaps").string()).contents().stepsDone, 5);
    EXPECT_FALSE(fs::exists(dir.path() / "b" / "snaps" / "step-000008"));
    train(broken);

    const auto a = treeBytes(dir.path() / "a" / "snaps");
    const auto b = treeBytes(dir.path() / "b" / "snaps");
    EXPECT_EQ(a.size(), 17u);  // series.json, and four files in each of step 0, 4, 8 and 12
    std::vector<std::string> names, namesB;
    for (const auto& [name, bytes] : a) names.push_back(name);
    for (const auto& [name, bytes] : b) namesB.push_back(name);
    EXPECT_EQ(names, namesB);
    for (const auto& [name, bytes] : a) EXPECT_TRUE(b.count(name) && b.at(name) == bytes) << name;
    EXPECT_EQ(a.at("series.json"), b.at("series.json"));
    EXPECT_TRUE(test::readBytes(dir.path() / "a" / "mini" / "model.safetensors") ==
                test::readBytes(dir.path() / "b" / "mini" / "model.safetensors"));
}

TEST(SnapshotSeries, TheTrainerRefusesFoldersAndRunsThatDoNotFit) {
    test::ScratchDir dir;
    const fs::path out = dir.path() / "mini";
    // A file where the folder should be, and a folder under a file.
    test::writeBytes(dir.path() / "file", "x");
    std::string e = errorOf([&] { train(withSnapshots(shortRun(out), dir.path() / "file", 4)); });
    EXPECT_TRUE(contains(e, "is a file, not a folder")) << e;
    e = errorOf([&] { train(withSnapshots(shortRun(out), dir.path() / "file" / "snaps", 4)); });
    EXPECT_TRUE(contains(e, "cannot write to the snapshot folder")) << e;
    // Inside the training state, which goes when the run ends.
    e = errorOf([&] { train(withSnapshots(shortRun(out), out / "training" / "snaps", 4)); });
    EXPECT_TRUE(contains(e, "removed when the run ends")) << e;
    // More steps or snapshots than a series holds.
    TrainOptions many = withSnapshots(shortRun(out), dir.path() / "snaps", 4);
    many.steps = 400001;
    e = errorOf([&] { train(many); });
    EXPECT_TRUE(contains(e, "for at most 400000 steps, not 400001")) << e;
    many.steps = 50000;
    many.snapshotEvery = 4;
    e = errorOf([&] { train(many); });
    EXPECT_TRUE(contains(e, "--snapshot-every 4 makes 12501 snapshots of 50000 steps; at most 10000")) << e;
    EXPECT_FALSE(fs::exists(dir.path() / "snaps")) << "refused before anything was written";
    // One without the other.
    TrainOptions half = shortRun(out);
    half.snapshotDir = (dir.path() / "snaps").string();
    e = errorOf([&] { Trainer t(half, nullptr); });
    EXPECT_TRUE(contains(e, "--snapshots needs --snapshot-every")) << e;
    half = shortRun(out);
    half.snapshotEvery = 3;
    e = errorOf([&] { Trainer t(half, nullptr); });
    EXPECT_TRUE(contains(e, "--snapshot-every needs --snapshots")) << e;

    // A finished series is not overwritten by a new run.
    const TrainOptions run = withSnapshots(shortRun(out), dir.path() / "snaps", 4);
    train(run);
    const std::string before = test::readBytes(dir.path() / "snaps" / "series.json");
    e = errorOf([&] { train(run); });
    EXPECT_TRUE(contains(e, "already holds a snapshot series") && contains(e, "--resume")) << e;
    EXPECT_EQ(test::readBytes(dir.path() / "snaps" / "series.json"), before);

    // An interrupted run resumed with another --snapshot-every, or with
    // snapshots when it had none.
    TrainOptions broken = withSnapshots(shortRun(dir.path() / "b"), dir.path() / "b-snaps", 4);
    EXPECT_THROW(train(broken, 9), std::runtime_error);
    TrainOptions other = broken;
    other.resume = true;
    other.snapshotEvery = 3;
    e = errorOf([&] { train(other); });
    EXPECT_TRUE(contains(e, "a snapshot every 4 steps, not 3")) << e;
    TrainOptions plain = shortRun(dir.path() / "c");
    EXPECT_THROW(train(plain, 9), std::runtime_error);
    plain = withSnapshots(plain, dir.path() / "c-snaps", 4);
    plain.resume = true;
    e = errorOf([&] { train(plain); });
    EXPECT_TRUE(contains(e, "training state is at step 5") && contains(e, "has no series.json")) << e;
}

TEST(SnapshotSeries, TheCommandLineSaysWhatIsMissing) {
    test::ScratchDir dir;
    const std::string out = " --out '" + (dir.path() / "m").string() + "'";
    auto r = test::runCli("train" + out + " --snapshots '" + (dir.path() / "s").string() + "'");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.err, "--snapshots needs --snapshot-every N")) << r.err;
    r = test::runCli("train" + out + " --snapshot-every 100");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.err, "--snapshot-every needs --snapshots DIR")) << r.err;
    r = test::runCli("train" + out + " --snapshot-every 0 --snapshots '" + (dir.path() / "s").string() + "'");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(contains(r.err, "--snapshot-every takes a whole number from 1")) << r.err;
    test::writeBytes(dir.path() / "file", "x");
    r = test::runCli("train" + out + " --snapshot-every 10 --snapshots '" + (dir.path() / "file").string() + "'");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.err, "is a file, not a folder")) << r.err;

    // A whole run, as a user types it.
    r = test::runCli("train" + out +
                     " --layers 1 --hidden 16 --heads 2 --intermediate 16 --max-positions 16 --vocab-size 200"
                     " --sentences 200 --steps 7 --batch-tokens 128 --warmup 1 --eval-every 7 --threads 1"
                     " --snapshot-every 3 --snapshots '" +
                     (dir.path() / "s").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const SnapshotSeries s = SnapshotSeries::open((dir.path() / "s").string());
    ASSERT_EQ(s.snapshots().size(), 4u);  // 0, 3, 6 and the last, 7
    EXPECT_EQ(s.snapshots()[3].step, 7);
    EXPECT_EQ(s.loss().size(), 7u);
    EXPECT_EQ(s.contents().model, "m");
}

// The reader against hand-written series.json files: a sound one, then each
// way one can be damaged.
class SeriesReader : public ::testing::Test {
protected:
    void SetUp() override {
        ModelConfig c;
        c.layers = 1;
        c.hidden = 8;
        c.heads = 2;
        c.intermediate = 8;
        c.maxPositions = 16;
        c.vocabSize = 10;
        std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e"};
        for (const char* step : {"step-000000", "step-000005", "step-000010"})
            writeRandomCheckpoint((m_dir.path() / step).string(), c, vocab, 3, DType::F16);
    }

    nlohmann::json sound() const {
        return nlohmann::json::parse(R"({
            "format": "bertlens-snapshot-series", "version": 1, "model": "mini", "recipe": {"seed": 1},
            "steps": 10, "snapshot_every": 5, "steps_done": 10,
            "snapshots": [{"step": 0, "folder": "step-000000"}, {"step": 5, "folder": "step-000005"},
                          {"step": 10, "folder": "step-000010"}],
            "loss": [6.9, 6.1, 5.5, 5.0, 4.4, 4.1, 3.7, 3.5, 3.2, 3.0]})");
    }

    // The reader's message for series.json holding `text`.
    std::string refusal(const std::string& text) {
        test::writeBytes(m_dir.path() / "series.json", text);
        return errorOf([&] { SnapshotSeries::open(m_dir.path().string()); });
    }
    std::string refusal(const nlohmann::json& j) { return refusal(j.dump()); }

    test::ScratchDir m_dir;
};

TEST_F(SeriesReader, ASoundSeriesListsItsSnapshotsAndLoss) {
    test::writeBytes(m_dir.path() / "series.json", sound().dump());
    const SnapshotSeries s = SnapshotSeries::open(m_dir.path().string());
    ASSERT_EQ(s.snapshots().size(), 3u);
    EXPECT_EQ(s.snapshots()[1].step, 5);
    EXPECT_EQ(s.snapshotPath(2), m_dir.path() / "step-000010");
    EXPECT_EQ(s.contents().model, "mini");
    EXPECT_EQ(s.contents().recipe, R"({"seed":1})");
    ASSERT_EQ(s.loss().size(), 10u);
    EXPECT_EQ(s.loss()[0], 6.9);
    EXPECT_EQ(s.loss()[9], 3.0);
    EXPECT_EQ(s.loadModel(1)->config().hidden, 8);
    EXPECT_TRUE(contains(errorOf([&] { s.loadModel(3); }), "there is no snapshot 3"));

    // A run still going: 7 steps done, the snapshot of step 10 not yet due.
    nlohmann::json going = sound();
    going["steps_done"] = 7;
    going["snapshots"].erase(2);
    going["loss"] = {6.9, 6.1, 5.5, 5.0, 4.4, 4.1, 3.7};
    test::writeBytes(m_dir.path() / "series.json", going.dump());
    EXPECT_EQ(SnapshotSeries::open(m_dir.path().string()).snapshots().size(), 2u);

    // A diverged step's loss is null, read as NaN.
    nlohmann::json diverged = sound();
    diverged["loss"][4] = nullptr;
    test::writeBytes(m_dir.path() / "series.json", diverged.dump());
    EXPECT_TRUE(std::isnan(SnapshotSeries::open(m_dir.path().string()).loss()[4]));
}

TEST_F(SeriesReader, TheWritersTextReadsBackAsItWasWritten) {
    SeriesContents c;
    c.model = "mini \"quoted\"";
    c.recipe = R"({"seed":1,"steps":10})";
    c.steps = 10;
    c.snapshotEvery = 5;
    c.stepsDone = 10;
    c.snapshots = {{0, "step-000000"}, {5, "step-000005"}, {10, "step-000010"}};
    c.loss = {6.9, 1.0 / 3.0, 5.5, 5.0, std::nan(""), 4.1, 3.7, 2e6, 3.2, 0.1 + 0.2};
    const std::string text = seriesJsonText(c);
    EXPECT_TRUE(contains(text,
                         "\"loss\": [6.9, 0.3333333333333333, 5.5, 5.0, null, 4.1, 3.7, null, 3.2, "
                         "0.30000000000000004]"))
        << text;
    EXPECT_TRUE(contains(text, "\n    {\"step\":5,\"folder\":\"step-000005\"},\n")) << text;
    const SeriesContents back = parseSeries(text, "series.json");
    EXPECT_EQ(back.model, c.model);
    EXPECT_EQ(back.recipe, c.recipe);
    EXPECT_EQ(back.stepsDone, 10);
    ASSERT_EQ(back.snapshots.size(), 3u);
    EXPECT_EQ(back.snapshots[2].folder, "step-000010");
    EXPECT_EQ(back.loss[1], 1.0 / 3.0);  // every bit of a double survives
    EXPECT_EQ(back.loss[9], 0.1 + 0.2);
    EXPECT_TRUE(std::isnan(back.loss[4]) && std::isnan(back.loss[7]));
    EXPECT_EQ(seriesJsonText(back), text);
    EXPECT_EQ(snapshotFolderName(1234567), "step-1234567");
}

TEST_F(SeriesReader, MissingFolderOrFileIsNamed) {
    std::string e = errorOf([&] { SnapshotSeries::open((m_dir.path() / "nowhere").string()); });
    EXPECT_TRUE(contains(e, "does not exist") && contains(e, "train --snapshots")) << e;
    test::writeBytes(m_dir.path() / "plain-file", "x");
    e = errorOf([&] { SnapshotSeries::open((m_dir.path() / "plain-file").string()); });
    EXPECT_TRUE(contains(e, "is not a folder")) << e;
    e = errorOf([&] { SnapshotSeries::open(m_dir.path().string()); });
    EXPECT_TRUE(contains(e, "has no series.json") && contains(e, "--snapshots DIR")) << e;
    fs::create_directory(m_dir.path() / "series.json");
    e = errorOf([&] { SnapshotSeries::open(m_dir.path().string()); });
    EXPECT_TRUE(contains(e, "not a regular file")) << e;
}

TEST_F(SeriesReader, NotJsonOrNotASeriesIsRefused) {
    EXPECT_TRUE(contains(refusal(std::string("")), "not JSON"));
    EXPECT_TRUE(contains(refusal(std::string("{\"format\": \"bertlens-snapshot-series\", ")), "not JSON"));
    EXPECT_TRUE(contains(refusal(std::string("{\"loss\": [NaN]}")), "not JSON"));
    EXPECT_TRUE(contains(refusal(std::string("\xff\xfe{}")), "not JSON"));
    std::string e = refusal(std::string("[1, 2, 3]"));
    EXPECT_TRUE(contains(e, "not a JSON object") && contains(e, "train again with --snapshots")) << e;
    nlohmann::json j = sound();
    j["format"] = "safetensors";
    e = refusal(j);
    EXPECT_TRUE(contains(e, "is not a BertLens snapshot series")) << e;
    j = sound();
    j.erase("format");
    EXPECT_TRUE(contains(refusal(j), "there is no \"format\""));
    j = sound();
    j["version"] = 2;
    e = refusal(j);
    EXPECT_TRUE(contains(e, "newer than this BertLens reads") && contains(e, "update BertLens")) << e;
}

TEST_F(SeriesReader, NestingTooDeepIsRefusedBeforeItCostsMemory) {
    const std::string deep = "{\"recipe\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_TRUE(contains(refusal(deep), "nested more than 8 deep"));
}

TEST_F(SeriesReader, WrongTypesAreRefusedNamingTheKey) {
    struct Case {
        const char* key;
        nlohmann::json value;
        const char* said;
    };
    const Case cases[] = {
        {"model", 7, "\"model\" is 7"},
        {"recipe", "seed 1", "\"recipe\" is \"seed 1\""},
        {"steps", "10", "\"steps\" is \"10\", not a whole number"},
        {"steps", 10.5, "\"steps\" is 10.5"},
        {"steps", true, "\"steps\" is true"},
        {"snapshot_every", nullptr, "\"snapshot_every\" is null"},
        {"snapshots", "step-000000", "\"snapshots\" is \"step-000000\", not a list"},
        {"loss", 3.0, "\"loss\" is 3.0, not a list"},
    };
    for (const Case& c : cases) {
        nlohmann::json j = sound();
        j[c.key] = c.value;
        const std::string e = refusal(j);
        EXPECT_TRUE(contains(e, c.said)) << c.key << ": " << e;
    }
    nlohmann::json j = sound();
    j["snapshots"][1] = 5;
    EXPECT_TRUE(contains(refusal(j), "\"snapshots\"[1] is 5, not {\"step\": S, \"folder\": F}"));
    j = sound();
    j["snapshots"][1].erase("folder");
    EXPECT_TRUE(contains(refusal(j), "there is no \"folder\""));
    j = sound();
    j["loss"][3] = "5.0";
    EXPECT_TRUE(contains(refusal(j), "\"loss\"[3] is \"5.0\", not a loss from 0 to 1e+06 or null"));
}

TEST_F(SeriesReader, NegativeAndHugeNumbersAreRefused) {
    nlohmann::json j = sound();
    j["steps"] = -10;
    EXPECT_TRUE(contains(refusal(j), "\"steps\" is -10, not a whole number from 1 to 400000"));
    j["steps"] = 1e30;
    EXPECT_TRUE(contains(refusal(j), "\"steps\" is 1e+30"));
    // Beyond int64 and beyond uint64: neither wraps round to a small number.
    std::string text = sound().dump();
    const std::string steps = "\"steps\":10";
    ASSERT_NE(text.find(steps), std::string::npos);
    for (const char* huge : {"18446744073709551615", "99999999999999999999999"}) {
        std::string t = text;
        t.replace(t.find(steps), steps.size(), std::string("\"steps\":") + huge);
        EXPECT_TRUE(contains(refusal(t), "\"steps\" is")) << huge;
    }
    j = sound();
    j["snapshot_every"] = 0;
    EXPECT_TRUE(contains(refusal(j), "\"snapshot_every\" is 0, not a whole number from 1 to 10"));
    j = sound();
    j["steps_done"] = 11;
    EXPECT_TRUE(contains(refusal(j), "\"steps_done\" is 11, not a whole number from 0 to 10"));
    j = sound();
    j["snapshots"][0]["step"] = -5;
    EXPECT_TRUE(contains(refusal(j), "\"snapshots\"[0]'s step is -5"));
    j = sound();
    j["loss"][2] = -0.5;
    EXPECT_TRUE(contains(refusal(j), "\"loss\"[2] is -0.5"));
    j = sound();
    j["loss"][2] = 1e300;
    EXPECT_TRUE(contains(refusal(j), "\"loss\"[2] is 1e+300"));
    // 1e400 is no double: the parser refuses it.
    text = sound().dump();
    const size_t at = text.find("5.5");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 3, "1e400");
    const std::string e = refusal(text);
    EXPECT_TRUE(contains(e, "not JSON") && contains(e, "number overflow parsing '1e400'")) << e;
}

TEST_F(SeriesReader, UnsortedDuplicateOrMissingStepsAreRefused) {
    nlohmann::json j = sound();
    std::swap(j["snapshots"][1], j["snapshots"][2]);
    std::string e = refusal(j);
    EXPECT_TRUE(contains(e, "has step 5 after step 10: the steps must rise, each once")) << e;
    j = sound();
    j["snapshots"][2] = j["snapshots"][1];
    e = refusal(j);
    EXPECT_TRUE(contains(e, "has step 5 after step 5")) << e;
    j = sound();
    j["snapshots"][1] = {{"step", 3}, {"folder", "step-000003"}};
    e = refusal(j);
    EXPECT_TRUE(contains(e, "step 3, which is not a snapshot step (0, every 5, and 10)")) << e;
    j = sound();
    j["snapshots"].erase(1);
    e = refusal(j);
    EXPECT_TRUE(contains(e, "there is no snapshot of step 5, though steps_done is 10")) << e;
    j = sound();
    j["snapshots"].erase(2);
    e = refusal(j);
    EXPECT_TRUE(contains(e, "there is no snapshot of step 10")) << e;
    j = sound();
    j["snapshots"].erase(0);
    EXPECT_TRUE(contains(refusal(j), "there is no snapshot of step 0"));
    j = sound();
    j["steps_done"] = 7;
    j["loss"] = {1, 1, 1, 1, 1, 1, 1};
    e = refusal(j);
    EXPECT_TRUE(contains(e, "\"snapshots\"[2]'s step is 10, not a whole number from 0 to 7")) << e;
}

TEST_F(SeriesReader, AFolderNameOtherThanTheStepsIsRefused) {
    for (const char* folder : {"../../elsewhere", "/etc", "step-5", "step-000010"}) {
        nlohmann::json j = sound();
        j["snapshots"][1]["folder"] = folder;
        const std::string e = refusal(j);
        EXPECT_TRUE(contains(e, "\"snapshots\"[1]'s folder is \"" + std::string(folder) + "\", not \"step-000005\""))
            << e;
    }
}

TEST_F(SeriesReader, ALossArrayOfTheWrongLengthIsRefused) {
    nlohmann::json j = sound();
    j["loss"].erase(9);
    EXPECT_TRUE(contains(refusal(j), "\"loss\" has 9 values, not one per step done (10)"));
    j = sound();
    j["loss"].push_back(2.0);
    EXPECT_TRUE(contains(refusal(j), "\"loss\" has 11 values"));
}

TEST_F(SeriesReader, AFileLargerThanTheCapIsRefusedUnread) {
    const fs::path file = m_dir.path() / "series.json";
    test::writeBytes(file, sound().dump());
    fs::resize_file(file, 3 * kMaxSeriesBytes);  // sparse: costs no disk
    const std::string e = errorOf([&] { SnapshotSeries::open(m_dir.path().string()); });
    EXPECT_TRUE(contains(e, "series.json is 48 MB but a series.json is at most 16 MB")) << e;
}

TEST_F(SeriesReader, AListedFolderThatIsMissingIsNamedAtOpen) {
    test::writeBytes(m_dir.path() / "series.json", sound().dump());
    fs::remove_all(m_dir.path() / "step-000005");
    const std::string e = errorOf([&] { SnapshotSeries::open(m_dir.path().string()); });
    EXPECT_TRUE(contains(e, "lists the snapshot of step 5") && contains(e, "step-000005 is missing") &&
                contains(e, "copy the whole folder again"))
        << e;
}

TEST_F(SeriesReader, MissingOrDamagedWeightsAreNamedWhenThatStepIsOpened) {
    test::writeBytes(m_dir.path() / "series.json", sound().dump());
    fs::remove(m_dir.path() / "step-000005" / "model.safetensors");
    const fs::path weights = m_dir.path() / "step-000010" / "model.safetensors";
    fs::resize_file(weights, fs::file_size(weights) / 2);
    const SnapshotSeries s = SnapshotSeries::open(m_dir.path().string());  // open looks at the folders only
    EXPECT_EQ(s.loadModel(0)->config().layers, 1);
    std::string e = errorOf([&] { s.loadModel(1); });
    EXPECT_TRUE(contains(e, "the snapshot of step 5 (") && contains(e, "step-000005) cannot be opened: ")) << e;
    EXPECT_TRUE(contains(e, "model.safetensors") || contains(e, "weights")) << e;
    e = errorOf([&] { s.loadModel(2); });
    EXPECT_TRUE(contains(e, "the snapshot of step 10 (") && contains(e, "model.safetensors")) << e;
    EXPECT_THROW(s.loadModel(2), CheckpointError);  // the loader's own type, for callers that tell them apart
}

}  // namespace
}  // namespace bertlens::train
