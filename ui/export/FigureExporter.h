// Writes any FigureView as a figure file — PNG at a chosen DPI, SVG or PDF
// (both vector where the view draws vectors) — with a caption line under it,
// and copies a figure to the clipboard.
//
//   FigureExporter::Options o;
//   o.format = FigureExporter::Format::Pdf;
//   o.caption = figureCaption(result.get(), selection, view->figureName());
//   QString error = FigureExporter::write(*view, "/tmp/head.pdf", o);  // "" on success
//
// The page is figureSize() points wide and figureSize().height() plus
// captionHeight() points tall. Painting happens in points: the painter is set
// up so that one unit is one point (1/72 inch) and a font's point size is its
// size on the page, whatever the output. A PNG is that page in pixels at the
// asked DPI (width = round(points * dpi / 72)) and records the DPI.
//
// UI thread only (views are widgets; the clipboard belongs to the UI thread).
#pragma once

#include "FigureView.h"
#include "Theme.h"

#include <QByteArray>
#include <QImage>
#include <QSizeF>
#include <QString>

namespace bertlens::ui {

class FigureExporter {
public:
    enum class Format { Png, Svg, Pdf };

    struct Options {
        Format format = Format::Png;
        double dpi = 150.0;             // PNG only; 36..1200
        QString caption;                // "" for no caption line
        Theme theme = Theme::normal();  // caption font and colours, page background
    };

    // "png" / "svg" / "pdf" (case-insensitive) -> format; false for anything else.
    static bool parseFormat(const QString& text, Format& format);
    static QString suffix(Format format);

    // Height in points of the caption band for this caption and theme (0 when
    // there is no caption).
    static double captionHeight(const Options& options);
    // The page in points: the view's figure plus the caption band.
    static QSizeF pageSize(const FigureView& view, const Options& options);
    // The page's size in pixels for a PNG at options.dpi.
    static QSize pixelSize(const FigureView& view, const Options& options);

    // Writes the file in options.format. Returns "" on success, else a
    // message saying what went wrong and what to do (e.g. an unwritable
    // folder). Nothing is left behind on failure.
    static QString write(FigureView& view, const QString& path, const Options& options);

    // The page as an image at options.dpi (what a PNG holds).
    static QImage renderImage(FigureView& view, const Options& options);
    // The page as an SVG document.
    static QByteArray renderSvg(FigureView& view, const Options& options);
    // The page as a one-page PDF document.
    static QByteArray renderPdf(FigureView& view, const Options& options);

    // Puts the figure on the clipboard as an image (at options.dpi) and as SVG
    // (image/svg+xml), so slide software can take either.
    static void copyToClipboard(FigureView& view, const Options& options);

private:
    static void paintPage(FigureView& view, QPainter& painter, const Options& options);
};

}  // namespace bertlens::ui
