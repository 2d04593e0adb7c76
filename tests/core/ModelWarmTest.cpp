// Model::warm reads the pages of exactly the tensors the model uses: the
// bytes it reports equal 4 bytes for every parameter countParameters finds
// from config.json, less a pooler the masked-LM model never runs; a cancel
// flag set beforehand stops it before the first tensor; and warming changes
// no result.
#include "TestSupport.h"

#include "model/Encoder.h"
#include "model/ParameterCount.h"

#include <gtest/gtest.h>

namespace bertlens {
namespace {

TEST(ModelWarm, ReadsEveryTensorTheModelUsesAndNoOther) {
    for (const char* fixture : {"h12-f32", "inter-f32", "ownvocab-f32"}) {
        SCOPED_TRACE(fixture);
        const auto model = Model::load(test::modelFixture(fixture).string());
        const ParameterCount count = countParameters(model->config(), model->parts());
        const auto used = static_cast<size_t>(count.total() - count.pooler) * sizeof(float);
        std::atomic<bool> cancel{true};
        EXPECT_EQ(model->warm(&cancel), 0u);
        Encoder encoder(model);
        const Analysis before = encoder.analyze("a b c", {});
        EXPECT_EQ(model->warm(), used);
        EXPECT_EQ(encoder.analyze("a b c", {}).attentions, before.attentions);
    }
}

}  // namespace
}  // namespace bertlens
