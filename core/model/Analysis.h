// The result of one forward pass: what every view of BertLens draws from.
// A plain value type; copy it, keep it, hand it across threads.
#pragma once

#include "EigenTypes.h"
#include "model/Direction.h"
#include "model/Precision.h"
#include "tokenizer/Tokenizer.h"

#include <cstdint>
#include <vector>

namespace bertlens {

struct TokenProbability {
    int32_t id = 0;
    std::string token;
    float probability = 0.0f;
};

struct Prediction {
    int position = 0;                   // index into the tokens: the word predicted
    int fromPosition = 0;               // whose output predicts it (position -+ 1 for a one-way model)
    std::vector<TokenProbability> top;  // most probable first
    std::vector<float> logProbabilities;  // every token's ln p, when AnalyzeOptions::keepDistributions
};

// A sequence classifier's verdict on the text (BertForSequenceClassification),
// from the bidirectional pass: the classifier was trained reading the whole
// text, so a left-to-right pass has none.
struct Classification {
    std::vector<std::string> labels;  // by class id (config.json's id2label)
    std::vector<float> probabilities;  // same order; they sum to 1
    int predicted = -1;                // the most probable class; -1 = no classification

    bool present() const { return predicted >= 0; }
};

struct Analysis {
    int layers = 0;
    int heads = 0;
    int tokenCount = 0;
    int hidden = 0;
    MaskMode maskMode = MaskMode::Bidirectional;  // the mask the run used
    Objective objective = Objective::MaskedLm;    // what the model was trained to predict
    Precision precision = Precision::F32;         // the linear layers' arithmetic
    std::vector<Token> tokens;  // when run from text
    std::vector<int32_t> ids;
    std::vector<int32_t> typeIds;
    std::vector<float> attentions;    // [layers][heads][query][key], each row sums to 1
    std::vector<float> hiddenStates;  // [layers + 1][tokens][hidden]; 0 = embeddings
    // [layers][tokens][hidden]: x W_V^T + b_V of each layer's input, heads side
    // by side; empty unless AnalyzeOptions::keepValues.
    std::vector<float> values;
    std::vector<Prediction> predictions;
    std::string predictionsOffReason;  // set when the model has no masked-LM head
    Classification classification;     // a classifier's, on the bidirectional pass
    std::string classificationOffReason;  // a classifier's pass that cannot classify (the causal one)

    // row = query token, column = key token
    ConstRowMatrixMap attention(int layer, int head) const {
        const size_t n = static_cast<size_t>(tokenCount);
        return ConstRowMatrixMap(attentions.data() + (static_cast<size_t>(layer) * heads + head) * n * n, tokenCount,
                                 tokenCount);
    }
    ConstRowMatrixMap hiddenState(int layer) const {
        return ConstRowMatrixMap(hiddenStates.data() + static_cast<size_t>(layer) * tokenCount * hidden, tokenCount,
                                 hidden);
    }
};

}  // namespace bertlens
