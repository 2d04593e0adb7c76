// NumPy's .npy format (format version 1.0), so the numbers BertLens computes
// load with `numpy.load` as they are: a folder of one .npy file per array
// and an `arrays.json` sidecar that says what each array's axes are.
//
//   ArrayFolder folder;
//   folder.add({"bidirectional_attentions", {L, H, n, n}, {"layer", "head", "query", "key"},
//               "attention weights; each row sums to 1", a.attentions.data()});
//   folder.meta["tokens"] = ...;             // anything the sidecar should say
//   writeArrayFolder("out/", folder);         // throws Error with a message for the user
//
// Little-endian float32 ('<f4') and int32 ('<i4'), C order. Every file is
// written atomically (AtomicFile); the sidecar goes last, so a folder with
// an up-to-date sidecar has all its arrays. The arrays point at data owned
// by the caller, which must outlive the write. Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace bertlens {

struct NpyArray {
    std::string name;  // file name without ".npy": letters, digits, '_' only
    std::vector<int64_t> shape;
    std::vector<std::string> axes;  // one name per dimension
    std::string description;
    const float* floats = nullptr;    // exactly one of these is set
    const int32_t* ints = nullptr;
    NpyArray(std::string n, std::vector<int64_t> s, std::vector<std::string> a, std::string d, const float* data)
        : name(std::move(n)), shape(std::move(s)), axes(std::move(a)), description(std::move(d)), floats(data) {}
    NpyArray(std::string n, std::vector<int64_t> s, std::vector<std::string> a, std::string d, const int32_t* data)
        : name(std::move(n)), shape(std::move(s)), axes(std::move(a)), description(std::move(d)), ints(data) {}

    int64_t elementCount() const;
};

// The header (magic, version, length, the dict padded to a multiple of 64
// bytes) and then the data.
std::string npyHeader(const NpyArray& array);
void writeNpy(std::ostream& out, const NpyArray& array);

struct ArrayFolder {
    ArrayFolder() = default;
    ArrayFolder(const ArrayFolder&) = delete;  // the arrays point into the owned data
    ArrayFolder& operator=(const ArrayFolder&) = delete;
    ArrayFolder(ArrayFolder&&) = default;  // moving a vector keeps its buffer
    ArrayFolder& operator=(ArrayFolder&&) = default;

    std::vector<NpyArray> arrays;
    nlohmann::json meta = nlohmann::json::object();  // written into the sidecar as it is
    // Keeps data the arrays point at alive (for arrays made on the fly).
    std::vector<std::vector<float>> ownedFloats;
    std::vector<std::vector<int32_t>> ownedInts;

    void add(NpyArray array) { arrays.push_back(std::move(array)); }
    const float* keep(std::vector<float> values);
    const int32_t* keep(std::vector<int32_t> values);
};

// Bytes the folder will take on disk (headers included), for telling the
// user before a large write.
int64_t arrayFolderBytes(const ArrayFolder& folder);

// Creates the folder if needed and writes NAME.npy for every array, then
// arrays.json: {"format": "bertlens-arrays", "version": 1, ...meta,
// "arrays": {NAME: {"file", "dtype", "shape", "axes", "description"}}}.
// Throws Error naming the file and what to do (read-only folder, full disk).
void writeArrayFolder(const std::filesystem::path& folder, const ArrayFolder& arrays);

}  // namespace bertlens
