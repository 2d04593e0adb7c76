// Damaged, truncated and unusual pytorch_model.bin files: each gives a
// CheckpointError whose message says what is wrong, never a crash or a read
// outside the file (this file also runs under ASan/UBSan). Archives are
// re-packed by a small zip writer below, written from the zip specification
// (APPNOTE 4.3/4.5), so entries can be compressed, encrypted or given
// ZIP64-only records.
#include "TestSupport.h"

#include "Errors.h"
#include "io/TorchCheckpoint.h"
#include "io/ZipArchive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

struct Entry {
    std::string name;
    std::string data;
    uint16_t method = 0;
    uint16_t flags = 0;
};

void put(std::string& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint32_t crcOf(const std::string& s) {
    return crc32Of(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// zip64: every size and offset in the classic records is 0xFFFFFFFF (0xFFFF
// for counts) and the real values live in ZIP64 extra fields and records.
std::string buildZip(const std::vector<Entry>& entries, bool zip64) {
    std::string out, directory;
    for (const Entry& e : entries) {
        const uint64_t offset = out.size();
        const uint64_t size = e.data.size();
        const uint32_t small = zip64 ? 0xFFFFFFFFu : static_cast<uint32_t>(size);
        put(out, 0x04034b50, 4);
        put(out, zip64 ? 45 : 20, 2);
        put(out, e.flags, 2);
        put(out, e.method, 2);
        put(out, 0, 4);  // time, date
        put(out, crcOf(e.data), 4);
        put(out, small, 4);
        put(out, small, 4);
        put(out, e.name.size(), 2);
        put(out, zip64 ? 20 : 0, 2);
        out += e.name;
        if (zip64) {
            put(out, 1, 2);
            put(out, 16, 2);
            put(out, size, 8);
            put(out, size, 8);
        }
        out += e.data;

        put(directory, 0x02014b50, 4);
        put(directory, zip64 ? 45 : 20, 2);
        put(directory, zip64 ? 45 : 20, 2);
        put(directory, e.flags, 2);
        put(directory, e.method, 2);
        put(directory, 0, 4);
        put(directory, crcOf(e.data), 4);
        put(directory, small, 4);
        put(directory, small, 4);
        put(directory, e.name.size(), 2);
        put(directory, zip64 ? 28 : 0, 2);
        put(directory, 0, 2);  // comment
        put(directory, 0, 2);  // disk
        put(directory, 0, 2);
        put(directory, 0, 4);
        put(directory, zip64 ? 0xFFFFFFFFu : offset, 4);
        directory += e.name;
        if (zip64) {
            put(directory, 1, 2);
            put(directory, 24, 2);
            put(directory, size, 8);
            put(directory, size, 8);
            put(directory, offset, 8);
        }
    }
    const uint64_t directoryOffset = out.size();
    out += directory;
    if (zip64) {
        const uint64_t recordOffset = out.size();
        put(out, 0x06064b50, 4);
        put(out, 44, 8);
        put(out, 45, 2);
        put(out, 45, 2);
        put(out, 0, 4);
        put(out, 0, 4);
        put(out, entries.size(), 8);
        put(out, entries.size(), 8);
        put(out, directory.size(), 8);
        put(out, directoryOffset, 8);
        put(out, 0x07064b50, 4);
        put(out, 0, 4);
        put(out, recordOffset, 8);
        put(out, 1, 4);
    }
    put(out, 0x06054b50, 4);
    put(out, 0, 4);
    put(out, zip64 ? 0xFFFF : entries.size(), 2);
    put(out, zip64 ? 0xFFFF : entries.size(), 2);
    put(out, zip64 ? 0xFFFFFFFFu : directory.size(), 4);
    put(out, zip64 ? 0xFFFFFFFFu : directoryOffset, 4);
    put(out, 0, 2);
    return out;
}

std::string fixtureBytes(const std::string& name) {
    return test::readBytes(test::fixturesDir() / "torchbin" / name);
}

const uint8_t* u8(const std::string& s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

std::vector<Entry> entriesOf(const std::string& zipBytes) {
    const ZipArchive zip = ZipArchive::parse(u8(zipBytes), zipBytes.size(), "fixture");
    std::vector<Entry> out;
    for (const auto& [name, e] : zip.entries()) {
        out.push_back({name, std::string(reinterpret_cast<const char*>(e.data), e.size)});
    }
    return out;
}

TorchCheckpoint parseBytes(const std::string& bytes) {
    return TorchCheckpoint::parse(u8(bytes), bytes.size(), "pytorch_model.bin");
}

std::string errorOf(const std::string& bytes) {
    try {
        parseBytes(bytes);
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return "(loaded)";
}

void expectSameTensors(const TorchCheckpoint& a, const TorchCheckpoint& b) {
    ASSERT_EQ(a.tensors().size(), b.tensors().size());
    for (const auto& [name, t] : a.tensors()) {
        const TensorView* u = b.find(name);
        ASSERT_TRUE(u) << name;
        EXPECT_EQ(u->shape, t.shape) << name;
        ASSERT_EQ(u->bytes, t.bytes) << name;
        EXPECT_EQ(std::memcmp(u->data, t.data, t.bytes), 0) << name;
    }
}

TEST(ZipArchive, Crc32MatchesTheStandardCheckValue) {
    EXPECT_EQ(crcOf("123456789"), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
    EXPECT_EQ(crcOf(""), 0u);
}

TEST(ZipArchive, RepackedAndZip64OnlyArchivesReadTheSame) {
    const std::string original = fixtureBytes("ownvocab-f16-zip.bin");
    const TorchCheckpoint reference = parseBytes(original);
    for (bool zip64 : {false, true}) {
        SCOPED_TRACE(zip64 ? "zip64" : "classic");
        const std::string repacked = buildZip(entriesOf(original), zip64);
        expectSameTensors(reference, parseBytes(repacked));
    }
}

TEST(ZipArchive, CompressedOrEncryptedEntriesAreRefusedByName) {
    const std::string original = fixtureBytes("ownvocab-f32-zip.bin");
    auto entries = entriesOf(original);
    for (Entry& e : entries) {
        if (e.name == "archive/data/3") e.method = 8;
    }
    std::string e = errorOf(buildZip(entries, false));
    EXPECT_NE(e.find("archive/data/3 is compressed (deflate)"), std::string::npos) << e;
    EXPECT_NE(e.find("torch.save never does"), std::string::npos) << e;

    entries = entriesOf(original);
    for (Entry& en : entries) {
        if (en.name == "archive/data.pkl") en.method = 14;
    }
    e = errorOf(buildZip(entries, false));
    EXPECT_NE(e.find("archive/data.pkl is compressed (lzma)"), std::string::npos) << e;

    entries = entriesOf(original);
    entries[0].flags = 1;
    e = errorOf(buildZip(entries, false));
    EXPECT_NE(e.find("encrypted"), std::string::npos) << e;
}

TEST(ZipArchive, StructuralDamageIsNamed) {
    const std::string original = fixtureBytes("ownvocab-f32-zip.bin");
    const auto entries = entriesOf(original);
    auto without = [&](const std::string& name) {
        std::vector<Entry> out;
        for (const Entry& e : entries)
            if (e.name != name) out.push_back(e);
        return out;
    };
    EXPECT_NE(errorOf(buildZip(without("archive/data/2"), false)).find("has no archive/data/2"), std::string::npos);
    EXPECT_NE(errorOf(buildZip(without("archive/data.pkl"), false)).find("without a data.pkl"), std::string::npos);

    auto shortened = entries;
    for (Entry& e : shortened)
        if (e.name == "archive/data/0") e.data.resize(e.data.size() - 4);
    const std::string shortError = errorOf(buildZip(shortened, false));
    EXPECT_NE(shortError.find("storage 0 should hold"), std::string::npos) << shortError;

    auto bigEndian = entries;
    bigEndian.push_back({"archive/byteorder", "big"});
    EXPECT_NE(errorOf(buildZip(bigEndian, false)).find("big-endian"), std::string::npos);

    auto script = entries;
    for (Entry& e : script)
        if (e.name == "archive/data.pkl") e.name = "archive/constants.pkl";
    EXPECT_NE(errorOf(buildZip(script, false)).find("TorchScript"), std::string::npos);

    // A pickle byte changed in the file (CRC left as it was).
    std::string flipped = original;
    const size_t pickleAt = flipped.find("collections");
    ASSERT_NE(pickleAt, std::string::npos);
    flipped[pickleAt] = 'C';
    EXPECT_NE(errorOf(flipped).find("data.pkl is damaged (its CRC-32 does not match)"), std::string::npos);

    std::string noEnd = original.substr(0, original.size() - 22);
    EXPECT_NE(errorOf(noEnd).find("no zip end record"), std::string::npos) << errorOf(noEnd);
}

TEST(TorchCheckpointDamage, EveryTruncationGivesAMessage) {
    for (const char* name : {"ownvocab-f16-zip.bin", "ownvocab-f16-legacy.bin", "inter-bf16-views-legacy.bin"}) {
        const std::string bytes = fixtureBytes(name);
        int refused = 0;
        for (int i = 0; i < 60; ++i) {
            const size_t length = bytes.size() * static_cast<size_t>(i) / 60;
            const std::string e = errorOf(bytes.substr(0, length));
            EXPECT_EQ(e.rfind("pytorch_model.bin", 0), 0u) << name << " cut at " << length << ": " << e;
            refused += e != "(loaded)";
        }
        EXPECT_EQ(refused, 60) << name;
        const std::string e = errorOf(bytes.substr(0, bytes.size() - 1));
        EXPECT_NE(e.find("truncated"), std::string::npos) << name << ": " << e;
    }
}

TEST(TorchCheckpointDamage, LegacyBigEndianSysInfoIsRefused) {
    std::string bytes = fixtureBytes("ownvocab-f32-legacy.bin");
    const size_t at = bytes.find("little_endian");
    ASSERT_NE(at, std::string::npos);
    const size_t value = bytes.find('\x88', at);  // NEWTRUE after the key (and its memo put)
    ASSERT_LT(value - at, 20u);
    bytes[value] = '\x89';
    EXPECT_NE(errorOf(bytes).find("big-endian"), std::string::npos);
}

// Random damage to the pickle (CRC recomputed, so the pickle reader sees it)
// and to the legacy stream: parse either succeeds or throws CheckpointError.
TEST(TorchCheckpointDamage, RandomByteChangesNeverCrash) {
    std::mt19937 random(20260526);
    const std::string zipBytes = fixtureBytes("ownvocab-f16-zip.bin");
    const auto entries = entriesOf(zipBytes);
    const std::string legacy = fixtureBytes("inter-bf16-views-legacy.bin");
    const size_t legacyPickleBytes = std::min(legacy.size(), legacy.find("storage") + 4000);  // pickles first
    int refused = 0, loaded = 0;
    for (int round = 0; round < 400; ++round) {
        std::string damaged;
        if (round % 2 == 0) {
            auto changed = entries;
            for (Entry& e : changed) {
                if (e.name != "archive/data.pkl") continue;
                for (int k = 0, n = 1 + static_cast<int>(random() % 4); k < n; ++k)
                    e.data[random() % e.data.size()] = static_cast<char>(random());
            }
            damaged = buildZip(changed, round % 4 == 0);
        } else {
            damaged = legacy;
            for (int k = 0, n = 1 + static_cast<int>(random() % 4); k < n; ++k)
                damaged[random() % legacyPickleBytes] = static_cast<char>(random());
        }
        try {
            const TorchCheckpoint c = parseBytes(damaged);
            for (const auto& [name, t] : c.tensors()) {
                volatile uint8_t sink = 0;
                for (size_t i = 0; i < t.bytes; i += 61) sink = sink ^ t.data[i];  // every view is readable
            }
            ++loaded;
        } catch (const CheckpointError&) {
            ++refused;
        }
    }
    EXPECT_EQ(refused + loaded, 400);
    EXPECT_GT(refused, 0);
    std::cout << "[ damage ] " << refused << " refused, " << loaded << " still loaded\n";
}

}  // namespace
}  // namespace bertlens
