// Parameter counts (core/model/ParameterCount) against torch's own count of
// BERT modules built from the definition (tools/make_parameter_fixture.py,
// tests/fixtures/parameters.json: bert-base, bert-large and bertlens-mini
// shapes, with and without pooler, head and tied decoder), against the sum
// of the tensor sizes in real checkpoint files (the bundled model, fixtures
// with tied and untied decoders, one given a pooler here), and against the
// published totals.
#include "TestSupport.h"

#include "model/Model.h"
#include "model/ParameterCount.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace bertlens {
namespace {

// Sum of the element counts of every float tensor a safetensors file holds,
// read from its header alone (an I64 position_ids buffer is no parameter).
int64_t tensorElementsInFile(const std::filesystem::path& file) {
    const std::string bytes = test::readBytes(file);
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
    const auto header = nlohmann::json::parse(bytes.substr(8, length));
    int64_t total = 0;
    for (const auto& [name, info] : header.items()) {
        if (name == "__metadata__" || info["dtype"] == "I64") continue;
        int64_t count = 1;
        for (const auto& d : info["shape"]) count *= d.get<int64_t>();
        total += count;
    }
    return total;
}

ModelConfig configOf(const nlohmann::json& c) {
    ModelConfig m;
    m.layers = c["layers"];
    m.hidden = c["hidden"];
    m.heads = c["heads"];
    m.intermediate = c["intermediate"];
    m.vocabSize = c["vocab"];
    m.maxPositions = c["positions"];
    return m;
}

TEST(ParameterCount, EqualsTorchsCountOfTheModules) {
    const auto fixture = test::readJson(test::fixturesDir() / "parameters.json");
    ASSERT_GE(fixture["cases"].size(), 12u);
    for (const auto& c : fixture["cases"]) {
        SCOPED_TRACE(c["shape"].get<std::string>() + " " + c["variant"].get<std::string>());
        ModelParts parts;
        parts.pooler = c["pooler"];
        parts.mlmHead = c["mlm_head"];
        parts.tiedDecoder = c["tied_decoder"];
        const ParameterCount p = countParameters(configOf(c["config"]), parts);
        EXPECT_EQ(p.total(), c["total"].get<int64_t>());
        EXPECT_EQ(p.embeddings(), c["parts"]["embeddings"].get<int64_t>());
        EXPECT_EQ(p.layer.total(), c["parts"]["layer"].get<int64_t>());
        EXPECT_EQ(p.layer.attention(), c["parts"]["layer_attention"].get<int64_t>());
        EXPECT_EQ(p.layer.feedForward(), c["parts"]["layer_feed_forward"].get<int64_t>());
        EXPECT_EQ(p.pooler, c["parts"]["pooler"].get<int64_t>());
    }
}

TEST(ParameterCount, PublishedTotals) {
    ModelConfig base;
    base.layers = 12, base.hidden = 768, base.heads = 12, base.intermediate = 3072;
    base.vocabSize = 30522, base.maxPositions = 512;
    // Hugging Face's BertModel("bert-base-uncased").num_parameters(): with the pooler, no head.
    EXPECT_EQ(countParameters(base, {true, false, true}).total(), 109482240);
    ModelConfig large = base;
    large.layers = 24, large.hidden = 1024, large.heads = 16, large.intermediate = 4096;
    // The BERT paper's "340M"; the usual exact figure is 335 M (BertModel).
    const int64_t l = countParameters(large, {true, false, true}).total();
    EXPECT_GT(l, 334'500'000);
    EXPECT_LT(l, 336'000'000);
}

// The count of a loaded model (its parts as the file holds them) equals the
// sum of the file's tensor sizes.
void expectCountMatchesFile(const std::filesystem::path& folder, const ModelParts& expectedParts) {
    SCOPED_TRACE(folder.string());
    const auto model = Model::load(folder.string());
    const ModelParts parts = model->parts();
    EXPECT_EQ(parts.pooler, expectedParts.pooler);
    EXPECT_EQ(parts.mlmHead, expectedParts.mlmHead);
    EXPECT_EQ(parts.tiedDecoder, expectedParts.tiedDecoder);
    EXPECT_EQ(countParameters(model->config(), parts).total(), tensorElementsInFile(folder / "model.safetensors"));
}

TEST(ParameterCount, EqualsTheSumOfTheCheckpointsTensors) {
    const std::filesystem::path bundled = std::filesystem::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini";
    expectCountMatchesFile(bundled, {false, true, true});
    EXPECT_EQ(tensorElementsInFile(bundled / "model.safetensors"), 965169);  // the model card's 965 k
    expectCountMatchesFile(test::modelFixture("h12-f32"), {false, true, true});
    expectCountMatchesFile(test::modelFixture("ownvocab-f32"), {false, true, false});  // its own decoder weight
    expectCountMatchesFile(test::modelFixture("inter-f32"), {true, true, true});       // legacy names, a pooler
}

TEST(ParameterCount, APoolerInTheFileIsCounted) {
    test::ScratchDir dir;
    const auto folder = dir.copyModel("h12-f32");
    const int hidden = 48;
    test::rewriteSafetensors(folder / "model.safetensors", [&](nlohmann::json& header, std::string& data) {
        const size_t start = data.size();
        const size_t weightBytes = size_t(hidden) * hidden * 4, biasBytes = size_t(hidden) * 4;
        data.append(weightBytes + biasBytes, '\0');
        header["bert.pooler.dense.weight"] = {
            {"dtype", "F32"}, {"shape", {hidden, hidden}}, {"data_offsets", {start, start + weightBytes}}};
        header["bert.pooler.dense.bias"] = {{"dtype", "F32"},
                                            {"shape", {hidden}},
                                            {"data_offsets", {start + weightBytes, start + weightBytes + biasBytes}}};
    });
    expectCountMatchesFile(folder, {true, true, true});
}

}  // namespace
}  // namespace bertlens
