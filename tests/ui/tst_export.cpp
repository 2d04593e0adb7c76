// Export: figures decode as PNG / SVG / PDF of the asked size (figure size in
// points x dpi / 72, plus the caption band); SVG and PDF of a custom-painted
// view are vector; captions name model, layer, head, mask and sentence; the
// attention CSV and JSON read back to the engine's exact floats; batch export
// writes the expected files and refuses bad input with a clear message.
#include "tst_views_support.h"

#include "BatchExport.h"
#include "FigureCaption.h"
#include "FigureExporter.h"
#include "HeadChips.h"
#include "LinesView.h"
#include "TensorExport.h"
#include "ViewRegistry.h"

#include <nlohmann/json.hpp>

#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>
#include <QImageReader>
#include <QMimeData>
#include <QPainter>
#include <QProcess>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the cat [MASK] on the mat .";

using test::readAll;

// The page size a PDF declares: its MediaBox, in points.
QSizeF pdfMediaBox(const QByteArray& pdf) {
    const QRegularExpression box(QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]"));
    const auto m = box.match(QString::fromLatin1(pdf));
    return m.hasMatch() ? QSizeF(m.captured(1).toDouble(), m.captured(2).toDouble()) : QSizeF();
}

// RFC 4180 records (fields may be quoted, with "" for a quote).
QList<QStringList> parseCsv(const QString& text) {
    QList<QStringList> rows{{}};
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.last() << field;
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.last() << field;
            field.clear();
            rows.append(QStringList());
            ++i;
        } else {
            field += c;
        }
    }
    if (rows.last().isEmpty()) rows.removeLast();
    return rows;
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model = test::fixture();
    AnalysisResultPtr m_result = test::makeResult(m_model, kSentence);
    QTemporaryDir m_dir;

    std::unique_ptr<FigureView> view(const QString& name, const Selection& s = test::selection(1, 3)) {
        std::unique_ptr<FigureView> v(createView(name));
        v->setSelection(s);
        v->setResult(m_result);
        return v;
    }
    FigureExporter::Options options(FigureExporter::Format format, double dpi = 150) {
        FigureExporter::Options o;
        o.format = format;
        o.dpi = dpi;
        o.caption = figureCaption(m_result.get(), test::selection(1, 3), QStringLiteral("lines"));
        return o;
    }

private slots:
    void pngHasTheAskedPixelSizeAndResolution() {
        for (const QString& name : {QStringLiteral("lines"), QStringLiteral("head"), QStringLiteral("embeddings")}) {
            auto v = view(name);
            for (double dpi : {72.0, 150.0, 300.0}) {
                auto o = options(FigureExporter::Format::Png, dpi);
                const QString path = m_dir.filePath(QStringLiteral("%1-%2.png").arg(name).arg(dpi));
                QCOMPARE(FigureExporter::write(*v, path, o), QString());
                QImageReader reader(path);
                QCOMPARE(reader.format(), QByteArray("png"));
                const QSizeF figure = v->figureSize();
                const double caption = FigureExporter::captionHeight(o, figure.width());
                QVERIFY(caption >= 9 && caption <= 30);
                const QSize expected(qRound(figure.width() * dpi / 72), qRound((figure.height() + caption) * dpi / 72));
                QCOMPARE(reader.size(), expected);
                const QImage image = reader.read();
                QVERIFY(!image.isNull());
                QVERIFY(std::abs(image.dotsPerMeterX() * 0.0254 - dpi) < 0.5);
            }
        }
        // Without a caption the page is the figure alone.
        auto v = view(QStringLiteral("lines"));
        auto o = options(FigureExporter::Format::Png, 144);
        o.caption.clear();
        const QImage image = FigureExporter::renderImage(*v, o);
        QCOMPARE(image.size(), QSize(qRound(v->figureSize().width() * 2), qRound(v->figureSize().height() * 2)));
    }

    void pngHoldsTheFigureAndTheCaption() {
        auto v = view(QStringLiteral("lines"));
        auto o = options(FigureExporter::Format::Png, 144);
        const QImage image = FigureExporter::renderImage(*v, o);
        // The caption band (the bottom captionHeight points) has dark text in it.
        const int bandTop = qRound(v->figureSize().height() * 2);
        int dark = 0;
        for (int y = bandTop; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) dark += qGray(image.pixel(x, y)) < 100;
        QVERIFY2(dark > 100, "the caption line is missing");
        // And the figure has coloured lines (the head colour, blue).
        int blue = 0;
        for (int y = 0; y < bandTop; y += 2)
            for (int x = 0; x < image.width(); x += 2) {
                const QColor c = image.pixelColor(x, y);
                blue += c.blue() > c.red() + 40 && c.blue() > c.green();
            }
        QVERIFY(blue > 100);
    }

    void svgIsVectorAndOfTheAskedSize() {
        auto v = view(QStringLiteral("lines"));
        auto o = options(FigureExporter::Format::Svg);
        const QString path = m_dir.filePath(QStringLiteral("lines.svg"));
        QCOMPARE(FigureExporter::write(*v, path, o), QString());
        QSvgRenderer svg(path);
        QVERIFY(svg.isValid());
        const QSizeF page = FigureExporter::pageSize(*v, o);
        QCOMPARE(svg.viewBoxF().size(), page);
        const QByteArray bytes = readAll(path);
        QVERIFY(!bytes.contains("<image"));  // lines and text, no bitmap
        QVERIFY(bytes.contains("<text") || bytes.contains("<path"));
        // The SVG renders to the figure: something dark on the page.
        QImage image(page.toSize(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter p(&image);
        svg.render(&p);
        p.end();
        int dark = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) dark += qGray(image.pixel(x, y)) < 128;
        QVERIFY(dark > 200);
    }

    void pdfDeclaresTheFigurePageSize() {
        for (const QString& name :
             {QStringLiteral("lines"), QStringLiteral("predictions"), QStringLiteral("compare")}) {
            auto v = view(name);
            auto o = options(FigureExporter::Format::Pdf);
            const QString path = m_dir.filePath(name + QStringLiteral(".pdf"));
            QCOMPARE(FigureExporter::write(*v, path, o), QString());
            const QByteArray bytes = readAll(path);
            QVERIFY(bytes.startsWith("%PDF-"));
            QVERIFY(bytes.trimmed().endsWith("%%EOF"));
            const QSizeF box = pdfMediaBox(bytes);
            const QSizeF page = FigureExporter::pageSize(*v, o);
            QVERIFY2(std::abs(box.width() - page.width()) < 1.0 && std::abs(box.height() - page.height()) < 1.0,
                     qPrintable(QStringLiteral("%1: MediaBox %2 x %3, page %4 x %5")
                                    .arg(name)
                                    .arg(box.width())
                                    .arg(box.height())
                                    .arg(page.width())
                                    .arg(page.height())));
            QCOMPARE(bytes.count("/Type /Page\n") + bytes.count("/Type /Page "), qsizetype(1));
            if (name == QLatin1String("lines")) QVERIFY(!bytes.contains("/Subtype /Image"));  // vector only
        }
    }

    void captionNamesWhatTheFigureShows() {
        const QString c = figureCaption(m_result.get(), test::selection(1, 3), QStringLiteral("head"));
        for (const char* part : {"h12-f32", "layer 1", "head 3", "bidirectional", "the cat [MASK] on the mat ."})
            QVERIFY2(c.contains(QLatin1String(part)), qPrintable(c));
        QVERIFY(figureCaption(m_result.get(), test::selection(0, 0, true, MaskMode::Causal), QStringLiteral("lines"))
                    .contains(QStringLiteral("all heads")));
        QVERIFY(figureCaption(m_result.get(), test::selection(0, 0, false, MaskMode::Causal), QStringLiteral("lines"))
                    .contains(QStringLiteral("left-to-right")));
        QVERIFY(figureCaption(m_result.get(), test::selection(0, 0), QStringLiteral("compare"))
                    .contains(QStringLiteral("bidirectional vs left-to-right")));
        QVERIFY(!figureCaption(m_result.get(), test::selection(0, 5), QStringLiteral("predictions"))
                     .contains(QStringLiteral("head")));
        // A word masked by a click reads as [MASK] in the caption's sentence.
        const auto masked = test::makeResult(m_model, "the cat sat on the mat .", {3});
        const QString m = figureCaption(masked.get(), test::selection(0, 0), QStringLiteral("predictions"));
        QVERIFY2(m.contains(QStringLiteral("the cat [MASK] on the mat .")), qPrintable(m));
        QCOMPARE(figureCaption(nullptr, test::selection(0, 0), QStringLiteral("head")), QString());
    }

    void longCaptionsWrapToAtMostFourLines() {
        auto v = view(QStringLiteral("lines"));
        auto o = options(FigureExporter::Format::Png, 72);
        const QSize normal = FigureExporter::renderImage(*v, o).size();
        const double page = FigureExporter::pageSize(*v, o).width();
        QCOMPARE(FigureExporter::captionLines(o, page).size(), qsizetype(1));
        o.caption = QString(3000, QLatin1Char('w'));
        const QStringList lines = FigureExporter::captionLines(o, page);
        QCOMPARE(lines.size(), qsizetype(FigureExporter::kMaxCaptionLines));
        QVERIFY(lines.last().endsWith(QChar(0x2026)));  // the rest is elided, not grown without end
        const QSize wrapped = FigureExporter::renderImage(*v, o).size();
        QCOMPARE(wrapped.width(), normal.width());
        QVERIFY(wrapped.height() > normal.height());
    }

    void writeFailsCleanlyWhereItCannotWrite() {
        auto v = view(QStringLiteral("lines"));
        const QString missing = FigureExporter::write(*v, m_dir.filePath(QStringLiteral("no/such/dir/x.png")),
                                                      options(FigureExporter::Format::Png));
        QVERIFY2(missing.contains(QStringLiteral("does not exist")), qPrintable(missing));
        // A folder where the file should go: the rename cannot replace it.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("taken.png")));
        const QString taken = FigureExporter::write(*v, m_dir.filePath(QStringLiteral("taken.png")),
                                                    options(FigureExporter::Format::Png));
        QVERIFY2(taken.contains(QStringLiteral("Could not write")), qPrintable(taken));
    }

    void clipboardGetsAnImageAndSvg() {
        auto v = view(QStringLiteral("lines"));
        FigureExporter::copyToClipboard(*v, options(FigureExporter::Format::Png, 96));
        const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
        if (!mime || !mime->hasImage()) QSKIP("this platform has no clipboard");
        QVERIFY(mime->hasFormat(QStringLiteral("image/svg+xml")));
        QSvgRenderer svg(mime->data(QStringLiteral("image/svg+xml")));
        QVERIFY(svg.isValid());
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        QCOMPARE(image.size(), FigureExporter::pixelSize(*v, options(FigureExporter::Format::Png, 96)));
    }

    void tensorCsvHoldsTheEngineNumbers() {
        const QString path = m_dir.filePath(QStringLiteral("att.csv"));
        TensorExportOptions o;
        o.format = TensorFormat::Csv;
        o.scope = TensorScope::Layer;
        o.bothMasks = true;
        QCOMPARE(writeAttentionTensor(*m_result, test::selection(1, 3), path, o), QString());
        const auto rows = parseCsv(QString::fromUtf8(readAll(path)));
        const Analysis& bi = m_result->bidirectional;
        const int n = bi.tokenCount;
        QCOMPARE(rows.size(), 1 + 2 * bi.heads * n);
        for (int k = 0; k < n; ++k) QCOMPARE(rows[0][5 + k], QString::fromStdString(bi.tokens[k].text));
        int r = 1;
        for (const Analysis* a : {&m_result->bidirectional, &m_result->causal}) {
            for (int h = 0; h < a->heads; ++h) {
                for (int q = 0; q < n; ++q, ++r) {
                    QCOMPARE(rows[r][0], QString::fromLatin1(maskModeName(a->maskMode)));
                    QCOMPARE(rows[r][1], QStringLiteral("1"));
                    QCOMPARE(rows[r][2], QString::number(h));
                    for (int k = 0; k < n; ++k) {
                        bool ok = false;
                        const float v = rows[r][5 + k].toFloat(&ok);
                        QVERIFY(ok);
                        QCOMPARE(v, a->attention(1, h)(q, k));  // exact: shortest round-trip text
                    }
                }
            }
        }
    }

    void tensorJsonHoldsTheEngineNumbers() {
        const QString path = m_dir.filePath(QStringLiteral("att.json"));
        TensorExportOptions o;
        o.format = TensorFormat::Json;
        QCOMPARE(writeAttentionTensor(*m_result, test::selection(0, 9, false, MaskMode::Causal), path, o), QString());
        const auto j = nlohmann::json::parse(readAll(path).toStdString());
        const Analysis& a = m_result->causal;
        QCOMPARE(QString::fromStdString(j["mask_mode"].get<std::string>()), QStringLiteral("causal"));
        QCOMPARE(j["layer"].get<int>(), 0);
        QCOMPARE(j["head"].get<int>(), 9);
        QCOMPARE(static_cast<int>(j["tokens"].size()), a.tokenCount);
        for (int q = 0; q < a.tokenCount; ++q)
            for (int k = 0; k < a.tokenCount; ++k) QCOMPARE(j["attention"][q][k].get<float>(), a.attention(0, 9)(q, k));
        // The mean of the heads when "all heads, averaged" is on.
        QCOMPARE(writeAttentionTensor(*m_result, test::selection(0, 9, true), path, o), QString());
        const auto mean = nlohmann::json::parse(readAll(path).toStdString());
        QCOMPARE(QString::fromStdString(mean["head"].get<std::string>()), QStringLiteral("mean"));
        const Analysis& b = m_result->bidirectional;
        for (int q = 0; q < b.tokenCount; ++q) {
            for (int k = 0; k < b.tokenCount; ++k) {
                double sum = 0;
                for (int h = 0; h < b.heads; ++h) sum += b.attention(0, h)(q, k);
                QVERIFY(std::abs(mean["attention"][q][k].get<double>() - sum / b.heads) < 1e-7);
            }
        }
        // Unwritable target: a message, no crash.
        QVERIFY(
            !writeAttentionTensor(*m_result, test::selection(0, 0), m_dir.filePath(QStringLiteral("no/dir/a.json")), o)
                 .isEmpty());
    }

    void batchExportWritesEveryViewInEveryFormat() {
        BatchExportOptions o;
        o.outputDir = m_dir.filePath(QStringLiteral("batch"));  // created by the export
        o.text = QString::fromStdString(kSentence);
        o.modelDir = test::fixtureModel("h12-f32");
        o.view = QStringLiteral("all");
        o.layer = 1;
        o.head = 2;
        for (const char* format : {"png", "svg", "pdf"}) {
            o.format = QString::fromLatin1(format);
            const BatchExportResult r = runBatchExport(o);
            QVERIFY2(r.ok, qPrintable(r.error));
            // Every view but training (its series runs in the window).
            QCOMPARE(r.files.size(), exportableViewNames().size());
            QCOMPARE(exportableViewNames().size(), viewNames().size() - 1);
            for (int i = 0; i < r.files.size(); ++i) {
                QCOMPARE(QFileInfo(r.files[i]).fileName(), batchFileName(exportableViewNames()[i], o));
                const QByteArray bytes = readAll(r.files[i]);
                if (o.format == QLatin1String("png")) {
                    QVERIFY(!QImage::fromData(bytes, "PNG").isNull());
                } else if (o.format == QLatin1String("svg")) {
                    QVERIFY(QSvgRenderer(bytes).isValid());
                } else {
                    QVERIFY(bytes.startsWith("%PDF-"));
                    QVERIFY(pdfMediaBox(bytes).width() > 100);
                }
            }
        }
        QVERIFY(QFileInfo::exists(QDir(o.outputDir).filePath(QStringLiteral("lines-layer1-head2-bidirectional.png"))));
        // The PNG of one view is the size the same view gives in the window.
        o.view = QStringLiteral("lines");
        o.format = QStringLiteral("png");
        o.dpi = 200;
        const BatchExportResult one = runBatchExport(o);
        QVERIFY2(one.ok, qPrintable(one.error));
        auto v = view(QStringLiteral("lines"), test::selection(1, 2));
        FigureExporter::Options fo;
        fo.dpi = 200;
        fo.caption = QStringLiteral("x");
        QCOMPARE(QImageReader(one.files[0]).size(), FigureExporter::pixelSize(*v, fo));
    }

    void batchExportOverlaysHeadsAndDrawsPaths() {
        BatchExportOptions o;
        o.outputDir = m_dir.filePath(QStringLiteral("overlay"));
        o.text = QString::fromStdString(kSentence);
        o.modelDir = test::fixtureModel("h12-f32");
        o.format = QStringLiteral("svg");
        o.view = QStringLiteral("lines");
        o.layer = 1;
        o.linesHeads = {2, 7, kMeanHead};
        BatchExportResult r = runBatchExport(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(QFileInfo(r.files[0]).fileName(), QStringLiteral("lines-layer1-heads2+7+mean-bidirectional.svg"));
        // The caption (the SVG's description) names the overlaid heads.
        QVERIFY2(readAll(r.files[0]).contains("heads 2, 7, mean"), "caption");
        o.linesHeads = {12};
        r = runBatchExport(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("heads 0 to 11")), qPrintable(r.error));
        o.linesHeads.clear();
        o.view = QStringLiteral("embeddings");
        o.embeddingPaths = true;
        r = runBatchExport(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(QFileInfo(r.files[0]).fileName(), QStringLiteral("embeddings-paths-layer1-bidirectional.svg"));
        QVERIFY(readAll(r.files[0]).contains("paths"));
    }

    void batchExportRefusesBadInput() {
        BatchExportOptions good;
        good.outputDir = m_dir.filePath(QStringLiteral("bad"));
        good.text = QString::fromStdString(kSentence);
        good.modelDir = test::fixtureModel("h12-f32");
        struct Case {
            const char* what;
            std::function<void(BatchExportOptions&)> change;
            const char* message;
        };
        QFile blocker(m_dir.filePath(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QTemporaryDir emptyModel;
        const std::vector<Case> cases = {
            {"unknown view", [](BatchExportOptions& o) { o.view = QStringLiteral("hedas"); }, "no view \"hedas\""},
            {"layer too big", [](BatchExportOptions& o) { o.layer = 2; }, "layer 2 does not exist"},
            {"negative head", [](BatchExportOptions& o) { o.head = -1; }, "head -1 does not exist"},
            {"head too big", [](BatchExportOptions& o) { o.head = 12; }, "heads 0 to 11"},
            {"bad format", [](BatchExportOptions& o) { o.format = QStringLiteral("gif"); }, "png, svg or pdf"},
            {"bad model folder", [&](BatchExportOptions& o) { o.modelDir = emptyModel.path(); },
             "cannot load the model"},
            {"missing model folder", [](BatchExportOptions& o) { o.modelDir = QStringLiteral("/no/such/model"); },
             "cannot load the model"},
            {"output under a file",
             [&](BatchExportOptions& o) { o.outputDir = m_dir.filePath(QStringLiteral("a-file/figures")); },
             "cannot create the output folder"},
            {"empty text", [](BatchExportOptions& o) { o.text = QStringLiteral("   "); }, "empty"},
            // h12-f32 reads 40 positions: the window's own refusal, with where the limit falls.
            {"text longer than the model reads",
             [](BatchExportOptions& o) { o.text = QStringLiteral("the cat sat on the mat . ").repeated(8); },
             "this model reads at most 40 ([CLS] and [SEP] included): shorten it by"},
        };
        for (const Case& c : cases) {
            BatchExportOptions o = good;
            c.change(o);
            const BatchExportResult r = runBatchExport(o);
            QVERIFY2(!r.ok, c.what);
            QVERIFY2(r.files.isEmpty(), c.what);
            QVERIFY2(r.error.contains(QLatin1String(c.message)),
                     qPrintable(QStringLiteral("%1: %2").arg(c.what, r.error)));
        }
        QVERIFY(runBatchExport(good).ok);
    }

    void batchArgumentsParseAndComplain() {
        BatchExportOptions o;
        QString error;
        QVERIFY(parseBatchExportArguments(
            {"--export", "/tmp/x", "--text", "a b", "--view", "lines", "--layer", "1", "--head", "mean", "--mask-mode",
             "causal", "--format", "SVG", "--dpi", "300", "--model", "/m", "--presentation"},
            o, error));
        QCOMPARE(o.outputDir, QStringLiteral("/tmp/x"));
        QCOMPARE(o.text, QStringLiteral("a b"));
        QCOMPARE(o.view, QStringLiteral("lines"));
        QCOMPARE(o.layer, 1);
        QVERIFY(o.averageHeads);
        QCOMPARE(o.maskMode, MaskMode::Causal);
        QCOMPARE(o.format, QStringLiteral("svg"));
        QCOMPARE(o.dpi, 300.0);
        QCOMPARE(o.modelDir, QStringLiteral("/m"));
        QVERIFY(o.presentation);
        BatchExportOptions overlay;
        QVERIFY(parseBatchExportArguments({"--export", "/x", "--text", "a", "--heads", "2,5,mean", "--paths"}, overlay,
                                          error));
        QCOMPARE(overlay.linesHeads, (std::vector<int>{2, 5, kMeanHead}));
        QVERIFY(overlay.embeddingPaths);
        const QList<QPair<QStringList, QString>> bad = {
            {{"--export", "/x", "--text", "a", "--heads", "2,x"}, "--heads"},
            {{"--export", "/x"}, "--text"},
            {{"--export", "/x", "--text", "a", "--layer", "one"}, "--layer"},
            {{"--export", "/x", "--text", "a", "--mask-mode", "forward"}, "bidirectional or causal"},
            {{"--export", "/x", "--text", "a", "--dpi", "5"}, "36 to 1200"},
            {{"--export", "/x", "--text", "a", "--colour"}, "unknown option --colour"},
            {{"--export", "/x", "--text"}, "needs a value"},
        };
        for (const auto& [args, message] : bad) {
            BatchExportOptions b;
            QVERIFY(!parseBatchExportArguments(args, b, error));
            QVERIFY2(error.contains(message), qPrintable(error));
        }
    }
    // bertlens --help names every registered view under --view and in the
    // batch usage (the list comes from the registry, so a new view is there).
    void helpListsEveryView() {
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));  // --help needs no display
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(BERTLENS_APP), {QStringLiteral("--help")});
        QVERIFY(app.waitForFinished(60000));
        QCOMPARE(app.exitCode(), 0);
        const QString help = QString::fromUtf8(app.readAllStandardOutput()).simplified();
        const qsizetype from = help.indexOf(QStringLiteral("--view <NAME>")),
                        to = help.indexOf(QStringLiteral("--layer <L>"));
        QVERIFY2(from >= 0 && to > from, qPrintable(help));
        const QString option = help.mid(from, to - from);
        const QString batch = help.left(help.indexOf(QStringLiteral("Options:")));
        for (const QString& name : viewNames()) {
            const QRegularExpression word(QStringLiteral("\\b%1\\b").arg(name));
            QVERIFY2(option.contains(word), qPrintable(QStringLiteral("--view lacks %1: %2").arg(name, option)));
            if (!exportableViewNames().contains(name)) {
                QVERIFY2(batch.contains(QStringLiteral("The %1 view is exported from the window").arg(name)),
                         qPrintable(batch));
                continue;
            }
            QVERIFY2(batch.contains(QStringLiteral("|%1|").arg(name)) ||
                         batch.contains(QStringLiteral("[--view %1|").arg(name)),
                     qPrintable(QStringLiteral("the batch usage lacks %1").arg(name)));
        }
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
