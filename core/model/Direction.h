// Which way a model reads: the attention mask a forward pass uses, and the
// objective a checkpoint was trained with (which decides the mask and where
// a word's prediction is read). One small table, read by the trainer, the
// encoder and the command line alike. Plain functions: thread-safe.
//
//   objective      mask           predicts token i from      config.json
//   masked-lm      bidirectional  position i (a [MASK])      BertForMaskedLM
//   next-word      causal         position i - 1             BertLMHeadModel, "is_decoder": true
//   previous-word  anti-causal    position i + 1             "bertlens_objective": "previous-word"
#pragma once

#include <string>

namespace bertlens {

enum class MaskMode {
    Bidirectional,  // BERT: every token sees every token
    Causal,         // decoder-style, left to right: token i sees tokens 0..i only
    AntiCausal,     // the mirror, right to left: token i sees tokens i..n-1 only
};

const char* maskModeName(MaskMode mode);  // "bidirectional" / "causal" / "anti-causal"
bool parseMaskMode(const std::string& text, MaskMode& mode);

// The columns [first, last) that query row r of an n-token map may see.
inline int firstVisible(MaskMode mode, int r) { return mode == MaskMode::AntiCausal ? r : 0; }
inline int endVisible(MaskMode mode, int r, int n) { return mode == MaskMode::Causal ? r + 1 : n; }

enum class Objective {
    MaskedLm,      // BERT: predict the hidden word from both sides
    NextWord,      // GPT-style: each position predicts the token after it
    PreviousWord,  // the mirror: each position predicts the token before it
};

struct ObjectiveInfo {
    Objective objective;
    const char* name;          // "masked-lm", "next-word", "previous-word"
    MaskMode mask;             // the attention mask it trains and runs with
    int readOffset;            // token i's prediction is read at position i + readOffset
    const char* architecture;  // config.json "architectures"
};

const ObjectiveInfo& objectiveInfo(Objective objective);
inline const char* objectiveName(Objective objective) { return objectiveInfo(objective).name; }
bool parseObjective(const std::string& text, Objective& objective);

}  // namespace bertlens
