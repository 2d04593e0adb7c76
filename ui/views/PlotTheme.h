// The theme's look for a QCustomPlot axis: foreground pens and labels, the
// theme's fonts (axis title 10 pt, ticks 9.5 pt before its scale) and a
// dotted grid. Shared by the plots whose axes look alike (loss curves).
// UI thread only.
#pragma once

#include "Theme.h"

class QCPAxis;

namespace bertlens::ui {

void applyAxisTheme(QCPAxis& axis, const Theme& theme);

}  // namespace bertlens::ui
