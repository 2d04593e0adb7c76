// A monkey in the window (issue 19): a seeded run of random user actions on
// the real window, offscreen — typing and deleting, pasting hostile text (a
// megabyte, invalid UTF-8, right-to-left, emoji, 5,000 [MASK]s), clicking
// tokens and figures, poking every spin box, combo box and check box,
// switching views, opening good, broken, missing and vanishing model
// folders, cancelling loads, exporting (figures, and in the background the
// arrays and the interactive page) into good and impossible places,
// presentation mode, resizing. After every action:
//   - the UI thread did not stall longer than the bound: 500 ms by default
//     (2 s in sanitizer builds), BERTLENS_MONKEY_STALL_MS=100 for the
//     issue's goal on an idle machine; the worst stall is printed;
//   - every dialog that opened is plain text, and is closed as a user would;
// and after every 25 actions, once the window has settled:
//   - the result shown belongs to the text in the box and the model in use,
//     or the red line says that this text was not analysed;
//   - with no result shown, the view on screen (one of a sentence) says why;
//     with one, no panel covers it;
//   - the window's object count has not grown without bound.
//
//   BERTLENS_MONKEY_SEED=N        the seed (default 1)
//   BERTLENS_MONKEY_SECONDS=S     how long to run (default 30; CI's ASan run 120)
// A failure prints the seed and the action log; a failing seed becomes a
// regression test in tst_survival or tst_hostiletext.
#include "AnalysisController.h"
#include "ExportMenu.h"
#include "FigureExporter.h"
#include "FigureView.h"
#include "MainWindow.h"
#include "SentenceEdit.h"
#include "TokenStrip.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <functional>
#include <random>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

using test::copyFixture;

QString hostileText(int kind) {
    switch (kind) {
        case 0: {
            QString big;
            while (big.size() < (1 << 20)) big += QStringLiteral("the dog [MASK] at the mailman . ");
            return big;
        }
        case 1: {
            QByteArray bytes("caf\xc3\xa9 \xff\xfe\x80 \xed\xa0\x80 [MASK] \x1b[31m red\r");
            return QString::fromUtf8(bytes);
        }
        case 2:
            return QStringLiteral("\u05d4\u05db\u05dc\u05d1 [MASK] \u0627\u0644\u0643\u0644\u0628 \u202eevil\u202c .");
        case 3:
            return QStringLiteral("\U0001F600\U0001F468\u200D\U0001F469\u200D\U0001F467 the [MASK] \U0001F436 .");
        case 4: {
            QString masks;
            for (int i = 0; i < 5000; ++i) masks += QStringLiteral("[MASK] ");
            return masks;
        }
        default:
            return QStringLiteral("the trophy did not fit in the suitcase because it was too [MASK] .");
    }
}

// The offscreen platform warns on every resize; nothing else is dropped.
QtMessageHandler g_previousHandler = nullptr;
void quietOffscreen(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (message.contains(QLatin1String("propagateSizeHints")) || message.contains(QLatin1String("support raise()")))
        return;
    if (g_previousHandler) g_previousHandler(type, context, message);
}

}  // namespace

class TestMonkey : public QObject {
    Q_OBJECT
private slots:
    void randomActionsKeepTheWindowSound();
    void rebuildsLeaveNoPlotObjectsBehind();
    void aNewResultDropsTheOldMeasures();
};

// Seed 1's finding under ASan: a view given a new result still held the
// measures of the previous one and drew them with the new token count (a
// read past the end of the rollout matrices). The views showing measures
// are given a longer text's result while holding a shorter one's measures.
void TestMonkey::aNewResultDropsTheOldMeasures() {
    auto w = test::openWindow(test::fixtureModel("h12-f32"));
    QVERIFY(w);
    w->setCurrentView(QStringLiteral("flow"));
    const std::string shortText = "the [MASK] .";
    w->setText(QString::fromStdString(shortText));
    QVERIFY(test::waitForText(*w, shortText));
    QTRY_VERIFY_WITH_TIMEOUT(w->shownMeasures() && w->shownMeasures()->requestId == w->shownResult()->requestId, 20000);
    const AnalysisResultPtr shortResult = w->shownResult();
    const FlowMeasuresPtr shortMeasures = w->shownMeasures();
    const std::string longText = "the dog [MASK] at the mailman and the cat sat on the mat .";
    w->setText(QString::fromStdString(longText));
    QVERIFY(test::waitForText(*w, longText));
    const AnalysisResultPtr longResult = w->shownResult();
    QVERIFY(longResult->tokenCount() > shortResult->tokenCount());
    for (const char* name : {"flow", "layers", "head", "model"}) {
        FigureView* v = w->view(QLatin1String(name));
        QVERIFY2(v, name);
        v->setResult(shortResult);
        v->setMeasures(shortMeasures);
        v->setResult(longResult);  // before the fix: drawn with shortMeasures
        v->grab();
    }
    auto labels = w->view(QStringLiteral("flow"))->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel* l) { return l->text().contains(QStringLiteral("Computing rollout")); }));
}

// Seed 1's finding: every new result left the predictions view's margin
// groups and the flow view's bars group behind (QCustomPlot parents them to
// the plot, and clearing the layout does not delete them): 5 -> 564
// QCPMarginGroup objects in 800 actions.
void TestMonkey::rebuildsLeaveNoPlotObjectsBehind() {
    auto w = test::openWindow(test::fixtureModel("h12-f32"));
    QVERIFY(w);
    const auto count = [&](const char* className) {
        int n = 0;
        for (QObject* o : w->findChildren<QObject*>())
            n += QLatin1String(o->metaObject()->className()) == QLatin1String(className);
        return n;
    };
    const auto showBoth = [&](const std::string& text) {
        w->setText(QString::fromStdString(text));
        QVERIFY(test::waitForText(*w, text));
        for (const char* view : {"predictions", "flow"}) {
            w->setCurrentView(QLatin1String(view));
            QTest::qWait(20);
        }
    };
    showBoth("the dog [MASK] at the mailman .");
    const int margins = count("QCPMarginGroup"), barsGroups = count("QCPBarsGroup");
    QVERIFY(margins > 0);
    for (int i = 0; i < 10; ++i) showBoth(i % 2 ? "the dog [MASK] at the mailman ." : "a [MASK] sat on the [MASK] .");
    showBoth("the dog [MASK] at the mailman .");
    QCOMPARE(count("QCPMarginGroup"), margins);
    QCOMPARE(count("QCPBarsGroup"), barsGroups);
}

void TestMonkey::randomActionsKeepTheWindowSound() {
    const unsigned seed = qEnvironmentVariableIsSet("BERTLENS_MONKEY_SEED")
                              ? unsigned(qEnvironmentVariableIntValue("BERTLENS_MONKEY_SEED"))
                              : 1u;
    const int seconds = qEnvironmentVariableIsSet("BERTLENS_MONKEY_SECONDS")
                            ? qEnvironmentVariableIntValue("BERTLENS_MONKEY_SECONDS")
                            : 30;
    // The goal is 100 ms, met narrowly on an idle machine (README);
    // CI shares its machine, so the bound checked by default catches real
    // stalls (a computation on the UI thread) without timing noise.
    const double stallLimitMs = qEnvironmentVariableIsSet("BERTLENS_MONKEY_STALL_MS")
                                    ? qEnvironmentVariableIntValue("BERTLENS_MONKEY_STALL_MS")
                                    : (test::sanitizedBuild() ? 2000.0 : 500.0);
    std::mt19937 random(seed);
    g_previousHandler = qInstallMessageHandler(quietOffscreen);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = copyFixture(dir, "h12-f32", QStringLiteral("good"));
    const QString other = copyFixture(dir, "inter-f16", QStringLiteral("other"));
    const QString broken = copyFixture(dir, "h12-f32", QStringLiteral("broken"));
    {
        QFile f(broken + QStringLiteral("/config.json"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"hidden_size\": \"\x1b[2J\xff\", ");
    }
    const QString exports = dir.filePath(QStringLiteral("exports"));
    QDir().mkpath(exports);
    const QString impossible = good + QStringLiteral("/config.json/figure.png");  // a file as a folder

    auto w = test::openWindow(good);
    QVERIFY(w);
    w->resize(1400, 900);
    auto* exporter = w->findChild<ExportMenu*>();
    QVERIFY(exporter);
    QTabWidget* tabs = w->findChild<QTabWidget*>();
    QVERIFY(tabs);

    // What another program put on the clipboard: set between actions, so
    // the monkey's own work never counts as the window's.
    std::vector<QString> hostile;
    for (int i = 0; i < 6; ++i) hostile.push_back(hostileText(i));
    QString clipboardText;

    QStringList log;
    int actions = 0, dialogs = 0, checks = 0, vanished = 0;
    double worstStallMs = 0, worstExportMs = 0;
    QString worstAction;
    bool exported = false;  // an export follows a modal file dialog: the user waits for the file
    qsizetype objectsAtStart = -1;
    QMap<QString, int> classesAtStart;
    const auto fail = [&](const QString& what) {
        return QStringLiteral("seed %1, action %2: %3\nlast actions:\n  %4")
            .arg(seed)
            .arg(actions)
            .arg(what, log.mid(std::max<qsizetype>(0, log.size() - 15)).join(QStringLiteral("\n  ")));
    };

    // Controls the monkey may poke: spin boxes, combo boxes and check boxes
    // anywhere in the window (the views' own toggles too, as they land).
    const auto poke = [&]() -> QString {
        QList<QWidget*> controls;
        for (QWidget* c : w->findChildren<QWidget*>()) {
            if (!c->isVisible() || !c->isEnabled()) continue;
            if (qobject_cast<QSpinBox*>(c) || qobject_cast<QComboBox*>(c) || qobject_cast<QCheckBox*>(c)) controls << c;
        }
        if (controls.isEmpty()) return QStringLiteral("poke: nothing to poke");
        QWidget* c = controls[int(random() % controls.size())];
        if (auto* spin = qobject_cast<QSpinBox*>(c)) {
            const int v = spin->minimum() + int(random() % uint(spin->maximum() - spin->minimum() + 1));
            spin->setValue(v);
            return QStringLiteral("spin %1 = %2").arg(spin->objectName()).arg(v);
        }
        if (auto* combo = qobject_cast<QComboBox*>(c)) {
            if (combo->count() == 0) return QStringLiteral("combo: empty");
            const int i = int(random() % uint(combo->count()));
            combo->setCurrentIndex(i);
            return QStringLiteral("combo %1 = %2").arg(combo->objectName(), combo->itemText(i));
        }
        auto* box = qobject_cast<QCheckBox*>(c);
        box->click();
        return QStringLiteral("check %1 %2").arg(box->text()).arg(box->isChecked());
    };

    const std::vector<std::function<QString()>> moves = {
        [&] {  // type a few characters at the cursor
            static const QString alphabet = QStringLiteral("abcdefghijklmnopqrstuvwxyz   .,[]MASK\u00e9");
            QString typed;
            for (int i = 0, n = 1 + int(random() % 6); i < n; ++i) {
                const QChar c = alphabet[int(random() % alphabet.size())];
                if (c.unicode() < 128) {
                    QTest::keyClicks(w->sentenceEdit(), QString(c));
                } else {  // QTest knows ASCII keys only: the event a keyboard layout with é sends
                    QKeyEvent press(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, QString(c));
                    QApplication::sendEvent(w->sentenceEdit(), &press);
                    QKeyEvent release(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, QString(c));
                    QApplication::sendEvent(w->sentenceEdit(), &release);
                }
                typed += c;
            }
            return QStringLiteral("type \"%1\"").arg(typed);
        },
        [&] {  // delete
            const int n = 1 + int(random() % 8);
            for (int i = 0; i < n; ++i) QTest::keyClick(w->sentenceEdit(), Qt::Key_Backspace);
            return QStringLiteral("backspace x%1").arg(n);
        },
        [&] {  // replace everything by the hostile text on the clipboard
            w->sentenceEdit()->selectAll();
            if (QGuiApplication::clipboard()->text() == clipboardText) {
                QTest::keySequence(w->sentenceEdit(), QKeySequence::Paste);
            } else {
                qobject_cast<SentenceEdit*>(w->sentenceEdit())->insertCut(clipboardText);  // what Ctrl+V does
            }
            return QStringLiteral("paste %1 characters").arg(clipboardText.size());
        },
        [&] {  // an example from the menu's list
            if (w->examples().isEmpty()) return QStringLiteral("example: none");
            const int i = int(random() % uint(w->examples().size()));
            w->showExample(i);
            return QStringLiteral("example %1").arg(i);
        },
        [&] {  // click a token chip (masks or unmasks it)
            TokenStrip* strip = w->tokenStrip();
            if (strip->chipCount() == 0) return QStringLiteral("click token: none");
            const int i = int(random() % uint(strip->chipCount()));
            QTest::mouseClick(strip, Qt::LeftButton, {}, strip->chipRect(i).center());
            return QStringLiteral("click token %1").arg(i);
        },
        [&] {  // click or move somewhere in the current figure
            QWidget* view = tabs->currentWidget();
            const QPoint at(int(random() % uint(std::max(1, view->width()))),
                            int(random() % uint(std::max(1, view->height()))));
            QTest::mouseMove(view, at);
            QTest::mouseClick(view, Qt::LeftButton, {}, at);
            return QStringLiteral("click view at %1,%2").arg(at.x()).arg(at.y());
        },
        [&] {  // another view
            const int i = int(random() % uint(tabs->count()));
            tabs->setCurrentIndex(i);
            return QStringLiteral("view %1").arg(tabs->tabText(i));
        },
        poke,
        poke,
        [&] {  // open a model folder: good, other, broken, missing, or one that vanishes
            switch (random() % 5) {
                case 0:
                    w->openModel(good);
                    return QStringLiteral("open good");
                case 1:
                    w->openModel(other);
                    return QStringLiteral("open other");
                case 2:
                    w->openModel(broken);
                    return QStringLiteral("open broken");
                case 3:
                    w->openModel(dir.filePath(QStringLiteral("missing")));
                    return QStringLiteral("open missing");
                default: {
                    const QString gone = copyFixture(dir, "h12-f32", QStringLiteral("vanishing%1").arg(++vanished));
                    w->openModel(gone);
                    QDir(gone).removeRecursively();
                    return QStringLiteral("open vanishing");
                }
            }
        },
        [&] {  // cancel a load, if one runs
            if (!w->cancelLoadButton()->isVisible()) return QStringLiteral("cancel: no load");
            w->cancelLoadButton()->click();
            return QStringLiteral("cancel load");
        },
        [&] {  // export to a good folder or an impossible one
            const bool ok = random() % 2 == 0;
            const auto format = random() % 2 ? FigureExporter::Format::Png : FigureExporter::Format::Svg;
            const QString path =
                ok ? exports + QStringLiteral("/f%1.%2").arg(actions).arg(FigureExporter::suffix(format)) : impossible;
            QElapsedTimer exportClock;
            exportClock.start();
            const QString error = exporter->exportCurrentFigure(path, format);
            worstExportMs = std::max(worstExportMs, exportClock.nsecsElapsed() / 1e6);
            exported = true;
            return QStringLiteral("export %1: %2").arg(ok ? "good" : "impossible", error.isEmpty() ? "ok" : "refused");
        },
        [&] {  // the arrays or the page, written in the background: the window must stay live meanwhile
            const bool ok = random() % 2 == 0;
            const bool page = random() % 2 == 0;
            const QString where = ok ? exports + QStringLiteral("/d%1").arg(actions) : impossible;
            const bool started = page ? exporter->startPageExport(where + QStringLiteral(".html"))
                                      : exporter->startDataExport(where);
            return QStringLiteral("%1 to a%2 place: %3")
                .arg(page ? "page" : "arrays", ok ? " good" : "n impossible", started ? "started" : "busy or no result");
        },
        [&] {
            const bool on = random() % 2 == 0;
            w->setPresentationMode(on);
            return QStringLiteral("presentation %1").arg(on);
        },
        [&] {
            const QSize size(640 + int(random() % 960), 480 + int(random() % 520));
            w->resize(size);
            return QStringLiteral("resize %1x%2").arg(size.width()).arg(size.height());
        },
        [&] {
            const int ms = int(random() % 200);
            QTest::qWait(ms);
            return QStringLiteral("wait %1 ms").arg(ms);
        },
    };

    // The window has settled: no load runs and the worker has answered the
    // latest text (a result for it, or the red line).
    const auto settle = [&] {
        return QTest::qWaitFor(
            [&] {
                if (w->controller().isLoading()) return false;
                const AnalysisResultPtr r = w->shownResult();
                const bool current = r && r->requestId == w->controller().latestRequestId();
                return current || w->messageLabel()->isVisible();
            },
            30000);
    };

    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < qint64(seconds) * 1000) {
        ++actions;
        exported = false;
        clipboardText = hostile[random() % hostile.size()];
        QGuiApplication::clipboard()->setText(clipboardText);
        test::TickMonitor ticks;
        ticks.start();
        QElapsedTimer actionClock;
        actionClock.start();
        const QString what = moves[random() % moves.size()]();
        log << what + QStringLiteral(" [%1 ms]").arg(actionClock.nsecsElapsed() / 1e6, 0, 'f', 1);
        QTest::qWait(int(random() % 30));
        ticks.stop();
        // Dialogs: plain text, closed as a user would.
        for (QMessageBox* box : w->findChildren<QMessageBox*>()) {
            if (!box->isVisible()) continue;
            ++dialogs;
            QVERIFY2(box->textFormat() == Qt::PlainText, qPrintable(fail("a dialog that reads its text as HTML")));
            box->close();
        }
        if (ticks.ticks() > 0 && !exported) {
            if (ticks.maxGapMs() > worstStallMs) {
                worstStallMs = ticks.maxGapMs();
                worstAction = log.last();
            }
            QVERIFY2(ticks.maxGapMs() <= stallLimitMs,
                     qPrintable(fail(QStringLiteral("the UI thread stalled %1 ms").arg(ticks.maxGapMs()))));
        }
        if (actions % 25 != 0) continue;
        ++checks;
        QVERIFY2(settle(), qPrintable(fail("the window did not settle in 30 s")));
        const AnalysisResultPtr r = w->shownResult();
        if (!w->messageLabel()->isVisible() && r) {
            QVERIFY2(r->text == w->sentenceEdit()->text().toStdString(),
                     qPrintable(fail("the shown result is for another text")));
            QVERIFY2(r->modelName == w->controller().modelName(),
                     qPrintable(fail(QStringLiteral("the shown result is from model %1, the window uses %2")
                                         .arg(r->modelName, w->controller().modelName()))));
        }
        // Nothing shown: the view on screen says why; a result shown: no panel over it.
        if (FigureView* shown = w->currentView()) {
            const QString reason = shown->nothingAnalysedReason();
            if (!r && shown->needsSentence())
                QVERIFY2(!reason.isEmpty(), qPrintable(fail(shown->figureName() + " shows no result and no reason")));
            if (r) QVERIFY2(reason.isEmpty(), qPrintable(fail("a result under the panel: " + reason)));
        }
        const QList<QObject*> all = w->findChildren<QObject*>();
        const qsizetype objects = all.size();
        if (objectsAtStart < 0) {
            objectsAtStart = objects;
            for (QObject* o : all) classesAtStart[QString::fromLatin1(o->metaObject()->className())]++;
        }
        QMap<QString, int> classes;
        for (QObject* o : all) classes[QString::fromLatin1(o->metaObject()->className())]++;
        QStringList grown;
        for (auto it = classes.cbegin(); it != classes.cend(); ++it) {
            if (it.value() > classesAtStart.value(it.key()) + 20)
                grown
                    << QStringLiteral("%1 %2 -> %3").arg(it.key()).arg(classesAtStart.value(it.key())).arg(it.value());
        }
        QVERIFY2(objects < objectsAtStart * 2 + 200,
                 qPrintable(fail(QStringLiteral("%1 objects now, %2 at the first check; grown: %3")
                                     .arg(objects)
                                     .arg(objectsAtStart)
                                     .arg(grown.join(QStringLiteral(", "))))));
    }
    qInfo(
        "monkey seed %u: %d actions in %d s, %d dialogs closed, %d settled checks, worst UI stall %.1f ms "
        "(limit %.0f) after \"%s\", slowest export %.0f ms",
        seed, actions, seconds, dialogs, checks, worstStallMs, stallLimitMs, qPrintable(worstAction), worstExportMs);
}

QTEST_MAIN(TestMonkey)
#include "tst_monkey.moc"
