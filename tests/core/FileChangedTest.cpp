// A model file that changes on disk while BertLens uses it (issue 7): F32
// weights are read in place from a memory map, so an overwrite or truncation
// in place would feed other bytes to the encoder or kill the process with
// SIGBUS. These tests change the file under a loaded model and check that the
// process lives, the stale model says what happened, and a file deleted or
// replaced by rename (the map keeps the old file) goes on working.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

constexpr const char* kText = "the dog barked at the mailman .";

struct LoadedCopy {
    test::ScratchDir dir;
    fs::path folder;
    fs::path weights;
    std::shared_ptr<const Model> model;
    Analysis before;

    LoadedCopy() {
        folder = dir.copyModel("h12-f32");
        weights = folder / "model.safetensors";
        // An hour in the past, so that any later write moves the time.
        fs::last_write_time(weights, fs::last_write_time(weights) - std::chrono::hours(1));
        model = Model::load(folder.string());
        before = Encoder(model).analyze(kText, {});
    }
};

void expectChangedMessage(const std::shared_ptr<const Model>& model) {
    Encoder encoder(model);
    try {
        encoder.analyze(kText, {});
        FAIL() << "a model whose file changed on disk still ran";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("overwritten or truncated on disk"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("open the model again"), std::string::npos) << e.what();
    }
}

TEST(FileChanged, PrerequisiteTheFixtureIsUsedInPlace) {
    LoadedCopy c;
    ASSERT_EQ(c.model->weightDType(), "F32");
    const std::string bytes = test::readBytes(c.weights);
    const auto* mapped = reinterpret_cast<const char*>(c.model->weights().wordEmbeddings);
    // In place means the pointer is not into a private copy: its bytes are the file's.
    EXPECT_FALSE(c.model->weightsChangedOnDisk());
    EXPECT_NE(bytes.find(std::string(mapped, 64)), std::string::npos);
}

TEST(FileChanged, TruncatedInPlaceReadsZeroPagesInsteadOfDyingAndTheModelSaysSo) {
    LoadedCopy c;
    const BertWeights& w = c.model->weights();
    const LinearWeights& last = w.layers.back().output;
    fs::resize_file(c.weights, 256);  // what a "cp other.safetensors model.safetensors" goes through
    // Reading a weight past the new end raised SIGBUS before the guard existed.
    const volatile float pastTheEnd = last.weight[static_cast<size_t>(last.out) * last.in - 1];
    EXPECT_EQ(pastTheEnd, 0.0f);
    EXPECT_TRUE(c.model->weightsChangedOnDisk());
    expectChangedMessage(c.model);
    expectChangedMessage(c.model);  // and stays stale: every later run says so too
    // Opening it again reports the damage as any truncated file.
    EXPECT_THROW(Model::load(c.folder.string()), CheckpointError);
}

TEST(FileChanged, OverwrittenInPlaceWithTheSameSizeIsNoticed) {
    LoadedCopy c;
    std::string bytes = test::readBytes(c.weights);
    bytes[bytes.size() - 1] ^= 0x40;
    {
        std::ofstream out(c.weights, std::ios::binary | std::ios::in | std::ios::out);  // in place, no truncation
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    EXPECT_TRUE(c.model->weightsChangedOnDisk());
    expectChangedMessage(c.model);
}

TEST(FileChanged, DeletedOrReplacedByRenameKeepsWorkingOnTheFileThatWasOpened) {
    LoadedCopy c;
    const fs::path replacement = c.dir.path() / "other.safetensors";
    std::string bytes = test::readBytes(c.weights);
    bytes[bytes.size() - 1] ^= 0x40;
    test::writeBytes(replacement, bytes);
    fs::rename(replacement, c.weights);  // an atomic replacement, as download tools do
    EXPECT_FALSE(c.model->weightsChangedOnDisk());
    const Analysis afterRename = Encoder(c.model).analyze(kText, {});
    EXPECT_EQ(afterRename.attentions, c.before.attentions);

    fs::remove_all(c.folder);
    EXPECT_FALSE(c.model->weightsChangedOnDisk());
    const Analysis afterDelete = Encoder(c.model).analyze(kText, {});
    EXPECT_EQ(afterDelete.attentions, c.before.attentions);
    EXPECT_EQ(afterDelete.hiddenStates, c.before.hiddenStates);
}

}  // namespace
}  // namespace bertlens
