// The Fine-tune view (issue 16, part 5), in the real window on bertlens-mini
// with a small budget (100 examples, 3 epochs, 100 held out): its curves hold
// what an independent run of core's Finetuner reports for the same seed; its
// what-changed map equals a hand-written Jensen-Shannon distance between two
// independent engine runs (the pretrained folder and the fine-tuned one it
// wrote); Cancel and a change of model stop the run with the window's model
// untouched and no file left; a one-way model is refused; the cost
// estimate is the hand count; Save writes a complete folder or nothing;
// Open puts the classifier line in the window.
#include "UiTestSupport.h"

#include "AnalysisController.h"
#include "ChangeGrid.h"
#include "FinetuneCurves.h"
#include "FinetuneView.h"
#include "MainWindow.h"

#include "model/Model.h"
#include "train/FinetuneCost.h"
#include "train/Finetuner.h"

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <omp.h>

#include <cmath>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the keys to the cabinet is old .";
constexpr int kExamples = 100, kEpochs = 3, kHeldOut = 100;
constexpr int kWaitMs = 240000;  // an ASan build trains several times slower

QString bundledModel() {
    return QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
}

// The Jensen-Shannon distance written out from its definition, in double.
double handDistance(const float* p, const float* q, int n) {
    double kl = 0;
    for (int j = 0; j < n; ++j) {
        const double a = p[j], b = q[j], m = (a + b) / 2;
        if (a > 0) kl += a / 2 * std::log(a / m) / std::log(2.0);
        if (b > 0) kl += b / 2 * std::log(b / m) / std::log(2.0);
    }
    return std::sqrt(std::max(kl, 0.0));
}

QStringList entries(const QString& folder) {
    return QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

}  // namespace

class TestFinetune : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void curvesHoldWhatCoreReports();
    void mapIsTheHandDistanceOfTwoRuns();
    void saveWritesAWholeFolderOrNothing();
    void figureIsDrawn();
    void openPutsTheClassifierInTheWindow();
    void cancelLeavesModelAndNoFiles();
    void modelChangeStopsTheRun();
    void oneWayModelIsRefused();
    void costIsTheHandCount();
    void cleanupTestCase() { m_window.reset(); }

private:
    FinetuneView* view() { return qobject_cast<FinetuneView*>(m_window->view(QStringLiteral("finetune"))); }

    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_staging;
    QTemporaryDir m_out;
};

void TestFinetune::initTestCase() {
    omp_set_num_threads(1);  // the view's job trains on one thread: the core run here too
    m_window = test::openWindow(bundledModel());
    QVERIFY(m_window);
    m_window->setText(QString::fromStdString(kSentence));
    QVERIFY(test::waitForText(*m_window, kSentence));
    m_window->setCurrentView(QStringLiteral("finetune"));
    FinetuneView* v = view();
    QVERIFY(v);
    v->setBudget(kEpochs, kHeldOut);
    v->setStagingRoot(m_staging.path());
    QSignalSpy done(v, &FinetuneView::trainingFinished);
    QVERIFY2(v->startTraining(QStringLiteral("agreement"), kExamples), qPrintable(v->message()));
    QVERIFY(v->isTraining());
    // The UI thread keeps running while it trains (measured, not bounded:
    // tst_responsiveness is where the window's pace is held to a number).
    test::TickMonitor ticks;
    ticks.start();
    QVERIFY2(done.wait(kWaitMs), qPrintable(v->message()));
    ticks.stop();
    QVERIFY(ticks.ticks() > 0);
    qInfo("while training: %zu timer ticks, longest gap %.1f ms", ticks.ticks(), ticks.maxGapMs());
    QVERIFY(v->outcome());
}

void TestFinetune::curvesHoldWhatCoreReports() {
    FinetuneView* v = view();
    for (bool scratch : {false, true}) {
        train::FinetuneOptions o;
        o.modelDir = bundledModel().toStdString();
        o.task = "agreement";
        o.trainExamples = kExamples;
        o.heldOutExamples = kHeldOut;
        o.epochs = kEpochs;
        o.seed = 1;
        o.fromScratch = scratch;
        o.outDir = m_out.filePath(scratch ? QStringLiteral("scratch") : QStringLiteral("pre")).toStdString();
        std::vector<std::pair<int64_t, double>> losses;
        train::Finetuner f(o, [&](const train::FinetuneProgress& p) {
            if (p.kind == train::FinetuneProgress::Kind::Step) losses.push_back({p.step, p.loss});
        });
        const train::FinetuneResult r = f.run();
        const FinetuneArm arm = scratch ? FinetuneArm::FromScratch : FinetuneArm::Pretrained;
        const QVector<QPointF> train = v->curves()->points(FinetuneCurves::Series::TrainLoss, arm);
        QCOMPARE(size_t(train.size()), losses.size());
        for (size_t i = 0; i < losses.size(); ++i) {
            QCOMPARE(train[int(i)].x(), double(losses[i].first));
            QVERIFY2(std::abs(train[int(i)].y() - losses[i].second) <= 1e-12, qPrintable(QString::number(i)));
        }
        const QVector<QPointF> heldLoss = v->curves()->points(FinetuneCurves::Series::HeldOutLoss, arm);
        const QVector<QPointF> accuracy = v->curves()->points(FinetuneCurves::Series::HeldOutAccuracy, arm);
        QCOMPARE(size_t(heldLoss.size()), r.curve.size());
        QCOMPARE(size_t(accuracy.size()), r.curve.size());
        QCOMPARE(int(r.curve.size()), kEpochs);
        for (size_t i = 0; i < r.curve.size(); ++i) {
            QCOMPARE(heldLoss[int(i)].x(), double(r.curve[i].step));
            QVERIFY(std::abs(heldLoss[int(i)].y() - r.curve[i].heldOutLoss) <= 1e-12);
            QVERIFY(std::abs(accuracy[int(i)].y() - 100.0 * r.curve[i].heldOutAccuracy) <= 1e-9);
        }
        QCOMPARE(v->outcome()->results[int(arm)].heldOutAccuracy, r.heldOutAccuracy);
    }
}

void TestFinetune::mapIsTheHandDistanceOfTwoRuns() {
    FinetuneView* v = view();
    QVERIFY(v->grid()->change().has_value());
    const AttentionChange& c = *v->grid()->change();
    // Two independent engine runs: the pretrained folder and the folder the run wrote.
    const Analysis before =
        test::engineAnalysis(Model::load(bundledModel().toStdString()), kSentence, MaskMode::Bidirectional);
    const Analysis after =
        test::engineAnalysis(Model::load(v->outcome()->folder.toStdString()), kSentence, MaskMode::Bidirectional);
    QCOMPARE(c.layers, before.layers);
    QCOMPARE(c.heads, before.heads);
    QCOMPARE(c.tokens, before.tokenCount);
    const int n = before.tokenCount;
    std::vector<double> layerMeans(size_t(c.layers), 0.0);
    for (int l = 0; l < c.layers; ++l) {
        for (int h = 0; h < c.heads; ++h) {
            double sum = 0;
            for (int i = 0; i < n; ++i) {
                const size_t row = ((size_t(l) * c.heads + h) * n + i) * n;
                sum += handDistance(before.attentions.data() + row, after.attentions.data() + row, n);
            }
            QVERIFY2(std::abs(c.at(l, h) - sum / n) < 1e-6, qPrintable(QStringLiteral("head %1-%2").arg(l).arg(h)));
            layerMeans[size_t(l)] += sum / n / c.heads;
        }
        QVERIFY(std::abs(c.perLayer[size_t(l)] - layerMeans[size_t(l)]) < 1e-6);
    }
    // The verdict names the layer with the largest hand mean.
    const int most = int(std::max_element(layerMeans.begin(), layerMeans.end()) - layerMeans.begin());
    QCOMPARE(c.mostChangedLayer(), most);
    QVERIFY(v->grid()->verdict().contains(most == c.layers - 1
                                              ? QStringLiteral("The last layer (%1) changed most").arg(most)
                                              : QStringLiteral("Layer %1 changed most").arg(most)));
    qInfo("per-layer mean change: %s", qPrintable([&] {
              QStringList s;
              for (double m : layerMeans) s << QString::number(m, 'f', 4);
              return s.join(QStringLiteral(", "));
          }()));
}

void TestFinetune::saveWritesAWholeFolderOrNothing() {
    FinetuneView* v = view();
    const QString target = m_out.filePath(QStringLiteral("saved"));
    QVERIFY2(v->saveTo(target), qPrintable(v->message()));
    const QStringList files = entries(v->outcome()->folder);
    QCOMPARE(entries(target), files);
    for (const QString& f : files)
        QVERIFY(test::readAll(target + QLatin1Char('/') + f) == test::readAll(v->outcome()->folder + "/" + f));
    const auto saved = Model::load(target.toStdString());
    QCOMPARE(saved->config().labels, (std::vector<std::string>{"grammatical", "ungrammatical"}));
    // A folder that holds something is not written into.
    const QString busy = m_out.filePath(QStringLiteral("busy"));
    QVERIFY(QDir().mkpath(busy));
    QFile keep(busy + QStringLiteral("/mine.txt"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("mine");
    keep.close();
    QVERIFY(!v->saveTo(busy));
    QVERIFY(v->message().contains(QStringLiteral("already holds files")));
    QCOMPARE(entries(busy), QStringList{QStringLiteral("mine.txt")});
    QCOMPARE(entries(m_out.path()).filter(QStringLiteral(".partial")), QStringList());
}

void TestFinetune::openPutsTheClassifierInTheWindow() {
    FinetuneView* v = view();
    QSignalSpy changed(&m_window->controller(), &AnalysisController::modelChanged);
    QVERIFY(v->loadIntoWindow());
    QVERIFY(changed.wait(20000));
    QCOMPARE(m_window->controller().modelFolder(), v->outcome()->folder);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->classificationLabel()->isVisible(), 20000);
    QVERIFY(m_window->classificationLabel()->text().contains(QStringLiteral("grammatical")));
    // Back to the pretrained model for the tests that follow.
    m_window->openModel(bundledModel());
    QVERIFY(changed.wait(20000));
}

void TestFinetune::cancelLeavesModelAndNoFiles() {
    FinetuneView* v = view();
    QTemporaryDir staging;
    v->setStagingRoot(staging.path());
    v->setBudget(1, kHeldOut);
    const std::shared_ptr<const Model> model = m_window->controller().model();
    QSignalSpy progress(&v->job(), &FinetuneJob::progressed);
    QVERIFY(v->startTraining(QStringLiteral("agreement"), 3000));
    QVERIFY(progress.wait(kWaitMs));
    QCOMPARE(entries(staging.path()).size(), 1);  // the run's folder exists while it trains
    v->cancelTraining();
    QVERIFY(!v->isTraining());
    QVERIFY(v->message().startsWith(QStringLiteral("Stopped")));
    QTRY_VERIFY_WITH_TIMEOUT(!v->job().hasThread(), kWaitMs);
    QCOMPARE(entries(staging.path()), QStringList());
    QVERIFY(!v->outcome());
    QCOMPARE(m_window->controller().model(), model);
    QVERIFY(v->trainButton()->isEnabled());
}

void TestFinetune::modelChangeStopsTheRun() {
    FinetuneView* v = view();
    QTemporaryDir staging;
    v->setStagingRoot(staging.path());
    v->setBudget(1, kHeldOut);
    QSignalSpy progress(&v->job(), &FinetuneJob::progressed);
    QVERIFY(v->startTraining(QStringLiteral("pair"), 3000));
    QVERIFY(progress.wait(kWaitMs));
    QSignalSpy changed(&m_window->controller(), &AnalysisController::modelChanged);
    m_window->openModel(bundledModel());  // the same folder again: a new model all the same
    QVERIFY(changed.wait(20000));
    QVERIFY(!v->isTraining());
    QVERIFY(v->message().contains(QStringLiteral("model changed")));
    QTRY_VERIFY_WITH_TIMEOUT(!v->job().hasThread(), kWaitMs);
    QCOMPARE(entries(staging.path()), QStringList());
}

void TestFinetune::oneWayModelIsRefused() {
    FinetuneView* v = view();
    QSignalSpy changed(&m_window->controller(), &AnalysisController::modelChanged);
    m_window->openModel(QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini-l2r"));
    QVERIFY(changed.wait(20000));
    QVERIFY(!v->startTraining(QStringLiteral("agreement"), 100));
    QVERIFY(!v->isTraining());
    QVERIFY2(v->message().contains(QStringLiteral("reads in one direction")), qPrintable(v->message()));
    QVERIFY(!v->startTraining(QStringLiteral("no-such-task"), 100));
    m_window->openModel(bundledModel());
    QVERIFY(changed.wait(20000));
}

void TestFinetune::costIsTheHandCount() {
    // bertlens-mini: 4 layers, hidden 128, intermediate 512, 1,073 words, 128
    // positions, 2 types; 300 examples of 12 word pieces, 10 epochs, 500 held out.
    ModelConfig c;
    c.layers = 4;
    c.hidden = 128;
    c.intermediate = 512;
    c.vocabSize = 1073;
    c.maxPositions = 128;
    c.typeVocabSize = 2;
    const train::FinetuneCost cost = train::estimateFinetuneCost(c, {300, 10, 500, 32}, 12.0);
    const double forward = 2.0 * 12 * 4 * (4.0 * 128 * 128 + 2.0 * 128 * 512) + 4.0 * 144 * 128 * 4;  // 19,169,280
    QCOMPARE(cost.forwardFlopsPerExample, 19169280.0);
    QCOMPARE(cost.forwardFlopsPerExample, forward);
    const double parameters = (1073.0 + 128 + 2) * 128 + 4 * (4.0 * 128 * 128 + 2.0 * 128 * 512) + 128.0 * 128;
    const double flops = 10 * (3 * forward * 300 + 10 * parameters * 10 + forward * 500);  // 10 steps an epoch
    QCOMPARE(cost.flops, flops);
    QCOMPARE(cost.seconds, flops / 5e9);
}

void TestFinetune::figureIsDrawn() {
    FinetuneView* v = view();
    QImage image(1100, 780, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    v->paintFigure(painter, QRectF(0, 0, 1100, 780));
    painter.end();
    // Some of the map's colours are there (its cells are filled with the colour map).
    int coloured = 0;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4) {
            const QColor p = image.pixelColor(x, y);
            if (p.saturation() > 80) ++coloured;
        }
    }
    QVERIFY(coloured > 200);
}

QTEST_MAIN(TestFinetune)
#include "tst_finetune.moc"
