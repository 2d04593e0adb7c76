#include "PlotRender.h"

#include <qcustomplot.h>
#include <QPicture>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

QFont inPixels(QFont font, double dpi) {
    if (font.pointSizeF() > 0.0) font.setPixelSize(std::max(1, static_cast<int>(std::lround(font.pointSizeF() * dpi / 72.0))));
    return font;
}

}  // namespace

PlotFontsInPixels::PlotFontsInPixels(QCustomPlot& plot, double dpi) {
    // Each setter with its getter: set in pixels now, the old font back later.
    const auto swap = [&](auto* object, auto get, auto set) {
        const QFont old = (object->*get)();
        (object->*set)(inPixels(old, dpi));
        m_restore.push_back([object, set, old] { (object->*set)(old); });
    };
    const auto axisFonts = [&](QCPAxis* axis) {
        swap(axis, &QCPAxis::tickLabelFont, &QCPAxis::setTickLabelFont);
        swap(axis, &QCPAxis::labelFont, &QCPAxis::setLabelFont);
        swap(axis, &QCPAxis::selectedTickLabelFont, &QCPAxis::setSelectedTickLabelFont);
        swap(axis, &QCPAxis::selectedLabelFont, &QCPAxis::setSelectedLabelFont);
    };
    for (QCPLayoutElement* element : plot.plotLayout()->elements(true)) {
        if (!element) continue;
        if (auto* rect = qobject_cast<QCPAxisRect*>(element)) {
            for (QCPAxis* axis : rect->axes()) axisFonts(axis);
        } else if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            swap(text, &QCPTextElement::font, &QCPTextElement::setFont);
            swap(text, &QCPTextElement::selectedFont, &QCPTextElement::setSelectedFont);
        } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            swap(legend, &QCPLegend::font, &QCPLegend::setFont);
            swap(legend, &QCPLegend::selectedFont, &QCPLegend::setSelectedFont);
            for (int i = 0; i < legend->itemCount(); ++i) {
                QCPAbstractLegendItem* item = legend->item(i);
                swap(item, &QCPAbstractLegendItem::font, &QCPAbstractLegendItem::setFont);
                swap(item, &QCPAbstractLegendItem::selectedFont, &QCPAbstractLegendItem::setSelectedFont);
            }
        } else if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
            if (scale->axis()) axisFonts(scale->axis());
        }
    }
    for (int i = 0; i < plot.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot.item(i))) {
            swap(text, &QCPItemText::font, &QCPItemText::setFont);
            swap(text, &QCPItemText::selectedFont, &QCPItemText::setSelectedFont);
        }
    }
}

PlotFontsInPixels::~PlotFontsInPixels() {
    for (auto it = m_restore.rbegin(); it != m_restore.rend(); ++it) (*it)();
}

void renderPlot(QCustomPlot& plot, QPainter& painter, const QRectF& rect) {
    QPicture picture;
    const PlotFontsInPixels pixels(plot, picture.logicalDpiY());
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
