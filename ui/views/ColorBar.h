// A vertical colour bar painted with QPainter, for figures drawn without
// QCustomPlot (the model view's grid of maps): the theme's colour map from
// low (bottom) to high (top), ticks with values, and, when a mask hides
// cells, a swatch of the hidden colour labelled "hidden" under it, so a
// reader of the figure can tell a hidden cell from a weight of 0.
//
// Pure painting; UI thread (QPainter on widgets) or any thread on images.
#pragma once

#include "Theme.h"

#include <QColor>
#include <QFontMetricsF>
#include <QRectF>

class QPainter;

namespace bertlens::ui {

struct ColorBarStyle {
    double low = 0.0;
    double high = 1.0;
    bool showHidden = false;  // add the hidden-cell swatch
    QColor hidden;
};

// The width the bar, its ticks and labels take beside a figure, in the
// painter's units, for labels drawn with these metrics.
double colorBarWidth(const QFontMetricsF& labels);
// Paints the bar in the column area (its full height: the bar spans it, the
// swatch goes at its foot), with labels in font.
void paintColorBar(QPainter& painter, const QRectF& area, const Theme& theme, const QFont& font,
                   const ColorBarStyle& style);

}  // namespace bertlens::ui
