// A pretraining run's snapshots: the folder that `bertlens-cli train
// --snapshot-every N --snapshots DIR` fills, and the reader that opens it.
//
//   DIR/series.json       what the run is and how far it got (below)
//   DIR/step-000000/      the model before any update (config.json, vocab.txt,
//   DIR/step-000500/      tokenizer_config.json, model.safetensors in F16):
//   ...                   each a folder Model::load opens
//
// series.json:
//   {"format": "bertlens-snapshot-series", "version": 1,
//    "model": "bertlens-mini", "recipe": {...the run's options...},
//    "steps": 12000, "snapshot_every": 500, "steps_done": 1500,
//    "snapshots": [{"step": 0, "folder": "step-000000"}, {"step": 500, ...}, ...],
//    "loss": [10.2, 9.8, ...]}
// loss[i] is the training loss of update i + 1 (the batch it was computed
// on), one per step done; null where it was not a finite number (a run that
// diverged). The snapshots are those of step 0, every multiple of
// snapshot_every, and the last step, in rising order, none past steps_done.
//
//   const SnapshotSeries s = SnapshotSeries::open("/tmp/mini-snapshots");
//   for (size_t i = 0; i < s.snapshots().size(); ++i) draw(s.snapshots()[i].step, s.loadModel(i));
//
// Every damaged or hostile series.json is refused with an Error saying what
// is wrong and what to do; a snapshot whose weights are missing or damaged is
// refused when it is opened, by Model::load's CheckpointError (naming the
// step). Pure functions and an immutable reader: thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bertlens {
class Model;
}

namespace bertlens::train {

struct SnapshotEntry {
    int64_t step = 0;
    std::string folder;  // "step-000500", inside the series' folder
};

// What series.json holds.
struct SeriesContents {
    std::string model;   // the trained model's folder name
    std::string recipe;  // the run's options as JSON text (TrainOptions::recipeJson); "" when absent
    int64_t steps = 0;   // planned
    int64_t snapshotEvery = 0;
    int64_t stepsDone = 0;
    std::vector<SnapshotEntry> snapshots;
    std::vector<double> loss;  // stepsDone values; NaN where series.json has null
};

constexpr const char* kSeriesFile = "series.json";
// The cap of config.json's: room for 800,000 steps (12,000 take 250 kB),
// and a hostile file this large parses in under 300 MB (measured: 32 MB of
// zeros in the loss list peak at 580 MB).
constexpr uint64_t kMaxSeriesBytes = uint64_t(16) << 20;
// What fits under that cap: every step's loss (26 bytes at most each) and
// the list of snapshots (40 bytes each). The trainer refuses runs beyond.
constexpr int64_t kMaxSeriesSteps = 400000;
constexpr int64_t kMaxSnapshots = 10000;
// A training loss is a cross-entropy in nats: about 7 at the start, near 0
// at the end. Anything above this is written as null (diverged).
constexpr double kMaxSeriesLoss = 1e6;

// "step-000500": six digits, more when the step needs them.
std::string snapshotFolderName(int64_t step);

// The step whose snapshot is due after `step` updates (0 before the first).
bool snapshotDue(int64_t step, int64_t snapshotEvery, int64_t steps);

// series.json's text: one line per key and per snapshot, the losses on one
// line. Losses that are not finite or above kMaxSeriesLoss become null.
std::string seriesJsonText(const SeriesContents& contents);

// Parses and checks series.json's text, without looking at any folder.
// Throws Error naming `path` and what is wrong.
SeriesContents parseSeries(std::string_view text, const std::string& path);

class SnapshotSeries {
public:
    // Reads DIR/series.json, checks it and that every listed folder is there.
    // Throws Error.
    static SnapshotSeries open(const std::string& folder);

    const std::filesystem::path& folder() const { return m_folder; }
    const SeriesContents& contents() const { return m_contents; }
    const std::vector<SnapshotEntry>& snapshots() const { return m_contents.snapshots; }
    const std::vector<double>& loss() const { return m_contents.loss; }
    std::filesystem::path snapshotPath(size_t index) const;

    // Model::load of that snapshot; its CheckpointError is rethrown with the
    // step and the folder in front.
    std::shared_ptr<const Model> loadModel(size_t index) const;

private:
    std::filesystem::path m_folder;
    SeriesContents m_contents;
};

}  // namespace bertlens::train
