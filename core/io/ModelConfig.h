// The hyper-parameters of a BERT checkpoint (config.json) and of its
// tokenizer (tokenizer_config.json), validated so that the encoder can trust
// them.
#pragma once

#include "model/Direction.h"
#include "tokenizer/Tokenizer.h"

#include <string>
#include <vector>

namespace bertlens {

struct ModelConfig {
    int layers = 0;               // num_hidden_layers
    int hidden = 0;               // hidden_size
    int heads = 0;                // num_attention_heads
    int intermediate = 0;         // intermediate_size
    int vocabSize = 0;            // vocab_size
    int maxPositions = 0;         // max_position_embeddings
    int typeVocabSize = 2;        // type_vocab_size
    float layerNormEps = 1e-12f;  // layer_norm_eps
    std::string modelType = "bert";
    // "is_decoder": true (Hugging Face's BertLMHeadModel) is NextWord;
    // "bertlens_objective": "previous-word" is BertLens's right-to-left model.
    Objective objective = Objective::MaskedLm;
    // A BertForSequenceClassification (its "architectures"): the class names
    // by id, from id2label (or LABEL_i for num_labels when there is none).
    // Empty for every other BERT.
    std::vector<std::string> labels;

    bool isClassifier() const { return !labels.empty(); }

    int headDim() const { return hidden / heads; }

    // Throws CheckpointError naming the file and the key at fault.
    static ModelConfig fromFile(const std::string& path);
    static ModelConfig fromJsonText(const std::string& text, const std::string& fileName);
    // A Hugging Face config.json with these values: BertForMaskedLM, or for
    // the one-way objectives BertLMHeadModel / BertLens's previous-word model,
    // or with labels BertForSequenceClassification (id2label, label2id, num_labels).
    std::string toJsonText() const;
};

// Reads tokenizer_config.json; a missing file means Hugging Face's defaults
// (lower case, strip accents, split CJK characters).
TokenizerOptions readTokenizerOptions(const std::string& path);
// The same from the file's text; fileName is used in messages only.
TokenizerOptions tokenizerOptionsFromJsonText(const std::string& text, const std::string& fileName);

}  // namespace bertlens
