#include "model/Direction.h"

#include <array>

namespace bertlens {
namespace {

const std::array<ObjectiveInfo, 3> kObjectives = {{
    {Objective::MaskedLm, "masked-lm", MaskMode::Bidirectional, 0, "BertForMaskedLM"},
    {Objective::NextWord, "next-word", MaskMode::Causal, -1, "BertLMHeadModel"},
    // No Hugging Face class reads right to left; the name says what it is.
    {Objective::PreviousWord, "previous-word", MaskMode::AntiCausal, +1, "BertLensPreviousWordModel"},
}};

}  // namespace

const char* maskModeName(MaskMode mode) {
    switch (mode) {
        case MaskMode::Causal:
            return "causal";
        case MaskMode::AntiCausal:
            return "anti-causal";
        case MaskMode::Bidirectional:
            break;
    }
    return "bidirectional";
}

bool parseMaskMode(const std::string& text, MaskMode& mode) {
    for (MaskMode m : {MaskMode::Bidirectional, MaskMode::Causal, MaskMode::AntiCausal}) {
        if (text == maskModeName(m)) {
            mode = m;
            return true;
        }
    }
    return false;
}

const ObjectiveInfo& objectiveInfo(Objective objective) {
    for (const ObjectiveInfo& info : kObjectives) {
        if (info.objective == objective) return info;
    }
    return kObjectives[0];
}

bool parseObjective(const std::string& text, Objective& objective) {
    for (const ObjectiveInfo& info : kObjectives) {
        if (text == info.name) {
            objective = info.objective;
            return true;
        }
    }
    return false;
}

}  // namespace bertlens
