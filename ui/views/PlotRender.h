// Paints a QCustomPlot into any QPainter — the screen, a PNG, an SVG or a
// PDF — as a figure of the given size.
//
// QCustomPlot draws only through its own QCPPainter, which cannot share the
// caller's device; the plot is recorded into a QPicture (vector commands)
// and replayed, so SVG and PDF output stays vector. The plot fills rect in
// the painter's units whatever the device's DPI; its fonts keep their point
// sizes on a 72-units-per-inch export page. UI thread only.
#pragma once

#include <QRectF>

#include <functional>
#include <vector>

class QCustomPlot;
class QPainter;

namespace bertlens::ui {

void renderPlot(QCustomPlot& plot, QPainter& painter, const QRectF& rect);

// While it lives, every font of the plot (axes, titles, legends, colour
// scales, text items) is set in pixels of a device of `dpi`, the size it
// has in points there; the destructor puts the point sizes back.
//
// Why: a QPicture replayed on a device of another DPI scales its drawing by
// the ratio but sets point-sized fonts again on the new device, so their
// text came out that ratio too small (an export at 72 units per inch from
// a 96 DPI picture: 8 pt text drawn at 6 pt). Pixel-sized fonts scale with
// the drawing. The pixel size is whole, so a size is kept to half a pixel.
class PlotFontsInPixels {
public:
    PlotFontsInPixels(QCustomPlot& plot, double dpi);
    ~PlotFontsInPixels();
    PlotFontsInPixels(const PlotFontsInPixels&) = delete;
    PlotFontsInPixels& operator=(const PlotFontsInPixels&) = delete;

private:
    std::vector<std::function<void()>> m_restore;
};

}  // namespace bertlens::ui
