#include "train/FinetuneCost.h"

namespace bertlens::train {

FinetuneCost estimateFinetuneCost(const ModelConfig& c, const FinetuneRecipeSize& r, double t) {
    const double d = c.hidden, inter = c.intermediate, layers = c.layers;
    FinetuneCost cost;
    cost.forwardFlopsPerExample = 2.0 * t * layers * (4.0 * d * d + 2.0 * d * inter) + 4.0 * t * t * d * layers;
    const double parameters =
        double(c.vocabSize + c.maxPositions + c.typeVocabSize) * d + layers * (4.0 * d * d + 2.0 * d * inter) + d * d;
    const double batch = r.batchSize > 0 ? r.batchSize : 1;
    const double stepsPerEpoch = double((r.trainExamples + int64_t(batch) - 1) / int64_t(batch));
    cost.flops =
        double(r.epochs) * (3.0 * cost.forwardFlopsPerExample * r.trainExamples + 10.0 * parameters * stepsPerEpoch +
                            cost.forwardFlopsPerExample * r.heldOutExamples);
    cost.seconds = cost.flops / kAssumedFlopsPerSecond;
    return cost;
}

}  // namespace bertlens::train
