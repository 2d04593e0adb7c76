// The head the window opens on when nothing chose one: no --layer or --head
// on the command line and no remembered settings (app/window/main.cpp).
//
// A model card (README.md in the model folder) may name it on a line such as
//   Start head: L3 H1
// (layer and head from 0; the first such line counts; one outside the model
// is ignored). Without one, the clearest head of the first sentence's head
// summary: among the heads that give less than half of their attention to
// [CLS], [SEP] and the token itself together (those draw a column or a
// diagonal that says little), the one with the lowest mean entropy, ties to
// the lower layer and head; when every head leans that way, the lowest
// entropy of all.
//
// Pure functions; any thread.
#pragma once

#include "analysis/HeadSummary.h"

#include <QString>

#include <vector>

namespace bertlens::ui {

struct StartHead {
    int layer = -1;
    int head = -1;
    QString why;  // for the status bar: "the model card names it", ...
    bool valid() const { return layer >= 0 && head >= 0; }
};

StartHead startHeadFromCard(const QString& modelFolder, int layers, int heads);
StartHead clearestHead(const std::vector<HeadStatistics>& statistics, int layers, int heads);

}  // namespace bertlens::ui
