// One text (a sentence, or a corpus line made into one) added to a head
// summary, by the rules `bertlens-cli heads` and the window's heads view
// share: a text with no word besides [CLS] and [SEP] is skipped as "empty",
// one longer than the model reads as "too_long_for_model"; any other is run
// through the encoder under the mask and added to the accumulator.
//
//   std::string why = addTextToSummary(encoder, text, MaskMode::Bidirectional, acc);
//   if (!why.empty()) ++skipped[why];
//
// Uses the Encoder it is given, so it runs on that encoder's thread (one
// Encoder belongs to one thread at a time; the Model behind it is shared).
#pragma once

#include "analysis/HeadSummary.h"

#include <atomic>
#include <string>

namespace bertlens {

class Encoder;

// "" when the text was added, else why not ("empty", "too_long_for_model").
// Throws Cancelled when cancel is raised (between layers or heads); the
// accumulator is then unchanged.
std::string addTextToSummary(Encoder& encoder, const std::string& text, MaskMode mask, HeadSummaryAccumulator& acc,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace bertlens
