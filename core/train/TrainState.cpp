#include "train/TrainState.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "text/SafeText.h"
#include "io/MappedFile.h"
#include "io/SafeTensorsWriter.h"
#include "train/Checkpoint.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace bertlens::train {
namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";

std::vector<TensorToWrite> tensorsOf(const ParameterLayout& layout, const AlignedVector<float>& values,
                                     const std::string& prefix = {}) {
    std::vector<TensorToWrite> out;
    for (const ParameterInfo& t : layout.tensors()) out.push_back({prefix + t.name, t.shape, values.data() + t.offset});
    return out;
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Copies every tensor of the layout (named prefix + name) out of a safetensors file.
void readTensors(const fs::path& path, const ParameterLayout& layout, AlignedVector<float>& values,
                 const std::string& prefix) {
    const MappedFile file(path.string());
    const SafeTensors tensors = SafeTensors::parse(file.data(), file.size(), path.string());
    for (const ParameterInfo& t : layout.tensors()) {
        const TensorView* v = tensors.find(prefix + t.name);
        if (v == nullptr || v->dtype != DType::F32 || v->shape != t.shape) {
            throw Error(path.string() + " has no F32 tensor " + prefix + t.name + " " + shapeText(t.shape) +
                        "; the training state is damaged: delete its folder to start over");
        }
        std::memcpy(values.data() + t.offset, v->data, size_t(t.size) * sizeof(float));
    }
}

void removeAll(const fs::path& path) {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

}  // namespace

void writeTrainedModel(const std::string& folder, const TrainableBert<float>& model,
                       const std::vector<std::string>& vocab, DType dtype,
                       const std::map<std::string, std::string>& metadata) {
    CheckpointContents c;
    c.config = model.config();
    c.vocab = vocab;
    c.lowerCase = true;
    c.tensors = tensorsOf(model.layout(), model.parameters());
    c.dtype = dtype;
    c.metadata = metadata;
    writeCheckpoint(folder, c);
}

void saveTrainingState(const std::string& folder, const TrainableBert<float>& model, const AdamW& optimizer,
                       const std::vector<std::string>& vocab, const std::string& optionsJson, int64_t step) {
    const fs::path target(folder);
    const fs::path partial = folder + ".partial";
    const fs::path old = folder + ".old";
    removeAll(partial);
    writeTrainedModel(partial.string(), model, vocab, DType::F32, {{"bertlens_training_step", std::to_string(step)}});
    std::vector<TensorToWrite> moments = tensorsOf(model.layout(), optimizer.firstMoment(), "exp_avg.");
    for (TensorToWrite& t : tensorsOf(model.layout(), optimizer.secondMoment(), "exp_avg_sq."))
        moments.push_back(std::move(t));
    writeSafeTensors((partial / kOptimizerFile).string(), moments, DType::F32);
    const nlohmann::json state = {
        {"step", step}, {"adamw_steps", optimizer.steps()}, {"options", nlohmann::json::parse(optionsJson)}};
    AtomicFile::writeAll(partial / kStateFile, state.dump(2) + "\n");
    // Swap: a kill between these renames leaves the old state as FOLDER.old,
    // which loadTrainingState also reads.
    std::error_code error;
    if (fs::exists(target)) {
        removeAll(old);
        fs::rename(target, old, error);
        if (error) throw Error("cannot replace the training state in " + folder + ": " + error.message());
    }
    fs::rename(partial, target, error);
    if (error) throw Error("cannot move the new training state into " + folder + ": " + error.message());
    removeAll(old);
}

bool loadTrainingState(const std::string& folder, TrainableBert<float>& model, AdamW& optimizer,
                       const std::string& optionsJson, int64_t& step) {
    fs::path dir(folder);
    if (!fs::exists(dir / kStateFile)) dir = folder + ".old";
    if (!fs::exists(dir / kStateFile)) return false;
    nlohmann::json state;
    try {
        state = nlohmann::json::parse(readText(dir / kStateFile));
        const nlohmann::json wanted = nlohmann::json::parse(optionsJson);
        for (const auto& [key, value] : wanted.items()) {
            if (!state["options"].contains(key) || state["options"][key] != value) {
                throw Error("the training state in " + dir.string() + " belongs to a run with " + key + " = " +
                            (state["options"].contains(key) ? state["options"][key].dump() : "(unset)") + ", not " +
                            value.dump() + "; resume with that run's options, or delete the folder to start a new run");
            }
        }
        step = state.at("step").get<int64_t>();
        optimizer.setSteps(state.at("adamw_steps").get<int64_t>());
    } catch (const nlohmann::json::exception& e) {
        throw Error((dir / kStateFile).string() + " is damaged (" + safeQuote(e.what(), 160) + "); delete " + dir.string() +
                    " to start over");
    }
    readTensors(dir / "model.safetensors", model.layout(), model.parameters(), "");
    readTensors(dir / kOptimizerFile, model.layout(), optimizer.firstMoment(), "exp_avg.");
    readTensors(dir / kOptimizerFile, model.layout(), optimizer.secondMoment(), "exp_avg_sq.");
    return true;
}

void removeTrainingState(const std::string& folder) {
    removeAll(folder);
    removeAll(folder + ".partial");
    removeAll(folder + ".old");
}

}  // namespace bertlens::train
