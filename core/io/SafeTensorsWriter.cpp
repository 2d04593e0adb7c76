#include "io/SafeTensorsWriter.h"

#include "Errors.h"
#include "io/HalfFloat.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
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

class OutputFile {
public:
    explicit OutputFile(const std::string& path) : m_path(path), m_file(std::fopen(path.c_str(), "wb")) {
        if (!m_file) fail();
    }
    ~OutputFile() {
        if (m_file) std::fclose(m_file);
    }
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(const void* data, size_t size) {
        if (size > 0 && std::fwrite(data, 1, size, m_file) != size) fail();
    }
    void close() {
        std::FILE* f = m_file;
        m_file = nullptr;
        if (std::fclose(f) != 0) fail();
    }

private:
    [[noreturn]] void fail() const {
        throw Error("cannot write " + m_path + ": " + std::strerror(errno) +
                    "; choose a folder you can write to with enough free space");
    }

    std::string m_path;
    std::FILE* m_file;
};

}  // namespace

void writeSafeTensors(const std::string& path, const std::vector<TensorToWrite>& tensors, DType dtype,
                      const std::map<std::string, std::string>& metadata) {
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

    const std::string partial = path + ".partial";
    try {
        OutputFile out(partial);
        unsigned char length[8];
        for (int b = 0; b < 8; ++b) length[b] = static_cast<unsigned char>(uint64_t(headerText.size()) >> (8 * b));
        out.write(length, sizeof length);
        out.write(headerText.data(), headerText.size());
        for (const TensorToWrite& t : tensors) {
            const std::string bytes = encode(t, dtype);
            out.write(bytes.data(), bytes.size());
        }
        out.close();
        std::filesystem::rename(partial, path);
    } catch (const std::filesystem::filesystem_error& e) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw Error("cannot write " + path + ": " + e.code().message());
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw;
    }
}

}  // namespace bertlens
