// The summary bertlens-cli analyze --format text prints for people: the
// tokens, the top guesses for each predicted position (word and percent)
// and the strongest attention weight of each head (layer, head, from -> to).
#pragma once

#include "model/Analysis.h"

#include <ostream>

namespace bertlens {

// The largest weight of one head's map, and where it is (the first when tied).
struct StrongestAttention {
    int from = 0;  // query token
    int to = 0;    // key token
    float weight = 0.0f;
};
StrongestAttention strongestAttention(const Analysis& analysis, int layer, int head);

void writeAnalysisText(std::ostream& out, const Analysis& analysis);

}  // namespace bertlens
