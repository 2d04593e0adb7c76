// How a window view or caption names the prediction a saliency or head
// importance explains: "“barked” at [MASK] (token 3)". Pure functions.
#pragma once

#include "analysis/Saliency.h"
#include "model/Analysis.h"

#include <QString>

namespace bertlens::ui {

// The explained word and where it is predicted.
QString saliencyTargetText(const Analysis& analysis, const Saliency& saliency);
// "“barked” at [MASK] (token 3)": a prediction's top word, the token it
// stands at and its position (the saliency chooser's entries).
QString predictionText(const Analysis& analysis, const Prediction& prediction);
// The word a prediction's top guess is, or "" for none.
QString topWord(const Prediction& prediction);

}  // namespace bertlens::ui
