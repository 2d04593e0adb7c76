// The table of contents of a zip archive held in memory (usually a
// MappedFile), as torch.save writes one: stored (uncompressed) entries whose
// bytes can be used in place. Reads the end-of-central-directory record, its
// ZIP64 forms, and the central directory; each entry's data position comes
// from its local header.
//
// parse() is a pure function of the bytes: every offset and length is checked
// against the buffer before it is used, so a damaged or hostile file gives a
// CheckpointError, never a read outside the buffer. Entries are views into
// the caller's bytes; nothing is copied or decompressed. Immutable after
// parse(), so safe to share between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace bertlens {

struct ZipEntry {
    std::string name;
    uint16_t method = 0;  // 0 = stored; anything else is compressed
    bool encrypted = false;
    uint32_t crc32 = 0;
    uint64_t size = 0;              // uncompressed size
    uint64_t compressedSize = 0;    // bytes in the archive
    const uint8_t* data = nullptr;  // the entry's bytes in the archive (compressed if method != 0)
};

class ZipArchive {
public:
    // fileName is used in error messages only.
    static ZipArchive parse(const uint8_t* bytes, size_t size, const std::string& fileName);

    const ZipEntry* find(const std::string& name) const;
    const std::map<std::string, ZipEntry>& entries() const { return m_entries; }

    // The bytes of a stored entry. Throws CheckpointError naming the entry
    // when it is compressed or encrypted (BertLens does not inflate).
    const uint8_t* storedData(const ZipEntry& entry) const;
    // Checks the entry's CRC-32 against its bytes (stored entries only).
    bool crcMatches(const ZipEntry& entry) const;

private:
    std::string m_fileName;
    std::map<std::string, ZipEntry> m_entries;
};

uint32_t crc32Of(const uint8_t* data, size_t size);

}  // namespace bertlens
