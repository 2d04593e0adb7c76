// The UI thread stays responsive while a bert-base-shaped model (12 layers,
// 768 hidden, 12 heads, 3072 intermediate, the real 30522-word vocabulary,
// random weights) runs on every edit: the longest gap between ticks of a
// 10 ms timer on the UI thread stays under 50 ms while twenty edits are typed
// and analysed. Also prints the run time per edit.
//
// Needs ../shared/reference/bert-base-uncased/vocab.txt (skipped without it).
// BERTLENS_WORKER_NICE and BERTLENS_WORKER_THREADS override the worker's
// settings, to compare them by hand.
#include "AnalysisController.h"
#include "MainWindow.h"
#include "UiTestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const QString kVocab = QStringLiteral(BERTLENS_SHARED_DIR "/reference/bert-base-uncased/vocab.txt");

using test::TickMonitor;

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// With nothing running, a 10 ms timer on a calm machine ticks within ~15 ms.
constexpr double kBusyMachineMs = 40.0;
// The brief's bound on the longest gap while the model runs.
constexpr double kLimitMs = 50.0;

// The shortest "longest gap" of three half-second idle windows.
double calmestIdleGap() {
    double best = 1e9;
    for (int i = 0; i < 3 && best >= kBusyMachineMs; ++i) {
        TickMonitor idle;
        idle.start();
        QTest::qWait(500);
        idle.stop();
        best = std::min(best, idle.maxGapMs());
    }
    return best;
}

QString busyMessage(double gap) {
    return QStringLiteral(
               "the machine is too busy to measure: with nothing running here the 10 ms timer already "
               "waits %1 ms")
        .arg(gap, 0, 'f', 1);
}

WorkerOptions workerOptionsFromEnvironment() {
    WorkerOptions o;
    if (qEnvironmentVariableIsSet("BERTLENS_WORKER_NICE"))
        o.niceIncrement = qEnvironmentVariableIntValue("BERTLENS_WORKER_NICE");
    if (qEnvironmentVariableIsSet("BERTLENS_WORKER_THREADS"))
        o.threads = qEnvironmentVariableIntValue("BERTLENS_WORKER_THREADS");
    return o;
}

}  // namespace

class TestResponsiveness : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        // Sanitizer builds (tools/setup.sh test) run every step several times
        // slower and stall threads on their own bookkeeping: a 50 ms bound
        // would measure the sanitizer, not BertLens, and writing and running a
        // 440 MB bert-base-shaped model there takes minutes of CI time.
        QSKIP("a timing test: skipped in a sanitizer build");
#endif
        if (!QFile::exists(kVocab))
            QSKIP("../shared/reference/bert-base-uncased/vocab.txt is absent: no bert-base-shaped model to run");
        QVERIFY(m_dir.isValid());
        QElapsedTimer t;
        t.start();
        test::writeBertBaseShapedModel(m_dir.path(), kVocab);
        qInfo("wrote a random bert-base-shaped checkpoint in %.1f s", t.elapsed() / 1000.0);
    }

    void uiStaysResponsiveWhileTheModelRuns_data() {
        QTest::addColumn<QString>("view");
        QTest::newRow("head view") << QStringLiteral("head");
        QTest::newRow("model view (144 maps)") << QStringLiteral("model");
    }

    void uiStaysResponsiveWhileTheModelRuns() {
        QFETCH(QString, view);
        const WorkerOptions options = workerOptionsFromEnvironment();
        MainWindow w(options);
        w.resize(1600, 1000);
        w.show();
        QSignalSpy loaded(&w.controller(), &AnalysisController::modelChanged);
        w.openModel(m_dir.path());
        QVERIFY(loaded.wait(60000));
        w.setCurrentView(view);
        // Warm up: the first run faults the 440 MB of weights in.
        w.setText(QStringLiteral("the dog barked"));
        QTRY_VERIFY_WITH_TIMEOUT(w.shownResult() && w.shownResult()->text == "the dog barked", 60000);

        // The machine is shared: if the UI thread already waits for the CPU
        // with nothing to do, no setting of ours can keep the gap short.
        const double calmBefore = calmestIdleGap();
        qInfo("idle UI thread: longest tick gap %.1f ms", calmBefore);
        if (calmBefore >= kBusyMachineMs) QSKIP(qPrintable(busyMessage(calmBefore)));

        // Best of three: a stall of ours (UI work per result, a worker that
        // takes the UI's core) shows in every attempt; a burst of another job
        // on this shared machine rarely hits three in a row.
        double best = 1e9;
        for (int attempt = 1; attempt <= 3 && best >= kLimitMs; ++attempt) {
            best = std::min(best, typeTwentyEdits(w, attempt, options));
        }
        QVERIFY2(best < kLimitMs,
                 qPrintable(QStringLiteral("the UI thread stalled for %1 ms in each of three attempts").arg(best)));
    }

private:
    // Types twenty words into the sentence box, a word every 60 ms, waits for
    // the last text's result, and returns the longest tick gap meanwhile.
    double typeTwentyEdits(MainWindow& w, int attempt, const WorkerOptions& options) {
        std::vector<double> runMs;
        QMetaObject::Connection c = connect(&w, &MainWindow::resultShown, this,
                                            [&](const AnalysisResultPtr& r) { runMs.push_back(r->elapsedMs); });
        const int startedBefore = w.controller().worker().runsStarted();
        const QStringList words = {"at",  "the",   "mailman", "and", "then", "the",  "cat", "sat",  "on",   "the",
                                   "mat", "while", "the",     "old", "man",  "read", "a",   "long", "book", "."};
        QLineEdit* edit = w.sentenceEdit();
        // A new start each attempt, so the last text differs from the last attempt's.
        const QStringList starts = {"the dog barked", "a cat sat", "my bird sang"};
        edit->setText(starts[(attempt - 1) % starts.size()]);
        TickMonitor busy;
        busy.start();
        edit->setFocus();
        edit->end(false);
        for (const QString& word : words) {
            QTest::keyClicks(edit, QLatin1Char(' ') + word);
            QTest::qWait(60);  // a fast typist: a word every 60 ms
        }
        const std::string last = edit->text().toStdString();
        const bool arrived = QTest::qWaitFor([&] { return w.shownResult() && w.shownResult()->text == last; }, 60000);
        QTest::qWait(100);
        busy.stop();
        disconnect(c);
        const int runs = w.controller().worker().runsStarted() - startedBefore;
        qInfo(
            "attempt %d: 20 edits, %d runs started, %zu results shown; run (both masks) median %.1f ms; tick gaps: "
            "longest %.1f ms, 99th percentile %.1f ms over %zu ticks (worker nice +%d, threads %d)",
            attempt, runs, runMs.size(), median(runMs), busy.maxGapMs(), busy.percentileMs(0.99), busy.ticks(),
            options.niceIncrement, options.threads);
        if (!arrived) return 1e9;  // the last text's result never came: a failure, whatever the gaps
        return busy.maxGapMs();
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
