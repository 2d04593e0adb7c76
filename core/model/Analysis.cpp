#include "model/Analysis.h"

namespace bertlens {

const char* maskModeName(MaskMode mode) {
    return mode == MaskMode::Causal ? "causal" : "bidirectional";
}

bool parseMaskMode(const std::string& text, MaskMode& mode) {
    if (text == "bidirectional") {
        mode = MaskMode::Bidirectional;
    } else if (text == "causal") {
        mode = MaskMode::Causal;
    } else {
        return false;
    }
    return true;
}

}  // namespace bertlens
