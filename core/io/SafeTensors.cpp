#include "io/SafeTensors.h"

#include "Errors.h"
#include "text/SafeText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace bertlens {
namespace {

// The format's own limit; a larger header is damage or an attack.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

struct DTypeInfo {
    DType dtype;
    const char* name;  // as safetensors headers spell it
    size_t size;       // bytes per element
};
constexpr DTypeInfo kDTypes[] = {{DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
                                 {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
                                 {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
                                 {DType::Bool, "BOOL", 1}};

const DTypeInfo* infoOf(DType dtype) {
    for (const DTypeInfo& d : kDTypes) {
        if (d.dtype == dtype) return &d;
    }
    return nullptr;
}

DType dtypeFromText(const std::string& s) {
    for (const DTypeInfo& d : kDTypes) {
        if (s == d.name) return d.dtype;
    }
    return DType::Other;
}

uint64_t readLittleEndian64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

const char* dtypeName(DType dtype) {
    const DTypeInfo* d = infoOf(dtype);
    return d ? d->name : "unknown";
}

size_t dtypeSize(DType dtype) {
    const DTypeInfo* d = infoOf(dtype);
    return d ? d->size : 0;
}

int64_t TensorView::elementCount() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

SafeTensors SafeTensors::parse(const uint8_t* bytes, size_t size, const std::string& fileName) {
    if (size < 8) {
        throw CheckpointError(fileName + " is " + std::to_string(size) +
                              " bytes long: too short to be a safetensors file (it may be truncated)");
    }
    const uint64_t headerBytes = readLittleEndian64(bytes);
    if (headerBytes > size - 8) {
        throw CheckpointError(fileName + ": the header says it is " + std::to_string(headerBytes) +
                              " bytes long but only " + std::to_string(size - 8) +
                              " bytes follow; the file is truncated or not a safetensors file");
    }
    if (headerBytes > kMaxHeaderBytes) {
        throw CheckpointError(fileName + ": a header of " + std::to_string(headerBytes) +
                              " bytes is larger than the format allows (100 MB); the file is damaged");
    }
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes + 8, bytes + 8 + headerBytes);
    } catch (const nlohmann::json::exception& e) {
        throw CheckpointError(fileName + ": the header is not valid JSON (" + safeQuote(e.what(), 160) +
                              "); the file is damaged or not a safetensors file");
    }
    if (!header.is_object()) throw CheckpointError(fileName + ": the header is not a JSON object");

    const uint8_t* dataStart = bytes + 8 + headerBytes;
    const uint64_t dataSize = size - 8 - headerBytes;
    SafeTensors st;
    std::vector<std::pair<uint64_t, const TensorView*>> byOffset;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") continue;
        const std::string where = fileName + ": tensor " + safeQuote(name);
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets") || !entry["dtype"].is_string() || !entry["shape"].is_array() ||
            !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2) {
            throw CheckpointError(where + " needs a dtype, a shape and two data_offsets");
        }
        TensorView t;
        t.name = name;
        t.dtypeText = entry["dtype"].get<std::string>();
        t.dtype = dtypeFromText(t.dtypeText);
        uint64_t elements = 1;
        for (const auto& d : entry["shape"]) {
            if (!d.is_number_unsigned()) throw CheckpointError(where + " has a shape entry that is not a size");
            const uint64_t dim = d.get<uint64_t>();
            // Shapes and element counts are int64 (and an unknown dtype's byte
            // count is not checked below), so nothing may reach 2^63.
            constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
            if (dim > kMax || (dim > 0 && elements > kMax / dim)) {
                throw CheckpointError(where + " has a shape too large to exist");
            }
            t.shape.push_back(static_cast<int64_t>(dim));
            elements *= dim;
        }
        const auto& offs = entry["data_offsets"];
        if (!offs[0].is_number_unsigned() || !offs[1].is_number_unsigned()) {
            throw CheckpointError(where + " has data_offsets that are not byte positions");
        }
        const uint64_t begin = offs[0].get<uint64_t>();
        const uint64_t end = offs[1].get<uint64_t>();
        if (begin > end || end > dataSize) {
            throw CheckpointError(where + " has data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                  "] outside the " + std::to_string(dataSize) +
                                  " bytes of tensor data; the file is truncated or its header is wrong");
        }
        const size_t elementSize = dtypeSize(t.dtype);
        if (elementSize != 0 && (elements > dataSize / elementSize || elements * elementSize != end - begin)) {
            throw CheckpointError(where + " of shape " + shapeText(t.shape) + " and dtype " +
                                  safeQuote(t.dtypeText, 16) + " needs " + std::to_string(elements * elementSize) +
                                  " bytes but its offsets hold " + std::to_string(end - begin));
        }
        t.data = dataStart + begin;
        t.bytes = end - begin;
        auto [it, inserted] = st.m_tensors.emplace(name, std::move(t));
        if (!inserted) throw CheckpointError(fileName + ": tensor " + safeQuote(name) + " appears twice in the header");
        byOffset.emplace_back(begin, &it->second);
    }
    std::sort(byOffset.begin(), byOffset.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < byOffset.size(); ++i) {
        const TensorView& prev = *byOffset[i - 1].second;
        const uint64_t prevEnd = byOffset[i - 1].first + prev.bytes;
        if (byOffset[i].first < prevEnd) {
            throw CheckpointError(fileName + ": tensors " + safeQuote(prev.name) + " and " +
                                  safeQuote(byOffset[i].second->name) + " overlap in the file; the header is corrupt");
        }
    }
    return st;
}

const TensorView* SafeTensors::find(const std::string& name) const {
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

}  // namespace bertlens
