// The JSON that bertlens-cli prints (see DESIGN.md, "The command-line
// contract"). Written straight to a stream: an analysis of 128 tokens on
// bert-base holds 2.4 million attention weights.
#pragma once

#include "io/ModelConfig.h"
#include "model/Analysis.h"
#include "tokenizer/Tokenizer.h"

#include <ostream>

namespace bertlens {

struct Measures;

// {"tokens": [...], "ids": [...], "offsets": [[start, end], ...], "type_ids": [...]}
void writeEncodingJson(std::ostream& out, const Encoding& encoding);

// {"model": {...}, "tokens", "ids", "offsets", "mask_mode", "attentions" [L][H][n][n],
//  "predictions" [{"position", "top": [{"token", "id", "prob"}]}], "hidden_states" [L+1][n][d]}
void writeAnalysisJson(std::ostream& out, const Analysis& analysis, const ModelConfig& config, bool withHiddenStates);

// The same, with the second-wave keys of what was asked for (DESIGN.md):
// "ablated", "rollout", "flow"/"flow_normalized", "norms", "saliency",
// "head_importance", "layer_predictions".
void writeMeasuresJson(std::ostream& out, const Measures& measures, const ModelConfig& config, bool withHiddenStates);

}  // namespace bertlens
