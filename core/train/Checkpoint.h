// Writes Hugging Face style BERT folders that Model::load reads back:
// config.json, vocab.txt, tokenizer_config.json and model.safetensors, with
// BertForMaskedLM's tensor names ("bert." prefix, LayerNorm weight/bias,
// cls.predictions.bias; the decoder tied to the word embeddings, so absent).
//
//   CheckpointContents c{config, vocabTokens};
//   for (auto& [name, shape] : bertTensorShapes(config)) c.tensors.push_back({name, shape, data(name)});
//   writeCheckpoint("/tmp/my-bert", c);
//
// Used by the trainer (the bundled model), and by tests and benchmarks that
// need a model of a given shape (writeRandomCheckpoint). Pure functions:
// thread-safe for different folders.
#pragma once

#include "io/ModelConfig.h"
#include "io/SafeTensorsWriter.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bertlens {

struct CheckpointContents {
    ModelConfig config;
    std::vector<std::string> vocab;  // vocab.txt lines; size() <= config.vocabSize
    bool lowerCase = true;           // tokenizer_config.json do_lower_case
    std::vector<TensorToWrite> tensors;
    DType dtype = DType::F32;                     // F32, F16 or BF16
    std::map<std::string, std::string> metadata;  // safetensors __metadata__ ("format": "pt" is always added)
};

struct TensorShape {
    std::string name;
    std::vector<int64_t> shape;
};

// Every tensor of a BertForMaskedLM checkpoint with a tied decoder, in a
// fixed order: embeddings, each layer, the masked-LM head; for a classifier
// config (BertForSequenceClassification) the pooler and the classifier
// instead of the masked-LM head.
std::vector<TensorShape> bertTensorShapes(const ModelConfig& config);

// Creates the folder if needed. Throws Error naming the file that cannot be
// written, or when the tensors are not exactly bertTensorShapes(config)
// (names and shapes), or the vocabulary is larger than config.vocabSize.
void writeCheckpoint(const std::string& folder, const CheckpointContents& contents);

// A checkpoint with BERT's initialisation (weights normal(0, 0.02) from
// Random(seed), LayerNorm gamma 1, biases and beta 0): the same weights for
// the same seed on every machine.
void writeRandomCheckpoint(const std::string& folder, const ModelConfig& config, const std::vector<std::string>& vocab,
                           uint64_t seed, DType dtype = DType::F32);

}  // namespace bertlens
