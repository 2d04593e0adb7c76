#include "export/NpyWriter.h"

#include "Errors.h"
#include "io/AtomicFile.h"

#include <system_error>

namespace bertlens {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy writer writes the machine's bytes as '<f4'");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kAlignment = 64;  // numpy pads headers to 64 bytes since 1.14

bool validName(const std::string& name) {
    if (name.empty()) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

size_t dataBytes(const NpyArray& a) { return static_cast<size_t>(a.elementCount()) * 4; }

const void* dataOf(const NpyArray& a) {
    return a.floats ? static_cast<const void*>(a.floats) : static_cast<const void*>(a.ints);
}

}  // namespace

int64_t NpyArray::elementCount() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string npyHeader(const NpyArray& a) {
    if ((a.floats == nullptr) == (a.ints == nullptr)) throw Error("array " + a.name + " needs exactly one data pointer");
    if (a.axes.size() != a.shape.size()) throw Error("array " + a.name + ": one axis name per dimension");
    std::string dict = "{'descr': '";
    dict += a.floats ? "<f4" : "<i4";
    dict += "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < a.shape.size(); ++i) {
        if (a.shape[i] < 0) throw Error("array " + a.name + " has a negative dimension");
        dict += std::to_string(a.shape[i]);
        if (a.shape.size() == 1 || i + 1 < a.shape.size()) dict += ",";
        if (i + 1 < a.shape.size()) dict += " ";
    }
    dict += "), }";
    // magic (6) + version (2) + header length (2) + dict + padding + '\n'
    const size_t unpadded = 10 + dict.size() + 1;
    dict.append((kAlignment - unpadded % kAlignment) % kAlignment, ' ');
    dict += '\n';
    if (dict.size() > 65535) throw Error("array " + a.name + " has too many dimensions for a .npy header");
    std::string header(kMagic, 6);
    header += '\x01';
    header += '\x00';
    header += static_cast<char>(dict.size() & 0xff);
    header += static_cast<char>(dict.size() >> 8);
    return header + dict;
}

void writeNpy(std::ostream& out, const NpyArray& a) {
    const std::string header = npyHeader(a);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(dataOf(a)), static_cast<std::streamsize>(dataBytes(a)));
}

const float* ArrayFolder::keep(std::vector<float> values) {
    ownedFloats.push_back(std::move(values));
    return ownedFloats.back().data();
}

const int32_t* ArrayFolder::keep(std::vector<int32_t> values) {
    ownedInts.push_back(std::move(values));
    return ownedInts.back().data();
}

int64_t arrayFolderBytes(const ArrayFolder& folder) {
    int64_t total = 0;
    for (const NpyArray& a : folder.arrays) total += static_cast<int64_t>(npyHeader(a).size() + dataBytes(a));
    return total;
}

void writeArrayFolder(const std::filesystem::path& folder, const ArrayFolder& arrays) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec || !std::filesystem::is_directory(folder)) {
        throw Error("cannot create the folder " + folder.string() + " (" + ec.message() +
                    "): choose a folder you can write to");
    }
    nlohmann::json index = nlohmann::json::object();
    for (const NpyArray& a : arrays.arrays) {
        if (!validName(a.name)) throw Error("\"" + a.name + "\" is not a valid array name");
        const std::string file = a.name + ".npy";
        AtomicFile out(folder / file);
        out.write(npyHeader(a));
        out.write(dataOf(a), dataBytes(a));
        out.commit();
        index[a.name] = {{"file", file},
                         {"dtype", a.floats ? "float32" : "int32"},
                         {"shape", a.shape},
                         {"axes", a.axes},
                         {"description", a.description}};
    }
    nlohmann::json sidecar = {{"format", "bertlens-arrays"}, {"version", 1}};
    for (const auto& [key, value] : arrays.meta.items()) sidecar[key] = value;
    sidecar["arrays"] = std::move(index);
    AtomicFile::writeAll(folder / "arrays.json", sidecar.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace bertlens
