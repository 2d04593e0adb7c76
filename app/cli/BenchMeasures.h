// bench --measures: what each second-wave measure costs beside the forward
// pass it explains, on one loaded model (no process start, no loading, no
// JSON in the times). A benchmark: medians of repeated runs, never a test.
#pragma once

#include "model/Encoder.h"

#include <ostream>
#include <vector>

namespace bertlens::cli {

// Writes ,"measures":{...} for one length: median milliseconds of the
// forward pass with a prediction at the last word, and of rollout, norms,
// saliency (one backward pass, head importance included), layer predictions
// and, up to 32 tokens, attention flow; each also as a ratio to the forward
// (the median of ratios of runs paired with a forward run, which a shared,
// busy machine moves far less than it moves either time).
void benchMeasures(Encoder& encoder, const std::vector<int32_t>& ids, int repeats, std::ostream& out);

}  // namespace bertlens::cli
