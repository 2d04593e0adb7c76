// Writing checkpoints: the safetensors writer, F16/BF16 narrowing against
// torch's own conversion (the committed fixtures were narrowed by torch from
// the same F32 weights), and whole folders that Model::load reads back.
#include "TestSupport.h"

#include "Errors.h"
#include "io/HalfFloat.h"
#include "io/MappedFile.h"
#include "model/Encoder.h"
#include "train/Checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

ModelConfig tinyConfig() {
    ModelConfig c;
    c.layers = 2;
    c.hidden = 16;
    c.heads = 4;
    c.intermediate = 24;
    c.vocabSize = 12;
    c.maxPositions = 10;
    c.typeVocabSize = 2;
    return c;
}

std::vector<std::string> tinyVocab() {
    return {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "dog", "barked", "cat", ".", "a", "##s"};
}

// Tensors whose every value tells where it comes from: tensor t, element i
// holds t + i / 1024 (exact in float for these sizes).
struct PatternTensors {
    std::vector<std::vector<float>> storage;
    std::vector<TensorToWrite> tensors;
};

CheckpointContents contents(const ModelConfig& config, const std::vector<TensorToWrite>& tensors,
                            DType dtype = DType::F32) {
    CheckpointContents c;
    c.config = config;
    c.vocab = tinyVocab();
    c.tensors = tensors;
    c.dtype = dtype;
    return c;
}

PatternTensors patternTensors(const ModelConfig& config) {
    PatternTensors p;
    const auto shapes = bertTensorShapes(config);
    p.storage.reserve(shapes.size());
    for (size_t t = 0; t < shapes.size(); ++t) {
        int64_t count = 1;
        for (int64_t d : shapes[t].shape) count *= d;
        auto& values = p.storage.emplace_back(static_cast<size_t>(count));
        for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(t) + static_cast<float>(i) / 1024.0f;
        p.tensors.push_back({shapes[t].name, shapes[t].shape, values.data()});
    }
    return p;
}

TEST(HalfFloat, NarrowingMatchesTorchOnEveryFixtureWeight) {
    for (const std::string shape : {"h12", "inter", "ownvocab"}) {
        const MappedFile f32((test::modelFixture(shape + "-f32") / "model.safetensors").string());
        const SafeTensors master = SafeTensors::parse(f32.data(), f32.size(), "f32");
        for (const auto& [suffix, dtype] : {std::pair{"-f16", DType::F16}, std::pair{"-bf16", DType::BF16}}) {
            const MappedFile narrow((test::modelFixture(shape + suffix) / "model.safetensors").string());
            const SafeTensors narrowed = SafeTensors::parse(narrow.data(), narrow.size(), suffix);
            size_t compared = 0;
            for (const auto& [name, t] : master.tensors()) {
                if (t.dtype != DType::F32) continue;
                const TensorView* n = narrowed.find(name);
                ASSERT_NE(n, nullptr) << name;
                ASSERT_EQ(n->dtype, dtype);
                for (int64_t i = 0; i < t.elementCount(); ++i) {
                    float value;
                    std::memcpy(&value, t.data + 4 * i, sizeof value);
                    const uint16_t expected = static_cast<uint16_t>(n->data[2 * i] | (n->data[2 * i + 1] << 8));
                    const uint16_t got = dtype == DType::F16 ? floatToHalf(value) : floatToBfloat16(value);
                    ASSERT_EQ(got, expected) << shape << suffix << " " << name << "[" << i << "] = " << value;
                    ++compared;
                }
            }
            EXPECT_GT(compared, 10000u) << shape << suffix;
        }
    }
}

TEST(HalfFloat, NarrowingEdgeCasesAgainstHandValues) {
    // Hand values from the IEEE 754 binary16 / bfloat16 layouts.
    EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
    EXPECT_EQ(floatToHalf(-2.5f), 0xC100);
    EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);               // largest half
    EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);               // half way to the next: rounds to even = inf
    EXPECT_EQ(floatToHalf(1.00048828125f), 0x3C00);         // 1 + 2^-11: tie, to even (down)
    EXPECT_EQ(floatToHalf(1.000732421875f), 0x3C01);        // above the tie: up
    EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
    EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);  // half of it: tie, to even (zero)
    EXPECT_EQ(floatToHalf(std::ldexp(1.5f, -25)), 0x0001);
    EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
    EXPECT_EQ(floatToHalf(INFINITY), 0x7C00);
    EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
    EXPECT_EQ(floatToBfloat16(1.0f), 0x3F80);
    EXPECT_EQ(floatToBfloat16(1.00390625f), 0x3F80);  // 1 + 2^-8: tie, to even (down)
    EXPECT_EQ(floatToBfloat16(1.01171875f), 0x3F82);  // 1 + 3 * 2^-8: tie, to even (up)
    EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(NAN))));
}

TEST(CheckpointWriter, FolderLoadsBackWithEveryTensorInPlace) {
    const ModelConfig config = tinyConfig();
    const PatternTensors p = patternTensors(config);
    test::ScratchDir dir;
    const fs::path folder = dir.path() / "tiny";
    writeCheckpoint(folder.string(), contents(config, p.tensors));

    const auto model = Model::load(folder.string());
    EXPECT_EQ(model->config().layers, 2);
    EXPECT_EQ(model->config().hidden, 16);
    EXPECT_EQ(model->config().heads, 4);
    EXPECT_EQ(model->config().intermediate, 24);
    EXPECT_EQ(model->config().maxPositions, 10);
    EXPECT_FLOAT_EQ(model->config().layerNormEps, 1e-12f);
    EXPECT_EQ(model->vocab().size(), 12);
    EXPECT_EQ(model->vocab().find("barked"), 7);
    EXPECT_TRUE(model->tokenizer().options().lowerCase);
    EXPECT_EQ(model->weightDType(), "F32");
    ASSERT_TRUE(model->hasMlmHead());

    // Tensor order of bertTensorShapes: 0 word embeddings, 5 layer 0 query weight, ...
    const BertWeights& w = model->weights();
    auto value = [](int tensor, int index) { return static_cast<float>(tensor) + static_cast<float>(index) / 1024.0f; };
    EXPECT_EQ(w.wordEmbeddings[7 * 16 + 3], value(0, 7 * 16 + 3));
    EXPECT_EQ(w.positionEmbeddings[5], value(1, 5));
    EXPECT_EQ(w.layers[0].query.weight[17], value(5, 17));
    EXPECT_EQ(w.layers[0].query.bias[2], value(6, 2));
    EXPECT_EQ(w.layers[1].outputNorm.beta[15], value(5 + 16 + 15, 15));
    EXPECT_EQ(w.mlm.bias[11], value(static_cast<int>(p.tensors.size()) - 1, 11));
    EXPECT_EQ(w.mlm.decoder, w.wordEmbeddings);  // tied
}

TEST(CheckpointWriter, HalfPrecisionFolderHoldsTheNarrowedValues) {
    const ModelConfig config = tinyConfig();
    const PatternTensors p = patternTensors(config);
    test::ScratchDir dir;
    for (DType dtype : {DType::F16, DType::BF16}) {
        const fs::path folder = dir.path() / dtypeName(dtype);
        writeCheckpoint(folder.string(), contents(config, p.tensors, dtype));
        const auto model = Model::load(folder.string());
        EXPECT_EQ(model->weightDType(), dtypeName(dtype));
        const float original = p.storage[5][17];
        const float expected =
            dtype == DType::F16 ? halfToFloat(floatToHalf(original)) : bfloat16ToFloat(floatToBfloat16(original));
        EXPECT_EQ(model->weights().layers[0].query.weight[17], expected);
        EXPECT_NEAR(expected, original, std::abs(original) * (dtype == DType::F16 ? 1e-3 : 8e-3));
    }
}

TEST(CheckpointWriter, RandomCheckpointHasBertsInitialisationAndRuns) {
    ModelConfig config = tinyConfig();
    config.vocabSize = 400;
    config.hidden = 64;
    test::ScratchDir dir;
    writeRandomCheckpoint((dir.path() / "a").string(), config, tinyVocab(), 7);
    writeRandomCheckpoint((dir.path() / "b").string(), config, tinyVocab(), 7);
    writeRandomCheckpoint((dir.path() / "c").string(), config, tinyVocab(), 8);
    const std::string a = test::readBytes(dir.path() / "a" / "model.safetensors");
    EXPECT_EQ(a, test::readBytes(dir.path() / "b" / "model.safetensors"));
    EXPECT_NE(a, test::readBytes(dir.path() / "c" / "model.safetensors"));

    const auto model = Model::load((dir.path() / "a").string());
    const float* words = model->weights().wordEmbeddings;
    const size_t count = static_cast<size_t>(config.vocabSize) * config.hidden;  // 25,600 draws
    double sum = 0.0, squares = 0.0;
    for (size_t i = 0; i < count; ++i) {
        sum += words[i];
        squares += double(words[i]) * words[i];
    }
    const double mean = sum / count;
    const double sd = std::sqrt(squares / count - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.001);  // 5 standard errors (0.02 / sqrt(25600) = 1.25e-4) is 6e-4
    EXPECT_NEAR(sd, 0.02, 0.0005);
    for (int i = 0; i < config.hidden; ++i) {
        EXPECT_EQ(model->weights().layers[1].attentionNorm.gamma[i], 1.0f);
        EXPECT_EQ(model->weights().layers[1].attentionNorm.beta[i], 0.0f);
    }
    for (int i = 0; i < config.intermediate; ++i) EXPECT_EQ(model->weights().layers[1].intermediate.bias[i], 0.0f);

    Encoder encoder(model);
    const Analysis result = encoder.analyze("the dog barked .", {});
    ASSERT_EQ(result.tokenCount, 6);
    for (int l = 0; l < result.layers; ++l) {
        for (int h = 0; h < result.heads; ++h) {
            const auto rows = result.attention(l, h).rowwise().sum();
            for (int q = 0; q < result.tokenCount; ++q) EXPECT_NEAR(rows(q), 1.0f, 1e-5f);
        }
    }
}

TEST(CheckpointWriter, RefusesWrongTensorsAndUnwritableFoldersLeavingNothingBehind) {
    const ModelConfig config = tinyConfig();
    PatternTensors p = patternTensors(config);
    test::ScratchDir dir;
    std::swap(p.tensors[5], p.tensors[7]);
    try {
        writeCheckpoint((dir.path() / "swapped").string(), contents(config, p.tensors));
        FAIL() << "tensors in the wrong order were written";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("attention.self.query.weight"), std::string::npos) << e.what();
    }
    std::swap(p.tensors[5], p.tensors[7]);

    // A "folder" that is a file cannot be written into, even by root.
    const fs::path notAFolder = dir.path() / "notes.txt";
    test::writeBytes(notAFolder, "not a folder");
    try {
        writeCheckpoint((notAFolder / "model").string(), contents(config, p.tensors));
        FAIL() << "wrote into a file";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::readBytes(notAFolder), "not a folder");
}

TEST(CheckpointWriter, PartialFileIsRemovedWhenTheRenameFails) {
    const ModelConfig config = tinyConfig();
    const PatternTensors p = patternTensors(config);
    test::ScratchDir dir;
    const fs::path target = dir.path() / "model.safetensors";
    fs::create_directories(target / "occupied");  // a non-empty folder where the file should go
    EXPECT_THROW(writeSafeTensors(target.string(), p.tensors, DType::F32), Error);
    EXPECT_FALSE(fs::exists(dir.path() / "model.safetensors.partial"));
    EXPECT_TRUE(fs::is_directory(target / "occupied"));
}

TEST(ModelConfigJson, WrittenConfigReadsBackTheSameValues) {
    ModelConfig c = tinyConfig();
    c.layerNormEps = 1e-5f;
    const ModelConfig back = ModelConfig::fromJsonText(c.toJsonText(), "config.json");
    EXPECT_EQ(back.layers, c.layers);
    EXPECT_EQ(back.hidden, c.hidden);
    EXPECT_EQ(back.heads, c.heads);
    EXPECT_EQ(back.intermediate, c.intermediate);
    EXPECT_EQ(back.vocabSize, c.vocabSize);
    EXPECT_EQ(back.maxPositions, c.maxPositions);
    EXPECT_EQ(back.typeVocabSize, c.typeVocabSize);
    EXPECT_EQ(back.layerNormEps, 1e-5f);
    EXPECT_NE(c.toJsonText().find("\"layer_norm_eps\": 1e-05"), std::string::npos) << c.toJsonText();
}

}  // namespace
}  // namespace bertlens
