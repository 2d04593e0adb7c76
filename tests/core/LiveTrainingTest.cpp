// What the window's live pretraining asks of the trainer: a vocabulary
// given (the bundled model's vocab.txt, read here line by line) is the one
// the model is trained and saved with, and the recipe says so; a Snapshot
// report comes after each snapshot, when series.json (read here) already
// lists it; reportEvery 1 reports every step's own loss, series.json's;
// the stop flag ends the run between two steps with Cancelled and a series
// that opens, ends at the step done and keeps every step's loss, with no
// model written.
#include "TestSupport.h"

#include "../common/TinyTrainRun.h"
#include "Errors.h"
#include "model/Model.h"
#include "train/SnapshotSeries.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

std::vector<std::string> lines(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

nlohmann::json readJson(const fs::path& file) {
    return nlohmann::json::parse(test::readBytes(file));
}

TEST(LiveTraining, AGivenVocabularyIsTheModelsAndTheRecipeSaysSo) {
    test::ScratchDir dir;
    TrainOptions o = test::tinyTrainRun((dir.path() / "mini").string());
    o.steps = 2;
    o.warmupSteps = 1;
    o.vocabulary = lines(fs::path(test::bundledModel()) / "vocab.txt");
    ASSERT_GT(o.vocabulary.size(), 1000u);
    Trainer(o, nullptr).run();
    EXPECT_EQ(lines(dir.path() / "mini" / "vocab.txt"), o.vocabulary);
    EXPECT_EQ(Model::load((dir.path() / "mini").string())->config().vocabSize, int(o.vocabulary.size()));
    const nlohmann::json recipe = nlohmann::json::parse(o.recipeJson());
    EXPECT_EQ(recipe.at("vocabulary_given").at("size"), o.vocabulary.size());
    // Another vocabulary is another recipe; none given leaves the key out.
    TrainOptions other = o;
    other.vocabulary.pop_back();
    EXPECT_NE(nlohmann::json::parse(other.recipeJson()).at("vocabulary_given").at("fnv1a"),
              recipe.at("vocabulary_given").at("fnv1a"));
    EXPECT_FALSE(nlohmann::json::parse(test::tinyTrainRun("x").recipeJson()).contains("vocabulary_given"));
}

TEST(LiveTraining, SnapshotReportsFollowTheSeriesAndStopKeepsItWhole) {
    test::ScratchDir dir;
    TrainOptions o = test::tinyTrainRun((dir.path() / "mini").string());
    o.steps = 30;
    o.snapshotDir = (dir.path() / "snaps").string();
    o.snapshotEvery = 3;
    o.reportEvery = 1;
    o.checkpointEvery = 1000;  // as the live recipe: no training state
    std::atomic<bool> stop{false};
    o.stop = &stop;
    std::vector<int64_t> snapshotSteps;
    std::vector<double> stepLosses;
    std::vector<size_t> listed;  // series.json's snapshot count at each Snapshot report
    Trainer trainer(o, [&](const TrainProgress& p) {
        if (p.kind == TrainProgress::Kind::Step) {
            EXPECT_EQ(p.step, int64_t(stepLosses.size()) + 1);
            stepLosses.push_back(p.loss);
        }
        if (p.kind != TrainProgress::Kind::Snapshot) return;
        snapshotSteps.push_back(p.step);
        const nlohmann::json series = readJson(dir.path() / "snaps" / kSeriesFile);
        listed.push_back(series.at("snapshots").size());
        EXPECT_EQ(series.at("snapshots").back().at("step"), p.step);
        if (p.step == 6) stop = true;  // seen before step 7 starts
    });
    EXPECT_THROW(trainer.run(), Cancelled);
    EXPECT_EQ(snapshotSteps, (std::vector<int64_t>{0, 3, 6}));
    EXPECT_EQ(listed, (std::vector<size_t>{1, 2, 3}));

    const SnapshotSeries series = SnapshotSeries::open((dir.path() / "snaps").string());
    EXPECT_EQ(series.contents().stepsDone, 6);
    ASSERT_EQ(series.snapshots().size(), 3u);
    EXPECT_EQ(series.snapshots().back().step, 6);
    EXPECT_EQ(series.loss(), stepLosses);  // each step's own loss, as reported
    EXPECT_FALSE(fs::exists(dir.path() / "mini" / "config.json"));
    EXPECT_FALSE(fs::exists(dir.path() / "mini" / "training"));
    // Nothing else in the series' folder: three snapshots and series.json.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "snaps"), fs::directory_iterator()), 4);
}

}  // namespace
}  // namespace bertlens::train
