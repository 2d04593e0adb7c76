// Memory limits at model open (issue 19): the need is counted from
// config.json (checked against the checkpoint writer's tensor table and
// bert-base's published parameter count), and a model that cannot fit in
// the memory free is refused before anything is mapped, with the numbers.
#include "TestSupport.h"

#include "Errors.h"
#include "model/MemoryBudget.h"
#include "model/Model.h"
#include "train/Checkpoint.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace bertlens {
namespace {

ModelConfig bertShape(int layers, int hidden, int heads, int intermediate) {
    ModelConfig c;
    c.layers = layers;
    c.hidden = hidden;
    c.heads = heads;
    c.intermediate = intermediate;
    c.vocabSize = 30522;
    c.maxPositions = 512;
    c.typeVocabSize = 2;
    return c;
}

TEST(MemoryBudget, ParametersAreTheTensorsTheEngineReads) {
    for (const ModelConfig& c :
         {bertShape(12, 768, 12, 3072), bertShape(24, 1024, 16, 4096), bertShape(4, 128, 4, 512)}) {
        int64_t fromTable = 0;
        for (const TensorShape& t : bertTensorShapes(c)) {
            int64_t n = 1;
            for (int64_t d : t.shape) n *= d;
            fromTable += n;
        }
        EXPECT_EQ(estimateMemory(c).parameters, fromTable) << c.layers << " layers";
    }
    // Hugging Face's BertForMaskedLM for bert-base-uncased: 109,514,298
    // parameters (num_parameters(), the decoder tied to the embeddings).
    EXPECT_EQ(estimateMemory(bertShape(12, 768, 12, 3072)).parameters, 109514298);
    const MemoryNeed large = estimateMemory(bertShape(24, 1024, 16, 4096));
    EXPECT_EQ(large.weightBytes, uint64_t(large.parameters) * 4);
    // Two masks, each with its attention maps and their norms.
    EXPECT_GE(large.workingBytes, 2ull * 2 * 24 * 16 * 512 * 512 * 4);
    EXPECT_EQ(large.tokens, 512);
}

struct MemoryCap {
    explicit MemoryCap(const std::string& bytes) { setenv("BERTLENS_MEMORY_AVAILABLE", bytes.c_str(), 1); }
    ~MemoryCap() { unsetenv("BERTLENS_MEMORY_AVAILABLE"); }
};

TEST(MemoryBudget, AModelThatCannotFitIsRefusedWithTheNumbers) {
    const std::string folder = (test::fixturesDir() / "models" / "h12-f32").string();
    const ModelConfig c = ModelConfig::fromFile(folder + "/config.json");
    const MemoryNeed need = estimateMemory(c);
    {
        const MemoryCap cap(std::to_string(need.total() - 1));
        try {
            Model::load(folder);
            FAIL() << "a model needing " << need.total() << " bytes loaded with " << need.total() - 1 << " free";
        } catch (const CheckpointError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("the model in " + folder + " needs about"), std::string::npos) << m;
            EXPECT_NE(m.find(std::to_string(need.parameters) + " parameters"), std::string::npos) << m;
            EXPECT_NE(m.find("of memory is free; close other programs or choose a smaller model"), std::string::npos)
                << m;
        }
    }
    {
        const MemoryCap cap(std::to_string(need.total()));
        EXPECT_NO_THROW(Model::load(folder));
    }
    EXPECT_NO_THROW(Model::load(folder));  // this machine's real MemAvailable
    ASSERT_TRUE(availableMemoryBytes().has_value());
    EXPECT_GT(*availableMemoryBytes(), 0u);
}

}  // namespace
}  // namespace bertlens
