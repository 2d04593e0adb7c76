// Writes float tensors as a safetensors file that SafeTensors::parse (and
// Hugging Face's safetensors library) reads: an 8-byte little-endian header
// length, a JSON header padded with spaces to a multiple of 8 bytes, then the
// tensors back to back in the order given, each stored as F32, F16 or BF16
// (narrowed with round-to-nearest-even, as torch does).
//
// The file appears atomically: it is written beside the target as
// NAME.partial and renamed when complete, so a reader never sees half a file
// and a failed write leaves any earlier file untouched. Pure function of its
// arguments; thread-safe for different paths.
#pragma once

#include "io/SafeTensors.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bertlens {

class AtomicFile;

struct TensorToWrite {
    std::string name;
    std::vector<int64_t> shape;
    const float* data = nullptr;  // product(shape) values, row-major
};

// dtype is F32, F16 or BF16. Throws Error naming the path when it cannot be
// written (missing folder, read-only, disk full), and for a dtype other than
// those three or two tensors with one name.
// The file is written atomically (io/AtomicFile.h).
void writeSafeTensors(const std::string& path, const std::vector<TensorToWrite>& tensors, DType dtype,
                      const std::map<std::string, std::string>& metadata = {});

// The same into a file the caller commits (several files that belong together).
void writeSafeTensors(AtomicFile& out, const std::vector<TensorToWrite>& tensors, DType dtype,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace bertlens
