// Where the model the window opens with lives: the bundled bertlens-mini
// (models/bertlens-mini), looked for in share/bertlens beside an installed
// bin/, then in the build and source tree it was built from (io/DataFolder.h); until that model exists, the small
// random-weight test checkpoint, with a note saying its guesses are noise.
//
// Pure functions of the file system; any thread.
#pragma once

#include <QString>

namespace bertlens::ui {

struct BundledModel {
    QString folder;  // empty when nothing was found
    QString note;    // shown in the window when this is not the trained model
};

BundledModel findBundledModel();
// A folder that looks like a checkpoint (config.json and a weights file).
bool looksLikeModelFolder(const QString& folder);

}  // namespace bertlens::ui
