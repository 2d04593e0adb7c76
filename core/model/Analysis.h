// The result of one forward pass: what every view of BertLens draws from.
// A plain value type; copy it, keep it, hand it across threads.
#pragma once

#include "EigenTypes.h"
#include "tokenizer/Tokenizer.h"

#include <cstdint>
#include <vector>

namespace bertlens {

enum class MaskMode {
    Bidirectional,  // BERT: every token sees every token
    Causal,         // decoder-style: token i sees tokens 0..i only
};

const char* maskModeName(MaskMode mode);  // "bidirectional" / "causal"
bool parseMaskMode(const std::string& text, MaskMode& mode);

struct TokenProbability {
    int32_t id = 0;
    std::string token;
    float probability = 0.0f;
};

struct Prediction {
    int position = 0;                   // index into the tokens
    std::vector<TokenProbability> top;  // most probable first
};

struct Analysis {
    int layers = 0;
    int heads = 0;
    int tokenCount = 0;
    int hidden = 0;
    MaskMode maskMode = MaskMode::Bidirectional;
    std::vector<Token> tokens;  // when run from text
    std::vector<int32_t> ids;
    std::vector<int32_t> typeIds;
    std::vector<float> attentions;    // [layers][heads][query][key], each row sums to 1
    std::vector<float> hiddenStates;  // [layers + 1][tokens][hidden]; 0 = embeddings
    std::vector<Prediction> predictions;
    std::string predictionsOffReason;  // set when the model has no masked-LM head

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
