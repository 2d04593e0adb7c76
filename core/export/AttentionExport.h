// The attention tensor a user is looking at, written as CSV or JSON for
// their own analysis (spreadsheets, numpy, pandas): one head, the mean of a
// layer's heads, a whole layer or every layer; under one mask mode or both.
//
// JSON (one analysis):
//   {"tokens": [...], "mask_mode": "bidirectional", "layer": 1 | "all",
//    "head": 3 | "mean" | "all", "shape": [...], "attention": nested arrays}
//   attention is [n][n] for one head or the mean, [heads][n][n] for "all"
//   heads, [layers][...] more for "all" layers; row = query, column = key.
// JSON (both mask modes): the same, with "mask_mode": "both" and
//   "attention": {"bidirectional": ..., "causal": ...}.
// CSV: a header "mask_mode,layer,head,query_index,query_token,<key tokens>",
//   then one row per query of each map; the head column reads "mean" for the
//   mean of the heads. Fields are quoted as RFC 4180 says (tokens can be "," or '"').
//
// Floats are written as the shortest text that reads back as the same float
// (the mean of heads is computed in double, then rounded to float).
// Pure functions: safe from any thread.
#pragma once

#include "model/Analysis.h"

#include <ostream>
#include <vector>

namespace bertlens {

struct AttentionSlice {
    static constexpr int kAll = -1;   // layer or head: every one
    static constexpr int kMean = -2;  // head only: the mean of the layer's heads
    int layer = kAll;
    int head = kAll;
};

// analyses: one, or two of the same tokens (written in the order given).
// Throws InputError when the slice is out of range, the list is empty or the
// analyses disagree in tokens or shape.
void writeAttentionCsv(std::ostream& out, const std::vector<const Analysis*>& analyses, const AttentionSlice& slice);
void writeAttentionJson(std::ostream& out, const std::vector<const Analysis*>& analyses, const AttentionSlice& slice);

}  // namespace bertlens
