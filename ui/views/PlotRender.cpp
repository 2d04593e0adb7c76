#include "PlotRender.h"

#include <qcustomplot.h>
#include <QPicture>

#include <cmath>

namespace bertlens::ui {

void renderPlot(QCustomPlot& plot, QPainter& painter, const QRectF& rect) {
    QPicture picture;
    // A QPicture records at the screen's logical DPI and replays scaled by
    // target DPI / recorded DPI (an export paints at 72 units per inch, the
    // screen at 96): lay the plot out at the size that replays as rect.
    const QPaintDevice* target = painter.device();
    const double scale = target && target->logicalDpiX() > 0 && picture.logicalDpiX() > 0
                             ? static_cast<double>(target->logicalDpiX()) / picture.logicalDpiX()
                             : 1.0;
    {
        QCPPainter recorder(&picture);
        recorder.setMode(QCPPainter::pmVectorized);
        recorder.setMode(QCPPainter::pmNoCaching);
        plot.toPainter(&recorder, static_cast<int>(std::lround(rect.width() / scale)),
                       static_cast<int>(std::lround(rect.height() / scale)));
    }
    painter.save();
    painter.drawPicture(rect.topLeft(), picture);
    painter.restore();
}

}  // namespace bertlens::ui
