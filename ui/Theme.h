// How figures look: colour map, fonts, colours. The normal theme suits a
// desktop screen; the presentation theme (presentation mode) is for a
// classroom projector: larger fonts, thicker lines, high contrast. Both
// colour maps offered are perceptually uniform and colour-blind safe.
//
// A plain value; views receive it through FigureView::setTheme().
#pragma once

#include <QColor>
#include <QFont>

namespace bertlens::ui {

enum class ColorMap {
    Viridis,    // default: dark purple (0) -> yellow (1)
    Cividis,    // blue -> yellow, safe for every colour-vision deficiency
    Grayscale,  // white (0) -> black (1), for print
};

struct Theme {
    ColorMap colorMap = ColorMap::Viridis;
    double fontScale = 1.0;  // presentation mode: larger
    bool highContrast = false;
    QColor background = Qt::white;
    QColor foreground = Qt::black;
    QColor accent{0xd9, 0x5f, 0x02};   // outlines of the chosen head / token, colour-blind-safe orange
    QColor negative{0x21, 0x66, 0xac};  // difference maps: blue below zero
    QColor positive{0xb2, 0x18, 0x2b};  // red above zero

    QFont font(double pointSize = 10.0, bool bold = false) const;
    // value in [0, 1] -> colour of the chosen colour map
    QColor color(double value) const;

    static Theme normal();
    static Theme presentation();
};

}  // namespace bertlens::ui
