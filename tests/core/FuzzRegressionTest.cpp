// Inputs the fuzzers (tests/fuzz, tools/fuzz.sh) found, each kept as a test
// of the behaviour a user should see. The raw inputs are also replayed by
// tools/fuzz.sh from tests/fuzz/regressions/.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"
#include "model/Model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace bertlens {
namespace {

std::string regression(const std::string& target, const std::string& name) {
    return test::readBytes(test::fixturesDir().parent_path() / "fuzz" / "regressions" / target / name);
}

// fuzz_vocab: a vocabulary with [PAD] and [UNK] but no [CLS]/[SEP] loaded
// fine and then failed on every text typed. A model folder holding it is now
// refused at load, with the file and the missing token named.
TEST(FuzzRegression, VocabularyWithoutClsIsRefusedAtLoadNotAtFirstText) {
    test::ScratchDir dir;
    const auto folder = dir.copyModel("h12-f32");
    test::writeBytes(folder / "vocab.txt", regression("vocab", "no-cls-sep"));
    try {
        Model::loadTokenizer(folder.string());
        FAIL() << "a vocabulary without [CLS] was accepted";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("vocab.txt has no [CLS]"), std::string::npos) << e.what();
    }
    EXPECT_THROW(Model::load(folder.string()), CheckpointError);
}

// fuzz_model: a model whose masked-LM head holds NaN (cls.predictions.bias
// and the transform's weights) ran and gave NaN probabilities for [MASK],
// because only the encoder's output was checked. Now the run is refused with
// the damaged tensor named, as for NaN in the encoder.
TEST(FuzzRegression, NanInTheMaskedLmHeadIsNamedNotShownAsProbabilities) {
    test::ScratchDir dir;
    const std::filesystem::path fuzz = test::fixturesDir().parent_path() / "fuzz";
    for (const char* f : {"config.json", "vocab.txt"}) {
        std::filesystem::copy_file(fuzz / "model" / f, dir.path() / f);
    }
    test::writeBytes(dir.path() / "model.safetensors", regression("model", "nan-in-mlm-head"));
    const auto model = Model::load(dir.path().string());
    Encoder encoder(model);
    const Analysis plain = encoder.analyze("the dog barked at the mailman .", {});  // no [MASK]: no head
    EXPECT_EQ(plain.tokenCount, 10);  // [CLS] the dog barked at the mail ##man . [SEP]
    try {
        encoder.analyze("the dog [MASK] at the mailman .", {});
        FAIL() << "NaN probabilities were returned";
    } catch (const CheckpointError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("holds NaN or infinite values"), std::string::npos) << message;
        EXPECT_NE(message.find("cls.predictions."), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace bertlens
