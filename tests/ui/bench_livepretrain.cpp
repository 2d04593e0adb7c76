// The live pretraining in the real window (offscreen platform): the live
// recipe trains for --seconds (default: to the end) while the sentence is
// edited every half second in the Training view, and it prints the steps
// per second, the longest and the 99th-percentile gap between ticks of a
// 10 ms timer on the UI thread, the snapshots shown, and the first step at
// which a head of the shown snapshot puts at least half of the [MASK]'s
// attention on "barked" (and when). A benchmark, not a test: run it by
// hand and say how busy the machine was.
//
//   bench_livepretrain [--seconds S]
#include "MainWindow.h"
#include "TrainingView.h"
#include "UiTestSupport.h"

#include "train/SnapshotSeries.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace bertlens;
using namespace bertlens::ui;

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    double seconds = 1e9;
    for (int i = 1; i + 1 < argc; ++i)
        if (QByteArray(argv[i]) == "--seconds") seconds = QByteArray(argv[i + 1]).toDouble();

    auto window = test::openWindow(QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini"));
    if (!window) return 1;
    auto* view = qobject_cast<TrainingView*>(window->view(QStringLiteral("training")));
    window->setCurrentView(QStringLiteral("training"));
    const QString sentences[] = {QStringLiteral("the [MASK] barked at the mailman ."),
                                 QStringLiteral("the [MASK] barked at the mailman !")};
    window->setText(sentences[0]);
    QTemporaryDir dir;
    QElapsedTimer clock;
    clock.start();
    if (!view->startLivePretraining(livePretrainRecipe(), dir.path())) {
        std::fprintf(stderr, "%s\n", qPrintable(view->message()));
        return 1;
    }

    std::vector<double> gaps;
    double last = 0;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const double now = clock.nsecsElapsed() / 1e6;
        if (last > 0) gaps.push_back(now - last);
        last = now;
    });
    ticker.start();
    int edits = 0;
    QTimer typist;
    typist.setInterval(500);
    QObject::connect(&typist, &QTimer::timeout, [&] { window->setText(sentences[++edits % 2]); });
    typist.start();

    int shown = 0;
    long long headStep = -1;
    double headSeconds = 0;
    QObject::connect(view, &TrainingView::stepShown, [&](int index) {
        ++shown;
        const AnalysisResultPtr r = view->shownResult();
        if (headStep >= 0 || !r) return;
        const Analysis& a = r->bidirectional;
        int mask = -1;
        for (size_t i = 0; i < a.tokens.size(); ++i)
            if (a.tokens[i].text == "[MASK]" && mask < 0) mask = int(i);
        if (mask < 0 || mask + 1 >= int(a.tokens.size())) return;
        for (int l = 0; l < a.layers; ++l)
            for (int h = 0; h < a.heads; ++h)
                if (a.attention(l, h)(mask, mask + 1) >= 0.5f) {
                    headStep = view->series()->snapshots()[size_t(index)].step;
                    headSeconds = clock.elapsed() / 1000.0;
                    std::printf("step %lld (%.0f s): layer %d head %d puts %.2f of [MASK]'s attention on \"barked\"\n",
                                headStep, headSeconds, l, h, double(a.attention(l, h)(mask, mask + 1)));
                    return;
                }
    });
    bool ended = false;
    QObject::connect(view, &TrainingView::livePretrainingEnded, [&] { ended = true; });
    QObject::connect(view, &TrainingView::livePretrainingFailed, [&](const QString& m) {
        std::fprintf(stderr, "failed: %s\n", qPrintable(m));
        ended = true;
    });
    while (!ended && clock.elapsed() < seconds * 1000) QTest::qWait(100);
    if (!ended) {
        view->stopLivePretraining();
        if (!QTest::qWaitFor([&] { return ended; }, 60000)) std::fprintf(stderr, "the run did not stop\n");
    }
    ticker.stop();
    std::sort(gaps.begin(), gaps.end());
    std::printf("%s\n", qPrintable(view->liveText()));
    std::printf("%.0f s, %d edits, %d snapshots shown; UI timer gaps: p50 %.1f ms, p99 %.1f ms, longest %.1f ms\n",
                clock.elapsed() / 1000.0, edits, shown, gaps[gaps.size() / 2], gaps[gaps.size() * 99 / 100],
                gaps.back());
    return 0;
}
