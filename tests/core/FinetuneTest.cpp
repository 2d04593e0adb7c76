// Fine-tuning: the classifier head's hand-written backward pass (pooler,
// classifier and, through [CLS], every encoder weight) against central
// finite differences in double precision; the layout is Hugging Face's
// BertForSequenceClassification; what is written reads back with the same
// probabilities; two runs with the same seed and threads give the same
// weights, and a run interrupted after a checkpoint and resumed ends with
// the weights of an uninterrupted one.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"
#include "train/Checkpoint.h"
#include "train/Finetuner.h"
#include "train/TrainState.h"
#include "train/TrainableBert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

namespace bertlens::train {
namespace {

ModelConfig tinyClassifierConfig(int vocabSize = 20) {
    ModelConfig c;
    c.layers = 1;
    c.hidden = 8;
    c.heads = 2;
    c.intermediate = 12;
    c.vocabSize = vocabSize;
    c.maxPositions = 64;
    c.labels = {"a", "b", "c"};
    return c;
}

// Three sequences (one a pair); each [CLS] row is a loss row, its class the target.
TrainBatch tinyClassificationBatch() {
    TrainBatch b;
    b.addSequence({2, 7, 9, 3}, {0, 0, 0, 0});
    b.addSequence({2, 11, 3, 12, 19, 3}, {0, 0, 0, 1, 1, 1});
    b.addSequence({2, 5, 6, 8, 3}, {0, 0, 0, 0, 0});
    b.maskedRows = {0, 4, 10};
    b.targets = {2, 0, 1};
    return b;
}

template <typename S>
void spread(TrainableBert<S>& model, uint64_t seed, double scale) {
    Random random(seed);
    for (const ParameterInfo& t : model.layout().tensors()) {
        const bool gamma = t.name.find("LayerNorm.weight") != std::string::npos;
        for (int64_t i = 0; i < t.size; ++i)
            model.parameters()[size_t(t.offset + i)] = S((gamma ? 1.0 : 0.0) + scale * random.normal());
    }
}

TEST(FinetuneGradient, PoolerClassifierAndEveryEncoderWeight) {
    TrainableBert<double> model(tinyClassifierConfig());
    spread(model, 21, 0.5);
    const TrainBatch batch = tinyClassificationBatch();
    model.zeroGradients();
    model.forward(batch);
    model.backward();
    const AlignedVector<double> analytic = model.gradients();
    double worst = 0;
    for (const ParameterInfo& t : model.layout().tensors()) {
        // The key bias cancels in the softmax: exactly zero gradient.
        const bool keyBias = t.name.find("attention.self.key.bias") != std::string::npos;
        double largest = 0;
        for (int64_t i = 0; i < t.size; ++i) {
            double& v = model.parameters()[size_t(t.offset + i)];
            const double saved = v;
            constexpr double kStep = 1e-5;
            v = saved + kStep;
            const double up = model.forward(batch);
            v = saved - kStep;
            const double down = model.forward(batch);
            v = saved;
            const double numeric = (up - down) / (2 * kStep);
            const double a = analytic[size_t(t.offset + i)];
            const double error = std::abs(a - numeric) / std::max(std::abs(a) + std::abs(numeric), 1e-3);
            EXPECT_LT(error, 1e-6) << t.name << "[" << i << "]: analytic " << a << ", numeric " << numeric;
            if (!keyBias) worst = std::max(worst, error);
            largest = std::max(largest, std::abs(a));
        }
        if (keyBias) {
            EXPECT_LT(largest, 1e-12) << t.name;
        } else {
            EXPECT_GT(largest, 1e-6) << t.name << ": the gradient is zero everywhere";
        }
    }
    std::cout << "  worst relative error " << worst << " over " << model.layout().total() << " parameters\n";
}

TEST(FinetuneLayout, IsBertForSequenceClassificationsTensors) {
    const ModelConfig c = tinyClassifierConfig();
    const ParameterLayout layout(c);
    const std::vector<TensorShape> expected = bertTensorShapes(c);
    ASSERT_EQ(layout.tensors().size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(layout.tensors()[i].name, expected[i].name);
        EXPECT_EQ(layout.tensors()[i].shape, expected[i].shape);
    }
    // Hugging Face's names, written out by hand; no masked-LM head.
    const auto& t = layout.tensors();
    EXPECT_EQ(t[t.size() - 4].name, "bert.pooler.dense.weight");
    EXPECT_EQ(t[t.size() - 4].shape, (std::vector<int64_t>{8, 8}));
    EXPECT_EQ(t[t.size() - 3].name, "bert.pooler.dense.bias");
    EXPECT_EQ(t[t.size() - 2].name, "classifier.weight");
    EXPECT_EQ(t[t.size() - 2].shape, (std::vector<int64_t>{3, 8}));
    EXPECT_EQ(t[t.size() - 1].name, "classifier.bias");
    EXPECT_EQ(layout.find("cls.predictions.bias"), nullptr);
}

// Written by the trainer's writer, read by Model::load, run by the inference
// Encoder: the probabilities are softmax of the trainer's own logits.
TEST(FinetuneRoundTrip, WrittenFolderGivesTheTrainersProbabilities) {
    test::ScratchDir dir;
    TrainableBert<float> net(tinyClassifierConfig());
    spread(net, 5, 0.4);
    std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    for (int i = 5; i < 20; ++i) vocab.push_back("w" + std::to_string(i));
    writeTrainedModel((dir.path() / "m").string(), net, vocab, DType::F32);
    const TrainBatch batch = tinyClassificationBatch();
    net.forward(batch);
    const Mat<float>& logits = net.maskedLogits();

    const auto model = Model::load((dir.path() / "m").string());
    EXPECT_EQ(model->config().labels, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_FALSE(model->hasMlmHead());
    Encoder encoder(model);
    for (size_t s = 0; s < batch.lengths.size(); ++s) {
        const int start = batch.maskedRows[s], n = batch.lengths[s];
        const std::vector<int32_t> ids(batch.ids.begin() + start, batch.ids.begin() + start + n);
        const std::vector<int32_t> types(batch.typeIds.begin() + start, batch.typeIds.begin() + start + n);
        const Analysis a = encoder.forward(ids, types, {}, {});
        ASSERT_TRUE(a.classification.present());
        double top = logits.row(Eigen::Index(s)).maxCoeff(), sum = 0;
        for (int k = 0; k < 3; ++k) sum += std::exp(double(logits(Eigen::Index(s), k)) - top);
        for (int k = 0; k < 3; ++k) {
            const double expected = std::exp(double(logits(Eigen::Index(s), k)) - top) / sum;
            EXPECT_NEAR(a.classification.probabilities[size_t(k)], expected, 1e-5)
                << "sequence " << s << " class " << k;
        }
        AnalyzeOptions causal;
        causal.maskMode = MaskMode::Causal;
        const Analysis c = encoder.forward(ids, types, causal, {});
        EXPECT_FALSE(c.classification.present());
        EXPECT_FALSE(c.classificationOffReason.empty());
    }
}

// A tiny random BERT with the bundled vocabulary, so the tasks' sentences tokenize.
std::string tinyBase(const test::ScratchDir& dir) {
    const Vocab vocab = Vocab::fromFile(std::string(BERTLENS_RESOURCES) + "/models/bertlens-mini/vocab.txt");
    std::vector<std::string> tokens;
    for (int32_t i = 0; i < vocab.size(); ++i) tokens.push_back(vocab.token(i));
    ModelConfig c = tinyClassifierConfig(vocab.size());
    c.labels.clear();
    const std::string folder = (dir.path() / "base").string();
    writeRandomCheckpoint(folder, c, tokens, 3);
    return folder;
}

FinetuneOptions shortRun(const std::string& base, const std::string& out) {
    FinetuneOptions o;
    o.modelDir = base;
    o.task = "pair";
    o.outDir = out;
    o.trainExamples = 40;
    o.heldOutExamples = 12;
    o.epochs = 3;  // 5 steps an epoch, 15 in all
    o.batchSize = 8;
    o.learningRate = 1e-2;
    o.seed = 6;
    o.checkpointEvery = 4;
    return o;
}

std::string weightsOf(const std::filesystem::path& folder) {
    return test::readBytes(folder / "model.safetensors");
}

TEST(FinetuneLoop, SameSeedSameWeightsAndResumeEqualsAnUninterruptedRun) {
    test::ScratchDir dir;
    const std::string base = tinyBase(dir);
    const FinetuneResult a = Finetuner(shortRun(base, (dir.path() / "a").string()), nullptr).run();
    Finetuner(shortRun(base, (dir.path() / "b").string()), nullptr).run();
    FinetuneOptions scratch = shortRun(base, (dir.path() / "scratch").string());
    scratch.fromScratch = true;
    Finetuner(scratch, nullptr).run();
    EXPECT_TRUE(weightsOf(dir.path() / "a") == weightsOf(dir.path() / "b"));
    EXPECT_FALSE(weightsOf(dir.path() / "a") == weightsOf(dir.path() / "scratch"));
    EXPECT_EQ(a.curve.size(), 3u);
    EXPECT_EQ(a.steps, 15);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "a" / "training"));
    EXPECT_TRUE(test::readBytes(dir.path() / "a" / "vocab.txt") == test::readBytes(base + "/vocab.txt"));

    // Killed at the progress line of step 10, after the checkpoint of step 8.
    const FinetuneOptions interrupted = shortRun(base, (dir.path() / "resumed").string());
    struct Killed {};
    try {
        Finetuner(interrupted, [](const FinetuneProgress& p) {
            if (p.kind == FinetuneProgress::Kind::Step && p.step == 10) throw Killed();
        }).run();
        ADD_FAILURE() << "the run was not interrupted";
    } catch (const Killed&) {
    }
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "resumed" / "training" / "trainer_state.json"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "resumed" / "model.safetensors"));
    EXPECT_THROW(Finetuner(interrupted, nullptr).run(), Error);  // without --resume: refused
    FinetuneOptions other = interrupted;
    other.resume = true;
    other.learningRate = 2e-2;
    try {
        Finetuner(other, nullptr).run();
        ADD_FAILURE() << "a resume with another learning rate was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("lr"), std::string::npos) << e.what();
    }
    FinetuneOptions resume = interrupted;
    resume.resume = true;
    const FinetuneResult r = Finetuner(resume, nullptr).run();
    EXPECT_TRUE(weightsOf(dir.path() / "resumed") == weightsOf(dir.path() / "a"));
    ASSERT_EQ(r.curve.size(), a.curve.size());  // the epoch before the kill came back from the saved curve
    for (size_t i = 0; i < r.curve.size(); ++i) EXPECT_EQ(r.curve[i].heldOutAccuracy, a.curve[i].heldOutAccuracy);
}

}  // namespace
}  // namespace bertlens::train
