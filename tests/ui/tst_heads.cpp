// The heads view (issue 15): its table holds core's head summary of the
// result (and, for two statistics, what a hand computation from the attention
// maps gives), sorting orders the rows, clicks on a row, a cell or a dot ask
// for that head, a large summary runs on the job and equals the one computed
// directly, a corpus file gives what HeadSummaryAccumulator gives line by
// line, Cancel stops the run, bad files give a message and keep the summary
// shown, exported figures carry no interface hints, and the start head rule.
#include "tst_views_support.h"

#include "AnalysisController.h"
#include "FigureExporter.h"
#include "HeadMap.h"
#include "HeadMatrix.h"
#include "HeadStatisticKinds.h"
#include "HeadsCorpusSource.h"
#include "HeadsSourceBar.h"
#include "HeadsTableModel.h"
#include "HeadsView.h"
#include "StartHead.h"

#include "analysis/CorpusLines.h"
#include "analysis/SummaryText.h"

#include <QHeaderView>
#include <QImage>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the cat [MASK] on the mat .";

QString bundledModel() {
    return QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// The table's value of a statistic for a head, as its sort role holds it.
double tableValue(const HeadsView& view, int layer, int head, int kind) {
    const QAbstractItemModel* m = view.sortedModel()->sourceModel();
    const int heads = view.shownSummary()->heads;
    return m->index(layer * heads + head, kind + 1).data(HeadsTableModel::kSortRole).toDouble();
}

// A result with no model behind it: layers x heads maps of n tokens whose
// rows are a made-up but valid distribution (for the bert-base shape).
AnalysisResultPtr syntheticResult(int layers, int heads, int n) {
    auto r = std::make_shared<AnalysisResult>();
    for (Analysis* a : {&r->bidirectional, &r->causal}) {
        a->layers = layers;
        a->heads = heads;
        a->tokenCount = n;
        a->maskMode = a == &r->causal ? MaskMode::Causal : MaskMode::Bidirectional;
        a->tokens.resize(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            a->tokens[static_cast<size_t>(i)].text = i == 0 ? "[CLS]" : i == n - 1 ? "[SEP]" : "w";
        a->attentions.assign(static_cast<size_t>(layers) * heads * n * n, 0.0f);
        for (int k = 0; k < layers * heads; ++k) {
            for (int i = 0; i < n; ++i) {
                const int first = firstVisible(a->maskMode, i), end = endVisible(a->maskMode, i, n);
                double sum = 0;
                std::vector<double> w(static_cast<size_t>(end - first));
                for (int j = first; j < end; ++j)
                    sum += w[static_cast<size_t>(j - first)] = 1.0 + ((k * 7 + i * 3 + j * 5) % 11) * (k % 5);
                for (int j = first; j < end; ++j)
                    a->attentions[(static_cast<size_t>(k) * n + i) * n + j] =
                        static_cast<float>(w[static_cast<size_t>(j - first)] / sum);
            }
        }
    }
    return r;
}

}  // namespace

class TestHeads : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model = test::fixture();
    AnalysisResultPtr m_result = test::makeResult(m_model, kSentence);

private slots:
    void tableHoldsCoresSummaryAndTheHandComputedShares() {
        HeadsView view;
        view.setSelection(test::selection(0, 0));
        view.setResult(m_result);
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            view.setSelection(test::selection(0, 0, false, mode));
            const Analysis& a = m_result->analysis(mode);
            HeadSummaryAccumulator acc(a.layers, a.heads, false);
            acc.add(a);
            const auto want = acc.statistics();
            QVERIFY(view.shownSummary());
            QCOMPARE(view.sortedModel()->rowCount(), a.layers * a.heads);
            const auto& kinds = headStatisticKinds();
            for (int l = 0; l < a.layers; ++l)
                for (int h = 0; h < a.heads; ++h)
                    for (size_t k = 0; k < kinds.size(); ++k)
                        QVERIFY(std::abs(tableValue(view, l, h, int(k)) -
                                         kinds[k].value(want[size_t(l * a.heads + h)])) < 1e-12);
            // By hand from the maps: the mean over rows of a[i][i-1], and of the entropy.
            for (int h : {0, 5, 11}) {
                const auto m = a.attention(1, h);
                double previous = 0, entropy = 0;
                for (int i = 0; i < a.tokenCount; ++i) {
                    if (i > 0) previous += m(i, i - 1);
                    for (int j = 0; j < a.tokenCount; ++j)
                        if (m(i, j) > 0) entropy -= double(m(i, j)) * std::log(double(m(i, j)));
                }
                QVERIFY(std::abs(tableValue(view, 1, h, 6) - previous / a.tokenCount) < 1e-7);
                QVERIFY(std::abs(tableValue(view, 1, h, 0) - entropy / a.tokenCount) < 1e-6);
                if (mode == MaskMode::Causal) QCOMPARE(tableValue(view, 1, h, 7), 0.0);  // nothing after
            }
            QCOMPARE(view.shownSummary()->map.size(), size_t(a.layers * a.heads));
            QVERIFY(view.sourceBar()->source().contains(QStringLiteral("This sentence")));
        }
    }

    void clickingAHeaderSortsAndClicksRequestTheHead() {
        HeadsView view;
        view.resize(1400, 800);
        view.setResult(m_result);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QHeaderView* header = view.table()->horizontalHeader();
        const int column = 1;  // entropy
        const QPoint at(header->sectionViewportPosition(column) + 5, header->height() / 2);
        for (int click = 0; click < 2; ++click) {
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
            const Qt::SortOrder order = header->sortIndicatorOrder();
            double last = order == Qt::AscendingOrder ? -1e300 : 1e300;
            for (int r = 0; r < view.sortedModel()->rowCount(); ++r) {
                const double v = view.sortedModel()->index(r, column).data(HeadsTableModel::kSortRole).toDouble();
                QVERIFY(order == Qt::AscendingOrder ? v >= last : v <= last);
                last = v;
            }
        }
        QSignalSpy spy(&view, &FigureView::selectionRequested);
        const QModelIndex row = view.sortedModel()->index(3, 2);
        const QPoint head = row.data(HeadsTableModel::kHeadRole).toPoint();
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {}, view.table()->visualRect(row).center());
        QCOMPARE(spy.count(), 1);
        auto s = spy.takeFirst().at(0).value<Selection>();
        QCOMPARE(s.layer, head.x());
        QCOMPARE(s.head, head.y());
        // A cell of the matrix and a dot of the map.
        QTest::mouseClick(view.matrix(), Qt::LeftButton, {}, view.matrix()->cellRect(1, 7).center());
        QCOMPARE(spy.count(), 1);
        s = spy.takeFirst().at(0).value<Selection>();
        QCOMPARE(s.layer, 1);
        QCOMPARE(s.head, 7);
        const QPointF dot = view.map()->dotPosition(0, 4);
        QVERIFY(dot.x() >= 0);
        // Two heads may share a spot; the click must open one of those at it.
        QTest::mouseClick(view.map(), Qt::LeftButton, {}, dot.toPoint());
        QCOMPARE(spy.count(), 1);
        s = spy.takeFirst().at(0).value<Selection>();
        const QPointF hit = view.map()->dotPosition(s.layer, s.head);
        QVERIFY(std::hypot(hit.x() - dot.x(), hit.y() - dot.y()) < 1.5);
    }

    void aBertBaseShapedSummaryRunsOnTheJobAndEqualsTheDirectOne() {
        const AnalysisResultPtr big = syntheticResult(12, 12, 48);
        HeadsView view;
        view.setResult(big);
        QVERIFY(view.sentenceJob().isBusy());  // not on the UI thread
        QTRY_VERIFY_WITH_TIMEOUT(view.shownSummary() && !view.shownSummary()->map.empty(), 20000);
        const HeadsSummary direct = summariseSentence(*big, MaskMode::Bidirectional, true);
        const HeadsSummaryPtr shown = view.shownSummary();
        QCOMPARE(shown->statistics.size(), size_t(144));
        for (size_t k = 0; k < 144; ++k) {
            QCOMPARE(shown->statistics[k].entropy, direct.statistics[k].entropy);
            QCOMPARE(shown->map[k][0], direct.map[k][0]);
        }
        // A newer result while one runs: only the newest is shown.
        const AnalysisResultPtr other = syntheticResult(12, 12, 40);
        view.setResult(big);
        view.setResult(other);
        QTRY_VERIFY_WITH_TIMEOUT(!view.sentenceJob().isBusy(), 20000);
        QCOMPARE(view.shownSummary()->queryTokens, 40);
    }

    void aCorpusGivesWhatTheAccumulatorGivesAndBadFilesKeepTheSummary() {
        QTemporaryDir dir;
        const auto model = Model::load(bundledModel().toStdString());
        const QStringList good = {QStringLiteral("the dog barked at the mailman ."),
                                  QStringLiteral("the keys to the cabinet are on the table ."),
                                  QStringLiteral("the capital of france is paris ."),
                                  QStringLiteral("the cat sat on the mat .\tthe dog sat on the rug .")};
        QByteArray bytes;
        for (const QString& line : good) bytes += line.toUtf8() + "\n";
        bytes += "\n   \n" + QByteArray("caf\xe9 au lait\n");
        const QString path = dir.filePath(QStringLiteral("corpus.txt"));
        writeFile(path, bytes);

        AnalysisController controller;
        controller.setModel(model, bundledModel());
        HeadsCorpusSource source(&controller);
        HeadsView view;
        view.setCorpusSource(&source);
        view.setResult(test::makeResult(model, "the dog [MASK] at the mailman ."));
        const HeadsSummaryPtr sentence = view.shownSummary();
        QVERIFY(sentence);
        view.summariseCorpusFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(view.showsCorpus(), 20000);

        const ModelConfig& c = model->config();
        HeadSummaryAccumulator acc(c.layers, c.heads, true);
        Encoder encoder(model);
        for (const QString& line : good)
            QCOMPARE(addTextToSummary(encoder, corpusLineToText(line.toStdString()), MaskMode::Bidirectional, acc),
                     std::string());
        const HeadsSummaryPtr s = view.shownSummary();
        QCOMPARE(s->sentences, int64_t(4));
        QCOMPARE(s->linesRead, int64_t(7));
        QCOMPARE(s->skipped.at("empty"), int64_t(2));
        QCOMPARE(s->skipped.at("not_utf8"), int64_t(1));
        QCOMPARE(s->queryTokens, acc.queryTokens());
        const auto want = acc.statistics();
        for (size_t k = 0; k < want.size(); ++k) {
            QCOMPARE(s->statistics[k].entropy, want[k].entropy);
            QCOMPARE(s->statistics[k].toPrevious, want[k].toPrevious);
            QCOMPARE(tableValue(view, int(k) / c.heads, int(k) % c.heads, 1), want[k].distance);
        }
        const auto mds = classicalMds(acc.jsDistances());
        for (size_t k = 0; k < mds.size(); ++k) QCOMPARE(s->map[k][1], mds[k][1]);
        QVERIFY(view.sourceBar()->source().contains(QStringLiteral("corpus.txt")));
        QVERIFY(view.sourceBar()->source().contains(QStringLiteral("3 skipped")));
        QVERIFY(view.sourceDescription().contains(QStringLiteral("(4 lines)")));

        // Bad files: a message each, and the corpus summary stays shown.
        writeFile(dir.filePath(QStringLiteral("empty.txt")), QByteArray());
        writeFile(dir.filePath(QStringLiteral("binary.bin")), QByteArray("\xff\xfe\x00\x01\n\x89PNG\xff\n", 11));
        const QList<std::pair<QString, QString>> bad = {
            {dir.filePath(QStringLiteral("missing.txt")), QStringLiteral("There is no file")},
            {dir.path(), QStringLiteral("is a folder")},
            {dir.filePath(QStringLiteral("empty.txt")), QStringLiteral("is empty")},
            {dir.filePath(QStringLiteral("binary.bin")), QStringLiteral("No line of")}};
        for (const auto& [file, says] : bad) {
            view.summariseCorpusFile(file);
            QTRY_VERIFY_WITH_TIMEOUT(!view.corpusRunning(), 10000);
            QVERIFY2(view.message().contains(says), qPrintable(view.message()));
            QCOMPARE(view.shownSummary(), s);
            QVERIFY(view.showsCorpus());
        }
        view.showSentence();
        QVERIFY(!view.showsCorpus());
        QVERIFY(view.sourceBar()->source().contains(QStringLiteral("This sentence")));
    }

    void cancelStopsTheCorpusRun() {
        QTemporaryDir dir;
        const auto model = Model::load(bundledModel().toStdString());
        QByteArray bytes;
        for (int i = 0; i < 200000; ++i) bytes += "the keys to the cabinet are on the table .\n";
        const QString path = dir.filePath(QStringLiteral("long.txt"));
        writeFile(path, bytes);
        AnalysisController controller;
        controller.setModel(model, bundledModel());
        HeadsCorpusSource source(&controller);
        HeadsView view;
        view.setCorpusSource(&source);
        view.setResult(test::makeResult(model, "the dog [MASK] at the mailman ."));
        const HeadsSummaryPtr before = view.shownSummary();
        QSignalSpy progress(&source.job(), &HeadsSummaryJob::progressed);
        QSignalSpy finished(&source.job(), &HeadsSummaryJob::finished);
        view.summariseCorpusFile(path);
        QVERIFY(view.corpusRunning());
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 10000);
        view.cancelCorpus();
        QVERIFY(!view.corpusRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!source.job().hasThread(), 5000);  // 200,000 lines would take far longer
        QTest::qWait(100);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!view.showsCorpus());
        QCOMPARE(view.shownSummary(), before);
        QVERIFY(view.message().contains(QStringLiteral("Stopped")));
        // A new model while a run goes: it is cancelled and the view says so.
        view.summariseCorpusFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 1, 10000);
        controller.setModel(model, bundledModel());
        QVERIFY(!view.corpusRunning());
        QVERIFY(view.message().contains(QStringLiteral("model changed")));
        QTRY_VERIFY_WITH_TIMEOUT(!source.job().hasThread(), 5000);
    }

    void theExportedFigureHasNoInterfaceHints() {
        HeadsView view;
        view.setTheme(Theme::presentation());
        view.setSelection(test::selection(1, 3));
        view.setResult(m_result);
        FigureExporter::Options o;
        o.format = FigureExporter::Format::Svg;
        const QString svg = QString::fromUtf8(FigureExporter::renderSvg(view, o));
        QVERIFY(svg.contains(QStringLiteral("layer 1")));
        for (const char* hint : {"click", "Click", "Summarise", "Cancel", "Colour the matrix"})
            QVERIFY2(!svg.contains(QLatin1String(hint)), hint);
        // No selection ring: the accent colour is nowhere in the picture.
        o.format = FigureExporter::Format::Png;
        o.dpi = 72;
        const QImage image = FigureExporter::renderImage(view, o);
        const QRgb accent = Theme::presentation().accent.rgb();
        int accentPixels = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                accentPixels += (image.pixel(x, y) & 0xffffff) == (accent & 0xffffff);
        QCOMPARE(accentPixels, 0);
    }

    void theStartHeadComesFromTheCardOrTheClearestHead() {
        const StartHead card = startHeadFromCard(bundledModel(), 4, 4);
        QCOMPARE(card.layer, 3);
        QCOMPARE(card.head, 1);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("README.md")), "# m\nStart head: L9 H0\n");
        QVERIFY(!startHeadFromCard(dir.path(), 4, 4).valid());  // outside the model
        QVERIFY(!startHeadFromCard(dir.filePath(QStringLiteral("nowhere")), 4, 4).valid());
        std::vector<HeadStatistics> s(6);
        for (size_t k = 0; k < s.size(); ++k) s[k].entropy = 2.0 - 0.1 * double(k);
        s[5].toCls = 0.6;  // the sharpest, but on [CLS]
        s[4].toSelf = 0.3;
        s[4].toSep = 0.25;  // and this one leans on [SEP] and itself
        const StartHead clearest = clearestHead(s, 2, 3);
        QCOMPARE(clearest.layer, 1);
        QCOMPARE(clearest.head, 0);  // index 3
        for (HeadStatistics& h : s) h.toCls = 0.9;
        QCOMPARE(clearestHead(s, 2, 3).head, 2);  // all lean: the sharpest of all
    }
};

QTEST_MAIN(TestHeads)
#include "tst_heads.moc"
