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

class QCustomPlot;
class QPainter;

namespace bertlens::ui {

void renderPlot(QCustomPlot& plot, QPainter& painter, const QRectF& rect);

}  // namespace bertlens::ui
