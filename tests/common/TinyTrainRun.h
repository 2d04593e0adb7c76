// The smallest pretraining run the tests make: 2 layers, hidden 32, 2 heads,
// 12 steps on 500 generated sentences, a checkpoint every 5 steps. A few
// seconds; what the snapshot tests (core) and the Training view's test (ui)
// train their series with.
#pragma once

#include "train/Trainer.h"

#include <string>

namespace bertlens::test {

inline train::TrainOptions tinyTrainRun(const std::string& outDir) {
    train::TrainOptions o;
    o.model.layers = 2;
    o.model.hidden = 32;
    o.model.heads = 2;
    o.model.intermediate = 64;
    o.model.maxPositions = 32;
    o.model.vocabSize = 4000;
    o.seed = 9;
    o.sentences = 500;
    o.heldOutSentences = 20;
    o.steps = 12;
    o.batchTokens = 512;
    o.learningRate = 1e-2;
    o.warmupSteps = 3;
    o.evalEvery = 3;
    o.checkpointEvery = 5;
    o.dtype = DType::F16;
    o.outDir = outDir;
    return o;
}

}  // namespace bertlens::test
