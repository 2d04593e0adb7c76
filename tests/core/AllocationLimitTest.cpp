// Files that claim more than they hold (issue 7): a safetensors header length
// or tensor shape, a pickle string or storage size, a zip table of contents,
// a config.json of 100 MB or one that is a pipe or /dev/zero. Each is refused
// with a CheckpointError that names the claim, before anything of the claimed
// size is allocated.
//
// "Before allocating" is measured, not assumed: this executable replaces the
// global operator new and records the largest single allocation made while a
// check runs (its own executable, because the replacement is process-wide).
// Memory maps are not allocations; F32 weights are used in place from them.
#include "TestSupport.h"

#include "Errors.h"
#include "io/PickleReader.h"
#include "io/SafeTensors.h"
#include "io/TorchCheckpoint.h"
#include "io/TorchStateDictReader.h"
#include "io/ZipArchive.h"
#include "model/Model.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/stat.h>

namespace {

std::atomic<bool> g_armed{false};
std::atomic<size_t> g_largest{0};

void* allocate(size_t n, size_t alignment = 0) {
    if (g_armed.load(std::memory_order_relaxed)) {
        size_t seen = g_largest.load(std::memory_order_relaxed);
        while (n > seen && !g_largest.compare_exchange_weak(seen, n)) {
        }
    }
    void* p = nullptr;
    if (alignment > alignof(std::max_align_t)) {
        if (posix_memalign(&p, alignment, n ? n : 1) != 0) p = nullptr;
    } else {
        p = std::malloc(n ? n : 1);
    }
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace

void* operator new(size_t n) {
    return allocate(n);
}
void* operator new[](size_t n) {
    return allocate(n);
}
void* operator new(size_t n, std::align_val_t a) {
    return allocate(n, static_cast<size_t>(a));
}
void* operator new[](size_t n, std::align_val_t a) {
    return allocate(n, static_cast<size_t>(a));
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}

namespace bertlens {
namespace {

namespace fs = std::filesystem;

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * 1024;

struct Outcome {
    std::string error;  // the CheckpointError's message; "" when nothing was thrown
    size_t largestAllocation = 0;
};

// Runs f with the allocation tracker on.
template <class F>
Outcome measure(F&& f) {
    Outcome o;
    g_largest.store(0);
    g_armed.store(true);
    try {
        f();
    } catch (const CheckpointError& e) {
        g_armed.store(false);
        o.error = e.what();
    }
    g_armed.store(false);
    o.largestAllocation = g_largest.load();
    return o;
}

const uint8_t* u8(const std::string& s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

std::string le64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

// A safetensors file: the 8-byte length (or `claimedLength`), the header, the data.
std::string safetensorsBytes(const std::string& header, const std::string& data, uint64_t claimedLength = 0) {
    return le64(claimedLength ? claimedLength : header.size()) + header + data;
}

#define EXPECT_MESSAGE_HAS(outcome, part) \
    EXPECT_NE((outcome).error.find(part), std::string::npos) << "message: " << (outcome).error

TEST(AllocationLimit, PrerequisiteTheTrackerSeesALargeAllocation) {
    const Outcome o = measure([] {
        std::vector<float> v(kMiB);
        v[kMiB - 1] = 1.0f;
        EXPECT_EQ(v[kMiB - 1], 1.0f);
    });
    EXPECT_GE(o.largestAllocation, 4 * kMiB);
}

TEST(AllocationLimit, SafetensorsHeaderLongerThanTheFile) {
    const std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
    for (uint64_t claim : {uint64_t(90) * kMiB, uint64_t(1) << 62}) {
        const std::string bytes = safetensorsBytes(header, std::string(4000, '\0'), claim);
        const Outcome o = measure([&] { SafeTensors::parse(u8(bytes), bytes.size(), "model.safetensors"); });
        EXPECT_MESSAGE_HAS(o, "the header says it is " + std::to_string(claim) + " bytes long");
        EXPECT_MESSAGE_HAS(o, "truncated");
        EXPECT_LT(o.largestAllocation, 4 * kKiB) << claim;
    }
}

TEST(AllocationLimit, SafetensorsTensorLargerThanItsBytes) {
    // 2^40 floats (4 TB) claimed over 16 bytes of data.
    const std::string header = R"({"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,16]}})";
    const std::string bytes = safetensorsBytes(header, std::string(16, '\0'));
    const Outcome o = measure([&] { SafeTensors::parse(u8(bytes), bytes.size(), "model.safetensors"); });
    EXPECT_MESSAGE_HAS(o, "tensor w of shape [1048576, 1048576]");
    EXPECT_MESSAGE_HAS(o, "needs 4398046511104 bytes but its offsets hold 16");
    EXPECT_LT(o.largestAllocation, 4 * kKiB);
}

TEST(AllocationLimit, SafetensorsShapeBeyondAnInt64WithAnUnknownDType) {
    // An unknown dtype has no element size to check bytes against; its shape
    // must still fit the int64 the rest of BertLens counts elements in.
    for (const char* shape : {"[9223372036854775808]", "[4294967296,4294967296]", "[0,18446744073709551615]"}) {
        const std::string header =
            std::string(R"({"w":{"dtype":"F8_E4M3","shape":)") + shape + R"(,"data_offsets":[0,16]}})";
        const std::string bytes = safetensorsBytes(header, std::string(16, '\0'));
        const Outcome o = measure([&] { SafeTensors::parse(u8(bytes), bytes.size(), "model.safetensors"); });
        EXPECT_MESSAGE_HAS(o, "has a shape too large to exist");
        EXPECT_LT(o.largestAllocation, 4 * kKiB) << shape;
    }
}

TEST(AllocationLimit, ConfigClaimingAHugeModelIsRefusedByTheTensorShapes) {
    test::ScratchDir dir;
    const fs::path folder = dir.copyModel("h12-f32");
    auto config = test::readJson(folder / "config.json");
    config["vocab_size"] = 1 << 24;  // 16M x 48 floats = 3 GB of embeddings
    test::writeBytes(folder / "config.json", config.dump());
    const Outcome o = measure([&] { Model::load(folder.string()); });
    EXPECT_MESSAGE_HAS(o, "word_embeddings.weight has shape [120, 48] but config.json needs [16777216, 48]");
    EXPECT_LT(o.largestAllocation, kMiB);
}

TEST(AllocationLimit, HalfPrecisionWeightsNeedAtMostTwiceTheirFile) {
    // F16 and BF16 are widened to float: the one allocation that grows with
    // the file, and by at most its size twice over.
    for (const char* fixture : {"h12-f16", "h12-bf16"}) {
        const fs::path folder = test::modelFixture(fixture);
        const auto fileBytes = static_cast<size_t>(fs::file_size(folder / "model.safetensors"));
        std::shared_ptr<const Model> model;
        const Outcome o = measure([&] { model = Model::load(folder.string()); });
        ASSERT_TRUE(o.error.empty()) << o.error;
        ASSERT_TRUE(model);
        EXPECT_LE(o.largestAllocation, 2 * fileBytes) << fixture;
    }
}

TEST(AllocationLimit, LegacyTorchStorageLargerThanTheFile) {
    std::string bytes = test::readBytes(test::fixturesDir() / "torchbin" / "ownvocab-f32-legacy.bin");
    // Five pickles (magic, protocol, sys_info, state_dict, storage keys), then
    // each storage as an 8-byte element count and its bytes.
    TorchStateDictReader reader("pytorch_model.bin");
    size_t at = 0;
    for (int i = 0; i < 5; ++i) at = reader.read(u8(bytes), bytes.size(), at, "fixture").end;
    ASSERT_LE(at + 8, bytes.size());
    const uint64_t claim = uint64_t(1) << 40;
    bytes.replace(at, 8, le64(claim));
    const Outcome o = measure([&] { TorchCheckpoint::parse(u8(bytes), bytes.size(), "pytorch_model.bin"); });
    EXPECT_MESSAGE_HAS(o, "pytorch_model.bin is truncated: storage");
    EXPECT_MESSAGE_HAS(o, "needs " + std::to_string(claim) + " elements of 4 bytes");
    EXPECT_LT(o.largestAllocation, kMiB);
}

class NoCodeHandler : public PickleHandler {
public:
    void checkGlobal(const std::string&, const std::string&) override { throw CheckpointError("no globals"); }
    PickleValue* call(const PickleValue&, const PickleValue&, PickleArena&) override { return nullptr; }
    PickleValue* persistentLoad(const PickleValue&, PickleArena&) override { return nullptr; }
    void build(PickleValue&, const PickleValue&) override {}
};

TEST(AllocationLimit, PickleLengthsLargerThanThePickle) {
    struct Case {
        const char* name;
        std::string bytes;
        const char* messagePart;
    };
    const std::string proto = "\x80\x02";
    const std::vector<Case> cases = {
        {"BINUNICODE 4 GB", proto + "X" + std::string("\xf0\xff\xff\xff", 4) + "abc", "is truncated"},
        {"BINBYTES 4 GB", proto + "B" + std::string("\xf0\xff\xff\xff", 4) + "abc", "is truncated"},
        {"BINUNICODE8 2^60", proto + "\x8d" + le64(uint64_t(1) << 60) + "abc", "is truncated"},
        {"BINBYTES8 2^62", proto + "\x8e" + le64(uint64_t(1) << 62) + "abc", "is truncated"},
        {"LONG4 2 GB", proto + "\x8b" + std::string("\x00\x00\x00\x80", 4) + "abc", "holds an integer of"},
    };
    for (const Case& c : cases) {
        NoCodeHandler handler;
        PickleArena arena;
        const Outcome o = measure([&] { readPickle(u8(c.bytes), c.bytes.size(), 0, handler, arena, "data.pkl"); });
        EXPECT_MESSAGE_HAS(o, c.messagePart) << c.name;
        EXPECT_LT(o.largestAllocation, 4 * kKiB) << c.name;
    }
}

TEST(AllocationLimit, ZipTableOfContentsLargerThanTheFile) {
    // An end record alone: 65535 entries in a 46-byte directory, then a
    // directory said to lie past the end of the file.
    auto endRecord = [](uint16_t entries, uint32_t directoryBytes, uint32_t directoryOffset) {
        std::string r("PK\x05\x06", 4);
        r += std::string(4, '\0');
        for (uint16_t v : {entries, entries}) r += std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
        for (uint32_t v : {directoryBytes, directoryOffset}) r += le64(v).substr(0, 4);
        return r + std::string(2, '\0');
    };
    const std::string manyEntries = std::string(46, 'x') + endRecord(65535, 46, 0);
    Outcome o = measure([&] { ZipArchive::parse(u8(manyEntries), manyEntries.size(), "pytorch_model.bin"); });
    EXPECT_MESSAGE_HAS(o, "says it holds 65535 files, more than its table of contents can list");
    EXPECT_LT(o.largestAllocation, 4 * kKiB);

    const std::string farDirectory = endRecord(1, 0xFFFFFF00u, 0x10);
    o = measure([&] { ZipArchive::parse(u8(farDirectory), farDirectory.size(), "pytorch_model.bin"); });
    EXPECT_MESSAGE_HAS(o, "says its table of contents lies at bytes");
    EXPECT_LT(o.largestAllocation, 4 * kKiB);
}

TEST(AllocationLimit, ConfigLargerThanAnyConfigIsRefusedBeforeReading) {
    test::ScratchDir dir;
    const fs::path folder = dir.copyModel("h12-f32");
    fs::resize_file(folder / "config.json", 100 * kMiB);  // sparse: no disk used
    const Outcome o = measure([&] { Model::load(folder.string()); });
    EXPECT_MESSAGE_HAS(o, "config.json is 100 MB but a config.json is at most 16 MB");
    EXPECT_LT(o.largestAllocation, kMiB);
}

// A pipe would block the loader for ever; /dev/zero would fill memory until
// the machine gives out. Both are refused at once, by name.
TEST(AllocationLimit, PipesAndDevicesInAModelFolderAreRefusedAtOnce) {
    for (const char* file : {"config.json", "vocab.txt", "model.safetensors", "tokenizer_config.json"}) {
        for (const bool pipe : {true, false}) {
            test::ScratchDir dir;
            const fs::path folder = dir.copyModel("h12-f32");
            fs::remove(folder / file);
            if (pipe) {
                ASSERT_EQ(mkfifo((folder / file).c_str(), 0600), 0);
            } else {
                fs::create_symlink("/dev/zero", folder / file);
            }
            const Outcome o = measure([&] { Model::load(folder.string()); });
            EXPECT_MESSAGE_HAS(o, std::string(file) + " is not a regular file") << (pipe ? "pipe" : "/dev/zero");
            EXPECT_LT(o.largestAllocation, kMiB) << file;
        }
    }
}

}  // namespace
}  // namespace bertlens
