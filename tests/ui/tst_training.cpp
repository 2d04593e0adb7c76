// The Training view (issue 16, part 6) on a tiny pretraining series the test
// trains itself (2 layers x 32 hidden, 12 steps, a snapshot every 4): one
// slider position per snapshot; at each step the top 5 words shown at the
// [MASK] equal an independent run of that step's folder (Model::load and an
// Encoder of the test's own); the step's loss is series.json's, read here
// with QJsonDocument; the loss curve has one point per step done; a
// damaged series.json and a damaged step folder each give a message and
// leave the window's model, its text and the series shown before as they
// were; Play walks every step and stops at the last; Left/Right and Space.
#include "UiTestSupport.h"
#include "../common/TinyTrainRun.h"

#include "AnalysisController.h"
#include "BatchExport.h"
#include "LossCurve.h"
#include "MainWindow.h"
#include "PredictionChart.h"
#include "TrainingView.h"

#include "model/Model.h"
#include "train/SnapshotSeries.h"
#include "train/Trainer.h"

#include <qcustomplot.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace bertlens;
using namespace bertlens::ui;
namespace fs = std::filesystem;

namespace {

const std::string kSentence = "the dog [MASK] at the man .";
constexpr int kWaitMs = 120000;  // an ASan build runs several times slower

// A series of the tests' tiny run (tests/common/TinyTrainRun.h), a snapshot every 4 steps.
void trainSeries(const QString& root) {
    train::TrainOptions o = test::tinyTrainRun((root + QStringLiteral("/model")).toStdString());
    o.snapshotDir = (root + QStringLiteral("/series")).toStdString();
    o.snapshotEvery = 4;
    train::Trainer(o, [](const train::TrainProgress&) {}).run();
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

void copyFolder(const QString& from, const QString& to) {
    fs::copy(from.toStdString(), to.toStdString(), fs::copy_options::recursive);
}

AnalysisResultPtr sentenceResult(const std::string& text) {
    auto r = std::make_shared<AnalysisResult>();
    r->text = text;
    return r;
}

bool waitForStep(TrainingView& view, int index) {
    return QTest::qWaitFor(
        [&] { return view.stepIndex() == index && (view.shownResult() || !view.message().isEmpty()); }, kWaitMs);
}

}  // namespace

class TrainingTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_series;
    QJsonObject m_json;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        trainSeries(m_dir.path());
        m_series = m_dir.path() + QStringLiteral("/series");
        m_json = readJson(m_series + QStringLiteral("/series.json"));
        QCOMPARE(m_json.value(QStringLiteral("snapshots")).toArray().size(), 4);  // 0, 4, 8, 12
    }

    void noSeriesShowsHowToOpenOne() {
        TrainingView view;
        view.resize(1200, 800);
        QVERIFY(!view.hasSeries());
        QCOMPARE(view.stepCount(), 0);
        view.setResult(sentenceResult(kSentence));  // nothing to run it on: no crash, nothing shown
        QVERIFY(!view.shownResult());
        QImage image(view.figureSize().toSize(), QImage::Format_ARGB32);
        QPainter painter(&image);
        view.paintFigure(painter, QRectF(QPointF(0, 0), view.figureSize()));
    }

    void eachStepMatchesItsOwnModel() {
        TrainingView view;
        view.resize(1400, 900);
        view.setResult(sentenceResult(kSentence));
        QVERIFY2(view.openSeries(m_series), qPrintable(view.message()));
        const QJsonArray snapshots = m_json.value(QStringLiteral("snapshots")).toArray();
        const QJsonArray loss = m_json.value(QStringLiteral("loss")).toArray();
        // One slider position per snapshot.
        QCOMPARE(view.slider()->minimum(), 0);
        QCOMPARE(view.slider()->maximum() + 1, snapshots.size());
        // One curve point per step done, at steps 1..N with series.json's values.
        QCPGraph* curve = view.lossCurve()->graph();
        QCOMPARE(curve->dataCount(), loss.size());
        for (int i = 0; i < loss.size(); ++i) {
            QCOMPARE(curve->data()->at(i)->key, double(i + 1));
            QCOMPARE(curve->data()->at(i)->value, loss[i].toDouble());
        }

        for (int i = 0; i < snapshots.size(); ++i) {
            view.slider()->setValue(i);
            QVERIFY2(waitForStep(view, i), qPrintable(view.message()));
            QVERIFY2(view.shownResult(), qPrintable(view.message()));
            const int step = snapshots[i].toObject().value(QStringLiteral("step")).toInt();
            const QString folder =
                m_series + QLatin1Char('/') + snapshots[i].toObject().value(QStringLiteral("folder")).toString();
            // The marker and the text name this step and its loss.
            QCOMPARE(view.lossCurve()->marker(), qint64(step));
            const QString text = view.stepText();
            QVERIFY2(text.startsWith(QStringLiteral("Step %1 of 12").arg(step)), qPrintable(text));
            if (step == 0) {
                QVERIFY2(text.contains(QStringLiteral("before the first update")), qPrintable(text));
            } else {
                const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("loss ([0-9.]+)")).match(text);
                QVERIFY2(m.hasMatch(), qPrintable(text));
                QVERIFY2(std::abs(m.captured(1).toDouble() - loss[step - 1].toDouble()) <= 0.0005, qPrintable(text));
            }
            // The predictions equal the step's own model run here.
            const Analysis reference =
                test::engineAnalysis(Model::load(folder.toStdString()), kSentence, MaskMode::Bidirectional);
            const std::vector<PredictionPanel>& panels = view.predictions()->panels();
            QCOMPARE(panels.size(), reference.predictions.size());
            QVERIFY(!panels.empty());
            for (size_t p = 0; p < panels.size(); ++p) {
                QCOMPARE(int(panels[p].top.size()), TrainingJob::kTopK);
                const std::vector<TokenProbability>& ref = reference.predictions[p].top;
                for (int k = 0; k < TrainingJob::kTopK; ++k) {
                    const TokenProbability& got = panels[p].top[size_t(k)];
                    QVERIFY2(std::abs(got.probability - ref[size_t(k)].probability) < 1e-6f,
                             qPrintable(QStringLiteral("step %1, rank %2: %3 against %4")
                                            .arg(step).arg(k).arg(got.probability).arg(ref[size_t(k)].probability)));
                    // The same word, or one the reference gives the same
                    // probability (an untrained model ties; the order of a
                    // tie depends on the thread count's rounding).
                    bool found = false;
                    for (const TokenProbability& r : ref)
                        found = found || (r.token == got.token && std::abs(r.probability - got.probability) < 1e-6f);
                    QVERIFY2(found, got.token.c_str());
                }
            }
            // The grid is of this step's model: its layers and heads, and
            // the attention of the reference run.
            const Analysis& shown = view.shownResult()->bidirectional;
            QCOMPARE(shown.layers, 2);
            QCOMPARE(shown.heads, 2);
            QVERIFY(test::maxAttentionDifference(shown, reference) < 1e-6);
        }
        // Back to the first step: kept, shown at once without the worker.
        QSignalSpy shown(&view, &TrainingView::stepShown);
        view.setStepIndex(0);
        QCOMPARE(shown.count(), 1);
        QVERIFY(!view.job().isBusy());

        // The figure paints.
        QImage image(view.figureSize().toSize(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        view.paintFigure(painter, QRectF(QPointF(0, 0), view.figureSize()));
    }

    void playWalksEveryStepAndStops() {
        TrainingView view;
        view.resize(1200, 800);
        view.setResult(sentenceResult(kSentence));
        QVERIFY(view.openSeries(m_series));
        view.setPlayInterval(10);
        QSignalSpy shown(&view, &TrainingView::stepShown);
        QSignalSpy ended(&view, &TrainingView::playbackEnded);
        view.playButton()->click();
        QVERIFY(view.isPlaying());
        QCOMPARE(view.playButton()->text(), QStringLiteral("Pause"));
        QVERIFY(ended.wait(kWaitMs) || ended.count() == 1);
        QVERIFY(!view.isPlaying());
        QCOMPARE(view.stepIndex(), view.stepCount() - 1);
        QCOMPARE(view.playButton()->text(), QStringLiteral("Play"));
        // Every step was shown, in order.
        QList<int> order;
        for (const QList<QVariant>& args : shown) {
            const int i = args.at(0).toInt();
            if (order.isEmpty() || order.last() != i) order << i;
        }
        QCOMPARE(order, (QList<int>{0, 1, 2, 3}));
    }

    void keysStepAndPlay() {
        TrainingView view;
        view.resize(1200, 800);
        view.setResult(sentenceResult(kSentence));
        QVERIFY(view.openSeries(m_series, 5));  // step 5: the snapshot of step 4
        QCOMPARE(view.stepIndex(), 1);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.activateWindow();
        view.slider()->setFocus();
        QTest::keyClick(view.slider(), Qt::Key_Right);
        QCOMPARE(view.stepIndex(), 2);
        QTest::keyClick(view.slider(), Qt::Key_Left);
        QTest::keyClick(view.slider(), Qt::Key_Left);
        QCOMPARE(view.stepIndex(), 0);
        QTest::keyClick(view.slider(), Qt::Key_Left);  // stays at the first
        QCOMPARE(view.stepIndex(), 0);
        view.playButton()->setFocus();
        QTest::keyClick(view.playButton(), Qt::Key_Space);
        QVERIFY(view.isPlaying());
        QTest::keyClick(view.playButton(), Qt::Key_Space);
        QVERIFY(!view.isPlaying());
    }

    void damagedSeriesKeepsEverything() {
        auto window = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(window);
        window->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*window, "the cat sat ."));
        const QString modelFolder = window->controller().modelFolder();
        auto* view = qobject_cast<TrainingView*>(window->view(QStringLiteral("training")));
        QVERIFY(view);
        window->setCurrentView(QStringLiteral("training"));
        QVERIFY(view->openSeries(m_series));
        QVERIFY(waitForStep(*view, 0));

        // series.json damaged: refused with a message naming it; the series shown stays.
        QTemporaryDir dir;
        const QString bad = dir.path() + QStringLiteral("/bad");
        copyFolder(m_series, bad);
        QFile json(bad + QStringLiteral("/series.json"));
        QVERIFY(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
        json.write("{\"format\": \"bertlens-snapshot-series\", \"version\": 1, \"steps\": ");
        json.close();
        QVERIFY(!view->openSeries(bad));
        QVERIFY2(view->message().contains(QStringLiteral("series.json")), qPrintable(view->message()));
        QCOMPARE(QString::fromStdString(view->series()->folder().string()), m_series);
        QCOMPARE(view->stepIndex(), 0);
        QVERIFY(view->shownResult());
        QVERIFY(!view->openSeries(dir.path() + QStringLiteral("/nothing-here")));
        QVERIFY(!view->message().isEmpty());

        // A step folder damaged: that step says so, the others still show.
        const QString cut = dir.path() + QStringLiteral("/cut");
        copyFolder(m_series, cut);
        const QString weights = cut + QStringLiteral("/step-000004/model.safetensors");
        QFile::resize(weights, QFileInfo(weights).size() / 2);
        QVERIFY(view->openSeries(cut));
        QSignalSpy failed(view, &TrainingView::stepFailed);
        view->setStepIndex(1);
        QVERIFY(failed.count() == 1 || failed.wait(kWaitMs));
        QVERIFY2(view->message().contains(QStringLiteral("Step 4")), qPrintable(view->message()));
        QVERIFY(!view->shownResult());
        QVERIFY(view->predictions()->panels().empty());
        view->setStepIndex(2);
        QVERIFY(waitForStep(*view, 2));
        QVERIFY(view->shownResult());
        QVERIFY(view->message().isEmpty());

        // The window's own model and text never changed.
        QCOMPARE(window->controller().modelFolder(), modelFolder);
        QCOMPARE(window->controller().text(), QStringLiteral("the cat sat ."));
        QVERIFY(window->controller().latestResult());
        QCOMPARE(window->controller().latestResult()->bidirectional.heads, 12);  // h12: not the series' 2
    }

    void batchExportRefusesTheView() {
        // The figure needs a series run on the window's worker: refused with
        // what to do instead; "all" leaves it out and exports the rest.
        QTemporaryDir out;
        BatchExportOptions o;
        o.text = QString::fromStdString(kSentence);
        o.modelDir = test::fixtureModel("h12-f32");
        o.outputDir = out.path();
        o.view = QStringLiteral("training");
        const BatchExportResult refused = runBatchExport(o);
        QVERIFY(!refused.ok);
        QVERIFY2(refused.error.contains(QStringLiteral("--snapshots")), qPrintable(refused.error));
        o.view = QStringLiteral("all");
        const BatchExportResult all = runBatchExport(o);
        QVERIFY2(all.ok, qPrintable(all.error));
        for (const QString& file : all.files) QVERIFY2(!QFileInfo(file).fileName().startsWith(QStringLiteral("training")), qPrintable(file));
    }
};

QTEST_MAIN(TrainingTest)
#include "tst_training.moc"
