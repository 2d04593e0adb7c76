// The Training view's live pretraining (issue 16, part 6) in the real view,
// offscreen, with the live recipe's model (2 layers x 2 heads, hidden 128)
// for a handful of steps and a snapshot every 3: the slider gains one
// position per snapshot as series.json (read here with QJsonDocument) lists
// it; the grid and the predictions shown equal that step's folder run
// through the engine here (Model::load and an Encoder of the test's own,
// 1e-6); the live loss curve has every step's loss, equal to series.json's;
// Stop leaves a series SnapshotSeries opens whose last step is the last
// folder written, nothing else in the folder, and the view keeps working on
// it; Save series as… copies it; opening another series stops the run,
// opening another model in the window does not;
// an unwritable folder, and one already holding a series, give a message
// and keep the series shown before.
#include "../common/TinyTrainRun.h"
#include "UiTestSupport.h"

#include "AnalysisController.h"
#include "LivePretrainJob.h"
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
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the [MASK] barked at the mailman .";
constexpr int kWaitMs = 120000;  // an ASan build runs several times slower

// The live recipe, cut to `steps` steps on a small corpus, a snapshot every 3.
train::TrainOptions shortRecipe(int64_t steps) {
    train::TrainOptions o = livePretrainRecipe();
    o.sentences = 3000;
    o.heldOutSentences = 20;
    o.steps = steps;
    o.warmupSteps = 1;
    o.snapshotEvery = 3;
    return o;
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
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

// The shown step's grid and predictions against its folder run here; "" when they agree.
QString differenceFromEngine(const TrainingView& view, const QString& folder) {
    const Analysis reference =
        test::engineAnalysis(Model::load(folder.toStdString()), kSentence, MaskMode::Bidirectional);
    const Analysis& shown = view.shownResult()->bidirectional;
    if (shown.layers != 2 || shown.heads != 2) return QStringLiteral("not a 2 x 2 model");
    const double attention = test::maxAttentionDifference(shown, reference);
    if (!(attention < 1e-6)) return QStringLiteral("attention differs by %1").arg(attention);
    const std::vector<PredictionPanel>& panels = view.predictions()->panels();
    if (panels.size() != reference.predictions.size() || panels.empty()) return QStringLiteral("panel count");
    for (size_t p = 0; p < panels.size(); ++p) {
        for (size_t k = 0; k < size_t(TrainingJob::kTopK); ++k) {
            const TokenProbability& got = panels[p].top[k];
            const TokenProbability& want = reference.predictions[p].top[k];
            if (!(std::abs(got.probability - want.probability) < 1e-6f))
                return QStringLiteral("rank %1: %2 against %3").arg(k).arg(got.probability).arg(want.probability);
            // The same word, or a tie with the reference's (an untrained model ties).
            bool found = false;
            for (const TokenProbability& r : reference.predictions[p].top)
                found = found || (r.token == got.token && std::abs(r.probability - got.probability) < 1e-6f);
            if (!found) return QStringLiteral("word %1").arg(QString::fromStdString(got.token));
        }
    }
    return QString();
}

// The curve's points against series.json's loss list; "" when equal.
QString curveAgainstSeries(const TrainingView& view, const QJsonArray& loss) {
    QCPGraph* curve = view.lossCurve()->graph();
    if (curve->dataCount() != loss.size())
        return QStringLiteral("%1 points, %2 losses").arg(curve->dataCount()).arg(loss.size());
    for (int i = 0; i < loss.size(); ++i) {
        if (curve->data()->at(i)->key != double(i + 1) || curve->data()->at(i)->value != loss[i].toDouble())
            return QStringLiteral("point %1: %2 against %3")
                .arg(i)
                .arg(curve->data()->at(i)->value, 0, 'g', 17)
                .arg(loss[i].toDouble(), 0, 'g', 17);
    }
    return QString();
}

// The step folders in a series folder, by name.
QStringList stepFolders(const QString& series) {
    return QDir(series).entryList({QStringLiteral("step-*")}, QDir::Dirs, QDir::Name);
}

}  // namespace

class LivePretrainTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_tinySeries;  // a series trained here, the "previous" one

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        train::TrainOptions o = test::tinyTrainRun((m_dir.path() + QStringLiteral("/tiny-model")).toStdString());
        m_tinySeries = m_dir.path() + QStringLiteral("/tiny-series");
        o.snapshotDir = m_tinySeries.toStdString();
        o.snapshotEvery = 4;
        train::Trainer(o, [](const train::TrainProgress&) {}).run();
    }

    void growsWithEachSnapshot() {
        TrainingView view;
        view.resize(1400, 900);
        view.setResult(sentenceResult(kSentence));
        QTemporaryDir dir;
        const QString series = dir.path() + QStringLiteral("/series");
        // At each snapshot: the slider's positions, and series.json's snapshots at that moment.
        QList<int> counts;
        QStringList problems;
        connect(&view, &TrainingView::seriesGrew, &view, [&](int count) {
            counts << count;
            const int onDisk =
                readJson(series + QStringLiteral("/series.json")).value(QStringLiteral("snapshots")).toArray().size();
            if (view.slider()->maximum() + 1 != count)
                problems << QStringLiteral("slider %1").arg(view.slider()->maximum());
            if (onDisk < count) problems << QStringLiteral("series.json has %1 of %2").arg(onDisk).arg(count);
        });
        // Every step shown while it runs is that step's own folder.
        int checked = 0;
        connect(&view, &TrainingView::stepShown, &view, [&](int index) {
            const QString folder =
                series + QLatin1Char('/') + QString::fromStdString(view.series()->snapshots()[size_t(index)].folder);
            const QString d = differenceFromEngine(view, folder);
            if (!d.isEmpty()) problems << QStringLiteral("step index %1: %2").arg(index).arg(d);
            ++checked;
        });
        QSignalSpy ended(&view, &TrainingView::livePretrainingEnded);
        QVERIFY2(view.startLivePretraining(shortRecipe(9), dir.path()), qPrintable(view.message()));
        QVERIFY(view.isPretraining());
        QVERIFY(view.stopButton()->isVisibleTo(&view));
        QVERIFY(view.liveButton()->isHidden());
        QVERIFY(ended.wait(kWaitMs) || ended.count() == 1);
        QCOMPARE(ended.first().at(0).toBool(), false);  // finished, not stopped
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        QCOMPARE(counts, (QList<int>{1, 2, 3, 4}));  // steps 0, 3, 6, 9: one position each

        const QJsonObject json = readJson(series + QStringLiteral("/series.json"));
        const QJsonArray snapshots = json.value(QStringLiteral("snapshots")).toArray();
        QCOMPARE(snapshots.size(), 4);
        QCOMPARE(view.stepCount(), 4);
        // It followed the run: the newest snapshot, as the engine gives it.
        QVERIFY2(waitForStep(view, 3), qPrintable(view.message()));
        QVERIFY(view.shownResult());
        QCOMPARE(view.series()->snapshots().back().step, int64_t(9));
        const QString d = differenceFromEngine(view, series + QStringLiteral("/step-000009"));
        QVERIFY2(d.isEmpty(), qPrintable(d));
        QVERIFY(checked >= 1);
        // The curve grew with every step and holds what series.json holds.
        const QString c = curveAgainstSeries(view, json.value(QStringLiteral("loss")).toArray());
        QVERIFY2(c.isEmpty(), qPrintable(c));
        QVERIFY2(view.liveText().contains(QStringLiteral("Finished: 9 steps")), qPrintable(view.liveText()));
        QVERIFY(view.liveText().contains(series));
        QVERIFY(QFileInfo::exists(dir.path() + QStringLiteral("/bertlens-live/config.json")));  // the trained model

        // Save series as…: a copy that opens; not over an existing folder.
        const QString copy = dir.path() + QStringLiteral("/kept");
        QVERIFY(view.saveButton()->isEnabled());
        QVERIFY2(view.saveSeriesAs(copy), qPrintable(view.message()));
        QCOMPARE(train::SnapshotSeries::open(copy.toStdString()).snapshots().size(), size_t(4));
        QVERIFY(!view.saveSeriesAs(copy));
        QVERIFY2(view.message().contains(QStringLiteral("already exists")), qPrintable(view.message()));
        QVERIFY(!QFileInfo::exists(copy + QStringLiteral(".partial")));
    }

    void stopLeavesACompleteSeries() {
        TrainingView view;
        view.resize(1400, 900);
        view.setResult(sentenceResult(kSentence));
        QTemporaryDir dir;
        const QString series = dir.path() + QStringLiteral("/series");
        QSignalSpy grew(&view, &TrainingView::seriesGrew);
        QSignalSpy ended(&view, &TrainingView::livePretrainingEnded);
        QVERIFY(view.startLivePretraining(shortRecipe(3000), dir.path()));
        QVERIFY(QTest::qWaitFor([&] { return grew.count() >= 3; }, kWaitMs));  // steps 0, 3, 6
        QVERIFY(!view.saveSeriesAs(dir.path() + QStringLiteral("/early")));    // not while it writes
        view.stopButton()->click();
        QVERIFY(ended.wait(kWaitMs) || ended.count() == 1);
        QCOMPARE(ended.first().at(0).toBool(), true);
        QVERIFY(!view.isPretraining());

        // A series that opens, whose last snapshot is the last folder written.
        train::SnapshotSeries opened;
        try {
            opened = train::SnapshotSeries::open(series.toStdString());
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        const QStringList folders = stepFolders(series);
        QVERIFY(folders.size() >= 3);
        QCOMPARE(QString::fromStdString(opened.snapshots().back().folder), folders.last());
        QCOMPARE(int(opened.snapshots().size()), folders.size());
        QVERIFY(opened.contents().stepsDone < 3000);
        // Nothing half-written beside them, no model and no training state.
        const QStringList files = QDir(series).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(files, QStringList{QStringLiteral("series.json")});
        QVERIFY(!QFileInfo::exists(dir.path() + QStringLiteral("/bertlens-live/config.json")));
        QVERIFY(!QFileInfo::exists(dir.path() + QStringLiteral("/bertlens-live/training")));
        // The view shows it all: one position per snapshot, every step's loss.
        QCOMPARE(view.stepCount(), folders.size());
        const QJsonObject json = readJson(series + QStringLiteral("/series.json"));
        const QJsonArray loss = json.value(QStringLiteral("loss")).toArray();
        QCOMPARE(qint64(loss.size()), qint64(opened.contents().stepsDone));
        const QString c = curveAgainstSeries(view, loss);
        QVERIFY2(c.isEmpty(), qPrintable(c));
        QVERIFY2(view.liveText().contains(QStringLiteral("Stopped at step %1").arg(loss.size())),
                 qPrintable(view.liveText()));
        // And keeps working on it.
        view.setStepIndex(0);
        QVERIFY2(waitForStep(view, 0), qPrintable(view.message()));
        QVERIFY(view.shownResult());
        const QString d = differenceFromEngine(view, series + QStringLiteral("/step-000000"));
        QVERIFY2(d.isEmpty(), qPrintable(d));
    }

    void openingAnotherSeriesStopsTheRun() {
        TrainingView view;
        view.resize(1400, 900);
        view.setResult(sentenceResult(kSentence));
        QTemporaryDir dir;
        QSignalSpy grew(&view, &TrainingView::seriesGrew);
        QVERIFY(view.startLivePretraining(shortRecipe(3000), dir.path()));
        QVERIFY(QTest::qWaitFor([&] { return grew.count() >= 2; }, kWaitMs));
        QVERIFY(view.openSeries(m_tinySeries));
        QVERIFY(!view.isPretraining());
        QVERIFY(!view.showsLiveSeries());
        QVERIFY(QTest::qWaitFor([&] { return !view.liveJob().hasThread(); }, kWaitMs));
        QTest::qWait(50);  // anything the stopped run still posted arrives, and is dropped
        QCOMPARE(QString::fromStdString(view.series()->folder().string()), m_tinySeries);
        QCOMPARE(view.stepCount(), 4);
        // The run's folder is a complete series of what it wrote.
        const QString series = dir.path() + QStringLiteral("/series");
        try {
            const train::SnapshotSeries s = train::SnapshotSeries::open(series.toStdString());
            QCOMPARE(QString::fromStdString(s.snapshots().back().folder), stepFolders(series).last());
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }

    void openingAModelLeavesTheRunGoing() {
        // The live model is its own (the bundled vocabulary, fresh weights):
        // the window's model changing touches neither the run nor its series.
        auto window = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(window);
        auto* view = qobject_cast<TrainingView*>(window->view(QStringLiteral("training")));
        QVERIFY(view);
        window->setCurrentView(QStringLiteral("training"));
        window->setText(QString::fromStdString(kSentence));
        QTemporaryDir dir;
        QSignalSpy grew(view, &TrainingView::seriesGrew);
        QVERIFY(view->startLivePretraining(shortRecipe(3000), dir.path()));
        QVERIFY(QTest::qWaitFor([&] { return grew.count() >= 1; }, kWaitMs));
        window->openModel(test::fixtureModel("inter-f32"));
        QVERIFY(QTest::qWaitFor([&] { return window->controller().modelFolder() == test::fixtureModel("inter-f32"); },
                                kWaitMs));
        const int before = grew.count();
        QVERIFY(QTest::qWaitFor([&] { return grew.count() > before; }, kWaitMs));
        QVERIFY(view->isPretraining());
        QVERIFY(view->showsLiveSeries());
        view->stopLivePretraining();
        QSignalSpy ended(view, &TrainingView::livePretrainingEnded);
        QVERIFY(ended.wait(kWaitMs) || ended.count() == 1);
    }

    void badFoldersKeepTheSeriesShown() {
        TrainingView view;
        view.resize(1400, 900);
        view.setResult(sentenceResult(kSentence));
        QVERIFY(view.openSeries(m_tinySeries, 4));
        QVERIFY(waitForStep(view, 1));
        QVERIFY(view.shownResult());
        const AnalysisResultPtr before = view.shownResult();
        const auto keptAsItWas = [&] {
            return QString::fromStdString(view.series()->folder().string()) == m_tinySeries && view.stepIndex() == 1 &&
                   view.shownResult() == before && !view.isPretraining() && !view.showsLiveSeries();
        };

        // A folder that cannot be made (its parent is a file): at once, a message.
        QTemporaryDir dir;
        QFile file(dir.path() + QStringLiteral("/a-file"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString unwritable = file.fileName() + QStringLiteral("/live");
        QVERIFY(!view.startLivePretraining(shortRecipe(9), unwritable));
        QVERIFY2(view.message().contains(QStringLiteral("cannot be written")), qPrintable(view.message()));
        QVERIFY2(view.message().contains(unwritable), qPrintable(view.message()));
        QVERIFY(keptAsItWas());

        // A folder whose series/ already holds a series: the run refuses it
        // (on its thread), the message says so.
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/used/series")));
        QVERIFY(QFile::copy(m_tinySeries + QStringLiteral("/series.json"),
                            dir.path() + QStringLiteral("/used/series/series.json")));
        QSignalSpy failed(&view, &TrainingView::livePretrainingFailed);
        QVERIFY(view.startLivePretraining(shortRecipe(9), dir.path() + QStringLiteral("/used")));
        QVERIFY(failed.wait(kWaitMs) || failed.count() == 1);
        QVERIFY2(view.message().contains(QStringLiteral("already holds a snapshot series")),
                 qPrintable(view.message()));
        QVERIFY(keptAsItWas());
        // And the view still steps through the series it shows.
        view.setStepIndex(2);
        QVERIFY(waitForStep(view, 2));
        QVERIFY(view.shownResult());
    }
};

QTEST_MAIN(LivePretrainTest)
#include "tst_livepretrain.moc"
