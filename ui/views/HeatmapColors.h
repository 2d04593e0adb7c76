// Colour helpers shared by every heatmap of BertLens: the theme's colour map
// as a QCustomPlot gradient, the diverging gradient of difference maps, and
// small attention maps as QImages (the model view paints 144 of them; one
// QCustomPlot each would be far too slow).
//
// Pure functions of their arguments; call them from the UI thread (QImage and
// QCPColorGradient are not shared across threads here).
#pragma once

#include "Theme.h"

#include "model/Direction.h"

#include <qcustomplot.h>
#include <QImage>

namespace bertlens::ui {

// The theme's colour map (0 -> 1) as a QCustomPlot gradient.
QCPColorGradient themeGradient(const Theme& theme);
// Difference maps: theme.negative at -1, white at 0, theme.positive at +1.
QCPColorGradient differenceGradient(const Theme& theme);
// The colour a difference map gives to value in [-1, 1].
QColor differenceColor(const Theme& theme, double value);

// A rows x cols image, one pixel per cell, of a row-major matrix; values are
// mapped linearly from [low, high] onto the theme's colour map. Cells that
// hiddenBy's mask hides (left-to-right: columns after the row) are drawn in
// hidden, a colour outside the map, never as a value of 0.
QImage heatmapImage(const float* values, int rows, int cols, const Theme& theme, double low = 0.0, double high = 1.0,
                    MaskMode hiddenBy = MaskMode::Bidirectional, QColor hidden = QColor());

}  // namespace bertlens::ui
