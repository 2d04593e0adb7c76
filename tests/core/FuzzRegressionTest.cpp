// Inputs the fuzzers (tests/fuzz, tools/fuzz.sh) found, each kept as a test
// of the behaviour a user should see. The raw inputs are also replayed by
// tools/fuzz.sh from tests/fuzz/regressions/.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Model.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace bertlens
