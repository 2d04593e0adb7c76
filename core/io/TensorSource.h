// Where a model's weights come from: one interface over model.safetensors
// and pytorch_model.bin, so the loader finds tensors the same way (names,
// legacy names, shapes) whatever the file.
//
//   std::unique_ptr<const TensorSource> w = TensorSource::openFolder(dir);
//   const TensorView* t = w->find("bert.embeddings.word_embeddings.weight");
//
// The file is memory-mapped and kept open for the source's lifetime; views
// point into the map (or into copies the source owns). Immutable after
// opening, so safe to share between threads.
#pragma once

#include "io/SafeTensors.h"

#include <cstddef>
#include <memory>
#include <string>

namespace bertlens {

class TensorSource {
public:
    virtual ~TensorSource() = default;

    virtual const TensorView* find(const std::string& name) const = 0;
    // "safetensors", "pytorch zip" or "pytorch legacy"
    virtual const char* formatName() const = 0;
    virtual size_t fileBytes() const = 0;
    // The file was overwritten or truncated in place since it was opened, so
    // views into it may hold other bytes (see MappedFile).
    virtual bool changedOnDisk() const = 0;
    const std::string& path() const { return m_path; }

    // The weights file a Hugging Face folder holds: model.safetensors when
    // present, else pytorch_model.bin. Throws CheckpointError saying what the
    // folder has instead (nothing, shards, TensorFlow or Flax weights, ...).
    static std::unique_ptr<const TensorSource> openFolder(const std::string& folder);
    // One file; the format is chosen by its name (*.safetensors or anything else: torch).
    static std::unique_ptr<const TensorSource> openFile(const std::string& path);
    // The weights file openFolder would use, or "" when there is none.
    static std::string weightsFileIn(const std::string& folder);

protected:
    explicit TensorSource(std::string path) : m_path(std::move(path)) {}

private:
    std::string m_path;
};

}  // namespace bertlens
