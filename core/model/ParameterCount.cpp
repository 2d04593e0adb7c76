#include "model/ParameterCount.h"

namespace bertlens {

ParameterCount countParameters(const ModelConfig& c, const ModelParts& parts) {
    const int64_t h = c.hidden, inter = c.intermediate, v = c.vocabSize;
    const int64_t square = h * h + h;  // a hidden -> hidden linear layer with its bias
    const int64_t norm = 2 * h;        // LayerNorm's gain and bias
    ParameterCount p;
    p.wordEmbeddings = v * h;
    p.positionEmbeddings = int64_t(c.maxPositions) * h;
    p.typeEmbeddings = int64_t(c.typeVocabSize) * h;
    p.embeddingNorm = norm;
    p.layer.query = p.layer.key = p.layer.value = p.layer.attentionOut = square;
    p.layer.attentionNorm = norm;
    p.layer.feedForwardIn = h * inter + inter;
    p.layer.feedForwardOut = inter * h + h;
    p.layer.outputNorm = norm;
    p.layers = c.layers;
    if (parts.pooler) p.pooler = square;
    if (parts.mlmHead) {
        p.headTransform = square + norm;
        p.headDecoderBias = v;
        if (!parts.tiedDecoder) p.headDecoderWeight = v * h;
    }
    return p;
}

}  // namespace bertlens
