// The window end to end on the offscreen platform: load a model, type, and
// check what the views hold against the engine's own numbers; masking by
// clicking a token; the model grid; keyboard shortcuts; analysis errors; the
// load-error dialog; examples.
#include "AnalysisController.h"
#include "AttentionHeatmap.h"
#include "BundledModel.h"
#include "Errors.h"
#include "CompareView.h"
#include "HeadView.h"
#include "MainWindow.h"
#include "ModelView.h"
#include "RecentModels.h"
#include "SelectionControls.h"
#include "TokenStrip.h"
#include "UiTestSupport.h"
#include "ViewRegistry.h"

#include <qcustomplot.h>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const char* kModel = "h12-f32";  // 2 layers x 12 heads, max 40 positions

// A window with the fixture model loaded and shown.
std::unique_ptr<MainWindow> openWindow() {
    return test::openWindow(test::fixtureModel(kModel));
}

using test::waitForText;

QColor pixel(const QImage& img, int x, int y) {
    return img.pixelColor(x, y);
}

}  // namespace

class TestWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_window"));
    }

    // What `bertlens` does on start: the bundled model (or, until it is built,
    // the test model with a note saying so) and the first example, analysed.
    void opensWithTheBundledModelAndAnExample() {
        const BundledModel bundled = findBundledModel();
        QVERIFY2(!bundled.folder.isEmpty(), "neither resources/models/bertlens-mini nor the test model was found");
        QVERIFY(looksLikeModelFolder(bundled.folder));
        QCOMPARE(bundled.note.isEmpty(), bundled.folder.endsWith(QStringLiteral("resources/models/bertlens-mini")));
        RecentModels::clear();
        MainWindow w;
        w.setModelNote(bundled.note);
        w.openModel(bundled.folder);
        QVERIFY(!w.examples().isEmpty());
        w.showExample(0);
        w.show();
        QVERIFY(waitForText(w, w.examples()[0].text.toStdString()));
        const ModelConfig& c = w.controller().model()->config();
        const int n = w.shownResult()->tokenCount();
        QCOMPARE(n, static_cast<int>(
                        w.controller().model()->tokenizer().encode(w.examples()[0].text.toStdString()).ids.size()));
        w.syncAllViews();
        const AttentionHeatmap* map = qobject_cast<HeadView*>(w.view(QStringLiteral("head")))->heatmap();
        QCOMPARE(map->rows(), n);
        QCOMPARE(map->columns(), n);
        auto* grid = qobject_cast<ModelView*>(w.view(QStringLiteral("model")));
        QCOMPARE(grid->layerCount(), c.layers);
        QCOMPARE(grid->headCount(), c.heads);
        QCOMPARE(grid->thumbnail(c.layers - 1, c.heads - 1).size(), QSize(n, n));
        QCOMPARE(RecentModels::list().value(0), QDir::cleanPath(QDir(bundled.folder).absolutePath()));
    }

    // Words bertlens-mini's vocabulary lacks are marked, and a lowercase
    // [mask] gets a hint (issue 20's vocabulary honesty).
    void wordsOutsideTheVocabularyAreMarked() {
        const QString folder = QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
        QFile vocabFile(folder + QStringLiteral("/vocab.txt"));
        if (!vocabFile.open(QIODevice::ReadOnly)) QSKIP("the bundled model is not built");
        const QStringList vocab = QString::fromUtf8(vocabFile.readAll()).split(QLatin1Char('\n'));
        // The reference: the vocabulary file itself.
        QVERIFY(!vocab.contains(QStringLiteral("trophy")) && !vocab.contains(QStringLiteral("suitcase")));
        QVERIFY(vocab.contains(QStringLiteral("did")) && vocab.contains(QStringLiteral("because")));
        auto w = test::openWindow(folder);
        QVERIFY(w);
        const QString text = QStringLiteral("the trophy did not fit in the suitcase because it was too [mask] .");
        w->setText(text);
        QVERIFY(waitForText(*w, text.toStdString()));
        const std::vector<Token>& tokens = w->shownResult()->bidirectional.tokens;
        for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
            const Token& t = tokens[static_cast<size_t>(i)];
            const bool whole = !t.added && !QString::fromStdString(t.text).startsWith(QStringLiteral("##"));
            if (!whole) continue;
            // A piece that begins a word: marked when the word (up to the next space) is not in the file.
            const qsizetype space = w->shownResult()->text.find(' ', size_t(t.bytes.start));
            const QString fullWord = QString::fromStdString(
                w->shownResult()->text.substr(size_t(t.bytes.start), size_t(space) - size_t(t.bytes.start)));
            if (fullWord == QLatin1String("trophy") || fullWord == QLatin1String("suitcase")) {
                QVERIFY2(w->tokenStrip()->chipIsOutOfVocabulary(i), qPrintable(fullWord));
            } else if (vocab.contains(fullWord)) {
                QVERIFY2(!w->tokenStrip()->chipIsOutOfVocabulary(i), qPrintable(fullWord));
            }
        }
        QVERIFY(w->messageLabel()->isVisible());
        QVERIFY2(w->messageLabel()->text().contains(QStringLiteral("write [MASK] in capitals")),
                 qPrintable(w->messageLabel()->text()));
        w->setText(QStringLiteral("the cat sat on the [MASK] ."));
        QVERIFY(waitForText(*w, "the cat sat on the [MASK] ."));
        QVERIFY(w->messageLabel()->isHidden());
        for (int i = 0; i < w->tokenStrip()->chipCount(); ++i) QVERIFY(!w->tokenStrip()->chipIsOutOfVocabulary(i));
    }

    void typedSentenceFillsTheViewsWithTheEngineNumbers() {
        auto w = openWindow();
        QVERIFY(w);
        const std::string text = "the cat sat on the mat .";
        QTest::keyClicks(w->sentenceEdit(), QString::fromStdString(text));
        QVERIFY(waitForText(*w, text));
        const int n = 9;  // [CLS] the cat sat on the mat . [SEP]
        QCOMPARE(w->shownResult()->tokenCount(), n);
        QCOMPARE(w->tokenStrip()->chipCount(), n);
        QCOMPARE(w->tokenStrip()->chipText(2), QStringLiteral("cat"));
        w->syncAllViews();

        const auto model = w->controller().model();
        const Analysis bi = test::engineAnalysis(model, text, MaskMode::Bidirectional);
        const Analysis causal = test::engineAnalysis(model, text, MaskMode::Causal);

        auto* head = qobject_cast<HeadView*>(w->view(QStringLiteral("head")));
        QVERIFY(head);
        const AttentionHeatmap* map = head->heatmap();
        // Every head of every layer, both masks: the cells equal the engine's attention.
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            const Analysis& ref = mode == MaskMode::Causal ? causal : bi;
            for (int l = 0; l < 2; ++l) {
                for (int h = 0; h < 12; ++h) {
                    Selection s;
                    s.layer = l;
                    s.head = h;
                    s.maskMode = mode;
                    w->selectionControls()->setSelection(s);
                    QCOMPARE(map->rows(), n);
                    QCOMPARE(map->columns(), n);
                    double worst = 0;
                    for (int r = 0; r < n; ++r) {
                        double rowSum = 0;
                        for (int c = 0; c < n; ++c) {
                            worst = std::max(worst, std::abs(map->value(r, c) - ref.attention(l, h)(r, c)));
                            rowSum += map->value(r, c);
                        }
                        QVERIFY(std::abs(rowSum - 1.0) < 1e-5);
                    }
                    QVERIFY2(worst < 1e-6, qPrintable(QStringLiteral("layer %1 head %2: %3").arg(l).arg(h).arg(worst)));
                }
            }
        }
        // The hover line names both tokens and the weight.
        Selection s;
        s.layer = 1;
        s.head = 4;
        w->selectionControls()->setSelection(s);
        QCOMPARE(map->hoverText(2, 6),
                 QStringLiteral("cat → mat: weight %1").arg(QString::number(bi.attention(1, 4)(2, 6), 'f', 3)));

        // Pointing at the cell (row "cat", column "mat") writes the same line under the map.
        QCustomPlot* plot = map->plot();
        QTRY_VERIFY(plot->isVisible() && plot->axisRect()->rect().width() > 50);
        const QPoint cell(static_cast<int>(plot->xAxis2->coordToPixel(6)),
                          static_cast<int>(plot->yAxis->coordToPixel(2)));
        QMouseEvent move(QEvent::MouseMove, QPointF(cell), QPointF(plot->mapToGlobal(cell)), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(plot, &move);
        QCOMPARE(map->hoverLine(), map->hoverText(2, 6));

        // "All heads, averaged": the mean of the twelve maps, summed here by hand.
        s.averageHeads = true;
        w->selectionControls()->setSelection(s);
        for (int r = 0; r < n; ++r) {
            for (int c = 0; c < n; ++c) {
                double sum = 0;
                for (int h = 0; h < 12; ++h) sum += bi.attention(1, h)(r, c);
                QVERIFY(std::abs(map->value(r, c) - sum / 12.0) < 1e-6);
            }
        }

        // The model view: one n x n map per layer and head, coloured by the engine's weights.
        auto* grid = qobject_cast<ModelView*>(w->view(QStringLiteral("model")));
        QVERIFY(grid);
        QCOMPARE(grid->layerCount(), 2);
        QCOMPARE(grid->headCount(), 12);
        const Theme theme = w->theme();
        for (int l = 0; l < 2; ++l) {
            for (int h = 0; h < 12; ++h) {
                const QImage& img = grid->thumbnail(l, h);
                QCOMPARE(img.size(), QSize(n, n));
                for (int r = 0; r < n; ++r) {
                    for (int c = 0; c < n; ++c) {
                        const QColor want = theme.color(bi.attention(l, h)(r, c));
                        const QColor got = pixel(img, c, r);
                        QVERIFY(std::abs(got.red() - want.red()) <= 2 && std::abs(got.green() - want.green()) <= 2 &&
                                std::abs(got.blue() - want.blue()) <= 2);
                    }
                }
            }
        }
        QVERIFY(w->messageLabel()->isHidden());
    }

    void everyRegisteredViewIsFoundByItsName() {
        QVERIFY(viewNames().contains(QStringLiteral("head")));
        QVERIFY(viewNames().contains(QStringLiteral("model")));
        for (const ViewEntry& e : viewEntries()) {
            std::unique_ptr<FigureView> v(createView(e.name));
            QVERIFY(v);
            QCOMPARE(v->figureName(), e.name);
        }
        QVERIFY(!createView(QStringLiteral("no such view")));
    }

    void clickingATokenMasksItAndPredictsIt() {
        auto w = openWindow();
        QVERIFY(w);
        w->setText(QStringLiteral("the dog ran fast ."));
        QVERIFY(waitForText(*w, "the dog ran fast ."));
        QVERIFY(w->shownResult()->bidirectional.predictions.empty());
        QSignalSpy shown(w.get(), &MainWindow::resultShown);
        QTest::mouseClick(w->tokenStrip(), Qt::LeftButton, {}, w->tokenStrip()->chipRect(2).center());
        QVERIFY(shown.wait(10000));
        const AnalysisResultPtr r = w->shownResult();
        QCOMPARE(r->userMasked, std::vector<int>{2});
        QCOMPARE(w->tokenStrip()->chipText(2), QStringLiteral("[MASK] dog"));
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            const Analysis& a = r->analysis(mode);
            QCOMPARE(a.predictions.size(), size_t(1));
            QCOMPARE(a.predictions[0].position, 2);
            // the same guesses as typing [MASK] in place of the word
            const Analysis ref = test::engineAnalysis(w->controller().model(), "the [MASK] ran fast .", mode);
            QCOMPARE(a.predictions[0].top.size(), ref.predictions[0].top.size());
            for (size_t k = 0; k < ref.predictions[0].top.size(); ++k) {
                QVERIFY(std::abs(a.predictions[0].top[k].probability - ref.predictions[0].top[k].probability) < 1e-6);
            }
        }
        // [CLS] is not clickable
        QTest::mouseClick(w->tokenStrip(), Qt::LeftButton, {}, w->tokenStrip()->chipRect(0).center());
        QVERIFY(!shown.wait(300));
        // clicking the masked chip shows the word again
        QTest::mouseClick(w->tokenStrip(), Qt::LeftButton, {}, w->tokenStrip()->chipRect(2).center());
        QVERIFY(shown.wait(10000));
        QVERIFY(w->shownResult()->userMasked.empty());
        QCOMPARE(w->tokenStrip()->chipText(2), QStringLiteral("dog"));
    }

    void clickingASmallMapOpensItInTheHeadView() {
        auto w = openWindow();
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        w->setCurrentView(QStringLiteral("model"));
        auto* grid = qobject_cast<ModelView*>(w->view(QStringLiteral("model")));
        QTRY_VERIFY(grid->isVisible());
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(1, 7).center());
        QCOMPARE(w->selection().layer, 1);
        QCOMPARE(w->selection().head, 7);
        QCOMPARE(w->currentView()->figureName(), QStringLiteral("head"));
    }

    void keyboardPicksLayerHeadAndMask() {
        auto w = openWindow();
        QVERIFY(w);
        QApplication::setActiveWindow(w.get());
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        QTest::keyClick(w.get(), Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(w->selection().layer, 1);
        QTest::keyClick(w.get(), Qt::Key_Down, Qt::AltModifier);  // clamps at the last layer
        QCOMPARE(w->selection().layer, 1);
        QTest::keyClick(w.get(), Qt::Key_Right, Qt::AltModifier);
        QTest::keyClick(w.get(), Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(w->selection().head, 2);
        QTest::keyClick(w.get(), Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(w->selection().head, 1);
        QTest::keyClick(w.get(), Qt::Key_A, Qt::AltModifier);
        QVERIFY(w->selection().averageHeads);
        QTest::keyClick(w.get(), Qt::Key_M, Qt::AltModifier);
        QCOMPARE(w->selection().maskMode, MaskMode::Causal);
        QTest::keyClick(w.get(), Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(w->selection().layer, 0);
    }

    void twentyRapidEditsShowOnlyTheLast() {
        auto w = openWindow();
        QVERIFY(w);
        QStringList shownTexts;
        bool stale = false;
        connect(w.get(), &MainWindow::resultShown, this, [&](const AnalysisResultPtr& r) {
            shownTexts << QString::fromStdString(r->text);
            if (QString::fromStdString(r->text) != w->sentenceEdit()->text() &&
                r->requestId != w->controller().latestRequestId()) {
                stale = true;
            }
        });
        QLineEdit* edit = w->sentenceEdit();
        edit->setFocus();
        const QStringList words = {"the", "dog", "ran", "at", "the", "man", "and",  "the", "cat", "sat",
                                   "on",  "a",   "mat", "in", "the", "sun", "with", "a",   "big", "fish"};
        for (int i = 0; i < 20; ++i) {
            QTest::keyClicks(edit, (i ? QStringLiteral(" ") : QString()) + words[i]);
            QTest::qWait(i % 4 == 0 ? 45 : 8);
        }
        const std::string last = edit->text().toStdString();
        QVERIFY(waitForText(*w, last));
        QTest::qWait(200);
        QCOMPARE(shownTexts.last().toStdString(), last);
        QVERIFY(!stale);
        QCOMPARE(w->tokenStrip()->chipCount(), w->shownResult()->tokenCount());
        QCOMPARE(w->tokenStrip()->chipText(20), QStringLiteral("fish"));
    }

    // The refused text's views show nothing of the earlier text (tst_stale
    // checks the panels that say why).
    void analysisErrorsShowInTheWindowAndShowNoEarlierResult() {
        auto w = openWindow();
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        w->setText(QStringLiteral("the cat sat on the mat ").repeated(10));
        QTRY_VERIFY_WITH_TIMEOUT(w->messageLabel()->isVisible(), 10000);
        QVERIFY(w->messageLabel()->text().contains(QStringLiteral("at most 40")));
        QVERIFY(!w->shownResult());
        QVERIFY(w->nothingAnalysedReason().contains(QStringLiteral("at most 40")));
        QVERIFY(!w->findChild<QMessageBox*>());  // not a dialog
        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(waitForText(*w, "the dog sat ."));
        QVERIFY(w->messageLabel()->isHidden());
    }

    void badModelFolderShowsTheEngineMessageAndKeepsTheModel() {
        auto w = openWindow();
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        QTemporaryDir bad;
        QFile config(bad.filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"model_type\": \"bert\", \"hidden_size\": 64");  // truncated
        config.close();
        QString engineMessage;
        try {
            Model::load(bad.path().toStdString());
        } catch (const CheckpointError& e) {
            engineMessage = QString::fromUtf8(e.what());
        }
        QVERIFY(!engineMessage.isEmpty());

        w->openModel(bad.path());
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>(QStringLiteral("modelLoadError"))), 10000);
        QCOMPARE(box->text(), engineMessage);
        QVERIFY(box->informativeText().contains(QStringLiteral("Still using h12-f32")));
        box->close();
        QCOMPARE(w->controller().modelName(), QStringLiteral("h12-f32"));
        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(waitForText(*w, "the dog sat ."));
        QCOMPARE(w->shownResult()->modelName, QStringLiteral("h12-f32"));
    }

    void examplesTeachTheFourThings() {
        auto w = openWindow();
        QVERIFY(w);
        QSet<QString> categories;
        for (const ExampleSentence& e : w->examples()) {
            categories << e.category;
            QVERIFY(!e.explanation.isEmpty());
        }
        for (const char* c : {"Coreference", "Agreement", "Word sense", "Guessing a masked word"}) {
            QVERIFY2(categories.contains(QLatin1String(c)), c);
        }
        for (int i = 0; i < w->examples().size(); ++i) {
            w->showExample(i);
            QVERIFY(waitForText(*w, w->examples()[i].text.toStdString()));
            QVERIFY(w->explanationLabel()->isVisible());
            QVERIFY(w->explanationLabel()->text().contains(w->examples()[i].title.toHtmlEscaped()));
            // An example that says where to look goes there.
            const ExampleSentence& e = w->examples()[i];
            if (!e.view.isEmpty()) QCOMPARE(w->currentView()->figureName(), e.view);
            if (!e.compareWith.isEmpty()) {
                const auto* compare = qobject_cast<const CompareView*>(w->view(QStringLiteral("compare")));
                QVERIFY(compare);
                QCOMPARE(partnerName(compare->partner()), e.compareWith);
            }
        }
        QVERIFY(categories.contains(QStringLiteral("Left, right or both")));
    }

    void presentationModeEnlargesTheFigures() {
        auto w = openWindow();
        QVERIFY(w);
        const double normal = w->sentenceEdit()->font().pointSizeF();
        w->setPresentationMode(true);
        QVERIFY(w->theme().fontScale > 1.0);
        QVERIFY(w->sentenceEdit()->font().pointSizeF() > 1.4 * normal);
        // full screen for the figure, and the keys still work without the menu bar
        QVERIFY(w->menuBar()->isHidden());
        QApplication::setActiveWindow(w.get());
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        QTest::keyClick(w.get(), Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(w->selection().layer, 1);
        QTest::keyClick(w.get(), Qt::Key_Escape);
        QVERIFY(w->menuBar()->isVisible());
        QCOMPARE(w->sentenceEdit()->font().pointSizeF(), normal);
        QTest::keyClick(w.get(), Qt::Key_F11);
        QVERIFY(w->menuBar()->isHidden());
        w->setColorMap(ColorMap::Cividis);
        QCOMPARE(w->theme().colorMap, ColorMap::Cividis);
        w->setPresentationMode(false);
        QCOMPARE(w->sentenceEdit()->font().pointSizeF(), normal);
        QCOMPARE(w->theme().colorMap, ColorMap::Cividis);
    }
};

QTEST_MAIN(TestWindow)
#include "tst_window.moc"
