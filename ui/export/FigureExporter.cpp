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

namespace {

// The view wears the fitted theme while it is measured and painted, and its
// own again afterwards (a window's view goes back to the screen's fonts).
class FittedTheme {
public:
    FittedTheme(FigureView& view, const FigureExporter::Options& options)
        : m_view(options.fit.fontPt > 0.0 ? &view : nullptr), m_theme(options.theme) {
        if (m_view) m_view->setTheme(fittedTheme(options.theme, options.fit));
    }
    ~FittedTheme() {
        if (m_view) m_view->setTheme(m_theme);
    }
    FittedTheme(const FittedTheme&) = delete;
    FittedTheme& operator=(const FittedTheme&) = delete;

private:
    FigureView* m_view;
    Theme m_theme;
};

QFont captionFont(const FigureExporter::Options& options) {
    return fittedTheme(options.theme, options.fit).font(kCaptionPoints);
}

double captionScale(const FigureExporter::Options& options) {
    return fittedTheme(options.theme, options.fit).fontScale;
}

}  // namespace

QStringList FigureExporter::captionLines(const Options& options, double pageWidth) {
    if (options.caption.isEmpty()) return {};
    // Measured in points: the metrics are the screen's, scaled by 72 / its DPI.
    const QFontMetricsF metrics(captionFont(options));
    const double toPoints = kPointsPerInch / std::max(1.0, metrics.fontDpi());
    // A little slack: the device the caption is drawn on may round glyphs differently.
    const double room = 0.97 * (pageWidth - kCaptionPoints * captionScale(options));
    auto width = [&](const QString& t) { return metrics.horizontalAdvance(t) * toPoints; };
    QStringList lines;
    QString line;
    const QStringList words = options.caption.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int w = 0; w < words.size(); ++w) {
        QString word = words[w];
        const QString joined = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (width(joined) <= room) {
            line = joined;
            continue;
        }
        if (!line.isEmpty()) lines << line;
        line.clear();
        // A word wider than the page (a text with no spaces) is cut where it must be.
        while (width(word) > room && word.size() > 1) {
            int fit = 1;
            while (fit < word.size() && width(word.left(fit + 1)) <= room) ++fit;
            lines << word.left(fit);
            word = word.mid(fit);
        }
        line = word;
    }
    if (!line.isEmpty()) lines << line;
    if (lines.size() > kMaxCaptionLines) {
        QString last = lines.mid(kMaxCaptionLines - 1).join(QLatin1Char(' '));
        lines = lines.mid(0, kMaxCaptionLines - 1);
        lines << metrics.elidedText(last, Qt::ElideRight, room / toPoints);
    }
    return lines;
}

double FigureExporter::captionHeight(const Options& options, double pageWidth) {
    const int lines = static_cast<int>(captionLines(options, pageWidth).size());
    if (lines == 0) return 0.0;
    // Each line 1.25 font sizes, plus half a line of air above and below.
    return std::ceil((1.25 * lines + 1.0) * kCaptionPoints * captionScale(options));
}

FigureExporter::Page FigureExporter::layoutPage(const FigureView& view, const Options& options) {
    Page p;
    const QSizeF natural = view.figureSize();
    if (options.fit.widthCm > 0.0) {
        const double width = options.fit.widthCm * kPointsPerCm;
        p.caption = captionLines(options, width);
        const double caption = captionHeight(options, width);
        // A view that cannot be this narrow is laid out at its narrowest and scaled down.
        const double layoutWidth = std::max(width, view.minimumFigureWidth());
        p.scale = width / layoutWidth;
        const double height = options.fit.heightCm > 0.0 ? (options.fit.heightCm * kPointsPerCm - caption) / p.scale
                                                         : view.figureHeightForWidth(layoutWidth);
        p.layout = QSizeF(layoutWidth, std::max(height, 2.0 * kCaptionPoints));
        p.figure = p.layout * p.scale;
        p.page = QSizeF(width, p.figure.height() + caption);
    } else {
        p.figure = p.layout = natural;
        p.caption = captionLines(options, natural.width());
        p.page = QSizeF(natural.width(), natural.height() + captionHeight(options, natural.width()));
    }
    return p;
}

QSizeF FigureExporter::pageSize(FigureView& view, const Options& options) {
    const FittedTheme fitted(view, options);
    return layoutPage(view, options).page;
}

QSize FigureExporter::pixelSize(FigureView& view, const Options& options) {
    const QSizeF page = pageSize(view, options);
    const double scale = clampedDpi(options.dpi) / kPointsPerInch;
    return QSize(static_cast<int>(std::lround(page.width() * scale)),
                 static_cast<int>(std::lround(page.height() * scale)));
}

double FigureExporter::textScale(FigureView& view, const Options& options) {
    const FittedTheme fitted(view, options);
    return layoutPage(view, options).scale;
}

void FigureExporter::paint(FigureView& view, QPainter& painter, const Options& options) {
    const FittedTheme fitted(view, options);
    paintPage(view, painter, options);
}

void FigureExporter::paintPage(FigureView& view, QPainter& painter, const Options& options) {
    const Page p = layoutPage(view, options);
    painter.fillRect(QRectF(QPointF(0, 0), p.page), options.theme.background);
    painter.save();
    painter.setClipRect(QRectF(QPointF(0, 0), p.figure));
    painter.scale(p.scale, p.scale);
    view.paintFigure(painter, QRectF(QPointF(0, 0), p.layout));
    painter.restore();
    if (p.caption.isEmpty()) return;

    const double scale = captionScale(options);
    painter.setFont(captionFont(options));
    painter.setPen(options.theme.foreground);
    const double margin = 0.5 * kCaptionPoints * scale;
    const double line = 1.25 * kCaptionPoints * scale;
    for (int i = 0; i < p.caption.size(); ++i) {
        const QRectF band(margin, p.figure.height() + margin + i * line, std::max(0.0, p.page.width() - margin), line);
        painter.drawText(band, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, p.caption[i]);
    }
}

QImage FigureExporter::renderImage(FigureView& view, const Options& options) {
    const FittedTheme fitted(view, options);
    const double dpi = clampedDpi(options.dpi);
    const QSizeF page = layoutPage(view, options).page;
    QImage image(QSize(static_cast<int>(std::lround(page.width() * dpi / kPointsPerInch)),
                       static_cast<int>(std::lround(page.height() * dpi / kPointsPerInch))),
                 QImage::Format_ARGB32_Premultiplied);
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
    const FittedTheme fitted(view, options);
    const QSizeF page = layoutPage(view, options).page;
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
    const FittedTheme fitted(view, options);
    const QSizeF page = layoutPage(view, options).page;
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
