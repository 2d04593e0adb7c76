// Explaining a prediction in the window: heads switched off from the model
// grid (Ctrl+click, the restore button, every head at once, a head the model
// lacks), the token strip coloured by gradient saliency, and the grid
// coloured by head importance. Each number is compared with an independent
// run of the engine in this test: an Encoder given the gates by hand, and
// core's gradients (which tests/core/MeasuresReferenceTest checks against a
// float64 torch reference and finite differences).
#include "AnalysisController.h"
#include "FigureCaption.h"
#include "MainWindow.h"
#include "ModelView.h"
#include "SaliencyBar.h"
#include "SelectionControls.h"
#include "TokenStrip.h"
#include "UiTestSupport.h"
#include "analysis/Gradients.h"
#include "analysis/HeadImportance.h"
#include "analysis/Saliency.h"
#include "model/Encoder.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const QString kText = QStringLiteral("the dog [MASK] at the mailman .");
const QString kTwoMasks = QStringLiteral("the [MASK] barked at the [MASK] .");

QString bundledModel() {
    return QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
}

// The engine on its own, with these heads' gates set to 0 by hand.
Analysis gatedRun(const std::shared_ptr<const Model>& model, const std::string& text, MaskMode mode,
                  const std::vector<std::pair<int, int>>& off) {
    const ModelConfig& c = model->config();
    AnalyzeOptions options;
    options.maskMode = mode;
    options.topK = 10;
    if (!off.empty()) {
        options.headGates.assign(static_cast<size_t>(c.layers * c.heads), 1.0f);
        for (auto [l, h] : off) options.headGates[static_cast<size_t>(l * c.heads + h)] = 0.0f;
    }
    Encoder encoder(model);
    return encoder.analyze(text, options);
}

bool samePredictions(const Analysis& a, const Analysis& b) {
    if (a.predictions.size() != b.predictions.size()) return false;
    for (size_t i = 0; i < a.predictions.size(); ++i) {
        const auto &x = a.predictions[i].top, &y = b.predictions[i].top;
        if (x.size() != y.size()) return false;
        for (size_t k = 0; k < x.size(); ++k) {
            if (x[k].id != y[k].id || std::abs(x[k].probability - y[k].probability) > 1e-6f) return false;
        }
    }
    return true;
}

// Waits until the window's measures for the shown result carry saliency.
bool waitForSaliency(MainWindow& w, int timeoutMs = 20000) {
    return QTest::qWaitFor(
        [&] {
            const FlowMeasuresPtr m = w.shownMeasures();
            return m && w.shownResult() && m->requestId == w.shownResult()->requestId && m->saliencyDone;
        },
        timeoutMs);
}

bool waitForAblation(MainWindow& w, size_t heads, int timeoutMs = 20000) {
    return QTest::qWaitFor(
        [&] {
            return w.shownResult() && w.shownResult()->ablated.size() == heads &&
                   w.shownResult()->requestId == w.controller().latestRequestId();
        },
        timeoutMs);
}

Gradients referenceGradients(const Model& model, const Analysis& a, const Prediction& p,
                             const std::vector<float>& gates = {}) {
    GradientRequest g;
    g.ids = a.ids;
    g.typeIds = a.typeIds;
    g.maskMode = a.maskMode;
    g.headGates = gates;
    g.fromPosition = p.fromPosition;
    g.target = p.top.front().id;
    return gradientsOf(model, g);
}

}  // namespace

class TestExplain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_explain"));
        if (!QFileInfo::exists(bundledModel() + QStringLiteral("/config.json"))) QSKIP("the bundled model is missing");
    }

    void ctrlClickSwitchesAHeadOffAndTheRestoreButtonOn() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(kText);
        QVERIFY(test::waitForText(*w, kText.toStdString()));
        const std::shared_ptr<const Model> model = w->controller().model();
        w->setCurrentView(QStringLiteral("model"));
        auto* grid = qobject_cast<ModelView*>(w->view(QStringLiteral("model")));
        QVERIFY(grid);
        QTRY_VERIFY(grid->cellRect(3, 0).width() > 4);
        const Analysis plain = test::engineAnalysis(model, kText.toStdString(), MaskMode::Bidirectional);

        // Layer 3, head 0 reads "dog" for the [MASK] (the model card's example).
        QTest::mouseClick(grid, Qt::LeftButton, Qt::ControlModifier, grid->cellRect(3, 0).center());
        QVERIFY(waitForAblation(*w, 1));
        const AnalysisResultPtr r = w->shownResult();
        QVERIFY(r->isAblated(3, 0));
        QVERIFY(!r->isAblated(0, 0));
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            const Analysis expected = gatedRun(model, kText.toStdString(), mode, {{3, 0}});
            QVERIFY(samePredictions(r->analysis(mode), expected));
            // The maps stay what the heads computed (the JSON says the same).
            QCOMPARE(test::maxAttentionDifference(r->analysis(mode), expected), 0.0);
        }
        QVERIFY2(!samePredictions(r->bidirectional, plain), "switching layer 3 head 0 off changed nothing");
        // The selection is not changed by Ctrl+click.
        QCOMPARE(w->selection().layer, 0);
        // An exported figure says so in its caption.
        const QString caption = figureCaption(r.get(), w->selection(), QStringLiteral("model"), grid);
        QVERIFY2(caption.contains(QStringLiteral("heads 3:0 switched off")), qPrintable(caption));
        auto* bar = w->saliencyBar();
        QVERIFY(bar->restoreButton()->isVisible());
        QVERIFY(bar->ablationLabel()->text().contains(QStringLiteral("3:0")));

        // Drawn struck through: the cell's centre is the red of the cross.
        const QImage shot = grid->grab().toImage();
        const QColor centre = shot.pixelColor(grid->cellRect(3, 0).center());
        QVERIFY2(centre.red() > 150 && centre.green() < 90, qPrintable(centre.name()));

        QTest::mouseClick(bar->restoreButton(), Qt::LeftButton);
        QVERIFY(waitForAblation(*w, 0));
        QVERIFY(samePredictions(w->shownResult()->bidirectional, plain));
        QVERIFY(!bar->restoreButton()->isVisible());
    }

    void everyHeadOffIsShownHonestly() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        const ModelConfig c = w->controller().model()->config();
        std::vector<HeadRef> all;
        std::vector<std::pair<int, int>> pairs;
        for (int l = 0; l < c.layers; ++l) {
            for (int h = 0; h < c.heads; ++h) {
                all.push_back({l, h});
                pairs.push_back({l, h});
            }
        }
        w->controller().setAblatedHeads(all);
        w->setText(kText);
        QVERIFY(waitForAblation(*w, all.size()));
        const AnalysisResultPtr r = w->shownResult();
        const Analysis expected =
            gatedRun(w->controller().model(), kText.toStdString(), MaskMode::Bidirectional, pairs);
        QVERIFY(samePredictions(r->bidirectional, expected));
        float sum = 0.0f;
        for (const TokenProbability& t : r->bidirectional.predictions.front().top) {
            QVERIFY(std::isfinite(t.probability));
            sum += t.probability;
        }
        QVERIFY(sum > 0.0f && sum <= 1.0f + 1e-5f);
        QVERIFY(w->saliencyBar()->ablationLabel()->text().contains(QStringLiteral("16 in all")));
    }

    void aHeadTheModelLacksGetsAMessage() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(kText);
        QVERIFY(test::waitForText(*w, kText.toStdString()));
        QSignalSpy failed(&w->controller(), &AnalysisController::analysisFailed);
        w->controller().setAblatedHeads({{9, 9}});
        QVERIFY(failed.wait(20000));
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("9:9")) && message.contains(QStringLiteral("does not exist")),
                 qPrintable(message));
        QVERIFY(!w->shownResult());  // the result without that head is not its answer
        QVERIFY(w->nothingAnalysedReason().contains(QStringLiteral("9:9")));
        // The toggle refuses it outright.
        QVERIFY(!w->controller().toggleHeadAblation(4, 0));
        QVERIFY(!w->controller().toggleHeadAblation(0, -1));
    }

    void theStripShowsTheSaliencyOfTheChosenGuess() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        SaliencyBar* bar = w->saliencyBar();
        bar->showBox()->setChecked(true);
        w->setText(kTwoMasks);
        QVERIFY(test::waitForText(*w, kTwoMasks.toStdString()));
        QVERIFY(waitForSaliency(*w));
        const std::shared_ptr<const Model> model = w->controller().model();
        const AnalysisResultPtr r = w->shownResult();
        const Analysis& a = r->bidirectional;
        QCOMPARE(a.predictions.size(), size_t(2));
        QCOMPARE(bar->predictionBox()->count(), 2);

        // The first [MASK] by default: the strip holds core's saliency of it.
        const Prediction& first = a.predictions[0];
        const Saliency expected =
            saliencyOf(referenceGradients(*model, a, first), first.position, first.fromPosition, first.top.front().id);
        TokenStrip* strip = w->tokenStrip();
        int strongest = 0;
        for (int i = 0; i < a.tokenCount; ++i) {
            QVERIFY(std::abs(strip->saliencyOf(i) - expected.gradXInput[size_t(i)]) < 1e-6f);
            if (expected.gradXInput[size_t(i)] > expected.gradXInput[size_t(strongest)]) strongest = i;
        }
        const double total = std::accumulate(expected.gradXInput.begin(), expected.gradXInput.end(), 0.0);
        QVERIFY(std::abs(total - 1.0) < 1e-5);
        // The strongest token wears the top of the colour scale.
        QCOMPARE(strip->chipFill(strongest), w->theme().color(1.0));
        QVERIFY(bar->statusText().contains(QStringLiteral("token %1").arg(first.position)));

        // Choosing the second [MASK] explains it instead.
        const Prediction& second = a.predictions[1];
        bar->predictionBox()->setCurrentIndex(1);
        emit bar->predictionBox()->activated(1);
        QTRY_VERIFY_WITH_TIMEOUT(w->shownResult()->saliencyPosition == second.position && waitForSaliency(*w), 20000);
        const Analysis& b = w->shownResult()->bidirectional;
        const Saliency other = saliencyOf(referenceGradients(*model, b, b.predictions[1]), second.position,
                                          second.fromPosition, b.predictions[1].top.front().id);
        for (int i = 0; i < b.tokenCount; ++i)
            QVERIFY(std::abs(strip->saliencyOf(i) - other.gradXInput[size_t(i)]) < 1e-6f);
        QCOMPARE(bar->predictionBox()->currentIndex(), 1);

        // Off: plain chips again.
        bar->showBox()->setChecked(false);
        QCOMPARE(strip->saliencyOf(0), -1.0f);
    }

    void underTheLeftToRightMaskNothingRightOfTheGuessCounts() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->saliencyBar()->showBox()->setChecked(true);
        w->setText(kTwoMasks);
        QVERIFY(test::waitForText(*w, kTwoMasks.toStdString()));
        QVERIFY(waitForSaliency(*w));
        w->selectionControls()->setSelection(test::selection(0, 0, false, MaskMode::Causal));
        const Analysis& a = w->shownResult()->causal;
        const int p = a.predictions.front().position;
        TokenStrip* strip = w->tokenStrip();
        double left = 0.0;
        for (int i = 0; i < a.tokenCount; ++i) {
            if (i > p) {
                QCOMPARE(strip->saliencyOf(i), 0.0f);
            } else {
                left += strip->saliencyOf(i);
            }
        }
        QVERIFY(std::abs(left - 1.0) < 1e-5);
        QVERIFY(w->saliencyBar()->statusText().contains(QStringLiteral("left-to-right")));
    }

    void theGridShowsHeadImportanceForTheSameGuess() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(kText);
        QVERIFY(test::waitForText(*w, kText.toStdString()));
        QVERIFY(waitForSaliency(*w));
        w->setCurrentView(QStringLiteral("model"));
        auto* grid = qobject_cast<ModelView*>(w->view(QStringLiteral("model")));
        grid->setMeasure(ModelView::Measure::Importance);
        const std::shared_ptr<const Model> model = w->controller().model();
        const Analysis& a = w->shownResult()->bidirectional;
        const Gradients g = referenceGradients(*model, a, a.predictions.front());
        for (int l = 0; l < a.layers; ++l) {
            for (int h = 0; h < a.heads; ++h) {
                const double expected = std::abs(g.gateGrad[size_t(l * a.heads + h)]);
                QVERIFY2(
                    std::abs(grid->importanceOf(l, h) - expected) <= 1e-5 * std::max(1.0, expected),
                    qPrintable(
                        QStringLiteral("%1:%2 %3 vs %4").arg(l).arg(h).arg(grid->importanceOf(l, h)).arg(expected)));
            }
        }
        // With a head off, importance is taken at the gates used: its gate is 0.
        std::vector<float> gates(size_t(a.layers * a.heads), 1.0f);
        gates[size_t(3 * a.heads + 0)] = 0.0f;
        QVERIFY(w->controller().toggleHeadAblation(3, 0));
        QVERIFY(waitForAblation(*w, 1));
        QVERIFY(waitForSaliency(*w));
        const Analysis& b = w->shownResult()->bidirectional;
        const Gradients gated = referenceGradients(*model, b, b.predictions.front(), gates);
        QVERIFY(std::abs(grid->importanceOf(2, 1) - std::abs(gated.gateGrad[size_t(2 * a.heads + 1)])) < 1e-5);
    }

    void anotherModelStartsWithEveryHeadOn() {
        auto w = test::openWindow(bundledModel());
        QVERIFY(w);
        w->setText(kText);
        QVERIFY(test::waitForText(*w, kText.toStdString()));
        QVERIFY(w->controller().toggleHeadAblation(1, 1));
        QVERIFY(waitForAblation(*w, 1));
        QSignalSpy changed(&w->controller(), &AnalysisController::modelChanged);
        w->openModel(test::fixtureModel("h12-f32"));
        QVERIFY(changed.wait(20000));
        QVERIFY(w->controller().ablatedHeads().empty());
        QVERIFY(waitForAblation(*w, 0));
    }
};

QTEST_MAIN(TestExplain)
#include "tst_explain.moc"
