// The attention map a Selection points at: one head's map, or the mean of the
// layer's heads when "all heads, averaged" is on; and the words that name it.
// Shared by the head view, the compare view and export.
//
// Pure functions; any thread.
#pragma once

#include "AnalysisResult.h"
#include "Selection.h"

#include <QString>

namespace bertlens::ui {

// The selection with layer and head clamped into the analysis's range.
Selection clampedSelection(const Analysis& analysis, Selection selection);
// n x n, row = query, column = key. Empty for an analysis with no layers.
RowMatrix selectedAttention(const Analysis& analysis, const Selection& selection);
// The same for norm-weighted attention, [layers][heads][n][n] as in
// FlowMeasures: one head's map or the layer's mean over heads.
RowMatrix selectedNorms(const Analysis& analysis, const Selection& selection, const std::vector<float>& norms);
// "layer 3, head 5" or "layer 3, all heads averaged" (0-based, as the controls).
QString selectionName(const Selection& selection);
// "bidirectional" / "left-to-right"
QString maskModeTitle(MaskMode mode);

}  // namespace bertlens::ui
