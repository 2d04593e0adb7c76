// Issue 20, item 7: no stale results. With the box empty, or a text the
// engine refuses (too long for the model, a head the model lacks), every
// view of a sentence is covered by a panel that says why nothing is
// analysed, the token strip is empty and the status bar says "Nothing
// analysed" — never an earlier sentence's result shown as if it were this
// one's. Views of the model as a whole (anatomy, fine-tune, the heads view
// on a corpus) stay usable. The token counts the status bar gives are
// checked against the tokenizer's own encoding.
#include "AnalysisController.h"
#include "EmptyStatePanel.h"
#include "FigureView.h"
#include "HeadsCorpusSource.h"
#include "HeadsSourceBar.h"
#include "HeadsView.h"
#include "MainWindow.h"
#include "TokenStrip.h"
#include "UiTestSupport.h"
#include "ViewRegistry.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

QString bundledModel() {
    return QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
}

// The views that show a sentence's result, by the registry's names: all but
// the model-wide ones. Written out here, not read from needsSentence(), so
// that a view that stops covering itself is caught.
const QStringList kSentenceViews = {"head",       "model", "lines",  "predictions", "compare",
                                    "embeddings", "flow",  "layers", "heads",       "inside"};
const QStringList kModelViews = {"anatomy", "finetune"};

// The status bar's token count for text, from the tokenizer itself.
QString tokensStatus(const Model& model, const QString& text) {
    const int n = static_cast<int>(model.tokenizer().encode(text.toStdString()).ids.size());
    return n == 1 ? QStringLiteral("1 token") : QStringLiteral("%1 tokens").arg(n);
}

// Every view brought up to date, and each one shown in turn (the panel of a
// hidden tab is only visible once its tab is).
QStringList problemsWithPanels(MainWindow& w, const QString& reasonPart) {
    QStringList problems;
    w.syncAllViews();
    for (const ViewEntry& e : viewEntries()) {
        FigureView* v = w.view(e.name);
        w.setCurrentView(e.name);
        QCoreApplication::processEvents();
        const QString reason = v->nothingAnalysedReason();
        const bool covered = kSentenceViews.contains(e.name);
        if (covered != v->needsSentence()) problems << e.name + QStringLiteral(": needsSentence() is wrong");
        if (!covered) {
            if (!reason.isEmpty()) problems << e.name + QStringLiteral(": a model view is covered: ") + reason;
            continue;
        }
        const EmptyStatePanel* panel = v->nothingAnalysedPanel();
        if (!panel || !panel->isVisible()) {
            problems << e.name + QStringLiteral(": no panel shown");
            continue;
        }
        if (!reason.contains(reasonPart)) problems << e.name + QStringLiteral(": the panel says \"%1\"").arg(reason);
        if (panel->title() != QStringLiteral("Nothing is analysed")) problems << e.name + QStringLiteral(": title");
        // Every line of the title and the reason has the height it needs (a long refusal wraps).
        for (const QLabel* l : panel->findChildren<QLabel*>())
            if (l->height() < l->heightForWidth(l->width()) || l->width() > panel->width())
                problems << e.name + QStringLiteral(": \"%1\" is cut").arg(l->text());
        // It covers what it hides: the whole view, or (heads) all but the corpus bar.
        const QWidget* area = panel->parentWidget();
        if (panel->geometry() != area->rect()) problems << e.name + QStringLiteral(": the panel does not cover");
        const QRect onView(area->mapTo(v, QPoint(0, 0)), area->size());
        if (onView.height() < v->height() / 2) problems << e.name + QStringLiteral(": the covered part is small");
    }
    return problems;
}

}  // namespace

class TestStale : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_stale"));
        if (!QFileInfo::exists(bundledModel() + QStringLiteral("/config.json"))) QSKIP("the bundled model is missing");
    }

    void anEmptyBoxCoversEverySentenceViewAndSaysSo() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        const QString text = QStringLiteral("the dog [MASK] at the mailman .");
        w->setText(text);
        QVERIFY(test::waitForText(*w, text.toStdString()));
        QCOMPARE(w->statusTokensLabel()->text(), tokensStatus(*w->controller().model(), text));
        QVERIFY(w->tokenStrip()->chipCount() > 0);

        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->setText(QString());
        QVERIFY(cleared.wait(20000));
        QVERIFY(!w->shownResult());
        QVERIFY(!w->controller().latestResult());
        QCOMPARE(w->nothingAnalysedReason(), QStringLiteral("The box is empty \u2014 type a sentence."));
        QCOMPARE(w->statusTokensLabel()->text(), QStringLiteral("Nothing analysed"));
        QCOMPARE(w->tokenStrip()->chipCount(), 0);
        const QStringList problems = problemsWithPanels(*w, QStringLiteral("The box is empty"));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        // Nothing to mask, and nothing to export.
        QVERIFY(!w->controller().toggleMask(1));

        // Typing again: the panels go with the new result.
        const QString next = QStringLiteral("the cat sat on the mat .");
        w->setText(next);
        QVERIFY(test::waitForText(*w, next.toStdString()));
        w->syncAllViews();
        for (FigureView* v : w->views()) QCOMPARE(v->nothingAnalysedReason(), QString());
        QCOMPARE(w->statusTokensLabel()->text(), tokensStatus(*w->controller().model(), next));
    }

    // Spaces only: nothing to analyse either.
    void onlySpacesIsAnEmptyBoxToo() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(QStringLiteral("the dog barked ."));
        QVERIFY(test::waitForText(*w, "the dog barked ."));
        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->setText(QStringLiteral("    "));
        QVERIFY(cleared.wait(20000));
        QVERIFY(!w->shownResult());
        QVERIFY(w->currentView()->nothingAnalysedReason().contains(QStringLiteral("The box is empty")));
    }

    // A text the model cannot read whole: the panel gives the engine's
    // refusal (how long, the limit), the status bar no stale count.
    void aRefusedTextSaysWhyAndShowsNoEarlierResult() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));  // reads 40 positions
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*w, "the cat sat ."));
        const QString long_ = QStringLiteral("the cat sat on the mat ").repeated(10);
        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->setText(long_);
        QVERIFY(cleared.wait(20000));
        QVERIFY(!w->shownResult());
        const int n = static_cast<int>(w->controller().model()->tokenizer().encode(long_.toStdString()).ids.size());
        const QString limit = QStringLiteral("The text is %1 tokens long but this model reads at most 40").arg(n);
        QVERIFY2(w->nothingAnalysedReason().startsWith(limit), qPrintable(w->nothingAnalysedReason()));
        QCOMPARE(w->statusTokensLabel()->text(), QStringLiteral("Nothing analysed"));
        QCOMPARE(w->tokenStrip()->chipCount(), 0);
        QVERIFY(w->messageLabel()->isVisible());  // the red line says it too
        const QStringList problems = problemsWithPanels(*w, limit);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        w->setPresentationMode(true);  // larger type: the refusal wraps to more lines
        QCoreApplication::processEvents();
        const QStringList large = problemsWithPanels(*w, limit);
        QVERIFY2(large.isEmpty(), qPrintable(large.join(QLatin1Char('\n'))));
        w->setPresentationMode(false);

        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(test::waitForText(*w, "the dog sat ."));
        QCOMPARE(w->statusTokensLabel()->text(),
                 tokensStatus(*w->controller().model(), QStringLiteral("the dog sat .")));
        QVERIFY(w->currentView()->nothingAnalysedReason().isEmpty());
    }

    // Before any model is in there is nothing to show either, and the panel says what to do.
    void withNoModelThePanelSaysToOpenOne() {
        MainWindow w;
        w.show();
        w.setText(QStringLiteral("the dog barked ."));
        QCoreApplication::processEvents();
        QVERIFY(!w.shownResult());
        QCOMPARE(w.nothingAnalysedReason(), QStringLiteral("No model is loaded: open one with File > Open model."));
        QCOMPARE(w.currentView()->nothingAnalysedReason(), w.nothingAnalysedReason());
        QCOMPARE(w.statusTokensLabel()->text(), QStringLiteral("Nothing analysed"));
        w.setText(QString());
        QCoreApplication::processEvents();
        QCOMPARE(w.currentView()->nothingAnalysedReason(), QStringLiteral("The box is empty \u2014 type a sentence."));
    }

    // The heads view summarising a corpus shows no sentence: with the box
    // empty it stays uncovered, and the corpus bar is never covered.
    void theHeadsViewOnACorpusIsNotCovered() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("corpus.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("the dog barked at the mailman .\nthe cat sat on the mat .\n");
        file.close();
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(QStringLiteral("the dog barked ."));
        QVERIFY(test::waitForText(*w, "the dog barked ."));
        w->setCurrentView(QStringLiteral("heads"));
        auto* heads = qobject_cast<HeadsView*>(w->view(QStringLiteral("heads")));
        QVERIFY(heads);
        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->setText(QString());
        QVERIFY(cleared.wait(20000));
        QVERIFY(heads->nothingAnalysedReason().contains(QStringLiteral("The box is empty")));
        const QWidget* panel = heads->nothingAnalysedPanel();
        const QRect covered(panel->parentWidget()->mapTo(heads, panel->pos()), panel->size());
        const QRect bar(heads->sourceBar()->mapTo(heads, QPoint(0, 0)), heads->sourceBar()->size());
        QVERIFY(!covered.intersects(bar));
        heads->summariseCorpusFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(heads->showsCorpus(), 20000);
        QCOMPARE(heads->nothingAnalysedReason(), QString());
        heads->showSentence();
        QVERIFY(heads->nothingAnalysedReason().contains(QStringLiteral("The box is empty")));
    }

    // A head the model lacks: the worker refuses the whole request, so the
    // earlier result (without that head switched off) is not shown as its answer.
    void aRefusedAblationShowsNoEarlierResult() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(QStringLiteral("the dog [MASK] at the mailman ."));
        QVERIFY(test::waitForText(*w, "the dog [MASK] at the mailman ."));
        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->controller().setAblatedHeads({{9, 9}});
        QVERIFY(cleared.wait(20000));
        QVERIFY(!w->shownResult());
        QVERIFY2(w->nothingAnalysedReason().contains(QStringLiteral("9:9")), qPrintable(w->nothingAnalysedReason()));
        QCOMPARE(w->statusTokensLabel()->text(), QStringLiteral("Nothing analysed"));
    }

    // The panel follows the window: presentation mode's larger fonts, and a resize.
    void thePanelFollowsTheThemeAndTheSize() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        QSignalSpy cleared(w.get(), &MainWindow::resultCleared);
        w->setText(QStringLiteral("x"));
        QVERIFY(test::waitForText(*w, "x"));
        w->setText(QString());
        QVERIFY(cleared.wait(20000));
        FigureView* v = w->currentView();
        const EmptyStatePanel* panel = v->nothingAnalysedPanel();
        QVERIFY(panel && panel->isVisible());
        const int normalSize = panel->findChildren<QLabel*>().first()->font().pointSize();
        w->resize(1000, 700);
        QCoreApplication::processEvents();
        QCOMPARE(panel->geometry(), v->rect());
        w->setPresentationMode(true);
        QCoreApplication::processEvents();
        QVERIFY(panel->findChildren<QLabel*>().first()->font().pointSize() > normalSize);
        QCOMPARE(panel->geometry(), v->rect());
        w->setPresentationMode(false);
    }
};

QTEST_MAIN(TestStale)
#include "tst_stale.moc"
