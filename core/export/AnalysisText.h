// The summary bertlens-cli analyze --format text prints for people: the
// tokens, the top guesses for each predicted position (word and percent)
// and the strongest attention weight of each head (layer, head, from -> to);
// for a sequence classifier its classes' probabilities.
#pragma once

#include "model/Analysis.h"
#include "model/ParameterCount.h"

#include <ostream>
#include <string>

namespace bertlens {

// The largest weight of one head's map, and where it is (the first when tied).
struct StrongestAttention {
    int from = 0;  // query token
    int to = 0;    // key token
    float weight = 0.0f;
};
StrongestAttention strongestAttention(const Analysis& analysis, int layer, int head);

// "ungrammatical (ungrammatical 97.3%, grammatical 2.7%)": the predicted
// class, then every class most probable first (the text output and the
// window's status line). Needs c.present().
std::string classificationText(const Classification& c);

// With parameters, a "parameters: ..." line follows the mask's.
void writeAnalysisText(std::ostream& out, const Analysis& analysis, const ParameterCount* parameters = nullptr);

// "965,169" (a comma between every three digits).
std::string groupedDigits(int64_t value);
// "parameters: 965,169 (embeddings 153,984; 4 layers x 198,272; ...)" and a newline.
void writeParameterText(std::ostream& out, const ParameterCount& parameters);

}  // namespace bertlens
