// What the trainer writes is what the app reads: the parameter layout is
// BertForMaskedLM's (checked against the checkpoint writer's own table), and
// a written folder, loaded by Model::load and run by the inference Encoder,
// reproduces the trainer's forward pass: every hidden state, every attention
// map and the masked-LM probabilities. F32 within float rounding; F16 within
// what rounding the weights to half precision moves.
#include "TestSupport.h"

#include "model/Encoder.h"
#include "train/Checkpoint.h"
#include "train/TrainState.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bertlens::train {
namespace {

ModelConfig smallConfig() {
    ModelConfig c;
    c.layers = 3;
    c.hidden = 16;
    c.heads = 4;
    c.intermediate = 24;
    c.vocabSize = 30;
    c.maxPositions = 12;
    c.typeVocabSize = 2;
    c.layerNormEps = 1e-12f;
    return c;
}

std::vector<std::string> smallVocab() {
    std::vector<std::string> v = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    for (int i = 5; i < 30; ++i) v.push_back("w" + std::to_string(i));
    return v;
}

// Weights far from the initialisation, so every part of the model matters.
TrainableBert<float> spreadModel() {
    TrainableBert<float> model(smallConfig());
    Random random(77);
    for (const ParameterInfo& t : model.layout().tensors()) {
        const bool gamma = t.name.find("LayerNorm.weight") != std::string::npos;
        for (int64_t i = 0; i < t.size; ++i)
            model.parameters()[size_t(t.offset + i)] = float((gamma ? 1.0 : 0.0) + 0.3 * random.normal());
    }
    return model;
}

TEST(TrainLayout, IsTheCheckpointWritersBertForMaskedLmTable) {
    for (const ModelConfig& c : {smallConfig(), TrainOptions::defaultModel()}) {
        const ParameterLayout layout(c);
        const std::vector<TensorShape> expected = bertTensorShapes(c);
        ASSERT_EQ(layout.tensors().size(), expected.size());
        int64_t offset = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
            const ParameterInfo& t = layout.tensors()[i];
            EXPECT_EQ(t.name, expected[i].name);
            EXPECT_EQ(t.shape, expected[i].shape) << t.name;
            EXPECT_EQ(t.offset, offset) << t.name;  // back to back, no gaps
            offset += t.size;
            // Weight decay on matrices only: never a bias or a LayerNorm parameter.
            const bool isBiasOrNorm =
                t.name.find("bias") != std::string::npos || t.name.find("LayerNorm") != std::string::npos;
            EXPECT_EQ(t.decay, !isBiasOrNorm) << t.name;
        }
        EXPECT_EQ(layout.total(), offset);
    }
}

struct Tolerances {
    float hidden, attention, probability;
};

void expectEncoderMatchesTrainer(DType dtype, Tolerances tol) {
    TrainableBert<float> model = spreadModel();
    // One sentence pair; positions 2, 5 and 8 masked.
    TrainBatch batch;
    const std::vector<int32_t> ids = {2, 9, 4, 17, 3, 4, 22, 11, 4, 3};
    const std::vector<int32_t> types = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    batch.addSequence(ids, types);
    batch.maskedRows = {2, 5, 8};
    batch.targets = {6, 7, 8};
    model.forward(batch);

    test::ScratchDir dir;
    const std::string folder = (dir.path() / "model").string();
    writeTrainedModel(folder, model, smallVocab(), dtype);
    const auto loaded = Model::load(folder);
    ASSERT_EQ(loaded->weightDType(), dtypeName(dtype));
    Encoder encoder(loaded);
    AnalyzeOptions options;
    options.topK = 30;  // every token: the whole distribution
    const Analysis a = encoder.forward(ids, types, options, batch.maskedRows);

    const ModelConfig c = smallConfig();
    float worstHidden = 0, worstAttention = 0, worstProbability = 0;
    for (int l = 0; l <= c.layers; ++l) {
        const Mat<float>& h = model.hiddenState(l);
        worstHidden = std::max(worstHidden, (a.hiddenState(l) - h).cwiseAbs().maxCoeff());
    }
    const SequenceLayout& seq = model.sequenceLayout();
    for (int l = 0; l < c.layers; ++l) {
        for (int h = 0; h < c.heads; ++h) {
            const ConstMatMap<float> mine(model.attentionProbabilities(l).data() + seq.mapOffset(0, h), 10, 10);
            worstAttention = std::max(worstAttention, (a.attention(l, h) - mine).cwiseAbs().maxCoeff());
        }
    }
    ASSERT_EQ(a.predictions.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        const auto logits = model.maskedLogits().row(Eigen::Index(i)).cast<double>();
        const Eigen::RowVectorXd probs = (logits.array() - logits.maxCoeff()).exp().matrix();
        const double sum = probs.sum();
        ASSERT_EQ(a.predictions[i].top.size(), 30u);
        for (const TokenProbability& t : a.predictions[i].top) {
            worstProbability = std::max(worstProbability, float(std::abs(t.probability - probs[t.id] / sum)));
        }
    }
    EXPECT_LT(worstHidden, tol.hidden);
    EXPECT_LT(worstAttention, tol.attention);
    EXPECT_LT(worstProbability, tol.probability);
    std::cout << "  " << dtypeName(dtype) << ": worst |difference| hidden " << worstHidden << ", attention "
              << worstAttention << ", probability " << worstProbability << "\n";
}

TEST(TrainCheckpoint, F32FolderReproducesTheTrainersForwardInTheEncoder) {
    expectEncoderMatchesTrainer(DType::F32, {2e-5f, 2e-6f, 2e-6f});
}

TEST(TrainCheckpoint, F16FolderStaysCloseToTheTrainersForward) {
    expectEncoderMatchesTrainer(DType::F16, {2e-2f, 5e-3f, 5e-3f});
}

}  // namespace
}  // namespace bertlens::train
