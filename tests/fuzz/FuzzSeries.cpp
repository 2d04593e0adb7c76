// libFuzzer target: any bytes as a snapshot series' series.json. A series
// that is accepted keeps every promise SnapshotSeries.h makes (rising steps
// that are snapshot steps, folder names that are their steps', one loss per
// step done) and reads back the same from the text the trainer would write.
#include "FuzzSupport.h"

#include "Errors.h"
#include "train/SnapshotSeries.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    using namespace bertlens::train;
    SeriesContents c;
    try {
        c = parseSeries(std::string_view(reinterpret_cast<const char*>(data), size), "series.json");
    } catch (const Error& e) {
        fuzz::requirePrintable(e.what());
        return 0;
    }
    fuzz::require(c.steps >= 1 && c.steps <= kMaxSeriesSteps, "accepted steps out of range");
    fuzz::require(c.snapshotEvery >= 1 && c.snapshotEvery <= c.steps, "accepted snapshot_every out of range");
    fuzz::require(c.stepsDone >= 0 && c.stepsDone <= c.steps, "accepted steps_done out of range");
    fuzz::require(int64_t(c.loss.size()) == c.stepsDone, "not one loss per step done");
    fuzz::require(!c.snapshots.empty() && c.snapshots.front().step == 0, "no snapshot of step 0");
    for (size_t i = 0; i < c.snapshots.size(); ++i) {
        const SnapshotEntry& s = c.snapshots[i];
        fuzz::require(i == 0 || s.step > c.snapshots[i - 1].step, "snapshot steps do not rise");
        fuzz::require(s.step <= c.stepsDone && snapshotDue(s.step, c.snapshotEvery, c.steps), "not a snapshot step");
        fuzz::require(s.folder == snapshotFolderName(s.step), "a folder name other than the step's");
    }
    for (double x : c.loss) fuzz::require(std::isnan(x) || (x >= 0 && x <= kMaxSeriesLoss), "a loss out of range");
    const SeriesContents back = parseSeries(seriesJsonText(c), "series.json");
    fuzz::require(back.stepsDone == c.stepsDone && back.snapshots.size() == c.snapshots.size() &&
                      back.model == c.model && back.recipe == c.recipe,
                  "the written text does not read back the same");
    for (size_t i = 0; i < c.loss.size(); ++i) {
        fuzz::require(std::isnan(c.loss[i]) ? std::isnan(back.loss[i]) : back.loss[i] == c.loss[i],
                      "a loss does not read back the same");
    }
    return 0;
}
