#include "io/ZipArchive.h"

#include "Errors.h"

#include <array>

namespace bertlens {
namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kEndBytes = 22;
constexpr size_t kZip64LocatorBytes = 20;
constexpr size_t kZip64EndBytes = 56;
constexpr size_t kCentralHeaderBytes = 46;
constexpr size_t kLocalHeaderBytes = 30;
constexpr uint16_t kZip64ExtraId = 0x0001;

// Little-endian reads from a buffer whose bounds were checked by the caller.
uint64_t readLe(const uint8_t* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

const char* methodName(uint16_t method) {
    switch (method) {
        case 8:
            return "deflate";
        case 9:
            return "deflate64";
        case 12:
            return "bzip2";
        case 14:
            return "lzma";
        case 93:
            return "zstd";
        case 95:
            return "xz";
        default:
            return "an unknown method";
    }
}

class Parser {
public:
    Parser(const uint8_t* bytes, size_t size, const std::string& fileName)
        : m_bytes(bytes), m_size(size), m_fileName(fileName) {}

    std::map<std::string, ZipEntry> run() {
        const size_t end = findEndRecord();
        uint64_t entryCount = readLe(m_bytes + end + 10, 2);
        uint64_t directorySize = readLe(m_bytes + end + 12, 4);
        uint64_t directoryOffset = readLe(m_bytes + end + 16, 4);
        if (readLe(m_bytes + end + 4, 2) != 0 || readLe(m_bytes + end + 6, 2) != 0) {
            fail("is a multi-part (spanned) zip archive; BertLens reads single-file archives");
        }
        if (end >= kZip64LocatorBytes && readLe(m_bytes + end - kZip64LocatorBytes, 4) == kZip64LocatorSignature) {
            const uint64_t zip64End = readLe(m_bytes + end - kZip64LocatorBytes + 8, 8);
            if (zip64End > end - kZip64LocatorBytes || end - kZip64LocatorBytes - zip64End < kZip64EndBytes ||
                readLe(m_bytes + zip64End, 4) != kZip64EndSignature) {
                fail("has a ZIP64 locator that points to no ZIP64 end record; the file is damaged");
            }
            entryCount = readLe(m_bytes + zip64End + 32, 8);
            directorySize = readLe(m_bytes + zip64End + 40, 8);
            directoryOffset = readLe(m_bytes + zip64End + 48, 8);
        }
        if (directoryOffset > m_size || directorySize > m_size - directoryOffset) {
            fail("says its table of contents lies at bytes " + std::to_string(directoryOffset) + ".." +
                 std::to_string(directoryOffset + directorySize) + " of a " + std::to_string(m_size) +
                 "-byte file; the file is truncated or damaged");
        }
        if (entryCount > directorySize / kCentralHeaderBytes) {
            fail("says it holds " + std::to_string(entryCount) + " files, more than its table of contents can list");
        }
        std::map<std::string, ZipEntry> entries;
        size_t at = static_cast<size_t>(directoryOffset);
        const size_t directoryEnd = at + static_cast<size_t>(directorySize);
        for (uint64_t i = 0; i < entryCount; ++i) {
            ZipEntry e = readCentralEntry(at, directoryEnd);
            const std::string name = e.name;
            if (!entries.emplace(name, std::move(e)).second) fail("lists the file " + name + " twice");
        }
        return entries;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw CheckpointError(m_fileName + " " + what); }

    // The end record sits in the last 22 + 65535 (comment) bytes.
    size_t findEndRecord() const {
        if (m_size < kEndBytes) {
            fail("is " + std::to_string(m_size) + " bytes long: too short to be a zip archive (it may be truncated)");
        }
        const size_t lowest = m_size > kEndBytes + 0xFFFF ? m_size - kEndBytes - 0xFFFF : 0;
        for (size_t p = m_size - kEndBytes + 1; p-- > lowest;) {
            if (readLe(m_bytes + p, 4) == kEndSignature && p + kEndBytes + readLe(m_bytes + p + 20, 2) <= m_size) {
                return p;
            }
        }
        fail("has no zip end record (its last bytes are missing): the file is truncated or not a zip archive");
    }

    ZipEntry readCentralEntry(size_t& at, size_t directoryEnd) const {
        if (directoryEnd - at < kCentralHeaderBytes || readLe(m_bytes + at, 4) != kCentralHeaderSignature) {
            fail("has a damaged table of contents (an entry at byte " + std::to_string(at) + " is not a file header)");
        }
        const uint8_t* h = m_bytes + at;
        const size_t nameBytes = readLe(h + 28, 2), extraBytes = readLe(h + 30, 2), commentBytes = readLe(h + 32, 2);
        if (directoryEnd - at - kCentralHeaderBytes < nameBytes + extraBytes + commentBytes) {
            fail("has a table of contents entry that runs past the table's end; the file is damaged");
        }
        ZipEntry e;
        e.name.assign(reinterpret_cast<const char*>(h + kCentralHeaderBytes), nameBytes);
        e.encrypted = (readLe(h + 8, 2) & 1) != 0;
        e.method = static_cast<uint16_t>(readLe(h + 10, 2));
        e.crc32 = static_cast<uint32_t>(readLe(h + 16, 4));
        e.compressedSize = readLe(h + 20, 4);
        e.size = readLe(h + 24, 4);
        uint64_t localOffset = readLe(h + 42, 4);
        readZip64Extra(h + kCentralHeaderBytes + nameBytes, extraBytes, e, localOffset);
        at += kCentralHeaderBytes + nameBytes + extraBytes + commentBytes;
        locateData(e, localOffset);
        return e;
    }

    // A ZIP64 extra field carries the 64-bit value of each field that reads 0xFFFFFFFF.
    void readZip64Extra(const uint8_t* extra, size_t bytes, ZipEntry& e, uint64_t& localOffset) const {
        size_t p = 0;
        while (bytes - p >= 4) {
            const uint16_t id = static_cast<uint16_t>(readLe(extra + p, 2));
            const size_t length = readLe(extra + p + 2, 2);
            if (length > bytes - p - 4) fail("has a damaged extra field for " + e.name);
            if (id == kZip64ExtraId) {
                size_t q = p + 4;
                for (uint64_t* field : {&e.size, &e.compressedSize, &localOffset}) {
                    if (*field != 0xFFFFFFFFu) continue;
                    if (p + 4 + length - q < 8) fail("has a ZIP64 field too short for " + e.name);
                    *field = readLe(extra + q, 8);
                    q += 8;
                }
            }
            p += 4 + length;
        }
    }

    void locateData(ZipEntry& e, uint64_t localOffset) const {
        if (localOffset > m_size || m_size - localOffset < kLocalHeaderBytes ||
            readLe(m_bytes + localOffset, 4) != kLocalHeaderSignature) {
            fail("has no file header where its table of contents puts " + e.name + " (byte " +
                 std::to_string(localOffset) + "); the file is truncated or damaged");
        }
        const uint8_t* h = m_bytes + localOffset;
        const uint64_t nameBytes = readLe(h + 26, 2), extraBytes = readLe(h + 28, 2);
        const uint64_t dataOffset = localOffset + kLocalHeaderBytes + nameBytes + extraBytes;
        if (dataOffset > m_size || e.compressedSize > m_size - dataOffset) {
            fail("is truncated: " + e.name + " needs bytes " + std::to_string(dataOffset) + ".." +
                 std::to_string(dataOffset + e.compressedSize) + " but the file has " + std::to_string(m_size));
        }
        if (nameBytes != e.name.size() || e.name.compare(0, e.name.size(), reinterpret_cast<const char*>(h + 30),
                                                         static_cast<size_t>(nameBytes)) != 0) {
            fail("has a file header for " + e.name + " that names another file; the file is damaged");
        }
        e.data = m_bytes + dataOffset;
    }

    const uint8_t* m_bytes;
    size_t m_size;
    const std::string& m_fileName;
};

std::array<uint32_t, 256> makeCrcTable() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

}  // namespace

uint32_t crc32Of(const uint8_t* data, size_t size) {
    static const std::array<uint32_t, 256> table = makeCrcTable();
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

ZipArchive ZipArchive::parse(const uint8_t* bytes, size_t size, const std::string& fileName) {
    ZipArchive archive;
    archive.m_fileName = fileName;
    archive.m_entries = Parser(bytes, size, fileName).run();
    return archive;
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
    const auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : &it->second;
}

const uint8_t* ZipArchive::storedData(const ZipEntry& entry) const {
    if (entry.encrypted) {
        throw CheckpointError(m_fileName + ": " + entry.name + " is encrypted; BertLens reads plain archives");
    }
    if (entry.method != 0) {
        throw CheckpointError(m_fileName + ": " + entry.name + " is compressed (" + methodName(entry.method) +
                              "), which torch.save never does: the file was repacked by another tool. Save it "
                              "again with torch.save, or as model.safetensors");
    }
    if (entry.compressedSize != entry.size) {
        throw CheckpointError(m_fileName + ": " + entry.name + " is stored uncompressed but its sizes disagree (" +
                              std::to_string(entry.compressedSize) + " and " + std::to_string(entry.size) +
                              " bytes); the file is damaged");
    }
    return entry.data;
}

bool ZipArchive::crcMatches(const ZipEntry& entry) const {
    return crc32Of(storedData(entry), static_cast<size_t>(entry.size)) == entry.crc32;
}

}  // namespace bertlens
