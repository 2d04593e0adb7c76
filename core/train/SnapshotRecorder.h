// Writes a pretraining run's snapshot series (train/SnapshotSeries.h) as the
// trainer goes: the model of step 0 before any update, of every
// snapshotEvery-th step and of the last, each as an F16 folder that
// Model::load opens, and series.json with every step's loss after each
// snapshot. The trainer also has the series written before it saves a
// training state, so the series always reaches the state's step.
//
// A resumed run keeps the series up to the step it resumes from and drops
// what came later (snapshots and losses of steps that will be done again),
// so an interrupted and resumed run leaves the same folder as one that was
// never stopped. The recorder only reads the model: training does not
// depend on it. Not thread-safe; one per run.
#pragma once

#include "train/SnapshotSeries.h"
#include "train/TrainableBert.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bertlens::train {

class SnapshotRecorder {
public:
    struct Plan {
        std::string folder;  // --snapshots
        int64_t every = 0;   // --snapshot-every
        std::string model;   // the trained model's name
        int64_t steps = 0;
        std::string recipe;  // TrainOptions::recipeJson()
    };

    explicit SnapshotRecorder(Plan plan);

    // Before any work: the folder is one that can be written, and holds no
    // series (a new run) or a sound series of this run (resume). Throws Error.
    void check(bool resume) const;

    // At the step the run starts from (0, or the step of the training state it
    // resumed): the series is cut back to that step, later snapshot folders
    // are removed, and the snapshot of that step is written if due and absent.
    // Throws Error when a resumed state is past the series' end.
    void start(int64_t step, bool resume, const TrainableBert<float>& model, const std::vector<std::string>& vocab);

    // After update `step` (1, 2, ...) whose batch had training loss `loss`:
    // the snapshot and the series when one is due (then true).
    bool afterStep(int64_t step, double loss, const TrainableBert<float>& model, const std::vector<std::string>& vocab);

    // The series as it is now (unless already written at this step).
    void writeSeries();

    // What this process wrote: snapshots, and the seconds spent writing them and the series.
    int64_t snapshotsWritten() const { return m_snapshotsWritten; }
    double secondsWriting() const { return m_secondsWriting; }

private:
    void writeSnapshot(int64_t step, const TrainableBert<float>& model, const std::vector<std::string>& vocab);
    void removeSnapshotsAfter(int64_t step) const;

    Plan m_plan;
    SeriesContents m_contents;
    int64_t m_writtenAt = -1;
    int64_t m_snapshotsWritten = 0;
    double m_secondsWriting = 0;
};

}  // namespace bertlens::train
