// pytorch_model.bin files written by PyTorch's own torch.save
// (tests/fixtures/torchbin/, tools/make_torch_bin_fixtures.py) hold the same
// tensors as the safetensors fixtures. Loaded in place of model.safetensors,
// each must give bit-identical weights and reproduce the fixture's
// expected.json (float64 torch outputs), in both layouts (zip and legacy)
// and all three dtypes, including tensors stored as slices of a shared
// storage, transposed (strided) views and a tied tensor.
#include "TestSupport.h"

#include "Errors.h"
#include "io/MappedFile.h"
#include "io/TorchCheckpoint.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

fs::path torchBin(const std::string& name) {
    return test::fixturesDir() / "torchbin" / name;
}

// A model folder with the fixture's config and vocabulary and the .bin as its only weights.
fs::path binOnlyFolder(test::ScratchDir& scratch, const std::string& modelFixture, const std::string& bin) {
    const fs::path dir = scratch.path() / "model";
    fs::create_directories(dir);
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json"}) {
        fs::copy_file(test::modelFixture(modelFixture) / f, dir / f);
    }
    fs::copy_file(torchBin(bin), dir / "pytorch_model.bin");
    return dir;
}

struct NamedFloats {
    std::string name;
    const float* data;
    size_t count;
};

// Every weight the encoder reads, with its element count from config.json.
std::vector<NamedFloats> allWeights(const Model& m) {
    const ModelConfig& c = m.config();
    const BertWeights& w = m.weights();
    const auto H = static_cast<size_t>(c.hidden), I = static_cast<size_t>(c.intermediate);
    std::vector<NamedFloats> out = {{"word", w.wordEmbeddings, static_cast<size_t>(c.vocabSize) * H},
                                    {"position", w.positionEmbeddings, static_cast<size_t>(c.maxPositions) * H},
                                    {"type", w.tokenTypeEmbeddings, static_cast<size_t>(c.typeVocabSize) * H},
                                    {"embedding gamma", w.embeddingNorm.gamma, H},
                                    {"embedding beta", w.embeddingNorm.beta, H}};
    auto linear = [&](const std::string& n, const LinearWeights& l) {
        out.push_back({n + ".weight", l.weight, static_cast<size_t>(l.out) * static_cast<size_t>(l.in)});
        out.push_back({n + ".bias", l.bias, static_cast<size_t>(l.out)});
    };
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const auto& L = w.layers[i];
        const std::string p = "layer " + std::to_string(i) + " ";
        linear(p + "query", L.query);
        linear(p + "key", L.key);
        linear(p + "value", L.value);
        linear(p + "attention out", L.attentionOut);
        linear(p + "intermediate", L.intermediate);
        linear(p + "output", L.output);
        out.push_back({p + "attention gamma", L.attentionNorm.gamma, H});
        out.push_back({p + "attention beta", L.attentionNorm.beta, H});
        out.push_back({p + "output gamma", L.outputNorm.gamma, H});
        out.push_back({p + "output beta", L.outputNorm.beta, H});
    }
    EXPECT_EQ(I, static_cast<size_t>(w.layers.at(0).intermediate.out));
    if (w.mlm.present) {
        linear("mlm transform", w.mlm.transform);
        out.push_back({"mlm gamma", w.mlm.norm.gamma, H});
        out.push_back({"mlm beta", w.mlm.norm.beta, H});
        out.push_back({"mlm decoder", w.mlm.decoder, static_cast<size_t>(c.vocabSize) * H});
        out.push_back({"mlm bias", w.mlm.bias, static_cast<size_t>(c.vocabSize)});
    }
    return out;
}

struct BinCase {
    std::string bin;
    std::string modelFixture;
    std::string format;
};

void PrintTo(const BinCase& c, std::ostream* os) {
    *os << c.bin;
}

class TorchBinReference : public ::testing::TestWithParam<BinCase> {};

TEST_P(TorchBinReference, WeightsAreBitIdenticalToTheSafetensorsFixture) {
    test::ScratchDir scratch;
    const auto fromBin = Model::load(binOnlyFolder(scratch, GetParam().modelFixture, GetParam().bin).string());
    const auto fromSafetensors = Model::load(test::modelFixture(GetParam().modelFixture).string());
    EXPECT_STREQ(fromBin->weightsFormat(), GetParam().format.c_str());
    EXPECT_EQ(fs::path(fromBin->weightsFile()).filename(), "pytorch_model.bin");
    EXPECT_EQ(fromBin->weightDType(), fromSafetensors->weightDType());
    EXPECT_EQ(fromBin->hasMlmHead(), fromSafetensors->hasMlmHead());
    const auto a = allWeights(*fromBin), b = allWeights(*fromSafetensors);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].count, b[i].count);
        EXPECT_EQ(std::memcmp(a[i].data, b[i].data, a[i].count * sizeof(float)), 0) << a[i].name;
    }
}

TEST_P(TorchBinReference, ReproducesTheTorchReferenceOutputs) {
    test::ScratchDir scratch;
    const auto model = Model::load(binOnlyFolder(scratch, GetParam().modelFixture, GetParam().bin).string());
    Encoder encoder(model);
    const auto expected = test::readJson(test::modelFixture(GetParam().modelFixture) / "expected.json");
    double worstAttention = 0, worstHidden = 0, worstProb = 0;
    int cases = 0, top5 = 0;
    for (const auto& c : expected["cases"]) {
        if (!c.contains("hidden_states")) continue;  // the long max_len cases add time, not coverage
        SCOPED_TRACE(c["name"].get<std::string>());
        const auto ids = c["ids"].get<std::vector<int32_t>>();
        AnalyzeOptions options;
        ASSERT_TRUE(parseMaskMode(c["mask_mode"].get<std::string>(), options.maskMode));
        std::vector<int> all(ids.size());
        std::iota(all.begin(), all.end(), 0);
        const Analysis a = encoder.forward(ids, c["token_type_ids"].get<std::vector<int32_t>>(), options, all);
        const int n = static_cast<int>(ids.size());
        for (int l = 0; l < a.layers; ++l)
            for (int h = 0; h < a.heads; ++h)
                for (int q = 0; q < n; ++q)
                    for (int k = 0; k < n; ++k)
                        worstAttention = std::max(worstAttention, std::abs(a.attention(l, h)(q, k) -
                                                                           c["attentions"][l][h][q][k].get<double>()));
        for (int l = 0; l <= a.layers; ++l)
            for (int t = 0; t < n; ++t)
                for (int d = 0; d < a.hidden; ++d)
                    worstHidden = std::max(
                        worstHidden, std::abs(a.hiddenState(l)(t, d) - c["hidden_states"][l][t][d].get<double>()));
        const auto ambiguous = c["top5_ambiguous"].get<std::vector<int>>();
        for (int p = 0; p < n; ++p) {
            if (std::find(ambiguous.begin(), ambiguous.end(), p) != ambiguous.end()) continue;
            for (int r = 0; r < 5; ++r) {
                EXPECT_EQ(a.predictions[p].top[r].id, c["top5"][p][r]["id"].get<int>());
                worstProb = std::max(
                    worstProb, std::abs(a.predictions[p].top[r].probability - c["top5"][p][r]["prob"].get<double>()));
            }
            ++top5;
        }
        ++cases;
    }
    EXPECT_GE(cases, 4);
    EXPECT_GT(top5, 20);
    // The same tolerances as EncoderReferenceTest.
    EXPECT_LE(worstAttention, 1e-4);
    EXPECT_LE(worstHidden, 1e-3);
    EXPECT_LE(worstProb, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(FormatsAndDTypes, TorchBinReference,
                         ::testing::Values(BinCase{"ownvocab-f32-zip.bin", "ownvocab-f32", "pytorch zip"},
                                           BinCase{"ownvocab-f16-zip.bin", "ownvocab-f16", "pytorch zip"},
                                           BinCase{"ownvocab-bf16-zip.bin", "ownvocab-bf16", "pytorch zip"},
                                           BinCase{"ownvocab-f32-legacy.bin", "ownvocab-f32", "pytorch legacy"},
                                           BinCase{"ownvocab-f16-legacy.bin", "ownvocab-f16", "pytorch legacy"},
                                           BinCase{"ownvocab-bf16-legacy.bin", "ownvocab-bf16", "pytorch legacy"},
                                           BinCase{"inter-f16-views-zip.bin", "inter-f16", "pytorch zip"},
                                           BinCase{"inter-bf16-views-legacy.bin", "inter-bf16", "pytorch legacy"}),
                         [](const auto& info) {
                             std::string s = info.param.bin.substr(0, info.param.bin.size() - 4);
                             std::replace(s.begin(), s.end(), '-', '_');
                             return s;
                         });

TEST(TorchCheckpoint, ZipF32TensorsAreViewsIntoTheFileAt64ByteOffsets) {
    const MappedFile file(torchBin("ownvocab-f32-zip.bin").string());
    const TorchCheckpoint c = TorchCheckpoint::parse(file.data(), file.size(), file.path());
    EXPECT_EQ(c.format(), TorchCheckpoint::Format::Zip);
    EXPECT_EQ(c.copiedTensors(), 0);
    ASSERT_GT(c.tensors().size(), 20u);
    for (const auto& [name, t] : c.tensors()) {
        EXPECT_EQ(t.dtype, DType::F32) << name;
        ASSERT_GE(t.data, file.data()) << name;
        ASSERT_LE(t.data + t.bytes, file.data() + file.size()) << name;
        EXPECT_EQ((t.data - file.data()) % 64, 0) << name << ": torch.save aligns entry data to 64 bytes";
        EXPECT_EQ(t.bytes, static_cast<size_t>(t.elementCount()) * 4) << name;
    }
    // ownvocab: 2 layers, hidden 32, vocab 300.
    EXPECT_EQ(c.find("bert.embeddings.word_embeddings.weight")->shape, (std::vector<int64_t>{300, 32}));
}

TEST(TorchCheckpoint, SharedStoragesOffsetsAndStridesAreRespected) {
    const MappedFile file(torchBin("inter-f16-views-zip.bin").string());
    const TorchCheckpoint c = TorchCheckpoint::parse(file.data(), file.size(), file.path());
    // The zip's folder is named after the file here, not "archive/".
    const int64_t H = 64;
    for (int layer = 0; layer < 3; ++layer) {
        const std::string p = "encoder.layer." + std::to_string(layer) + ".";
        const TensorView* q = c.find(p + "attention.self.query.weight");
        const TensorView* k = c.find(p + "attention.self.key.weight");
        const TensorView* v = c.find(p + "attention.self.value.weight");
        ASSERT_TRUE(q && k && v);
        EXPECT_EQ(k->data, q->data + H * H * 2) << "key is the second third of one fused storage";
        EXPECT_EQ(v->data, q->data + 2 * H * H * 2);
        const TensorView* out = c.find(p + "output.dense.weight");
        ASSERT_TRUE(out);
        EXPECT_EQ(out->shape, (std::vector<int64_t>{64, 96}));
        EXPECT_TRUE(out->data < file.data() || out->data >= file.data() + file.size())
            << "a transposed view is gathered into a copy";
    }
    EXPECT_EQ(c.copiedTensors(), 3);
    EXPECT_EQ(c.find("cls.predictions.decoder.weight")->data, c.find("embeddings.word_embeddings.weight")->data);
    const TensorView* positions = c.find("embeddings.position_ids");
    ASSERT_TRUE(positions);
    EXPECT_EQ(positions->dtype, DType::I64);
    std::vector<int64_t> ids(static_cast<size_t>(positions->elementCount()));
    std::memcpy(ids.data(), positions->data, positions->bytes);
    for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<int64_t>(i));
}

TEST(TorchCheckpoint, SafetensorsIsPreferredWhenBothFilesExist) {
    test::ScratchDir scratch;
    const fs::path dir = scratch.copyModel("ownvocab-f32");
    // Different weights under the .bin: a load from it would change the outputs.
    fs::copy_file(torchBin("ownvocab-bf16-zip.bin"), dir / "pytorch_model.bin");
    const auto model = Model::load(dir.string());
    EXPECT_STREQ(model->weightsFormat(), "safetensors");
    EXPECT_EQ(model->weightDType(), "F32");
    EXPECT_EQ(fs::path(model->weightsFile()).filename(), "model.safetensors");
}

TEST(TorchCheckpoint, CliAnalyzesABinOnlyFolder) {
    test::ScratchDir scratch;
    const fs::path dir = binOnlyFolder(scratch, "ownvocab-f32", "ownvocab-f32-legacy.bin");
    const auto expected = test::readJson(test::modelFixture("ownvocab-f32") / "expected.json");
    const auto& single = expected["cases"][0];
    ASSERT_TRUE(single.contains("text"));
    const auto r = test::runCli("analyze --model '" + dir.string() + "' --text -", single["text"].get<std::string>());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    EXPECT_EQ(out["ids"], single["ids"]);
    EXPECT_NEAR(out["attentions"][1][1][2][3].get<double>(), single["attentions"][1][1][2][3].get<double>(), 1e-4);
}

}  // namespace
}  // namespace bertlens
