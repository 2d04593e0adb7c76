// Keystroke to heatmap: how long after an edit of the sentence box the head
// view's heatmap shows the new text's attention, in the real window (offscreen
// platform): the wait before the request (none by default), the worker's run under both masks, the queued
// hand-back, the views' update and the heatmap's replot and repaint. A
// benchmark, not a test: run it by hand, on a quiet machine, and quote medians.
//
//   bench_keystroke [--model DIR] [--random-bert-base VOCAB] [--lengths 16,32,128] [--edits N]
//                   [--sequential-masks | --one-pass] [--precision f32|bf16] [--settle-ms MS]
//
// --model: a BERT folder (default: the bundled resources/models/bertlens-mini).
// --random-bert-base VOCAB: instead, a random-weight bert-base-shaped F32
// checkpoint (12 x 768, 12 heads, 3072) written to a temporary folder over
// that vocabulary (../shared/reference/bert-base-uncased/vocab.txt).
// --sequential-masks: the worker runs the two mask modes one after the other
// (WorkerOptions::parallelMasks and onePassMasks off), to compare.
// --one-pass: both masks as one pass over the weights (WorkerOptions::onePassMasks).
// --precision: the engine's arithmetic (View > Arithmetic).
// --settle-ms: wait this long after the model is in before the first edit (a
// person starts typing a moment after opening a model; 0 by default).
// The first edit after the open is also printed on its own: it is the first
// to touch the model's pages.
// Each length n is in tokens, [CLS] and [SEP] included; every edit changes the
// last word and keeps n. Prints, per n, p50 and p95 of the whole latency and
// of its parts: the wait before the request, the engine's run (both masks) and
// the rest.
// BENCH_TRACE=1 also prints, per edit, when the result was shown and how much
// later the heatmap was painted.
#include "AnalysisController.h"
#include "AttentionHeatmap.h"
#include "HeadView.h"
#include "MainWindow.h"
#include "UiTestSupport.h"

#include <qcustomplot.h>
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QEventLoop>
#include <QTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// The first paint of the heatmap's plot widget after the wanted text's
// result was shown (both times taken as the events happen, not when a wait
// loop next looks).
class PaintWatch : public QObject {
public:
    explicit PaintWatch(QWidget* widget) {
        widget->installEventFilter(this);
        clock.start();
    }
    QElapsedTimer clock;
    qint64 shownNs = -1, paintNs = -1;
    QEventLoop loop;  // a real event loop: QTest::qWaitFor sleeps 10 ms between its rounds

protected:
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint && shownNs >= 0 && paintNs < 0) {
            paintNs = clock.nsecsElapsed();
            loop.quit();
        }
        return false;
    }
};

// Words that are one token each in the model's vocabulary.
QStringList singleTokenWords(const Model& model) {
    QStringList words;
    for (const char* w : {"the", "dog", "cat", "barked", "at", "man", "on", "table", "keys", "are", "of", "a",
                          "house", "big", "red", "and", "is", "to", "in", "was"}) {
        const Encoding e = model.tokenizer().encode(w);
        if (e.ids.size() == 3) words << QString::fromLatin1(w);
    }
    return words;
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QString model = QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
    QString vocab;
    std::vector<int> lengths = {16, 32, 128};
    int edits = 40;
    int settleMs = 0;
    Precision precision = Precision::F32;
    WorkerOptions options;
    QStringList args = app.arguments();
    if (args.removeAll(QStringLiteral("--sequential-masks")) > 0) {
        options.parallelMasks = false;
        options.onePassMasks = false;
    }
    if (args.removeAll(QStringLiteral("--one-pass")) > 0) options.onePassMasks = true;
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--model")) {
            model = args[i + 1];
        } else if (args[i] == QLatin1String("--random-bert-base")) {
            vocab = args[i + 1];
        } else if (args[i] == QLatin1String("--lengths")) {
            lengths.clear();
            for (const QString& n : args[i + 1].split(QLatin1Char(','))) lengths.push_back(n.toInt());
        } else if (args[i] == QLatin1String("--precision")) {
            if (!parsePrecision(args[i + 1].toStdString(), precision)) {
                std::fprintf(stderr, "--precision is f32 or bf16\n");
                return 2;
            }
        } else if (args[i] == QLatin1String("--settle-ms")) {
            settleMs = std::max(0, args[i + 1].toInt());
        } else if (args[i] == QLatin1String("--edits")) {
            edits = std::max(3, args[i + 1].toInt());
        } else {
            std::fprintf(stderr, "unknown option %s\n", qPrintable(args[i]));
            return 2;
        }
    }
    QTemporaryDir scratch;
    if (!vocab.isEmpty()) {
        test::writeBertBaseShapedModel(scratch.path(), vocab);
        model = scratch.path();
    }

    MainWindow w(options);
    w.resize(1600, 1000);
    w.show();
    w.setPrecision(precision);
    QSignalSpy loaded(&w.controller(), &AnalysisController::modelChanged);
    w.openModel(model);
    if (!loaded.wait(120000)) {
        std::fprintf(stderr, "the model did not load: %s\n", qPrintable(model));
        return 1;
    }
    if (settleMs > 0) QTest::qWait(settleMs);
    w.setCurrentView(QStringLiteral("head"));
    auto* head = dynamic_cast<HeadView*>(w.view(QStringLiteral("head")));
    QCustomPlot* plot = head ? head->heatmap()->plot() : nullptr;
    if (!plot) return 1;
    PaintWatch paints(plot);
    std::string wanted;
    QObject::connect(&w, &MainWindow::resultShown, [&](const AnalysisResultPtr& r) {
        if (r && r->text == wanted && paints.shownNs < 0) paints.shownNs = paints.clock.nsecsElapsed();
    });

    const auto m = w.controller().model();
    const QStringList words = singleTokenWords(*m);
    std::printf("model %s (%d layers x %d heads, hidden %d), %d edits per length, %s\n", qPrintable(model),
                m->config().layers, m->config().heads, m->config().hidden, edits, precisionName(precision));
    bool first = true;
    // BENCH_WARM=1: read every weight page (Model::warm) just before the
    // first edit, and again after 3 s of the event loop, and print how long
    // each took: how warm the pages stay in the window's process.
    if (qEnvironmentVariableIsSet("BENCH_WARM")) {
        QElapsedTimer t;
        t.start();
        m->warm();
        std::printf("warm: %.1f ms; ", t.nsecsElapsed() / 1e6);
        t.restart();
        m->warm();
        std::printf("at once again: %.1f ms; ", t.nsecsElapsed() / 1e6);
        QTest::qWait(3000);
        t.restart();
        m->warm();
        std::printf("after 3 s of the event loop: %.1f ms\n", t.nsecsElapsed() / 1e6);
    }
    std::printf("%6s %18s %10s %18s %18s\n", "tokens", "total p50/p95 ms", "wait p50", "engine p50/p95",
                "rest p50/p95");
    for (int n : lengths) {
        if (n < 3 || n > m->config().maxPositions) continue;
        QStringList base;
        for (int i = 0; i < n - 3; ++i) base << words[i % words.size()];
        std::vector<double> total, waits, engine, rest;
        for (int e = -2; e < edits; ++e) {  // two warm-up edits
            // The last word changes at every edit; the length stays n.
            const QString sentence = (base + QStringList{words[(e + 2) % words.size()]}).join(QLatin1Char(' '));
            if (w.shownResult() && w.shownResult()->text == sentence.toStdString()) continue;
            wanted = sentence.toStdString();
            paints.shownNs = paints.paintNs = -1;
            const qint64 start = paints.clock.nsecsElapsed();
            w.sentenceEdit()->setText(sentence);
            const int debounce = w.controller().debounceMs();
            QTimer::singleShot(60000, &paints.loop, &QEventLoop::quit);
            paints.loop.exec();
            if (paints.paintNs < 0) {
                std::fprintf(stderr, "no repaint for an edit at n = %d\n", n);
                return 1;
            }
            const double ms = (paints.paintNs - start) / 1e6;
            if (first) {
                std::printf("first edit after the open (settled %d ms): %.1f ms, engine %.1f ms\n", settleMs, ms,
                            w.shownResult()->elapsedMs);
                first = false;
            }
            if (e < 0) continue;
            const double run = w.shownResult()->elapsedMs;
            total.push_back(ms);
            engine.push_back(run);
            rest.push_back(ms - run - debounce);
            waits.push_back(debounce);
            if (qEnvironmentVariableIsSet("BENCH_TRACE"))
                std::printf("  shown %.1f ms, painted %.1f ms later\n", (paints.shownNs - start) / 1e6,
                            (paints.paintNs - paints.shownNs) / 1e6);
            QTest::qWait(20);
        }
        std::printf("%6d %8.1f / %7.1f %10.0f %8.1f / %7.1f %8.1f / %7.1f\n", n, percentile(total, 0.5),
                    percentile(total, 0.95), percentile(waits, 0.5), percentile(engine, 0.5), percentile(engine, 0.95),
                    percentile(rest, 0.5), percentile(rest, 0.95));
    }
    return 0;
}
