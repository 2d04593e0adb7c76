#include "train/SnapshotRecorder.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "train/TrainState.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

class Stopwatch {
public:
    explicit Stopwatch(double& total) : m_total(total), m_start(std::chrono::steady_clock::now()) {}
    ~Stopwatch() { m_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }
    Stopwatch(const Stopwatch&) = delete;
    Stopwatch& operator=(const Stopwatch&) = delete;

private:
    double& m_total;
    std::chrono::steady_clock::time_point m_start;
};

// The step of a folder named as snapshotFolderName names them, or -1.
int64_t stepOfFolderName(const std::string& name) {
    const std::string prefix = "step-";
    if (name.compare(0, prefix.size(), prefix) != 0 || name.size() < prefix.size() + 6 ||
        name.size() > prefix.size() + 12)
        return -1;
    int64_t step = 0;
    for (size_t i = prefix.size(); i < name.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
        step = step * 10 + (name[i] - '0');
    }
    return snapshotFolderName(step) == name ? step : -1;
}

// The snapshot folders in folder, by step.
std::vector<std::pair<int64_t, fs::path>> snapshotFolders(const fs::path& folder) {
    std::vector<std::pair<int64_t, fs::path>> out;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const int64_t step = stepOfFolderName(it->path().filename().string());
        if (step >= 0 && it->is_directory(error)) out.emplace_back(step, it->path());
    }
    return out;
}

bool sameRecipe(const std::string& a, const std::string& b) {
    return nlohmann::json::parse(a, nullptr, false) == nlohmann::json::parse(b, nullptr, false);
}

}  // namespace

SnapshotRecorder::SnapshotRecorder(Plan plan) : m_plan(std::move(plan)) {}

void SnapshotRecorder::check(bool resume) const {
    if (m_plan.steps > kMaxSeriesSteps) {
        throw Error("--snapshots keeps every step's loss, for at most " + std::to_string(kMaxSeriesSteps) +
                    " steps, not " + std::to_string(m_plan.steps) + ": train fewer steps, or without snapshots");
    }
    if (m_plan.steps / m_plan.every > kMaxSnapshots) {
        throw Error("--snapshot-every " + std::to_string(m_plan.every) + " makes " +
                    std::to_string(m_plan.steps / m_plan.every + 1) + " snapshots of " + std::to_string(m_plan.steps) +
                    " steps; at most " + std::to_string(kMaxSnapshots) + ": choose a larger --snapshot-every");
    }
    const std::string& folder = m_plan.folder;
    std::error_code error;
    if (fs::exists(folder, error) && !fs::is_directory(folder, error)) {
        throw Error("--snapshots " + folder +
                    " is a file, not a folder: name a folder for the snapshots (it is made "
                    "when missing)");
    }
    fs::create_directories(folder, error);
    const fs::path probe = fs::path(folder) / ".bertlens-write-test";
    std::ofstream out(probe);
    const bool writable = !error && out.good();
    out.close();
    fs::remove(probe, error);
    if (!writable) {
        throw Error("cannot write to the snapshot folder " + folder +
                    ": choose a --snapshots folder you can write to (it is made when missing)");
    }
    const fs::path series = fs::path(folder) / kSeriesFile;
    if (!resume) {
        if (fs::exists(fs::symlink_status(series, error))) {
            throw Error(folder + " already holds a snapshot series (" + kSeriesFile +
                        "): add --resume to continue that run, or delete the folder, or choose another --snapshots "
                        "folder");
        }
        const auto stale = snapshotFolders(folder);
        if (!stale.empty()) {
            throw Error(folder + " holds snapshot folders (" + stale.front().second.filename().string() + ") but no " +
                        kSeriesFile + ": delete them, or choose another --snapshots folder");
        }
        return;
    }
    if (!fs::exists(fs::symlink_status(series, error))) return;  // start() decides whether that is right
    SeriesContents c;
    try {
        c = SnapshotSeries::open(folder).contents();
    } catch (const Error& e) {
        throw Error(std::string("cannot continue the snapshot series: ") + e.what());
    }
    const std::string remedy = "; resume with that run's options, or choose another --snapshots folder";
    if (c.snapshotEvery != m_plan.every) {
        throw Error(series.string() + " is a series with a snapshot every " + std::to_string(c.snapshotEvery) +
                    " steps, not " + std::to_string(m_plan.every) + remedy);
    }
    if (c.steps != m_plan.steps || !sameRecipe(c.recipe, m_plan.recipe)) {
        throw Error(series.string() + " belongs to another run (its recipe " + safeQuote(c.recipe, 200) +
                    " is not this run's)" + remedy);
    }
}

void SnapshotRecorder::start(int64_t step, bool resume, const TrainableBert<float>& model,
                             const std::vector<std::string>& vocab) {
    const fs::path series = fs::path(m_plan.folder) / kSeriesFile;
    std::error_code error;
    if (resume && fs::exists(fs::symlink_status(series, error))) {
        m_contents = SnapshotSeries::open(m_plan.folder).contents();
        if (m_contents.stepsDone < step) {
            throw Error(series.string() + " ends at step " + std::to_string(m_contents.stepsDone) +
                        " but the training state is at step " + std::to_string(step) +
                        " (was the run resumed without --snapshots?): a series starts with its run; resume "
                        "without --snapshots, or delete the training state and the series to start again");
        }
        while (!m_contents.snapshots.empty() && m_contents.snapshots.back().step > step)
            m_contents.snapshots.pop_back();
        m_contents.loss.resize(size_t(step));
    } else if (step > 0) {
        throw Error("the training state is at step " + std::to_string(step) + " but " + m_plan.folder + " has no " +
                    kSeriesFile +
                    ": a series starts with its run; resume without --snapshots, or delete the training state to "
                    "start again");
    } else {
        m_contents.snapshots.clear();
        m_contents.loss.clear();
    }
    m_contents.model = m_plan.model;
    m_contents.recipe = m_plan.recipe;
    m_contents.steps = m_plan.steps;
    m_contents.snapshotEvery = m_plan.every;
    m_contents.stepsDone = step;
    removeSnapshotsAfter(step);
    if (snapshotDue(step, m_plan.every, m_plan.steps) &&
        (m_contents.snapshots.empty() || m_contents.snapshots.back().step != step)) {
        writeSnapshot(step, model, vocab);
    }
    writeSeries();
}

bool SnapshotRecorder::afterStep(int64_t step, double loss, const TrainableBert<float>& model,
                                 const std::vector<std::string>& vocab) {
    m_contents.loss.push_back(loss);
    m_contents.stepsDone = step;
    if (!snapshotDue(step, m_plan.every, m_plan.steps)) return false;
    writeSnapshot(step, model, vocab);
    writeSeries();
    return true;
}

void SnapshotRecorder::writeSeries() {
    if (m_writtenAt == m_contents.stepsDone) return;
    const Stopwatch stopwatch(m_secondsWriting);
    AtomicFile::writeAll(fs::path(m_plan.folder) / kSeriesFile, seriesJsonText(m_contents));
    m_writtenAt = m_contents.stepsDone;
}

void SnapshotRecorder::writeSnapshot(int64_t step, const TrainableBert<float>& model,
                                     const std::vector<std::string>& vocab) {
    const Stopwatch stopwatch(m_secondsWriting);
    // Anew, so that what a killed writer left there does not stay.
    const fs::path folder = fs::path(m_plan.folder) / snapshotFolderName(step);
    std::error_code error;
    fs::remove_all(folder, error);
    writeTrainedModel(folder.string(), model, vocab, DType::F16,
                      {{"bertlens_recipe", m_plan.recipe}, {"bertlens_training_step", std::to_string(step)}});
    m_contents.snapshots.push_back({step, snapshotFolderName(step)});
    ++m_snapshotsWritten;
}

void SnapshotRecorder::removeSnapshotsAfter(int64_t step) const {
    for (const auto& [folderStep, path] : snapshotFolders(m_plan.folder)) {
        std::error_code error;
        if (folderStep > step) fs::remove_all(path, error);
    }
}

}  // namespace bertlens::train
