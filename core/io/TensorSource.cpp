#include "io/TensorSource.h"

#include "Errors.h"
#include "io/MappedFile.h"
#include "io/TorchCheckpoint.h"

#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens {
namespace {

// Two mistakes users make with downloaded weights, recognised by their first bytes.
void refuseNonWeights(const MappedFile& file) {
    const auto* p = reinterpret_cast<const char*>(file.data());
    const size_t n = file.size();
    const char* lfs = "version https://git-lfs";
    if (n >= std::strlen(lfs) && std::memcmp(p, lfs, std::strlen(lfs)) == 0) {
        throw CheckpointError(file.path() +
                              " is a Git LFS pointer, not the weights themselves: run \"git lfs pull\" in the "
                              "repository, or download the model again");
    }
    size_t i = 0;
    while (i < n && i < 64 && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) ++i;
    if (i < n && p[i] == '<') {
        throw CheckpointError(file.path() +
                              " is a web page (HTML), not weights: the download went wrong; download it again");
    }
}

class SafeTensorsSource : public TensorSource {
public:
    explicit SafeTensorsSource(const std::string& path) : TensorSource(path), m_file(path) {
        refuseNonWeights(m_file);
        m_tensors = SafeTensors::parse(m_file.data(), m_file.size(), path);
    }
    const TensorView* find(const std::string& name) const override { return m_tensors.find(name); }
    const char* formatName() const override { return "safetensors"; }
    size_t fileBytes() const override { return m_file.size(); }
    bool changedOnDisk() const override { return m_file.changedOnDisk(); }

private:
    MappedFile m_file;
    SafeTensors m_tensors;
};

class TorchSource : public TensorSource {
public:
    explicit TorchSource(const std::string& path) : TensorSource(path), m_file(path) {
        refuseNonWeights(m_file);
        m_tensors = std::make_unique<TorchCheckpoint>(TorchCheckpoint::parse(m_file.data(), m_file.size(), path));
    }
    const TensorView* find(const std::string& name) const override { return m_tensors->find(name); }
    const char* formatName() const override {
        return m_tensors->format() == TorchCheckpoint::Format::Zip ? "pytorch zip" : "pytorch legacy";
    }
    size_t fileBytes() const override { return m_file.size(); }
    bool changedOnDisk() const override { return m_file.changedOnDisk(); }

private:
    MappedFile m_file;
    std::unique_ptr<TorchCheckpoint> m_tensors;
};

bool isPresent(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

}  // namespace

std::string TensorSource::weightsFileIn(const std::string& folder) {
    for (const char* name : {"model.safetensors", "pytorch_model.bin"}) {
        const fs::path p = fs::path(folder) / name;
        if (isPresent(p)) return p.string();
    }
    return {};
}

std::unique_ptr<const TensorSource> TensorSource::openFile(const std::string& path) {
    const std::string suffix = ".safetensors";
    if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return std::make_unique<SafeTensorsSource>(path);
    }
    return std::make_unique<TorchSource>(path);
}

std::unique_ptr<const TensorSource> TensorSource::openFolder(const std::string& folder) {
    const std::string file = weightsFileIn(folder);
    if (!file.empty()) return openFile(file);
    const fs::path dir(folder);
    if (isPresent(dir / "model.safetensors.index.json") || isPresent(dir / "pytorch_model.bin.index.json")) {
        throw CheckpointError("the weights in " + folder +
                              " are split into shards (*.index.json); BertLens reads one model.safetensors or "
                              "pytorch_model.bin: save the model again with a larger max_shard_size");
    }
    for (const char* other : {"tf_model.h5", "flax_model.msgpack", "model.ckpt.index"}) {
        if (isPresent(dir / other)) {
            throw CheckpointError("no model.safetensors or pytorch_model.bin in " + folder + ": it has only " + other +
                                  " (TensorFlow or Flax weights), which BertLens cannot read; convert it with "
                                  "transformers (from_pretrained(..., from_tf=True).save_pretrained(...))");
        }
    }
    throw CheckpointError("no model.safetensors or pytorch_model.bin in " + folder + ": the folder has no weights");
}

}  // namespace bertlens
