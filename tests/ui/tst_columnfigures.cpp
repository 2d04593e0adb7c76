// Issue 20 item 9, narrow layouts: the views once too wide for a journal
// column (compare, head, heads, layers, flow, anatomy, inside, fine-tune)
// exported at 8.5 cm and 8 pt with a 10-token sentence. Read from the
// output, not from the views: the PDF's MediaBox is 8.5 cm wide; every text
// the export paints (caught by TextCapture on a page of 72 units per inch,
// so a unit is a point) is drawn at 8 pt or more; no two texts overlap, none
// leaves the page and none is cut off it (a layout taller than its page). A view that truly cannot be that narrow (a long
// sentence's map) says what width it needs instead of shrinking silently.
//
// BERTLENS_FIGURE_DIR=DIR also writes each figure there as a 200 dpi PNG, to look at.
#include "TextCapture.h"
#include "tst_views_support.h"

#include "BatchExport.h"
#include "FigureCaption.h"
#include "FigureExporter.h"
#include "FigureFit.h"
#include "ChangeGrid.h"
#include "FinetuneCurves.h"
#include "FinetuneView.h"
#include "ViewRegistry.h"
#include "worker/MeasuresPass.h"

#include "analysis/AttentionChange.h"

#include <QDir>
#include <QPainter>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

// 8.5 cm in points, by hand: 8.5 / 2.54 * 72.
constexpr double kColumnPoints = 240.94;
// Fonts are set in whole pixels of a 96 DPI picture (PlotRender.h): a size is kept to half a pixel, 0.375 pt.
constexpr double kPixelSlack = 0.38;

QSizeF pdfMediaBox(const QByteArray& pdf) {
    const QRegularExpression box(QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]"));
    const auto m = box.match(QString::fromLatin1(pdf));
    return m.hasMatch() ? QSizeF(m.captured(1).toDouble(), m.captured(2).toDouble()) : QSizeF();
}

}  // namespace

class TestColumnFigures : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;
    // A 12-head model (2 layers): the grid views' 12-wide rows.
    std::shared_ptr<const Model> m_wideModel;  // results hold their model weakly
    AnalysisResultPtr m_wideResult;
    FlowMeasuresPtr m_wideMeasures;
    Selection m_selection = test::selection(1, 2);

    std::unique_ptr<FigureView> view(const QString& name, const AnalysisResultPtr& result,
                                     const FlowMeasuresPtr& measures) {
        std::unique_ptr<FigureView> v(createView(name));
        v->setTheme(Theme::normal());
        v->setSelection(m_selection);
        v->setResult(result);
        v->setMeasures(measures);
        if (auto* finetune = qobject_cast<FinetuneView*>(v.get())) {
            // A run's curves and map, as the view shows them after training (the
            // map between the two mask modes' attention: any two analyses of a sentence).
            FinetuneCurves* curves = finetune->curves();
            curves->setSteps(100);
            for (FinetuneArm arm : {FinetuneArm::Pretrained, FinetuneArm::FromScratch}) {
                const double start = arm == FinetuneArm::Pretrained ? 0.7 : 0.75;
                for (int step = 0; step <= 100; step += 10) curves->addTrainLoss(arm, step, start * std::exp(-step / 60.0));
                for (int step = 25; step <= 100; step += 25)
                    curves->addHeldOut(arm, step, start * std::exp(-step / 80.0), 0.5 + 0.004 * step);
            }
            finetune->grid()->setChange(attentionChange(result->bidirectional, result->causal),
                                        QString::fromStdString(result->text));
        }
        return v;
    }
    FigureExporter::Options column(const QString& name, const FigureView* v, const AnalysisResult* result) {
        FigureExporter::Options o;
        o.fit = figurePreset(QStringLiteral("single-column")).fit;
        o.caption = figureCaption(result, m_selection, name, v);
        return o;
    }

private slots:
    void initTestCase() {
        m_model = Model::load(BERTLENS_RESOURCES "/models/bertlens-mini");
        m_result = test::makeResult(m_model, "the dog [MASK] at the mailman and the");
        QCOMPARE(m_result->tokenCount(), 10);  // [CLS] + 8 words + [SEP]: the sentence the brief asks for
        MeasuresOptions options;
        m_measures = addFlow(*measureStack(*m_result, *m_model, options), *m_result, options);
        m_wideModel = test::fixture("h12-f32");
        const auto& wide = m_wideModel;
        m_wideResult = test::makeResult(wide, "the dog [MASK] at the mailman and the");
        m_wideMeasures = addFlow(*measureStack(*m_wideResult, *wide, options), *m_wideResult, options);
        QCOMPARE(m_wideResult->bidirectional.heads, 12);
    }

    void fitsAColumnAtTheAskedSize_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("twelveHeads");
        QTest::addColumn<QString>("preset");
        const QString single = QStringLiteral("single-column"), twice = QStringLiteral("double-column");
        for (const char* name : {"compare", "head", "heads", "layers", "flow", "anatomy", "inside", "finetune"}) {
            QTest::newRow(name) << QString::fromLatin1(name) << false << single;
            // A double column (17.8 cm, 9 pt) takes the layouts between narrow and wide.
            QTest::newRow(qPrintable(QStringLiteral("%1, double column").arg(name)))
                << QString::fromLatin1(name) << false << twice;
        }
        for (const char* name : {"heads", "layers", "anatomy"})
            QTest::newRow(qPrintable(QStringLiteral("%1, 12 heads").arg(name))) << QString::fromLatin1(name) << true
                                                                                  << single;
    }

    void fitsAColumnAtTheAskedSize() {
        QFETCH(QString, name);
        QFETCH(bool, twelveHeads);
        QFETCH(QString, preset);
        const AnalysisResultPtr& result = twelveHeads ? m_wideResult : m_result;
        auto v = view(name, result, twelveHeads ? m_wideMeasures : m_measures);
        FigureExporter::Options o = column(name, v.get(), result.get());
        o.fit = figurePreset(preset).fit;
        // The width asked, by hand: 8.5 cm or 17.8 cm at 72 / 2.54 points a cm.
        const double want = preset == QStringLiteral("single-column") ? kColumnPoints : 504.57;

        if (const QString dir = qEnvironmentVariable("BERTLENS_FIGURE_DIR"); !dir.isEmpty()) {
            FigureExporter::Options png = o;
            png.format = FigureExporter::Format::Png;
            png.dpi = 200;
            QCOMPARE(FigureExporter::write(*v, QDir(dir).filePath(name + (twelveHeads ? QStringLiteral("-12-") : QStringLiteral("-")) + preset + QStringLiteral(".png")), png), QString());
        }
        o.format = FigureExporter::Format::Pdf;
        const QSizeF box = pdfMediaBox(FigureExporter::renderPdf(*v, o));
        QVERIFY2(std::abs(box.width() - want) <= 0.5,
                 qPrintable(QStringLiteral("MediaBox width %1 pt, want %2").arg(box.width()).arg(want)));
        qInfo("%s: %.1f x %.1f cm", qPrintable(name), box.width() / kPointsPerCm, box.height() / kPointsPerCm);

        const QSizeF page = FigureExporter::pageSize(*v, o);
        test::TextCapture capture(QSize(static_cast<int>(std::ceil(page.width())), static_cast<int>(std::ceil(page.height()))), 72);
        {
            QPainter painter(&capture);
            FigureExporter::paint(*v, painter, o);
        }
        const auto& texts = capture.texts();
        QVERIFY2(texts.size() > 10, qPrintable(QStringLiteral("only %1 texts drawn").arg(texts.size())));
        const test::CapturedText* smallest = &texts.front();
        for (const test::CapturedText& t : texts)
            if (t.size < smallest->size) smallest = &t;
        QVERIFY2(smallest->size >= o.fit.fontPt - kPixelSlack,
                 qPrintable(QStringLiteral("\"%1\" is drawn at %2 pt, under %3 pt")
                                .arg(smallest->text)
                                .arg(smallest->size, 0, 'f', 2)
                                .arg(o.fit.fontPt)));
        QVERIFY2(capture.cutAway().isEmpty(),
                 qPrintable(QStringLiteral("cut off the page: ") + capture.cutAway().mid(0, 4).join(QStringLiteral(" | "))));
        const QStringList problems = test::labelProblems(texts, QRectF(QPointF(0, 0), page));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 6).join(QLatin1Char('\n'))));
        // Nothing left to scale down: the export has no "its text is ... pt" note to give.
        QVERIFY2(FigureExporter::textScale(*v, o) > 0.995, qPrintable(QStringLiteral("laid out %1 pt wide and scaled down").arg(v->minimumFigureWidth())));

    }

    void aMapTooLongForAColumnSaysWhatWidthItNeeds() {
        // 120 tokens of cells at 8 pt labels need far more than 8.5 cm: the
        // batch export writes the figure and says the width it needs.
        std::string text = "the [MASK] barked";
        while (m_model->tokenizer().encode(text).ids.size() < 120) text += " at the dog";
        QTemporaryDir dir;
        BatchExportOptions o;
        QString error;
        QVERIFY(parseBatchExportArguments({"--export", dir.path(), "--text", QString::fromStdString(text), "--view",
                                           "head", "--preset", "single-column", "--format", "pdf", "--model",
                                           BERTLENS_RESOURCES "/models/bertlens-mini"},
                                          o, error));
        const BatchExportResult r = runBatchExport(o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const QRegularExpression needs(QStringLiteral("needs ([0-9.]+) cm for 8 pt"));
        const auto m = needs.match(r.note);
        QVERIFY2(m.hasMatch(), qPrintable(r.note));
        // 120 rows of 8 pt labels: a line of 8 pt text is at least 8 pt tall, so over 33.9 cm.
        QVERIFY2(m.captured(1).toDouble() > 120 * 8.0 / kPointsPerCm, qPrintable(r.note));
    }
};

QTEST_MAIN(TestColumnFigures)
#include "tst_columnfigures.moc"
