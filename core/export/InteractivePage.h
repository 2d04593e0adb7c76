// One self-contained HTML page to hand out: the text's tokens, every layer's
// and head's attention under both masks (bidirectional and left-to-right) and
// the masked-word guesses under both, with a script of its own that lets the
// reader choose layer, head (or the mean of the heads) and mask, and point at
// a word to see its attention as lines. Nothing is loaded from anywhere: the
// page carries everything and its Content-Security-Policy forbids the rest.
//
//   PageInput in;
//   in.modelName = "bertlens-mini"; in.text = text;
//   in.bidirectional = &bi; in.causal = &causal;
//   writeInteractivePage(out, in);    // throws InputError when they disagree
//
// The data is one JSON object in <script type="application/json"
// id="bertlens-data">, every '<', '>' and '&' in it written as \u003c etc.:
//   {"format": "bertlens-page", "version": 1, "model", "text", "layers",
//    "heads", "tokens": [...], "scale": 65535,
//    "start": {"layer", "head": H | "mean", "mask"},
//    "masks": {"bidirectional" | "causal": {
//        "attention": [one base64 string per layer],
//        "predictions": [{"position", "from", "top": [[token, prob], ...]}],
//        "predictions_off": "why" (when the model has no masked-LM head)}}}
// A layer's string is little-endian uint16 weights, weight = value / scale
// (rounded to nearest: off by at most 1/131070), head by head, query row by
// query row; a bidirectional row holds every key, a causal row only the keys
// 0..query (the mask makes the rest 0). Probabilities have 4 significant digits.
//
// Pure functions: safe from any thread.
#pragma once

#include "model/Analysis.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace bertlens {

constexpr int kPageMeanHead = -1;     // PageInput::head: the mean of the layer's heads
constexpr double kPageScale = 65535;  // stored value / kPageScale = weight

struct PageInput {
    std::string modelName;  // shown in the title
    std::string text;       // as typed: any bytes (invalid UTF-8 is shown as U+FFFD)
    const Analysis* bidirectional = nullptr;
    const Analysis* causal = nullptr;  // the same tokens on the same model
    // What the page shows when opened; an address ending in
    // #layer=1&head=2&mask=causal&query=3 (head=mean for the mean) overrides it.
    int layer = 0;
    int head = 0;  // or kPageMeanHead
    MaskMode mask = MaskMode::Bidirectional;
};

// Throws InputError when an analysis is missing, the two disagree (tokens,
// shape, mask modes) or the start names a layer or head the model lacks.
void writeInteractivePage(std::ostream& out, const PageInput& input);
std::string interactivePage(const PageInput& input);

// The exact size writeInteractivePage would write, without building the
// attention strings (cheap: for a "the page will be 150 MB" before writing).
uint64_t interactivePageBytes(const PageInput& input);

// An estimate from the shape alone (a text of ordinary words with up to four
// [MASK]s), for when there is no analysis yet: within a few kB.
uint64_t estimateInteractivePageBytes(int layers, int heads, int tokenCount);

}  // namespace bertlens
