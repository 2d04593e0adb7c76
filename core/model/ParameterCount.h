// How many parameters a BERT has, part by part, from its config.json and
// which optional parts its checkpoint holds: the numbers the anatomy view
// draws and `bertlens-cli analyze` / `models` print. Pure functions; any
// thread.
//
// Parts follow Hugging Face's BertForMaskedLM: embeddings (word, position,
// token type, LayerNorm); per layer the query, key, value and output
// projections, a LayerNorm, the feed-forward in and out, a LayerNorm; the
// pooler (BertModel and checkpoints made for pretraining have one, the
// engine never reads it); the masked-LM head's transform, its LayerNorm and
// the decoder's bias. The decoder's weight is the word-embedding matrix
// itself in every released BERT (tied), so it adds nothing unless a
// checkpoint stores its own.
#pragma once

#include "io/ModelConfig.h"

#include <cstdint>

namespace bertlens {

struct ModelParts {
    bool pooler = false;      // bert.pooler.dense.* in the file
    bool mlmHead = true;      // cls.predictions.* in the file
    bool tiedDecoder = true;  // no cls.predictions.decoder.weight of its own
};

struct LayerParameters {
    int64_t query = 0, key = 0, value = 0, attentionOut = 0;  // weight + bias each
    int64_t attentionNorm = 0;
    int64_t feedForwardIn = 0, feedForwardOut = 0;
    int64_t outputNorm = 0;
    int64_t attention() const { return query + key + value + attentionOut; }
    int64_t feedForward() const { return feedForwardIn + feedForwardOut; }
    int64_t total() const { return attention() + attentionNorm + feedForward() + outputNorm; }
};

struct ParameterCount {
    int64_t wordEmbeddings = 0, positionEmbeddings = 0, typeEmbeddings = 0, embeddingNorm = 0;
    LayerParameters layer;  // every layer has the same shape
    int layers = 0;
    int64_t pooler = 0;         // 0 when absent
    int64_t headTransform = 0;  // dense + its LayerNorm; 0 without a masked-LM head
    int64_t headDecoderBias = 0;
    int64_t headDecoderWeight = 0;  // 0 when tied to the word embeddings

    int64_t embeddings() const { return wordEmbeddings + positionEmbeddings + typeEmbeddings + embeddingNorm; }
    int64_t encoder() const { return layers * layer.total(); }
    int64_t mlmHead() const { return headTransform + headDecoderBias + headDecoderWeight; }
    int64_t total() const { return embeddings() + encoder() + pooler + mlmHead(); }
};

ParameterCount countParameters(const ModelConfig& config, const ModelParts& parts = {});

}  // namespace bertlens
