// Where each parameter of a trainable BERT lives in one flat buffer.
//
// The tensors are BertForMaskedLM's, with its Hugging Face names and shapes
// ([out, in] row-major linear weights, the decoder tied to the word
// embeddings and so absent), laid out back to back. One flat buffer lets the
// optimizer, gradient clipping and checkpointing treat the model as a single
// vector, and writing a checkpoint is a copy of each tensor's range.
// For a classifier config (ModelConfig::labels) the tensors are
// BertForSequenceClassification's instead: the encoder, the pooler
// (bert.pooler.dense) and the classifier, and no masked-LM head.
// Immutable after construction; thread-safe.
#pragma once

#include "io/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bertlens::train {

struct ParameterInfo {
    std::string name;            // e.g. bert.encoder.layer.0.attention.self.query.weight
    std::vector<int64_t> shape;  // [out, in] or [size]
    int64_t offset = 0;          // first element in the flat buffer
    int64_t size = 0;            // element count
    bool decay = false;          // AdamW weight decay: matrices only, no biases or LayerNorm
};

// Offsets of a linear layer's and a LayerNorm's tensors.
struct LinearSlot {
    int64_t weight = 0, bias = 0;
    int out = 0, in = 0;
};
struct NormSlot {
    int64_t gamma = 0, beta = 0;
};
struct LayerSlots {
    LinearSlot query, key, value, attentionOut;
    NormSlot attentionNorm;
    LinearSlot intermediate, output;
    NormSlot outputNorm;
};

class ParameterLayout {
public:
    explicit ParameterLayout(const ModelConfig& config);

    const std::vector<ParameterInfo>& tensors() const { return m_tensors; }
    int64_t total() const { return m_total; }
    // nullptr when there is no tensor of that name.
    const ParameterInfo* find(const std::string& name) const;

    int64_t wordEmbeddings = 0, positionEmbeddings = 0, typeEmbeddings = 0;
    NormSlot embeddingNorm;
    std::vector<LayerSlots> layers;
    bool hasMlmHead = true;
    LinearSlot headTransform;  // cls.predictions.transform.dense
    NormSlot headNorm;         // cls.predictions.transform.LayerNorm
    int64_t decoderBias = 0;   // cls.predictions.bias
    bool hasClassifier = false;
    LinearSlot pooler;      // bert.pooler.dense [hidden, hidden]
    LinearSlot classifier;  // classifier [labels, hidden]

private:
    int64_t add(const std::string& name, std::vector<int64_t> shape, bool decay);
    LinearSlot addLinear(const std::string& prefix, int out, int in);
    NormSlot addNorm(const std::string& prefix, int size);

    std::vector<ParameterInfo> m_tensors;
    int64_t m_total = 0;
};

}  // namespace bertlens::train
