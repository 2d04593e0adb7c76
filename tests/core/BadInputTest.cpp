// Damaged checkpoints and bad text: each must give a typed error whose
// message names the problem, and the CLI must exit non-zero with that message
// on stderr (never a crash, never partial output).
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

struct BrokenCheckpoint {
    std::string name;
    std::function<void(const fs::path& dir)> damage;
    std::vector<std::string> messageParts;  // every one must appear in the error
};

void PrintTo(const BrokenCheckpoint& b, std::ostream* os) {
    *os << b.name;
}

void editConfig(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit) {
    auto config = test::readJson(dir / "config.json");
    edit(config);
    test::writeBytes(dir / "config.json", config.dump());
}

std::vector<BrokenCheckpoint> brokenCheckpoints() {
    const std::string st = "model.safetensors";
    return {
        {"TruncatedFile",
         [st](const fs::path& d) {
             const std::string bytes = test::readBytes(d / st);
             test::writeBytes(d / st, bytes.substr(0, bytes.size() / 2));
         },
         {st, "outside", "truncated"}},
        {"TooShortForAHeader", [st](const fs::path& d) { test::writeBytes(d / st, "abc"); }, {st, "too short"}},
        {"HeaderLengthLargerThanFile",
         [st](const fs::path& d) {
             std::string bytes = test::readBytes(d / st);
             const uint64_t huge = uint64_t(1) << 40;
             std::memcpy(bytes.data(), &huge, 8);
             test::writeBytes(d / st, bytes);
         },
         {st, "header says", "truncated"}},
        {"HeaderNotJson",
         [st](const fs::path& d) {
             std::string bytes = test::readBytes(d / st);
             bytes[8] = '#';
             test::writeBytes(d / st, bytes);
         },
         {st, "not valid JSON"}},
        {"OffsetsPastTheEnd",
         [](const fs::path& d) {
             test::rewriteSafetensors(d / "model.safetensors", [](nlohmann::json& h, std::string& data) {
                 auto& t = h["bert.encoder.layer.1.output.dense.bias"];
                 const uint64_t length = t["data_offsets"][1].get<uint64_t>() - t["data_offsets"][0].get<uint64_t>();
                 t["data_offsets"] = {data.size() - length + 8, data.size() + 8};
             });
         },
         {"bert.encoder.layer.1.output.dense.bias", "outside"}},
        {"OverlappingTensors",
         [](const fs::path& d) {
             test::rewriteSafetensors(d / "model.safetensors", [](nlohmann::json& h, std::string&) {
                 h["bert.encoder.layer.0.attention.self.key.weight"]["data_offsets"] =
                     h["bert.encoder.layer.0.attention.self.query.weight"]["data_offsets"];
             });
         },
         {"overlap", "bert.encoder.layer.0.attention.self.key.weight",
          "bert.encoder.layer.0.attention.self.query.weight"}},
        {"ByteCountDisagreesWithShape",
         [](const fs::path& d) {
             test::rewriteSafetensors(d / "model.safetensors", [](nlohmann::json& h, std::string&) {
                 h["bert.embeddings.LayerNorm.bias"]["shape"] = {47};
             });
         },
         {"bert.embeddings.LayerNorm.bias", "[47]", "needs 188 bytes"}},
        {"MissingTensor",
         [](const fs::path& d) {
             test::rewriteSafetensors(d / "model.safetensors", [](nlohmann::json& h, std::string&) {
                 h.erase("bert.encoder.layer.1.attention.self.value.weight");
             });
         },
         {"has no tensor bert.encoder.layer.1.attention.self.value.weight"}},
        {"ShapeDisagreesWithConfig",
         [](const fs::path& d) { editConfig(d, [](nlohmann::json& c) { c["intermediate_size"] = 100; }); },
         {"bert.encoder.layer.0.intermediate.dense.weight", "[192, 48]", "config.json needs [100, 48]"}},
        {"UnsupportedDType",
         [](const fs::path& d) {
             test::rewriteSafetensors(d / "model.safetensors", [](nlohmann::json& h, std::string&) {
                 h["bert.embeddings.LayerNorm.weight"]["dtype"] = "I32";
             });
         },
         {"bert.embeddings.LayerNorm.weight", "dtype I32", "F32, F16 and BF16"}},
        {"VocabLineNotUtf8",
         [](const fs::path& d) {
             std::string vocab = test::readBytes(d / "vocab.txt");
             vocab.insert(vocab.find('\n', 30) + 1, "caf\xE9\n");  // Latin-1, not UTF-8
             test::writeBytes(d / "vocab.txt", vocab);
         },
         {"vocab.txt line", "not valid UTF-8"}},
        {"VocabLargerThanConfig",
         [](const fs::path& d) { editConfig(d, [](nlohmann::json& c) { c["vocab_size"] = 50; }); },
         {"vocab.txt has 120 tokens", "vocab_size 50"}},
        {"OtherArchitecture",
         [](const fs::path& d) { editConfig(d, [](nlohmann::json& c) { c["model_type"] = "distilbert"; }); },
         {"not supported: model_type distilbert"}},
        {"HeadsDoNotDivideHidden",
         [](const fs::path& d) { editConfig(d, [](nlohmann::json& c) { c["num_attention_heads"] = 5; }); },
         {"hidden_size 48", "not a multiple of num_attention_heads 5"}},
        {"NoWeights", [st](const fs::path& d) { fs::remove(d / st); }, {"no model.safetensors", "no weights"}},
        {"NoConfig", [](const fs::path& d) { fs::remove(d / "config.json"); }, {"no config.json"}},
        {"NoVocab", [](const fs::path& d) { fs::remove(d / "vocab.txt"); }, {"vocab.txt"}},
    };
}

class BadCheckpoint : public ::testing::TestWithParam<BrokenCheckpoint> {};

TEST_P(BadCheckpoint, LoadFailsWithAMessageNamingTheProblem) {
    test::ScratchDir scratch;
    const fs::path dir = scratch.copyModel("h12-f32");
    GetParam().damage(dir);
    try {
        Model::load(dir.string());
        FAIL() << "the damaged checkpoint loaded";
    } catch (const CheckpointError& e) {
        for (const std::string& part : GetParam().messageParts)
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what() << "\n  lacks: " << part;
    }
}

TEST_P(BadCheckpoint, CliExitsNonZeroWithTheMessage) {
    test::ScratchDir scratch;
    const fs::path dir = scratch.copyModel("h12-f32");
    GetParam().damage(dir);
    const auto r = test::runCli("analyze --model '" + dir.string() + "' --text 'the [MASK] barked'");
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find(GetParam().messageParts.front()), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Damage, BadCheckpoint, ::testing::ValuesIn(brokenCheckpoints()),
                         [](const auto& info) { return info.param.name; });

TEST(BadWeights, NanWeightIsNamedWhenTheRunMeetsIt) {
    test::ScratchDir scratch;
    const fs::path dir = scratch.copyModel("h12-f32");
    test::rewriteSafetensors(dir / "model.safetensors", [](nlohmann::json& h, std::string& data) {
        const auto at = h["bert.encoder.layer.1.output.dense.bias"]["data_offsets"][0].get<size_t>();
        const float nan = std::numeric_limits<float>::quiet_NaN();
        std::memcpy(data.data() + at, &nan, sizeof nan);
    });
    Encoder encoder(Model::load(dir.string()));
    try {
        encoder.analyze("the dog barked", {});
        FAIL() << "NaN weights gave a result";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("bert.encoder.layer.1.output.dense.bias"), std::string::npos) << e.what();
    }
}

TEST(BadText, EmptyOrInvisibleTextIsRefused) {
    Encoder encoder(Model::load(test::modelFixture("h12-f32").string()));
    for (const std::string& text :
         {std::string(), std::string("   "), std::string("\x01\x02\t", 3), std::string(1, '\0')}) {
        EXPECT_THROW(encoder.analyze(text, {}), InputError) << "text of " << text.size() << " bytes";
    }
    const auto r = test::runCli("analyze --model '" + test::modelFixture("h12-f32").string() + "' --text ''");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("the text is empty"), std::string::npos) << r.err;
    const auto t = test::runCli("tokenize --model '" + test::modelFixture("h12-f32").string() + "' --text -", "  ");
    EXPECT_EQ(t.exitCode, 1);
    EXPECT_NE(t.err.find("the text is empty"), std::string::npos) << t.err;
}

TEST(BadText, TextOverTheLengthLimitIsRefusedWithTheLimit) {
    const auto model = Model::load(test::modelFixture("h12-f32").string());  // max_position_embeddings 40
    Encoder encoder(model);
    std::string text;
    for (int i = 0; i < 38; ++i) text += "the ";
    EXPECT_EQ(encoder.analyze(text, {}).tokenCount, 40);  // exactly at the limit is fine
    text += "dog";
    try {
        encoder.analyze(text, {});
        FAIL() << "41 tokens were accepted by a 40-position model";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("41 tokens"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("at most 40"), std::string::npos) << e.what();
    }
    const auto r = test::runCli("analyze --model '" + test::modelFixture("h12-f32").string() + "' --text -", text);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("at most 40"), std::string::npos) << r.err;
}

TEST(BadText, AnyBytesThroughStandardInputNeverCrash) {
    std::string text("the\0dog \xFF\xFE barked \xF0\x9F\x98\x80 \xE2\x80\xAE", 26);
    const auto r = test::runCli("analyze --model '" + test::modelFixture("h12-f32").string() + "' --text -", text);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    EXPECT_EQ(out["tokens"].front(), "[CLS]");
}

TEST(BadCommandLine, UsageErrorsExitWithTwo) {
    EXPECT_EQ(test::runCli("").exitCode, 2);
    EXPECT_EQ(test::runCli("frobnicate").exitCode, 2);
    EXPECT_EQ(test::runCli("analyze --model x").exitCode, 2);  // no --text (no --model now means the bundled one)
    const auto r = test::runCli("analyze --model x --text hi --mask-mode sideways");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("bidirectional or causal"), std::string::npos);
    EXPECT_EQ(test::runCli("bench --model x --lengths 16,abc").exitCode, 2);
}

}  // namespace
}  // namespace bertlens
