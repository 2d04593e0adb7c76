#include "FigureExporter.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QMimeData>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

#include <QSvgGenerator>
#include <cerrno>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {

constexpr double kPointsPerInch = 72.0;
constexpr double kCaptionPoints = 9.0;  // before the theme's font scale
constexpr double kMinDpi = 36.0;
constexpr double kMaxDpi = 1200.0;

double clampedDpi(double dpi) {
    return std::isfinite(dpi) ? std::clamp(dpi, kMinDpi, kMaxDpi) : 150.0;
}

int dotsPerMeter(double dpi) {
    return static_cast<int>(std::lround(dpi / 0.0254));
}

}  // namespace

bool FigureExporter::parseFormat(const QString& text, Format& format) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("png")) {
        format = Format::Png;
    } else if (t == QLatin1String("svg")) {
        format = Format::Svg;
    } else if (t == QLatin1String("pdf")) {
        format = Format::Pdf;
    } else {
        return false;
    }
    return true;
}

QString FigureExporter::suffix(Format format) {
    switch (format) {
        case Format::Png:
            return QStringLiteral("png");
        case Format::Svg:
            return QStringLiteral("svg");
        case Format::Pdf:
            return QStringLiteral("pdf");
    }
    return QString();
}

double FigureExporter::captionHeight(const Options& options) {
    if (options.caption.isEmpty()) return 0.0;
    // A line of text plus half a line of air above and below; in points, as
    // the font's point size is.
    return std::ceil(2.0 * kCaptionPoints * options.theme.fontScale);
}

QSizeF FigureExporter::pageSize(const FigureView& view, const Options& options) {
    const QSizeF figure = view.figureSize();
    return QSizeF(figure.width(), figure.height() + captionHeight(options));
}

QSize FigureExporter::pixelSize(const FigureView& view, const Options& options) {
    const QSizeF page = pageSize(view, options);
    const double scale = clampedDpi(options.dpi) / kPointsPerInch;
    return QSize(static_cast<int>(std::lround(page.width() * scale)),
                 static_cast<int>(std::lround(page.height() * scale)));
}

void FigureExporter::paintPage(FigureView& view, QPainter& painter, const Options& options) {
    const QSizeF figure = view.figureSize();
    const QSizeF page = pageSize(view, options);
    painter.fillRect(QRectF(QPointF(0, 0), page), options.theme.background);
    painter.save();
    painter.setClipRect(QRectF(QPointF(0, 0), figure));
    view.paintFigure(painter, QRectF(QPointF(0, 0), figure));
    painter.restore();
    if (options.caption.isEmpty()) return;

    const QFont font = options.theme.font(kCaptionPoints);
    painter.setFont(font);
    painter.setPen(options.theme.foreground);
    const double margin = 0.5 * kCaptionPoints * options.theme.fontScale;
    const QRectF band(margin, figure.height(), std::max(0.0, page.width() - 2 * margin), captionHeight(options));
    // Metrics of the painter's device, so the elision matches what is drawn.
    const QFontMetricsF metrics(painter.font(), painter.device());
    const QString text = metrics.elidedText(options.caption, Qt::ElideRight, band.width());
    painter.drawText(band, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, text);
}

QImage FigureExporter::renderImage(FigureView& view, const Options& options) {
    const double dpi = clampedDpi(options.dpi);
    QImage image(pixelSize(view, options), QImage::Format_ARGB32_Premultiplied);
    // Paint at 72 "dpi" so that a point is one unit, scaled up to the real
    // resolution; then record the real resolution in the file.
    image.setDotsPerMeterX(dotsPerMeter(kPointsPerInch));
    image.setDotsPerMeterY(dotsPerMeter(kPointsPerInch));
    image.fill(options.theme.background);
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        painter.scale(dpi / kPointsPerInch, dpi / kPointsPerInch);
        paintPage(view, painter, options);
    }
    image.setDotsPerMeterX(dotsPerMeter(dpi));
    image.setDotsPerMeterY(dotsPerMeter(dpi));
    return image;
}

QByteArray FigureExporter::renderSvg(FigureView& view, const Options& options) {
    const QSizeF page = pageSize(view, options);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setResolution(static_cast<int>(kPointsPerInch));
    svg.setSize(QSize(static_cast<int>(std::ceil(page.width())), static_cast<int>(std::ceil(page.height()))));
    svg.setViewBox(QRectF(QPointF(0, 0), page));
    svg.setTitle(view.figureName());
    svg.setDescription(options.caption);
    {
        QPainter painter(&svg);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        paintPage(view, painter, options);
    }
    return bytes;
}

QByteArray FigureExporter::renderPdf(FigureView& view, const Options& options) {
    const QSizeF page = pageSize(view, options);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter pdf(&buffer);
        pdf.setResolution(static_cast<int>(kPointsPerInch));
        // ExactMatch: a fuzzy match would snap a figure close to A4 onto A4.
        pdf.setPageSize(QPageSize(page, QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(options.caption.isEmpty() ? view.figureName() : options.caption);
        pdf.setCreator(QStringLiteral("BertLens"));
        QPainter painter(&pdf);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        paintPage(view, painter, options);
    }
    return bytes;
}

QString FigureExporter::write(FigureView& view, const QString& path, const Options& options) {
    const QFileInfo info(path);
    if (!info.absoluteDir().exists()) {
        return QObject::tr("The folder %1 does not exist: choose an existing folder to export into.")
            .arg(info.absolutePath());
    }
    // QSaveFile renames a temporary file over the target: over a device such
    // as /dev/full (writable by root) that would replace the device itself.
    if (info.exists() && !info.isFile() && !info.isDir()) {
        return QObject::tr("%1 is a device or a pipe, not a file; choose a file name to export to.")
            .arg(QDir::toNativeSeparators(info.absoluteFilePath()));
    }
    QByteArray bytes;
    switch (options.format) {
        case Format::Png: {
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            if (!renderImage(view, options).save(&buffer, "PNG"))
                return QObject::tr("The figure could not be encoded as PNG.");
            break;
        }
        case Format::Svg:
            bytes = renderSvg(view, options);
            break;
        case Format::Pdf:
            bytes = renderPdf(view, options);
            break;
    }
    // Written to a temporary file and renamed: a failed export never leaves
    // a half-written figure in place of a good one.
    QSaveFile file(path);
    errno = 0;
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        // QSaveFile reports a failed final flush as "Unknown error"; errno
        // still holds the reason ("File too large", "No space left on device").
        const QString why = errno != 0 ? qt_error_string(errno) : file.errorString();
        return QObject::tr(
                   "Could not write %1: %2. Check that the folder is writable and the disk is not full; nothing was "
                   "written.")
            .arg(QDir::toNativeSeparators(info.absoluteFilePath()), why);
    }
    return QString();
}

void FigureExporter::copyToClipboard(FigureView& view, const Options& options) {
    auto* mime = new QMimeData;
    mime->setImageData(renderImage(view, options));
    mime->setData(QStringLiteral("image/svg+xml"), renderSvg(view, options));
    QApplication::clipboard()->setMimeData(mime);  // takes ownership
}

}  // namespace bertlens::ui
