// Writes any FigureView as a figure file — PNG at a chosen DPI, SVG or PDF
// (both vector where the view draws vectors) — with a caption under it
// (wrapped, up to kMaxCaptionLines lines), and copies a figure to the clipboard.
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
// With options.fit (FigureFit.h) the page is fit.widthCm wide (and
// fit.heightCm tall, or as tall as the view's proportions ask), and the view
// is drawn with its fonts scaled so body text is fit.fontPt points: placed at
// that width, the figure's text is that size. The view's theme is changed
// for the export and set back to options.theme after it, so options.theme
// must be the view's theme.
//
// UI thread only (views are widgets; the clipboard belongs to the UI thread).
#pragma once

#include "FigureFit.h"
#include "FigureView.h"
#include "Theme.h"

#include <QByteArray>
#include <QImage>
#include <QSizeF>
#include <QString>
#include <QStringList>

namespace bertlens::ui {

class FigureExporter {
public:
    enum class Format { Png, Svg, Pdf };

    struct Options {
        Format format = Format::Png;
        double dpi = 150.0;             // PNG only; 36..1200
        QString caption;                // "" for no caption
        Theme theme = Theme::normal();  // caption font and colours, page background
        FigureFit fit;                  // the size the figure is placed at; none: the view's own
    };
    static constexpr int kMaxCaptionLines = 4;  // a longer caption ends in an ellipsis

    // "png" / "svg" / "pdf" (case-insensitive) -> format; false for anything else.
    static bool parseFormat(const QString& text, Format& format);
    static QString suffix(Format format);

    // The caption as it is drawn on a page of that width (points): wrapped
    // at spaces (inside a word only when it alone is too wide), at most
    // kMaxCaptionLines lines, the last elided. Empty when there is no caption.
    static QStringList captionLines(const Options& options, double pageWidth);
    // Height in points of the caption band on a page of that width (0 when
    // there is no caption).
    static double captionHeight(const Options& options, double pageWidth);
    // The page in points: the view's figure plus the caption band.
    static QSizeF pageSize(FigureView& view, const Options& options);
    // The page's size in pixels for a PNG at options.dpi.
    static QSize pixelSize(FigureView& view, const Options& options);
    // How much smaller than asked (options.fit.fontPt) the figure's text
    // comes out: 1 when the view can be laid out at the asked width, less
    // when it is wider than that at its narrowest and is scaled down to fit.
    static double textScale(FigureView& view, const Options& options);
    // Paints the page (figure and caption, page size pageSize()) on any
    // painter whose unit is a point; what every output format draws.
    static void paint(FigureView& view, QPainter& painter, const Options& options);

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
    struct Page {
        QSizeF figure;       // the figure's part of the page, from (0, 0)
        QSizeF layout;       // the size the view lays itself out at: figure / scale
        double scale = 1.0;  // < 1 when the view cannot be as narrow as asked
        QSizeF page;         // figure plus the caption band
        QStringList caption;
    };
    // The view must already wear the fitted theme.
    static Page layoutPage(const FigureView& view, const Options& options);
    static void paintPage(FigureView& view, QPainter& painter, const Options& options);
};

}  // namespace bertlens::ui
