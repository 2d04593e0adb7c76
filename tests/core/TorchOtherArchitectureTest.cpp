// Checkpoints of other architectures (DistilBERT, RoBERTa, GPT-2, ALBERT) in
// folders laid out as the Hub has them, with safetensors or only a
// pytorch_model.bin: every way in (Model::load, the CLI's analyze and
// tokenize, the cache scan) says "not supported: model_type X" — never a
// crash, never numbers from the wrong equations. Configs are the released
// ones' keys (trimmed); folders are made in temp dirs.
#include "TestSupport.h"

#include "Errors.h"
#include "io/HubCache.h"
#include "io/TorchCheckpoint.h"
#include "model/Model.h"

#include <gtest/gtest.h>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

struct OtherModel {
    std::string modelType;
    std::string config;
    std::vector<std::string> tokenizerFiles;  // what that architecture ships instead of (or with) vocab.txt
};

void PrintTo(const OtherModel& m, std::ostream* os) {
    *os << m.modelType;
}

std::vector<OtherModel> otherModels() {
    return {
        {"distilbert",
         R"({"activation": "gelu", "architectures": ["DistilBertForMaskedLM"], "dim": 768, "hidden_dim": 3072,
             "max_position_embeddings": 512, "model_type": "distilbert", "n_heads": 12, "n_layers": 6,
             "sinusoidal_pos_embds": false, "vocab_size": 30522})",
         {"vocab.txt"}},
        {"roberta",
         R"({"architectures": ["RobertaForMaskedLM"], "hidden_act": "gelu", "hidden_size": 768,
             "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 514,
             "model_type": "roberta", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 1,
             "type_vocab_size": 1, "vocab_size": 50265})",
         {"vocab.json", "merges.txt"}},
        {"gpt2",
         R"({"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
             "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257})",
         {"vocab.json", "merges.txt"}},
        {"albert",
         R"({"architectures": ["AlbertForMaskedLM"], "embedding_size": 128, "hidden_act": "gelu_new",
             "hidden_size": 768, "intermediate_size": 3072, "max_position_embeddings": 512, "model_type": "albert",
             "num_attention_heads": 12, "num_hidden_layers": 12, "type_vocab_size": 2, "vocab_size": 30000})",
         {"spiece.model"}},
    };
}

// weights: "safetensors" (a BERT fixture's file: the config must stop it first) or "bin" (a
// DistilBERT-shaped pytorch_model.bin written by torch.save).
fs::path makeFolder(test::ScratchDir& scratch, const OtherModel& m, const std::string& weights) {
    const fs::path dir = scratch.path() / (m.modelType + "-" + weights);
    fs::create_directories(dir);
    test::writeBytes(dir / "config.json", m.config);
    for (const std::string& f : m.tokenizerFiles) {
        if (f == "vocab.txt") {
            fs::copy_file(test::modelFixture("h12-f32") / "vocab.txt", dir / f);
        } else {
            test::writeBytes(dir / f, "{}");
        }
    }
    if (weights == "bin") {
        fs::copy_file(test::fixturesDir() / "torchbin" / "distilbert-tiny.bin", dir / "pytorch_model.bin");
    } else {
        fs::copy_file(test::modelFixture("h12-f32") / "model.safetensors", dir / "model.safetensors");
    }
    return dir;
}

class OtherArchitecture : public ::testing::TestWithParam<OtherModel> {};

TEST_P(OtherArchitecture, EveryEntryPointSaysNotSupported) {
    const OtherModel& m = GetParam();
    const std::string expected = "not supported: model_type " + m.modelType;
    for (const std::string weights : {"safetensors", "bin"}) {
        SCOPED_TRACE(weights);
        test::ScratchDir scratch;
        const fs::path dir = makeFolder(scratch, m, weights);
        try {
            Model::load(dir.string());
            FAIL() << "a " << m.modelType << " folder loaded as BERT";
        } catch (const CheckpointError& e) {
            EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
        }
        for (const std::string command : {"analyze", "tokenize"}) {
            const auto r = test::runCli(command + " --model '" + dir.string() + "' --text 'the dog'");
            EXPECT_EQ(r.exitCode, 1) << command;
            EXPECT_TRUE(r.out.empty()) << command;
            EXPECT_NE(r.err.find(expected), std::string::npos) << command << ": " << r.err;
        }
        const CachedModel listed = HubCache::describe(dir.string());
        EXPECT_FALSE(listed.supported);
        EXPECT_EQ(listed.reason, expected);
        EXPECT_EQ(listed.modelType, m.modelType);
        EXPECT_GT(listed.layers, 0);  // read from that architecture's own keys
        EXPECT_EQ(listed.heads, 12);
    }
}

INSTANTIATE_TEST_SUITE_P(DistilBertRobertaGpt2Albert, OtherArchitecture, ::testing::ValuesIn(otherModels()),
                         [](const auto& info) { return info.param.modelType; });

// The DistilBERT .bin itself is a valid checkpoint: the refusal comes from what it is, not from damage.
TEST(OtherArchitectureBin, TheDistilBertFileReadsButHasNoBertTensors) {
    const std::string bytes = test::readBytes(test::fixturesDir() / "torchbin" / "distilbert-tiny.bin");
    const TorchCheckpoint c =
        TorchCheckpoint::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "distilbert.bin");
    ASSERT_TRUE(c.find("distilbert.transformer.layer.1.attention.q_lin.weight"));
    EXPECT_EQ(c.find("distilbert.transformer.layer.1.attention.q_lin.weight")->shape, (std::vector<int64_t>{8, 8}));
    EXPECT_EQ(c.find("bert.embeddings.word_embeddings.weight"), nullptr);
}

// Configs that hide the architecture: still an error naming what is missing, never a load.
TEST(OtherArchitectureBin, MislabelledConfigsStillFailClearly) {
    test::ScratchDir scratch;
    const OtherModel distil = otherModels()[0];
    // DistilBERT weights under a config that claims BERT (BERT keys, model_type bert).
    const fs::path claimsBert = makeFolder(scratch, distil, "bin");
    auto config = test::readJson(test::modelFixture("h12-f32") / "config.json");
    test::writeBytes(claimsBert / "config.json", config.dump());
    try {
        Model::load(claimsBert.string());
        FAIL() << "DistilBERT weights loaded as BERT";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("has no tensor bert.embeddings.word_embeddings.weight"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("is not a BERT"), std::string::npos) << e.what();
    }
    // An old-style config with no model_type: its architectures list names the class.
    const fs::path noType = scratch.path() / "gpt2-no-model-type";
    fs::create_directories(noType);
    fs::copy_file(test::modelFixture("h12-f32") / "vocab.txt", noType / "vocab.txt");
    fs::copy_file(test::modelFixture("h12-f32") / "model.safetensors", noType / "model.safetensors");
    test::writeBytes(noType / "config.json", R"({"architectures": ["GPT2LMHeadModel"], "n_layer": 2, "n_head": 12})");
    try {
        Model::load(noType.string());
        FAIL() << "a GPT-2 config loaded as BERT";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("not supported: architecture GPT2LMHeadModel"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace bertlens
