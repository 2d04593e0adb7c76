#include "train/SnapshotSeries.h"

#include "Errors.h"
#include "io/FileBytes.h"
#include "model/Model.h"
#include "text/SafeText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

constexpr const char* kFormat = "bertlens-snapshot-series";
constexpr int kVersion = 1;
// series.json nests three deep (the root, the snapshot list, a snapshot);
// anything much deeper is not one, and is refused before it costs memory.
constexpr int kMaxDepth = 8;
constexpr size_t kMaxModelName = 4096;

const char* kRemedy = "; the series is damaged: train again with --snapshots to make it anew, or open another folder";

[[noreturn]] void damaged(const std::string& path, const std::string& what) {
    throw Error(path + ": " + what + kRemedy);
}

std::string quote(const nlohmann::json& v) {
    return safeQuote(v.dump(), 40);
}

class TooDeep : public std::runtime_error {
public:
    TooDeep() : std::runtime_error("nested too deep") {}
};

nlohmann::json parseJson(std::string_view text, const std::string& path) {
    try {
        return nlohmann::json::parse(text.begin(), text.end(),
                                     [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
                                         if (depth > kMaxDepth) throw TooDeep();
                                         return true;
                                     });
    } catch (const TooDeep&) {
        damaged(path,
                "the JSON is nested more than " + std::to_string(kMaxDepth) + " deep, which series.json never is");
    } catch (const nlohmann::json::exception& e) {
        damaged(path, "not JSON (" + safeQuote(e.what(), 160) + ")");
    }
}

const nlohmann::json& member(const nlohmann::json& j, const char* key, const std::string& path) {
    const auto it = j.find(key);
    if (it == j.end()) damaged(path, std::string("there is no \"") + key + "\"");
    return *it;
}

int64_t wholeNumber(const nlohmann::json& v, const std::string& what, int64_t lo, int64_t hi, const std::string& path) {
    // get<int64_t> would wrap an unsigned above int64's range round (a number
    // beyond uint64 parses as a float, refused as not whole).
    const bool whole = v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(hi));
    if (!whole || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
        damaged(path, what + " is " + quote(v) + ", not a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi));
    }
    return v.get<int64_t>();
}

std::vector<SnapshotEntry> readSnapshots(const nlohmann::json& list, const SeriesContents& c, const std::string& path) {
    if (!list.is_array()) damaged(path, "\"snapshots\" is " + quote(list) + ", not a list");
    std::vector<SnapshotEntry> out;
    for (size_t i = 0; i < list.size(); ++i) {
        const nlohmann::json& s = list[i];
        const std::string name = "\"snapshots\"[" + std::to_string(i) + "]";
        if (!s.is_object()) damaged(path, name + " is " + quote(s) + ", not {\"step\": S, \"folder\": F}");
        const int64_t step = wholeNumber(member(s, "step", path), name + "'s step", 0, c.stepsDone, path);
        if (!out.empty() && step <= out.back().step) {
            damaged(path, name + " has step " + std::to_string(step) + " after step " +
                              std::to_string(out.back().step) + ": the steps must rise, each once");
        }
        if (!snapshotDue(step, c.snapshotEvery, c.steps)) {
            damaged(path, name + " has step " + std::to_string(step) + ", which is not a snapshot step (0, every " +
                              std::to_string(c.snapshotEvery) + ", and " + std::to_string(c.steps) + ")");
        }
        const nlohmann::json& folder = member(s, "folder", path);
        if (!folder.is_string() || folder.get<std::string>() != snapshotFolderName(step)) {
            damaged(path, name + "'s folder is " + quote(folder) + ", not \"" + snapshotFolderName(step) + "\"");
        }
        out.push_back({step, snapshotFolderName(step)});
    }
    // Every snapshot due up to steps_done is written before the series that
    // counts it: the i-th is that of step min(i * snapshot_every, steps).
    auto dueStep = [&](size_t i) { return std::min(int64_t(i) * c.snapshotEvery, c.steps); };
    for (size_t i = 0; i <= out.size(); ++i) {
        const int64_t due = dueStep(i);
        if (i == out.size() ? due <= c.stepsDone && (out.empty() || out.back().step < c.steps) : out[i].step != due) {
            damaged(path, "there is no snapshot of step " + std::to_string(due) + ", though steps_done is " +
                              std::to_string(c.stepsDone));
        }
    }
    return out;
}

std::vector<double> readLoss(const nlohmann::json& list, const SeriesContents& c, const std::string& path) {
    if (!list.is_array()) damaged(path, "\"loss\" is " + quote(list) + ", not a list");
    if (int64_t(list.size()) != c.stepsDone) {
        damaged(path, "\"loss\" has " + std::to_string(list.size()) + " values, not one per step done (" +
                          std::to_string(c.stepsDone) + ")");
    }
    std::vector<double> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        const nlohmann::json& v = list[i];
        if (v.is_null()) {
            out.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        const double x = v.is_number() ? v.get<double>() : -1.0;
        if (!v.is_number() || !std::isfinite(x) || x < 0 || x > kMaxSeriesLoss) {
            char range[64];
            std::snprintf(range, sizeof range, "from 0 to %g", kMaxSeriesLoss);
            damaged(path, "\"loss\"[" + std::to_string(i) + "] is " + quote(v) + ", not a loss " + range + " or null");
        }
        out.push_back(x);
    }
    return out;
}

}  // namespace

std::string snapshotFolderName(int64_t step) {
    char name[32];
    std::snprintf(name, sizeof name, "step-%06lld", static_cast<long long>(step));
    return name;
}

bool snapshotDue(int64_t step, int64_t snapshotEvery, int64_t steps) {
    return step == 0 || step == steps || (snapshotEvery > 0 && step % snapshotEvery == 0 && step < steps);
}

std::string seriesJsonText(const SeriesContents& c) {
    using nlohmann::json;
    std::string out = "{\n";
    auto line = [&](const char* key, const std::string& valueText) {
        out += "  " + json(key).dump() + ": " + valueText + ",\n";
    };
    line("format", json(kFormat).dump());
    line("version", std::to_string(kVersion));
    line("model", json(c.model).dump());
    if (!c.recipe.empty()) line("recipe", json::parse(c.recipe).dump());
    line("steps", std::to_string(c.steps));
    line("snapshot_every", std::to_string(c.snapshotEvery));
    line("steps_done", std::to_string(c.stepsDone));
    out += "  \"snapshots\": [";
    for (size_t i = 0; i < c.snapshots.size(); ++i) {
        out += i == 0 ? "\n" : ",\n";
        out += "    " + nlohmann::ordered_json{{"step", c.snapshots[i].step}, {"folder", c.snapshots[i].folder}}.dump();
    }
    out += "\n  ],\n  \"loss\": [";
    for (size_t i = 0; i < c.loss.size(); ++i) {
        const double x = c.loss[i];
        const bool usable = std::isfinite(x) && x >= 0 && x <= kMaxSeriesLoss;
        out += (i == 0 ? "" : ", ") + (usable ? json(x).dump() : std::string("null"));
    }
    return out + "]\n}\n";
}

SeriesContents parseSeries(std::string_view text, const std::string& path) {
    const nlohmann::json j = parseJson(text, path);
    if (!j.is_object()) damaged(path, "the file holds " + quote(j) + ", not a JSON object");
    const nlohmann::json& format = member(j, "format", path);
    if (format != kFormat) {
        throw Error(path + " is not a BertLens snapshot series (its \"format\" is " + quote(format) + ", not \"" +
                    kFormat + "\"); choose the folder given to train --snapshots");
    }
    const nlohmann::json& version = member(j, "version", path);
    if (version.is_number_integer() && version.get<int64_t>() > kVersion) {
        throw Error(path + " is version " + quote(version) + " of the series format, newer than this BertLens reads (" +
                    std::to_string(kVersion) + "): update BertLens");
    }
    wholeNumber(version, "\"version\"", kVersion, kVersion, path);

    SeriesContents c;
    const nlohmann::json& model = member(j, "model", path);
    if (!model.is_string() || model.get<std::string>().size() > kMaxModelName) {
        damaged(path, "\"model\" is " + quote(model) + ", not a model's name");
    }
    c.model = model.get<std::string>();
    if (const auto recipe = j.find("recipe"); recipe != j.end()) {
        if (!recipe->is_object()) damaged(path, "\"recipe\" is " + quote(*recipe) + ", not the run's options {...}");
        c.recipe = recipe->dump();
    }
    c.steps = wholeNumber(member(j, "steps", path), "\"steps\"", 1, kMaxSeriesSteps, path);
    c.snapshotEvery = wholeNumber(member(j, "snapshot_every", path), "\"snapshot_every\"", 1, c.steps, path);
    c.stepsDone = wholeNumber(member(j, "steps_done", path), "\"steps_done\"", 0, c.steps, path);
    c.snapshots = readSnapshots(member(j, "snapshots", path), c, path);
    c.loss = readLoss(member(j, "loss", path), c, path);
    return c;
}

SnapshotSeries SnapshotSeries::open(const std::string& folder) {
    const std::string advice = ": choose the folder that train --snapshots wrote";
    std::error_code error;
    if (!fs::exists(folder, error)) throw Error(folder + " does not exist" + advice);
    if (!fs::is_directory(folder, error)) throw Error(folder + " is not a folder" + advice);
    const fs::path file = fs::path(folder) / kSeriesFile;
    if (!fs::exists(fs::symlink_status(file, error))) {
        throw Error(
            folder + " has no " + kSeriesFile +
            ", so it is not a snapshot series (bertlens-cli train --snapshot-every N --snapshots DIR makes one)");
    }
    SnapshotSeries s;
    s.m_folder = folder;
    s.m_contents = parseSeries(readRegularFile(file.string(), kMaxSeriesBytes, "a series.json"), file.string());
    for (size_t i = 0; i < s.m_contents.snapshots.size(); ++i) {
        if (!fs::is_directory(s.snapshotPath(i), error)) {
            throw Error(file.string() + " lists the snapshot of step " +
                        std::to_string(s.m_contents.snapshots[i].step) + ", but " + s.snapshotPath(i).string() +
                        " is missing: the series was copied or deleted in part; copy the whole folder again, or "
                        "train again with --snapshots");
        }
    }
    return s;
}

fs::path SnapshotSeries::snapshotPath(size_t index) const {
    if (index >= m_contents.snapshots.size()) {
        throw Error("there is no snapshot " + std::to_string(index) + " in " + m_folder.string() + " (it has " +
                    std::to_string(m_contents.snapshots.size()) + ")");
    }
    return m_folder / m_contents.snapshots[index].folder;
}

std::shared_ptr<const Model> SnapshotSeries::loadModel(size_t index) const {
    const fs::path path = snapshotPath(index);
    try {
        return Model::load(path.string());
    } catch (const Error& e) {
        throw CheckpointError("the snapshot of step " + std::to_string(m_contents.snapshots[index].step) + " (" +
                              path.string() + ") cannot be opened: " + e.what());
    }
}

}  // namespace bertlens::train
