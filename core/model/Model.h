// A loaded BERT checkpoint: config, tokenizer and weights.
//
//   std::shared_ptr<const Model> m = Model::load("/path/to/bert-base-uncased");
//
// load() reads a Hugging Face folder (config.json, vocab.txt,
// tokenizer_config.json, and model.safetensors or else pytorch_model.bin,
// through TensorSource). Aligned F32 weights are used in place from the
// memory map; F16/BF16 ones are widened to F32 once. A Model is immutable
// after load and may be shared by any number of threads.
#pragma once

#include "io/ModelConfig.h"
#include "io/TensorSource.h"
#include "model/ParameterCount.h"
#include "model/Weights.h"
#include "tokenizer/Tokenizer.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bertlens {

class Model {
public:
    // Throws CheckpointError with a message naming the file and tensor at fault.
    static std::shared_ptr<const Model> load(const std::string& folder);
    // Only the tokenizer (vocab.txt and tokenizer_config.json); needs no weights.
    static std::unique_ptr<Tokenizer> loadTokenizer(const std::string& folder);

    const std::string& folder() const { return m_folder; }
    const ModelConfig& config() const { return m_config; }
    const Tokenizer& tokenizer() const { return *m_tokenizer; }
    const Vocab& vocab() const { return m_tokenizer->vocab(); }
    const BertWeights& weights() const { return m_weights; }
    bool hasMlmHead() const { return m_weights.mlm.present; }
    // Which optional parts the checkpoint holds (for countParameters).
    ModelParts parts() const;
    // The on-disk weight dtype (F32, F16 or BF16) of the word embeddings.
    const std::string& weightDType() const { return m_weightDType; }
    size_t fileBytes() const { return m_source ? m_source->fileBytes() : 0; }
    // The weights file read (model.safetensors or pytorch_model.bin) and its format.
    const std::string& weightsFile() const { return m_source->path(); }
    // The weights file was overwritten or truncated in place after load: the
    // weights used in place from it can no longer be trusted. Thread-safe.
    bool weightsChangedOnDisk() const { return m_source && m_source->changedOnDisk(); }
    const char* weightsFormat() const { return m_source->formatName(); }

    // The encoder layers' linear weights in bfloat16, for Precision::Bf16:
    // rounded from the float32 weights on the first call (about 0.2 s and
    // 170 MB for bert-base), then kept. Thread-safe; the Model stays
    // logically immutable (a BF16 file's weights round back to themselves).
    const std::vector<Bf16LayerWeights>& bf16Layers() const;

    // The first weight tensor holding a NaN or an infinity, or "" if none.
    // Slow (reads every weight): called only when a forward pass went wrong.
    std::string findNonFiniteTensor() const;

private:
    Model() = default;
    class Loader;
    friend class Loader;

    struct NamedTensor {
        std::string name;
        const float* data;
        size_t count;
    };

    std::string m_folder;
    ModelConfig m_config;
    std::unique_ptr<Tokenizer> m_tokenizer;
    std::unique_ptr<const TensorSource> m_source;
    std::vector<std::vector<float>> m_converted;  // widened F16/BF16 or realigned tensors
    std::vector<NamedTensor> m_used;              // every tensor the encoder reads, for diagnostics
    BertWeights m_weights;
    std::string m_weightDType;
    mutable std::once_flag m_bf16Once;
    mutable std::vector<uint16_t> m_bf16Data;
    mutable std::vector<Bf16LayerWeights> m_bf16Layers;
};

}  // namespace bertlens
