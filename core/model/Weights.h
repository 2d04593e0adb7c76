// Views of a BERT's weights, each named after the checkpoint tensor it comes
// from (Hugging Face BertForMaskedLM names, "bert." prefix omitted). The
// pointers are into the memory-mapped file (F32) or into buffers the Model
// owns (F16/BF16 converted once at load). Linear weights keep PyTorch's
// [out, in] row-major layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bertlens {

struct LinearWeights {
    const float* weight = nullptr;  // [out, in]
    const float* bias = nullptr;    // [out]
    int out = 0;
    int in = 0;
};

struct LayerNormWeights {
    const float* gamma = nullptr;  // *.LayerNorm.weight (old files: .gamma)
    const float* beta = nullptr;   // *.LayerNorm.bias (old files: .beta)
};

struct EncoderLayerWeights {
    LinearWeights query;             // encoder.layer.N.attention.self.query
    LinearWeights key;               // encoder.layer.N.attention.self.key
    LinearWeights value;             // encoder.layer.N.attention.self.value
    LinearWeights attentionOut;      // encoder.layer.N.attention.output.dense
    LayerNormWeights attentionNorm;  // encoder.layer.N.attention.output.LayerNorm
    LinearWeights intermediate;      // encoder.layer.N.intermediate.dense
    LinearWeights output;            // encoder.layer.N.output.dense
    LayerNormWeights outputNorm;     // encoder.layer.N.output.LayerNorm
};

struct MlmHeadWeights {
    bool present = false;
    std::string absentReason;        // why predictions are off, for the user
    LinearWeights transform;         // cls.predictions.transform.dense
    LayerNormWeights norm;           // cls.predictions.transform.LayerNorm
    const float* decoder = nullptr;  // cls.predictions.decoder.weight [vocab, hidden], or the tied word embeddings
    const float* bias = nullptr;     // cls.predictions.bias or cls.predictions.decoder.bias [vocab]
};

// BertForSequenceClassification's head: the pooler (dense + tanh on the
// final [CLS] state) and the classifier; present when config.json names
// that architecture. Some other checkpoints (bert-base-uncased) carry a
// pooler alone, from next-sentence prediction: hasPooler without present.
struct ClassifierWeights {
    bool present = false;
    bool hasPooler = false;
    LinearWeights pooler;      // bert.pooler.dense [hidden, hidden]
    LinearWeights classifier;  // classifier [num_labels, hidden]
};

// One linear layer's weight rounded to bfloat16 (Precision::Bf16), rows
// `ld` apart (the input size rounded up to even); the bias stays float32.
struct Bf16Linear {
    const uint16_t* weight = nullptr;
    size_t ld = 0;
};

struct Bf16LayerWeights {
    Bf16Linear query, key, value, attentionOut, intermediate, output;
};

struct BertWeights {
    const float* wordEmbeddings = nullptr;       // embeddings.word_embeddings.weight [vocab, hidden]
    const float* positionEmbeddings = nullptr;   // embeddings.position_embeddings.weight [positions, hidden]
    const float* tokenTypeEmbeddings = nullptr;  // embeddings.token_type_embeddings.weight [types, hidden]
    LayerNormWeights embeddingNorm;              // embeddings.LayerNorm
    std::vector<EncoderLayerWeights> layers;
    MlmHeadWeights mlm;
    ClassifierWeights classifier;
};

}  // namespace bertlens
