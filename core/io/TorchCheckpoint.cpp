#include "io/TorchCheckpoint.h"

#include "Errors.h"
#include "io/TorchStateDictReader.h"
#include "io/ZipArchive.h"

#include <cstring>

namespace bertlens {
namespace {

using Kind = PickleValue::Kind;

// torch/serialization.py MAGIC_NUMBER 0x1950a86a20f9469cfc6c, as LONG1 writes it.
constexpr uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocol = 1001;

struct Span {
    const uint8_t* data = nullptr;
    uint64_t bytes = 0;
};

bool startsWith(const uint8_t* bytes, size_t size, const char* prefix) {
    const size_t n = std::strlen(prefix);
    return size >= n && std::memcmp(bytes, prefix, n) == 0;
}

const PickleValue* dictGet(const PickleValue& dict, const std::string& key) {
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        if (dict.items[i]->isString() && dict.items[i]->text == key) return dict.items[i + 1];
    }
    return nullptr;
}

}  // namespace

// Reads one of the two layouts, then turns the pickle's tensor references
// into views (or gathered copies) of the storages' bytes.
class TorchCheckpointBuilder {
public:
    TorchCheckpointBuilder(const uint8_t* bytes, size_t size, const std::string& fileName)
        : m_bytes(bytes), m_size(size), m_fileName(fileName), m_reader(fileName) {}

    TorchCheckpoint run() {
        if (startsWith(m_bytes, m_size, "PK\x03\x04") || startsWith(m_bytes, m_size, "PK\x05\x06")) {
            m_result.m_format = TorchCheckpoint::Format::Zip;
            readZip();
        } else if (m_size >= 2 && m_bytes[0] == 0x80) {  // pickle PROTO
            m_result.m_format = TorchCheckpoint::Format::Legacy;
            readLegacy();
        } else if (m_size >= 262 && std::memcmp(m_bytes + 257, "ustar", 5) == 0) {
            fail(" is a tar archive, the format of PyTorch before 0.4; load it with PyTorch and save it again");
        } else {
            fail(" is not a PyTorch checkpoint: it is neither a zip archive written by torch.save nor a pickle (" +
                 std::to_string(m_size) + " bytes; it may be damaged or not a weights file)");
        }
        return std::move(m_result);
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw CheckpointError(m_fileName + what); }

    void readZip() {
        const ZipArchive zip = ZipArchive::parse(m_bytes, m_size, m_fileName);
        const ZipEntry* pickle = nullptr;
        bool torchScript = false;
        for (const auto& [name, entry] : zip.entries()) {
            const size_t slash = name.find('/');
            if (slash != std::string::npos && name.compare(slash, std::string::npos, "/data.pkl") == 0) {
                if (pickle) fail(" holds two state_dict pickles (" + pickle->name + " and " + name + ")");
                pickle = &entry;
            }
            torchScript = torchScript || name.find("/constants.pkl") != std::string::npos;
        }
        if (pickle == nullptr) {
            fail(torchScript ? " is a TorchScript archive (torch.jit.save), not a state_dict; save the model's "
                               "state_dict with torch.save or save_pretrained"
                             : " is a zip archive without a data.pkl: not a checkpoint written by torch.save");
        }
        const std::string prefix = pickle->name.substr(0, pickle->name.size() - std::strlen("data.pkl"));
        if (const ZipEntry* order = zip.find(prefix + "byteorder")) {
            const std::string text(reinterpret_cast<const char*>(zip.storedData(*order)), order->size);
            if (text != "little") {
                fail(" stores its numbers " +
                     (text == "big" ? std::string("big-endian") : "in the byte order \"" + text + "\"") +
                     "; BertLens reads little-endian checkpoints");
            }
        }
        const uint8_t* pickleBytes = zip.storedData(*pickle);
        if (!zip.crcMatches(*pickle)) fail(": " + pickle->name + " is damaged (its CRC-32 does not match)");
        const std::string context = m_fileName + " (" + pickle->name + ")";
        const PickleResult r = m_reader.read(pickleBytes, pickle->size, 0, context);
        const auto named = m_reader.tensorsOf(*r.value);
        std::map<std::string, Span> spans;
        for (const TorchStorageRef& s : m_reader.storages()) {
            const std::string entryName = prefix + "data/" + s.key;
            const ZipEntry* e = zip.find(entryName);
            if (e == nullptr) fail(" has no " + entryName + ", which its tensors need; the file is incomplete");
            spans[s.key] = {zip.storedData(*e), e->size};
        }
        resolve(named, spans);
    }

    void readLegacy() {
        const PickleResult magic = m_reader.read(m_bytes, m_size, 0, m_fileName + " (magic number)");
        if (magic.value->kind != Kind::BigInt || magic.value->text.size() != sizeof kLegacyMagic ||
            std::memcmp(magic.value->text.data(), kLegacyMagic, sizeof kLegacyMagic) != 0) {
            fail(" is a pickle but not a PyTorch checkpoint (it does not start with torch.save's magic number)");
        }
        const PickleResult protocol = m_reader.read(m_bytes, m_size, magic.end, m_fileName + " (protocol version)");
        if (!protocol.value->isInt() || protocol.value->integer != kLegacyProtocol) {
            fail(" uses torch.save protocol " +
                 (protocol.value->isInt() ? std::to_string(protocol.value->integer) : std::string("(not a number)")) +
                 "; BertLens reads protocol 1001");
        }
        const PickleResult sysInfo = m_reader.read(m_bytes, m_size, protocol.end, m_fileName + " (sys_info)");
        if (sysInfo.value->kind == Kind::Dict) {
            const PickleValue* little = dictGet(*sysInfo.value, "little_endian");
            if (little && little->kind == Kind::Bool && !little->integer) {
                fail(" was saved on a big-endian machine; BertLens reads little-endian checkpoints");
            }
        }
        const PickleResult main = m_reader.read(m_bytes, m_size, sysInfo.end, m_fileName + " (state_dict pickle)");
        const auto named = m_reader.tensorsOf(*main.value);
        const PickleResult keys = m_reader.read(m_bytes, m_size, main.end, m_fileName + " (storage list)");
        if (keys.value->kind != Kind::List) fail(" has no list of storages after its state_dict; it is damaged");
        size_t at = keys.end;
        std::map<std::string, Span> spans;
        for (const PickleValue* key : keys.value->items) {
            if (!key->isString()) fail(" lists a storage whose key is not a string");
            const TorchStorageRef* ref = storageNamed(key->text);
            if (ref == nullptr) fail(" stores storage " + key->text + ", which none of its tensors uses");
            const size_t elementSize = dtypeSize(ref->dtype);
            if (m_size - at < 8) fail(" is truncated before storage " + key->text);
            uint64_t count = 0;
            for (int i = 7; i >= 0; --i) count = (count << 8) | m_bytes[at + static_cast<size_t>(i)];
            at += 8;
            if (count > (m_size - at) / elementSize) {
                fail(" is truncated: storage " + key->text + " needs " + std::to_string(count) + " elements of " +
                     std::to_string(elementSize) + " bytes but only " + std::to_string(m_size - at) + " bytes remain");
            }
            if (!spans.emplace(key->text, Span{m_bytes + at, count * elementSize}).second) {
                fail(" stores storage " + key->text + " twice");
            }
            at += static_cast<size_t>(count * elementSize);
        }
        resolve(named, spans);
    }

    const TorchStorageRef* storageNamed(const std::string& key) const {
        for (const TorchStorageRef& s : m_reader.storages()) {
            if (s.key == key) return &s;
        }
        return nullptr;
    }

    void resolve(const std::vector<std::pair<std::string, TorchTensorRef>>& named,
                 const std::map<std::string, Span>& spans) {
        for (const TorchStorageRef& s : m_reader.storages()) {
            const auto it = spans.find(s.key);
            if (it == spans.end()) fail(" has no data for storage " + s.key + "; the file is incomplete");
            const TorchStorageRef& first = *storageNamed(s.key);
            if (first.dtype != s.dtype || first.elements != s.elements) {
                fail(": storage " + s.key + " is described twice with different types or sizes; it is damaged");
            }
            const size_t elementSize = dtypeSize(s.dtype);
            if (s.elements > it->second.bytes / elementSize) {
                fail(": storage " + s.key + " should hold " + std::to_string(s.elements) + " elements of " +
                     std::to_string(elementSize) + " bytes but has " + std::to_string(it->second.bytes) +
                     " bytes; the file is truncated or damaged");
            }
            if (s.viewOffset > s.elements || s.viewElements > s.elements - s.viewOffset) {
                fail(": a view of storage " + s.key + " reaches past its end");
            }
        }
        for (const auto& [name, t] : named) {
            const TorchStorageRef& s = m_reader.storages()[t.storage];
            TensorView v = view(name, t, s, spans.at(s.key));
            m_result.m_tensors.insert_or_assign(name, std::move(v));  // a repeated key replaces, as in Python
        }
    }

    TensorView view(const std::string& name, const TorchTensorRef& t, const TorchStorageRef& s, const Span& span) {
        const std::string where = ": tensor " + name;
        TensorView v;
        v.name = name;
        v.dtype = s.dtype;
        v.dtypeText = dtypeName(s.dtype);
        v.shape = t.shape;
        const uint64_t available = s.viewElements;
        uint64_t count = 1, reach = 0, expectedStride = 1;
        bool empty = false, tooMany = false, contiguous = true;
        for (size_t i = t.shape.size(); i-- > 0;) {
            const auto dim = static_cast<uint64_t>(t.shape[i]);
            const auto stride = static_cast<uint64_t>(t.stride[i]);
            if (dim == 0) {
                empty = true;
                continue;
            }
            if (dim > 1 && stride > 0 && dim - 1 > available / stride) {
                fail(where + " of shape " + shapeText(t.shape) + " reaches past the end of its storage " + s.key +
                     "; the file is damaged");
            }
            reach += (dim - 1) * stride;
            if (count > available / dim) tooMany = true;
            count *= dim;  // only used when !tooMany
            if (dim != 1 && stride != expectedStride) contiguous = false;
            expectedStride *= dim;
        }
        if (empty) {
            v.data = span.data;
            return v;
        }
        if (tooMany) {
            fail(where + " of shape " + shapeText(t.shape) + " has more elements than its storage " + s.key +
                 " holds (" + std::to_string(available) + "); the file is damaged");
        }
        if (t.offset > available || reach >= available - t.offset) {
            fail(where + " of shape " + shapeText(t.shape) + " at offset " + std::to_string(t.offset) +
                 " reaches past the end of its storage " + s.key + " (" + std::to_string(available) +
                 " elements); the file is damaged");
        }
        const size_t elementSize = dtypeSize(s.dtype);
        const uint8_t* base = span.data + (s.viewOffset + t.offset) * elementSize;
        v.bytes = static_cast<size_t>(count * elementSize);
        if (contiguous) {
            v.data = base;
        } else {
            v.data = gather(t, base, elementSize, count);
        }
        return v;
    }

    // Copies a strided tensor into row-major order. Bounded: the caller
    // checked that it has no more elements than its storage.
    const uint8_t* gather(const TorchTensorRef& t, const uint8_t* base, size_t elementSize, uint64_t count) {
        m_copiedBytes += count * elementSize;
        if (m_copiedBytes > m_size + (uint64_t(1) << 20)) {
            fail(" holds more strided tensors than its size allows; the file is damaged");
        }
        auto buffer = std::make_unique<uint8_t[]>(static_cast<size_t>(count * elementSize));
        const size_t dims = t.shape.size();
        std::vector<int64_t> index(dims, 0);
        uint8_t* out = buffer.get();
        for (uint64_t n = 0; n < count; ++n) {
            uint64_t element = 0;
            for (size_t d = 0; d < dims; ++d) element += static_cast<uint64_t>(index[d] * t.stride[d]);
            std::memcpy(out + n * elementSize, base + element * elementSize, elementSize);
            for (size_t d = dims; d-- > 0;) {
                if (++index[d] < t.shape[d]) break;
                index[d] = 0;
            }
        }
        m_result.m_copies.push_back(std::move(buffer));
        return m_result.m_copies.back().get();
    }

    const uint8_t* m_bytes;
    size_t m_size;
    const std::string& m_fileName;
    TorchStateDictReader m_reader;
    TorchCheckpoint m_result;
    uint64_t m_copiedBytes = 0;
};

TorchCheckpoint TorchCheckpoint::parse(const uint8_t* bytes, size_t size, const std::string& fileName) {
    return TorchCheckpointBuilder(bytes, size, fileName).run();
}

const TensorView* TorchCheckpoint::find(const std::string& name) const {
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

}  // namespace bertlens
