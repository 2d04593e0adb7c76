// One training or evaluation batch: sequences of different lengths
// concatenated row after row (no padding), and the masked positions whose
// original tokens the masked-LM loss asks for. A plain value type.
#pragma once

#include <cstdint>
#include <vector>

namespace bertlens::train {

struct TrainBatch {
    // One entry per token, all sequences back to back.
    std::vector<int32_t> ids;        // after masking ([MASK], a random token, or unchanged)
    std::vector<int32_t> typeIds;    // 0, or 1 for the second sentence of a pair
    std::vector<int32_t> positions;  // position of the token within its sequence
    std::vector<int> lengths;        // token count of each sequence

    // The loss positions (rows of the batch) and their original tokens.
    std::vector<int> maskedRows;
    std::vector<int32_t> targets;

    int tokens() const { return static_cast<int>(ids.size()); }

    // Appends one sequence (positions 0..n-1).
    void addSequence(const std::vector<int32_t>& sequenceIds, const std::vector<int32_t>& sequenceTypes) {
        for (size_t i = 0; i < sequenceIds.size(); ++i) {
            ids.push_back(sequenceIds[i]);
            typeIds.push_back(sequenceTypes[i]);
            positions.push_back(static_cast<int32_t>(i));
        }
        lengths.push_back(static_cast<int>(sequenceIds.size()));
    }
};

}  // namespace bertlens::train
