// A paint device that draws nothing and remembers every piece of text
// painted on it: the text, the rectangle its glyphs take (device pixels,
// rotated text as a polygon) and whether a clip cut part of it off. Layout
// tests paint a view or a figure on it and check that no label is cut and
// no two labels overlap, without any help from the view: whatever a view
// draws with QPainter (its own code, QCustomPlot's vector path, QStyle for
// child widgets) passes through drawTextItem here.
//
// Widgets whose text reaches the screen only as a cached pixmap are the
// exception: QCustomPlot's on-screen buffer is one, so captureWidget() paints
// each QCustomPlot child again through its vector path.
//
// Test code only; UI thread only.
#pragma once

#include <QPaintDevice>
#include <QPolygonF>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class QWidget;

namespace bertlens::test {

struct CapturedText {
    QString text;
    QPolygonF shape;       // the glyph box, mapped to device pixels
    QRectF bounds;         // shape's bounding rectangle
    bool clipped = false;  // a clip region cut part of the box away
    double size = 0.0;     // the font's size as drawn, in device pixels (rotation and scale included)
};

class TextCapture : public QPaintDevice {
public:
    // dpi: 96 as the offscreen screen; 72 to capture an export page, whose unit is a point.
    explicit TextCapture(const QSize& size, int dpi = 96);
    ~TextCapture() override;

    QPaintEngine* paintEngine() const override;
    const std::vector<CapturedText>& texts() const;
    // Texts painted wholly outside the clip (left out of texts()): in an
    // export, something the page had no room for.
    QStringList cutAway() const;
    void add(const CapturedText& text);
    void clear();

protected:
    int metric(PaintDeviceMetric metric) const override;

private:
    QSize m_size;
    int m_dpi;
    std::unique_ptr<QPaintEngine> m_engine;
};

// Paints widget (and its children) on capture as the screen would show it,
// QCustomPlot children through their vector path. A plot inside a scroll
// area counts only the texts wholly inside the area's viewport: the rest
// are scrolled away, not cut (the user scrolls to them).
void captureWidget(QWidget& widget, TextCapture& capture);

// Problems with the texts: ones cut by a clip or reaching outside bounds,
// and pairs that overlap by more than a pixel each way. Empty when all is well.
QStringList labelProblems(const std::vector<CapturedText>& texts, const QRectF& bounds);

}  // namespace bertlens::test
