#include "TextCapture.h"

#include <QScrollArea>

#include <qcustomplot.h>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>
#include <QTextItem>
#include <QWidget>

#include <cmath>

namespace bertlens::test {

namespace {

// Keeps text and drops every other drawing: a layout test needs only where
// text went, and drawing nothing keeps a 120-token view cheap to capture.
class CaptureEngine : public QPaintEngine {
public:
    CaptureEngine() : QPaintEngine(QPaintEngine::AllFeatures) {}

    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState&) override {}
    Type type() const override { return QPaintEngine::User; }
    void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
    void drawImage(const QRectF&, const QImage&, const QRectF&, Qt::ImageConversionFlags) override {}
    void drawPath(const QPainterPath&) override {}
    void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
    void drawPolygon(const QPoint*, int, PolygonDrawMode) override {}
    void drawLines(const QLineF*, int) override {}
    void drawLines(const QLine*, int) override {}
    void drawRects(const QRectF*, int) override {}
    void drawRects(const QRect*, int) override {}
    void drawEllipse(const QRectF&) override {}
    void drawPoints(const QPointF*, int) override {}

    void drawTextItem(const QPointF& p, const QTextItem& item) override {
        const QString text = item.text();
        if (text.trimmed().isEmpty()) return;
        // The full matrix: a child widget's offset is a redirection, which
        // combinedTransform() leaves out.
        const QTransform t = state->transform();
        const QRectF box(p.x(), p.y() - item.ascent(), item.width(), item.ascent() + item.descent());
        CapturedText c;
        c.text = text;
        c.shape = t.map(QPolygonF(box));
        c.bounds = c.shape.boundingRect();
        // The font was resolved for this device: a point size is dpi / 72 pixels a point.
        const QFont font = item.font();
        const double pixels = font.pixelSize() > 0 ? font.pixelSize()
                                                   : font.pointSizeF() * painter()->device()->logicalDpiY() / 72.0;
        c.size = pixels * std::sqrt(std::abs(t.determinant()));
        // What may show: the painter's clip (kept in logical units) and the
        // system clip a widget's render sets for each child (device units).
        QPainterPath visible;
        visible.addRect(QRectF(-1e7, -1e7, 2e7, 2e7));
        if (painter()->hasClipping()) visible = visible.intersected(t.map(painter()->clipPath()));
        const QRegion system = systemClip();
        if (!system.isEmpty()) {
            QPainterPath s;
            s.addRegion(system);
            visible = visible.intersected(s);
        }
        QPainterPath shape;
        shape.addPolygon(c.shape);
        const QRectF shown = visible.intersected(shape).boundingRect();
        if (shown.isEmpty()) {  // scrolled or clipped away entirely: not drawn
            cutAway.push_back(text);
            return;
        }
        c.clipped = shown.width() < c.bounds.width() - 1.5 || shown.height() < c.bounds.height() - 1.5;
        texts.push_back(c);
    }

    std::vector<CapturedText> texts;
    QStringList cutAway;
};

double polygonArea(const QPolygonF& p) {
    double a = 0.0;
    for (int i = 0; i + 1 < p.size(); ++i) a += p[i].x() * p[i + 1].y() - p[i + 1].x() * p[i].y();
    return std::abs(a) / 2.0;
}

bool overlap(const CapturedText& a, const CapturedText& b) {
    const QRectF i = a.bounds.intersected(b.bounds);
    if (i.width() <= 1.0 || i.height() <= 1.0) return false;
    // Upright boxes: their bounds are the boxes themselves.
    if (a.shape.boundingRect() == a.bounds && polygonArea(a.shape) >= a.bounds.width() * a.bounds.height() - 0.5 &&
        polygonArea(b.shape) >= b.bounds.width() * b.bounds.height() - 0.5)
        return true;
    return polygonArea(a.shape.intersected(b.shape)) > 3.0;
}

QString describe(const CapturedText& t) {
    const QRectF r = t.bounds;
    return QStringLiteral("\"%1\" at (%2,%3 %4x%5)")
        .arg(t.text.left(40))
        .arg(r.x(), 0, 'f', 0)
        .arg(r.y(), 0, 'f', 0)
        .arg(r.width(), 0, 'f', 0)
        .arg(r.height(), 0, 'f', 0);
}

}  // namespace

TextCapture::TextCapture(const QSize& size, int dpi) : m_size(size), m_dpi(dpi), m_engine(std::make_unique<CaptureEngine>()) {}

TextCapture::~TextCapture() = default;

QPaintEngine* TextCapture::paintEngine() const {
    return m_engine.get();
}

const std::vector<CapturedText>& TextCapture::texts() const {
    return static_cast<CaptureEngine*>(m_engine.get())->texts;
}

QStringList TextCapture::cutAway() const {
    return static_cast<CaptureEngine*>(m_engine.get())->cutAway;
}

void TextCapture::add(const CapturedText& text) {
    static_cast<CaptureEngine*>(m_engine.get())->texts.push_back(text);
}

void TextCapture::clear() {
    static_cast<CaptureEngine*>(m_engine.get())->texts.clear();
}

int TextCapture::metric(PaintDeviceMetric metric) const {
    switch (metric) {
        case PdmWidth:
            return m_size.width();
        case PdmHeight:
            return m_size.height();
        case PdmWidthMM:
            return static_cast<int>(std::lround(m_size.width() * 25.4 / m_dpi));
        case PdmHeightMM:
            return static_cast<int>(std::lround(m_size.height() * 25.4 / m_dpi));
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY:
            return m_dpi;  // 96: the screen's logical DPI on the offscreen platform
        case PdmDepth:
            return 32;
        case PdmNumColors:
            return INT_MAX;
        case PdmDevicePixelRatio:
            return 1;
        case PdmDevicePixelRatioScaled:
            return static_cast<int>(devicePixelRatioFScale());
        default:
            return 0;
    }
}

void captureWidget(QWidget& widget, TextCapture& capture) {
    widget.render(&capture, QPoint(), QRegion(), QWidget::DrawChildren);
    // On screen a QCustomPlot shows a pixmap of its last replot; its vector
    // path draws the same layout at the same size.
    for (QCustomPlot* plot : widget.findChildren<QCustomPlot*>()) {
        if (!plot->isVisibleTo(&widget)) continue;
        // Colour maps hold no text and cost most (a pixmap of the plot's size each).
        std::vector<QCPColorMap*> maps;
        for (int i = 0; i < plot->plottableCount(); ++i) {
            auto* map = qobject_cast<QCPColorMap*>(plot->plottable(i));
            if (map && map->visible()) maps.push_back(map);
        }
        for (QCPColorMap* map : maps) map->setVisible(false);
        const QPoint at = plot->mapTo(&widget, QPoint(0, 0));
        QScrollArea* scroll = nullptr;
        for (QWidget* w = plot->parentWidget(); w && w != &widget; w = w->parentWidget()) {
            if (auto* s = qobject_cast<QScrollArea*>(w)) scroll = s;
        }
        if (scroll) {
            // Painted whole on a capture of its own; the viewport decides what shows.
            TextCapture own(plot->size());
            {
                QCPPainter painter(&own);
                painter.setMode(QCPPainter::pmVectorized);
                painter.setMode(QCPPainter::pmNoCaching);
                plot->toPainter(&painter, plot->width(), plot->height());
            }
            const QRectF viewport(scroll->viewport()->mapTo(&widget, QPoint(0, 0)), scroll->viewport()->size());
            for (CapturedText t : own.texts()) {
                t.shape.translate(at);
                t.bounds.translate(at);
                if (viewport.adjusted(-1.5, -1.5, 1.5, 1.5).contains(t.bounds)) capture.add(t);
            }
        } else {
            QCPPainter painter(&capture);
            painter.setClipRect(QRect(at, plot->size()));
            painter.translate(at);
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            plot->toPainter(&painter, plot->width(), plot->height());
        }
        for (QCPColorMap* map : maps) map->setVisible(true);
    }
}

QStringList labelProblems(const std::vector<CapturedText>& texts, const QRectF& bounds) {
    QStringList problems;
    const QRectF inside = bounds.adjusted(-1.5, -1.5, 1.5, 1.5);
    for (const CapturedText& t : texts) {
        if (t.clipped)
            problems << QStringLiteral("cut by a clip: %1").arg(describe(t));
        else if (!inside.contains(t.bounds))
            problems << QStringLiteral("outside the figure: %1").arg(describe(t));
    }
    for (size_t i = 0; i < texts.size(); ++i) {
        for (size_t j = i + 1; j < texts.size(); ++j) {
            if (overlap(texts[i], texts[j]))
                problems << QStringLiteral("overlap: %1 and %2").arg(describe(texts[i]), describe(texts[j]));
        }
    }
    return problems;
}

}  // namespace bertlens::test
