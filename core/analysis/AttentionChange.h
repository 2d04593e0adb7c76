// How much fine-tuning changed each head's attention on one text: the
// "what changed" map of the window's Fine-tune view (after Kovaleva et al.
// 2019, "Revealing the dark secrets of BERT", who found BERT's last layers
// change most when it is fine-tuned).
//
//   Analysis before = Encoder(pretrained).analyze(text, {});
//   Analysis after = Encoder(finetuned).analyze(text, {});
//   AttentionChange c = attentionChange(before, after);
//   c.at(3, 1);        // head 3-1's change, 0 (same) .. 1 (disjoint rows)
//
// The change of a head is the mean over its query rows of the
// Jensen-Shannon distance between the two models' attention rows:
// sqrt(JS divergence) with base-2 logarithms, so 0 for equal rows and 1
// for rows with no key in common; a metric, symmetric in the two models.
// Computed in double. Pure function: thread-safe.
#pragma once

#include "model/Analysis.h"

#include <vector>

namespace bertlens {

struct AttentionChange {
    int layers = 0;
    int heads = 0;
    int tokens = 0;
    std::vector<double> perHead;   // [layers][heads]
    std::vector<double> perLayer;  // mean over the layer's heads

    double at(int layer, int head) const { return perHead[static_cast<size_t>(layer) * heads + head]; }
    // The layer whose heads changed most on average (-1 when empty).
    int mostChangedLayer() const;
};

// The Jensen-Shannon distance (base 2) between two distributions of n values.
double jensenShannonDistance(const float* p, const float* q, int n);

// Throws Error when the two analyses differ in shape (layers, heads, tokens)
// or in their token ids: the maps must be of the same text.
AttentionChange attentionChange(const Analysis& before, const Analysis& after);

}  // namespace bertlens
