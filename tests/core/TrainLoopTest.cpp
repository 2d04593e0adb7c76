// The training loop end to end on a tiny model and corpus: the loss falls
// well below where it starts and below what word frequencies alone give;
// the same seed gives the same weights byte for byte, another seed other
// weights; and a run interrupted after a checkpoint and resumed ends exactly
// where an uninterrupted run ends.
#include "TestSupport.h"

#include "Errors.h"
#include "train/CorpusGenerator.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>

namespace bertlens::train {
namespace {

TrainOptions tinyRun(const std::string& out) {
    TrainOptions o;
    o.model.layers = 2;
    o.model.hidden = 32;
    o.model.heads = 2;
    o.model.intermediate = 64;
    o.model.maxPositions = 32;
    o.model.vocabSize = 4000;
    o.seed = 5;
    o.sentences = 3000;
    o.heldOutSentences = 300;
    o.steps = 250;
    o.batchTokens = 4096;  // smaller batches learn far less per second at this size
    o.learningRate = 1e-2;
    o.warmupSteps = 30;
    o.evalEvery = 250;
    o.checkpointEvery = 1000;
    o.dtype = DType::F32;
    o.outDir = out;
    return o;
}

struct Recorded {
    std::vector<double> losses;  // mean training loss of each 10 steps
    std::vector<TrainProgress> evaluations;
};

Recorded runRecorded(const TrainOptions& o, int64_t interruptAfter = -1) {
    Recorded r;
    Trainer trainer(o, [&](const TrainProgress& p) {
        if (p.kind == TrainProgress::Kind::Step) r.losses.push_back(p.loss);
        if (p.kind == TrainProgress::Kind::Evaluation) r.evaluations.push_back(p);
        // As a kill would: the run stops at this progress line, before this
        // step's checkpoint (written after the line) is saved.
        if (interruptAfter >= 0 && p.kind == TrainProgress::Kind::Step && p.step >= interruptAfter)
            throw std::runtime_error("interrupted");
    });
    trainer.run();
    return r;
}

// The entropy (nats) of the target tokens' frequencies in the held-out
// batches: the loss of a model that knows word frequencies but not context.
double unigramEntropy(const std::vector<TrainBatch>& batches) {
    std::map<int32_t, double> counts;
    double total = 0;
    for (const TrainBatch& b : batches) {
        for (int32_t t : b.targets) {
            counts[t] += 1;
            total += 1;
        }
    }
    double h = 0;
    for (const auto& [token, n] : counts) h -= n / total * std::log(n / total);
    return h;
}

TEST(TrainLoop, LossFallsWellBelowTheStartAndTheUnigramEntropy) {
    test::ScratchDir dir;
    const TrainOptions o = tinyRun((dir.path() / "model").string());
    const Recorded r = runRecorded(o);
    ASSERT_EQ(r.losses.size(), 25u);
    ASSERT_EQ(r.evaluations.size(), 1u);

    // The held-out sentences, masked as the trainer's evaluation masks them.
    Trainer again(o, nullptr);
    again.prepare();
    const Vocab vocab(again.vocabulary());
    const auto shared = std::make_shared<const Vocab>(vocab);
    const Corpus corpus = generateCorpus(o.seed, size_t(o.sentences), size_t(o.heldOutSentences));
    SamplerOptions sampler = o.sampler;
    sampler.maxPositions = o.model.maxPositions;
    const auto heldOut = heldOutBatches(tokenizeSentences(corpus.heldOut, Tokenizer(shared, {})),
                                        SpecialIds::fromVocab(vocab), sampler, o.seed);
    const double entropy = unigramEntropy(heldOut);
    const double initial = std::log(double(vocab.size()));  // about what the first steps see
    std::cout << "  loss: first 10 steps " << r.losses.front() << ", last 10 steps " << r.losses.back() << "; held-out "
              << r.evaluations.back().heldOutLoss << " (unigram entropy " << entropy << ", uniform " << initial
              << "), accuracy " << r.evaluations.back().heldOutAccuracy << "\n";
    EXPECT_GT(r.losses.front(), 0.8 * initial);
    EXPECT_LT(r.losses.back(), 0.5 * r.losses.front());
    EXPECT_LT(r.evaluations.back().heldOutLoss, 0.5 * r.losses.front());
    EXPECT_LT(r.evaluations.back().heldOutLoss, entropy - 0.5);
    // Better than always answering the most frequent masked word.
    std::map<int32_t, int> counts;
    int total = 0;
    for (const TrainBatch& b : heldOut) {
        for (int32_t t : b.targets) ++counts[t], ++total;
    }
    int most = 0;
    for (const auto& [token, n] : counts) most = std::max(most, n);
    EXPECT_GT(r.evaluations.back().heldOutAccuracy, double(most) / total + 0.1);
}

TrainOptions shortRun(const std::string& out, uint64_t seed = 9) {
    TrainOptions o = tinyRun(out);
    o.seed = seed;
    o.sentences = 500;
    o.heldOutSentences = 20;
    o.steps = 12;
    o.batchTokens = 512;
    o.warmupSteps = 3;
    o.evalEvery = 6;
    o.checkpointEvery = 5;
    return o;
}

std::string weightsOf(const std::filesystem::path& folder) {
    return test::readBytes(folder / "model.safetensors");
}

TEST(TrainLoop, SameSeedSameWeightsAndResumeEqualsAnUninterruptedRun) {
    test::ScratchDir dir;
    runRecorded(shortRun((dir.path() / "a").string()));
    runRecorded(shortRun((dir.path() / "b").string()));
    runRecorded(shortRun((dir.path() / "other").string(), 10));
    // (TRUE/FALSE, not EQ: a failure would print megabytes of weights.)
    EXPECT_TRUE(weightsOf(dir.path() / "a") == weightsOf(dir.path() / "b"));
    EXPECT_FALSE(weightsOf(dir.path() / "a") == weightsOf(dir.path() / "other"));
    // The state is removed once a run has finished.
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "a" / "training"));

    // Interrupted at the progress line of step 10 (lines every 10 steps),
    // before its checkpoint: the state of step 5 is there, no model yet.
    const TrainOptions interrupted = shortRun((dir.path() / "resumed").string());
    EXPECT_THROW(runRecorded(interrupted, 1), std::runtime_error);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "resumed" / "training" / "trainer_state.json"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "resumed" / "model.safetensors"));
    // Starting over without --resume would silently throw that work away: refused.
    EXPECT_THROW(runRecorded(interrupted), Error);
    // A resume with other options is refused, naming the option.
    TrainOptions otherSteps = interrupted;
    otherSteps.resume = true;
    otherSteps.steps = 13;
    try {
        runRecorded(otherSteps);
        ADD_FAILURE() << "a resume with other options was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("steps"), std::string::npos) << e.what();
    }
    TrainOptions resume = interrupted;
    resume.resume = true;
    const Recorded rest = runRecorded(resume);
    EXPECT_TRUE(weightsOf(dir.path() / "resumed") == weightsOf(dir.path() / "a"));
    // It went on from step 5: evaluations at 6 and 12, as in the first run.
    ASSERT_EQ(rest.evaluations.size(), 2u);
    EXPECT_EQ(rest.evaluations[0].step, 6);
    EXPECT_EQ(rest.evaluations[1].step, 12);
}

}  // namespace
}  // namespace bertlens::train
