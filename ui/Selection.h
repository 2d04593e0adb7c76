// What the user is looking at: which layer and head, and under which mask.
// A plain value passed from the window's controls to every view.
#pragma once

#include "model/Analysis.h"

namespace bertlens::ui {

struct Selection {
    int layer = 0;
    int head = 0;
    bool averageHeads = false;  // "all heads, averaged": the mean of the layer's head maps
    MaskMode maskMode = MaskMode::Bidirectional;

    bool operator==(const Selection& o) const {
        return layer == o.layer && head == o.head && averageHeads == o.averageHeads && maskMode == o.maskMode;
    }
    bool operator!=(const Selection& o) const { return !(*this == o); }
};

}  // namespace bertlens::ui
