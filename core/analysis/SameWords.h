// The same word in two sentences, and how alike its two hidden states are:
// the readout beside the embeddings view's shared projection ("bank" of a
// river against "bank" for money: cosine 0.83 after layer 3). The cosine is
// taken of the full d-dimensional states, not of their two-axis picture.
//
//   std::vector<SameWord> words = sameWords(a.tokens, a.hiddenState(l), b.tokens, b.hiddenState(l));
//
// Pure functions on plain values: safe from any thread.
#pragma once

#include "EigenTypes.h"
#include "tokenizer/Tokenizer.h"

#include <string>
#include <vector>

namespace bertlens {

struct SameWord {
    std::string word;    // the token's text, as both sentences have it
    int occurrence = 0;  // 0: the word's first appearance in each sentence, 1: its second, ...
    int firstPosition = 0;
    int secondPosition = 0;
    double cosine = 0.0;  // of the two hidden states, in [-1, 1]
};

// cos of the angle between a and b (same length), in double; 0 when either
// is all zeros (no direction to compare).
double cosineSimilarity(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b);

// Every token text found in both sentences, the k-th appearance in one paired
// with the k-th in the other; [CLS], [SEP], [PAD] and the tokens encode()
// added are left out. States are the sentences' rows (tokens x d, one model's
// width). Least alike first (lowest cosine): the word whose meaning the
// context changed most leads; ties in sentence order.
std::vector<SameWord> sameWords(const std::vector<Token>& first, const ConstRowMatrixMap& firstStates,
                                const std::vector<Token>& second, const ConstRowMatrixMap& secondStates);

}  // namespace bertlens
