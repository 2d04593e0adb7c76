#include "io/SafeTensorsWriter.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "io/HalfFloat.h"

#include <nlohmann/json.hpp>

#include <set>

namespace bertlens {
namespace {

int64_t elementCount(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

// The bytes of one tensor in the stored dtype, little-endian.
std::string encode(const TensorToWrite& t, DType dtype) {
    const auto count = static_cast<size_t>(elementCount(t.shape));
    std::string bytes(count * dtypeSize(dtype), '\0');
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    for (size_t i = 0; i < count; ++i) {
        if (dtype == DType::F32) {
            uint32_t bits;
            std::memcpy(&bits, &t.data[i], sizeof bits);
            for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<unsigned char>(bits >> (8 * b));
        } else {
            const uint16_t bits = dtype == DType::F16 ? floatToHalf(t.data[i]) : floatToBfloat16(t.data[i]);
            out[2 * i] = static_cast<unsigned char>(bits);
            out[2 * i + 1] = static_cast<unsigned char>(bits >> 8);
        }
    }
    return bytes;
}

}  // namespace

void writeSafeTensors(const std::string& path, const std::vector<TensorToWrite>& tensors, DType dtype,
                      const std::map<std::string, std::string>& metadata) {
    AtomicFile out(path);
    writeSafeTensors(out, tensors, dtype, metadata);
    out.commit();
}

void writeSafeTensors(AtomicFile& out, const std::vector<TensorToWrite>& tensors, DType dtype,
                      const std::map<std::string, std::string>& metadata) {
    const std::string path = out.target().string();
    if (dtype != DType::F32 && dtype != DType::F16 && dtype != DType::BF16) {
        throw Error(std::string("cannot write ") + path + " as " + dtypeName(dtype) +
                    ": BertLens writes F32, F16 or BF16 weights");
    }
    nlohmann::ordered_json header;
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::set<std::string> names;
    size_t offset = 0;
    for (const TensorToWrite& t : tensors) {
        if (!names.insert(t.name).second) throw Error("cannot write " + path + ": two tensors are named " + t.name);
        const size_t bytes = static_cast<size_t>(elementCount(t.shape)) * dtypeSize(dtype);
        header[t.name] = {{"dtype", dtypeName(dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned

    unsigned char length[8];
    for (int b = 0; b < 8; ++b) length[b] = static_cast<unsigned char>(uint64_t(headerText.size()) >> (8 * b));
    out.write(length, sizeof length);
    out.write(headerText);
    for (const TensorToWrite& t : tensors) out.write(encode(t, dtype));
}

}  // namespace bertlens
