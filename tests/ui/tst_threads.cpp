// Edits arriving while a run and a model load are in flight (issue 7): the
// UI thread types, masks tokens, opens models and cancels loads at random
// moments while the worker thread runs the model and loader threads open
// others. What must hold whatever the interleaving: a result is shown only
// for the newest request and only on the model that is current when it
// arrives; the last text's result on the last model opened is what stays,
// with the engine's own numbers. tools/setup.sh runs this (and tst_worker)
// under ThreadSanitizer, which checks every access between those threads.
//
// The models are big enough (4 layers, hidden 256; one in F16, widened on
// load) that runs and loads take some milliseconds, so edits do land while
// they are in flight; the test counts how many did.
#include "AnalysisController.h"
#include "MainWindow.h"
#include "UiTestSupport.h"

#include <QLineEdit>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

QString sentence(int i) {
    static const QStringList words = {"the", "cat", "dog", "sat", "ran", "on", "mat", "fast", "king", "queen"};
    QString s;
    for (int k = 0; k < 40; ++k) s += words[(i * 7 + k * 3) % words.size()] + QLatin1Char(' ');
    return s + QLatin1Char('.');
}

}  // namespace

class TestThreads : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_threads"));
        QVERIFY(m_dir.isValid());
        test::writeMediumModel(folder("a"), 1, DType::F32);
        test::writeMediumModel(folder("b"), 2, DType::F16);
    }

    void editsLoadsAndCancelsInterleaveSafely() {
        AnalysisController controller;
        controller.setDebounceInterval(2);  // requests close behind the edits
        controller.setModel(Model::load(folder("a").toStdString()), folder("a"));
        int shown = 0;
        QStringList violations;
        connect(&controller, &AnalysisController::resultReady, this, [&](const AnalysisResultPtr& r) {
            ++shown;
            if (r->requestId != controller.latestRequestId()) violations << QStringLiteral("a stale result was shown");
            if (r->modelName != controller.modelName()) {
                violations << QStringLiteral("a result of %1 was shown while %2 was current")
                                  .arg(r->modelName, controller.modelName());
            }
        });
        QRandomGenerator random(20240607);
        const QString models[] = {folder("a"), folder("b")};
        int loads = 0, cancels = 0, masks = 0, duringLoad = 0, duringRun = 0;
        for (int i = 0; i < 60; ++i) {
            const InferenceWorker& worker = controller.worker();
            if (worker.runsStarted() > worker.runsFinished() + worker.runsCancelled()) ++duringRun;
            if (controller.isLoadThreadRunning()) ++duringLoad;
            controller.setText(sentence(i));
            if (i % 5 == 0) {
                controller.loadModel(models[(i / 5) % 2]);
                ++loads;
            }
            if (i % 7 == 3 && controller.isLoading()) {
                controller.cancelLoad();
                ++cancels;
            }
            if (i % 9 == 4) {  // let this text's result arrive, then mask its third token
                const std::string text = sentence(i).toStdString();
                if (QTest::qWaitFor(
                        [&] { return controller.latestResult() && controller.latestResult()->text == text; }, 20000) &&
                    controller.toggleMask(3)) {
                    ++masks;
                }
            }
            QTest::qWait(static_cast<int>(random.bounded(12)));
        }
        // The last word: model b, then a final text.
        QSignalSpy changed(&controller, &AnalysisController::modelChanged);
        controller.clearMasks();
        controller.loadModel(models[1]);
        QVERIFY(changed.wait(30000));
        const QString last = QStringLiteral("the queen sat on the mat .");
        controller.setText(last);
        QTRY_VERIFY_WITH_TIMEOUT(controller.latestResult() && controller.latestResult()->text == last.toStdString(),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isLoadThreadRunning(), 30000);
        QTest::qWait(200);  // nothing older may arrive afterwards
        const InferenceWorker& worker = controller.worker();
        qInfo(
            "%d results shown; %d loads (%d cancelled), %d masks toggled; edits during a load %d, during a run %d; "
            "runs: %d started, %d finished, %d cancelled",
            shown, loads, cancels, masks, duringLoad, duringRun, worker.runsStarted(), worker.runsFinished(),
            worker.runsCancelled());
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QStringLiteral("; "))));
        QVERIFY(masks > 0);
        QVERIFY2(duringLoad > 0, "no edit arrived while a model was loading: the test proved nothing about that");
        const AnalysisResultPtr r = controller.latestResult();
        QCOMPARE(r->text, last.toStdString());
        QCOMPARE(r->modelName, QStringLiteral("b"));
        QCOMPARE(controller.modelName(), QStringLiteral("b"));
        QVERIFY(r->userMasked.empty());
        const Analysis ref = test::engineAnalysis(controller.model(), last.toStdString(), MaskMode::Bidirectional);
        QVERIFY(test::maxAttentionDifference(r->bidirectional, ref) < 1e-6);
    }

    // The same through the window: keystrokes into the sentence box while
    // models load and loads are cancelled; the window ends on the last text
    // and model.
    void typingWhileModelsLoadInTheWindow() {
        MainWindow w;
        QSignalSpy changed(&w.controller(), &AnalysisController::modelChanged);
        w.openModel(folder("a"));
        w.show();
        QVERIFY(changed.wait(30000));
        QLineEdit* edit = w.sentenceEdit();
        edit->setFocus();
        const QStringList words = {"the", "dog", "sat", "on", "the", "mat", "and", "the", "cat", "ran", "."};
        for (int i = 0; i < words.size(); ++i) {
            QTest::keyClicks(edit, (i ? QStringLiteral(" ") : QString()) + words[i]);
            if (i % 3 == 0) w.openModel(folder(i % 2 ? "a" : "b"));
            if (i % 4 == 2 && w.controller().isLoading()) w.controller().cancelLoad();
            QTest::qWait(i % 2 ? 5 : 40);
        }
        w.openModel(folder("b"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.controller().isLoading() && !w.controller().isLoadThreadRunning(), 30000);
        const std::string text = edit->text().toStdString();
        QTRY_VERIFY_WITH_TIMEOUT(
            w.shownResult() && w.shownResult()->text == text && w.shownResult()->modelName == QLatin1String("b"),
            30000);
        const Analysis ref = test::engineAnalysis(w.controller().model(), text, MaskMode::Bidirectional);
        QVERIFY(test::maxAttentionDifference(w.shownResult()->bidirectional, ref) < 1e-6);
    }

private:
    QString folder(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestThreads)
#include "tst_threads.moc"
