// The part-B views (lines, predictions, compare, embeddings) and their
// helpers: after setResult each holds data of the right size, equal to the
// engine's numbers or to sums done here (difference maps, means of heads,
// variance shares); hovering and head picking change what is drawn; every
// registered view paints and clears without a crash.
#include "tst_views_support.h"

#include "AttentionHeatmap.h"
#include "CompareView.h"
#include "EmbeddingsView.h"
#include "HeadChips.h"
#include "LabelPlacer.h"
#include "LinesView.h"
#include "PredictionsView.h"
#include "ViewRegistry.h"
#include "worker/BothMasks.h"

#include <cmath>

#include <qcustomplot.h>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the cat [MASK] on the mat .";

double meanOfHeads(const Analysis& a, int layer, int q, int k) {
    double sum = 0;
    for (int h = 0; h < a.heads; ++h) sum += a.attention(layer, h)(q, k);
    return sum / a.heads;
}

}  // namespace

class TestViews : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model = test::fixture();
    AnalysisResultPtr m_result = test::makeResult(m_model, kSentence);

private slots:
    void linesViewShowsTheSelectedHeadByDefault() {
        LinesView view;
        view.setSelection(test::selection(1, 4));
        view.setResult(m_result);
        const Analysis& a = m_result->bidirectional;
        QCOMPARE(view.tokenCount(), a.tokenCount);
        QCOMPARE(view.shownHeads(), std::vector<int>{4});
        QCOMPARE(view.mapCount(), 1);
        QCOMPARE(view.map(0).rows(), a.tokenCount);
        for (int q = 0; q < a.tokenCount; ++q)
            for (int k = 0; k < a.tokenCount; ++k) QCOMPARE(view.map(0)(q, k), a.attention(1, 4)(q, k));
        // A new selected head replaces the shown ones.
        view.setSelection(test::selection(1, 7, false, MaskMode::Causal));
        QCOMPARE(view.shownHeads(), std::vector<int>{7});
        QCOMPARE(view.map(0)(2, 1), m_result->causal.attention(1, 7)(2, 1));
        QCOMPARE(view.map(0)(1, 2), 0.0f);  // causal: nothing later
    }

    void linesViewDrawsSeveralHeadsAndTheMean() {
        LinesView view;
        view.setSelection(test::selection(0, 0));
        view.setResult(m_result);
        view.setShownHeads({2, 11, kMeanHead});
        const Analysis& a = m_result->bidirectional;
        QCOMPARE(view.mapCount(), 3);
        for (int q = 0; q < a.tokenCount; ++q) {
            for (int k = 0; k < a.tokenCount; ++k) {
                QCOMPARE(view.map(0)(q, k), a.attention(0, 2)(q, k));
                QCOMPARE(view.map(1)(q, k), a.attention(0, 11)(q, k));
                QVERIFY(std::abs(view.map(2)(q, k) - meanOfHeads(a, 0, q, k)) < 1e-7);
            }
        }
        // Heads the model lacks are dropped, not drawn.
        view.setShownHeads({3, 12, 40});
        QCOMPARE(view.shownHeads(), std::vector<int>{3});
        // Distinct colours for the first seven heads.
        QSet<QRgb> colors;
        for (int i = 0; i < 7; ++i) colors.insert(headColor(i).rgb());
        QCOMPARE(colors.size(), 7);
    }

    void linesViewHoverShowsOnlyThatTokensLines() {
        LinesView view;
        view.setSelection(test::selection(1, 0));
        view.setResult(m_result);
        view.setShownHeads({0, 5});
        const int n = view.tokenCount();
        auto countShown = [&] {
            int shown = 0;
            for (int i = 0; i < view.mapCount(); ++i)
                for (int q = 0; q < n; ++q)
                    for (int k = 0; k < n; ++k) shown += view.lineShown(i, q, k);
            return shown;
        };
        const int all = countShown();
        QVERIFY(all > 0);
        view.setHoverToken(LinesView::Side::Query, 3);
        for (int i = 0; i < view.mapCount(); ++i) {
            for (int q = 0; q < n; ++q) {
                for (int k = 0; k < n; ++k) {
                    const bool expected = q == 3 && view.map(i)(q, k) >= LinesView::kMinWeight;
                    QCOMPARE(view.lineShown(i, q, k), expected);
                }
            }
        }
        view.setHoverToken(LinesView::Side::Key, 2);
        for (int q = 0; q < n; ++q)
            for (int k = 0; k < n; ++k)
                if (k != 2) QVERIFY(!view.lineShown(0, q, k));
        view.setHoverToken(LinesView::Side::None, -1);
        QCOMPARE(countShown(), all);
    }

    void linesViewDrawsOnlyTheStrongestLinesPastItsBudget() {
        LinesView view;
        view.setSelection(test::selection(1, 2));
        view.setResult(m_result);
        const int n = view.tokenCount();
        QVERIFY(!view.linesCapped());  // n^2 = 81 lines: far under the default budget
        view.setShownHeads({2, 9});
        view.setLineBudget(20);  // 10 per head
        QVERIFY(view.linesCapped());
        for (int i = 0; i < 2; ++i) {
            std::vector<float> shown, hidden;
            for (int q = 0; q < n; ++q)
                for (int k = 0; k < n; ++k) (view.lineShown(i, q, k) ? shown : hidden).push_back(view.map(i)(q, k));
            QCOMPARE(static_cast<int>(shown.size()), 10);  // random weights: no ties at the cut
            QVERIFY(*std::min_element(shown.begin(), shown.end()) >= *std::max_element(hidden.begin(), hidden.end()));
        }
        // Pointing at a token shows all its lines, whatever the budget.
        view.setHoverToken(LinesView::Side::Query, 4);
        for (int k = 0; k < n; ++k) QCOMPARE(view.lineShown(0, 4, k), view.map(0)(4, k) >= LinesView::kMinWeight);
    }

    void linesViewHoverFollowsTheMouse() {
        LinesView view;
        view.resize(700, 500);
        view.setResult(m_result);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // The last token's label sits at the bottom left of the canvas: move
        // the pointer down the left edge and one query after another lights up.
        int lastHover = -1, changes = 0;
        for (int y = 60; y < view.height() - 40; y += 4) {
            QTest::mouseMove(&view, QPoint(12, y));
            int hovered = -1;
            for (int q = 0; q < view.tokenCount(); ++q) {
                bool only = true, any = false;
                for (int k = 0; k < view.tokenCount(); ++k) {
                    any |= view.lineShown(0, q, k);
                }
                for (int other = 0; other < view.tokenCount() && only; ++other)
                    for (int k = 0; k < view.tokenCount(); ++k)
                        if (other != q && view.lineShown(0, other, k)) only = false;
                if (any && only) hovered = q;
            }
            if (hovered >= 0 && hovered != lastHover) {
                QVERIFY2(hovered > lastHover, "moving down should reach later tokens");
                lastHover = hovered;
                ++changes;
            }
        }
        QCOMPARE(changes, view.tokenCount());
    }

    void predictionsViewHasOnePanelPerMask() {
        const auto r = test::makeResult(m_model, "the [MASK] sat on the [MASK] .");
        PredictionsView view;
        view.setResult(r);
        const Analysis& a = r->bidirectional;
        int masks = 0;
        for (const Token& t : a.tokens) masks += t.text == "[MASK]";
        QCOMPARE(masks, 2);
        const auto& panels = view.chart()->panels();
        QCOMPARE(static_cast<int>(panels.size()), masks);
        QVERIFY(view.chart()->message().isEmpty());
        for (size_t i = 0; i < panels.size(); ++i) {
            QCOMPARE(panels[i].top.size(), size_t(10));
            for (size_t j = 0; j < panels[i].top.size(); ++j) {
                QCOMPARE(panels[i].top[j].id, a.predictions[i].top[j].id);
                QCOMPARE(panels[i].top[j].probability, a.predictions[i].top[j].probability);
                if (j) QVERIFY(panels[i].top[j].probability <= panels[i].top[j - 1].probability);
            }
            QVERIFY2(panels[i].title.contains(QStringLiteral("[MASK]")), qPrintable(panels[i].title));
        }
        // The causal run's own predictions when the selection says causal.
        view.setSelection(test::selection(0, 0, false, MaskMode::Causal));
        QCOMPARE(view.chart()->panels()[0].top[0].id, r->causal.predictions[0].top[0].id);
        QCOMPARE(view.chart()->panels()[0].top[0].probability, r->causal.predictions[0].top[0].probability);
        // Bars: per panel, a pale track to 100% behind each row and a QCPBars
        // pair holding the probabilities.
        double sum = 0;
        for (int i = 0; i < view.chart()->plot()->plottableCount(); ++i) {
            auto* bars = qobject_cast<QCPBars*>(view.chart()->plot()->plottable(i));
            QVERIFY(bars);
            if (bars->name() == QLatin1String("track")) continue;
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) sum += it->value;
        }
        double expected = 0;
        for (const Prediction& p : r->causal.predictions)
            for (const TokenProbability& t : p.top) expected += t.probability;
        QVERIFY(std::abs(sum - expected) < 1e-5);
    }

    void predictionsViewNamesTheWordTheUserMasked() {
        // "the cat sat ..." with "sat" (position 3) masked by a click.
        const auto r = test::makeResult(m_model, "the cat sat on the mat .", {3});
        PredictionsView view;
        view.setResult(r);
        QCOMPARE(view.chart()->panels().size(), size_t(1));
        QVERIFY2(view.chart()->panels()[0].title.contains(QStringLiteral("was: sat")),
                 qPrintable(view.chart()->panels()[0].title));
        QCOMPARE(view.chart()->panels()[0].original, QStringLiteral("sat"));
    }

    void predictionsViewExplainsWhenThereIsNothingToShow() {
        PredictionsView view;
        view.setResult(test::makeResult(m_model, "the cat sat on the mat ."));
        QVERIFY(view.chart()->panels().empty());
        QVERIFY(view.chart()->message().contains(QStringLiteral("[MASK]")));
        QVERIFY(view.chart()->message().contains(QStringLiteral("Click")));

        auto noHead = std::make_shared<AnalysisResult>(*m_result);
        const std::string reason = "this checkpoint has no cls.predictions.* tensors (a plain BertModel)";
        for (Analysis* a : {&noHead->bidirectional, &noHead->causal}) {
            a->predictions.clear();
            a->predictionsOffReason = reason;
        }
        view.setResult(noHead);
        QVERIFY(view.chart()->panels().empty());
        QVERIFY2(view.chart()->message().contains(QString::fromStdString(reason)), qPrintable(view.chart()->message()));
        view.setResult(nullptr);
        QVERIFY(view.chart()->message().contains(QStringLiteral("No analysis")));
    }

    void compareViewDrawsHiddenCellsOutsideTheColourScale() {
        for (const Theme& theme : {Theme::normal(), [] { Theme t = Theme::normal(); t.colorMap = ColorMap::Grayscale; return t; }()}) {
            CompareView view;
            view.setTheme(theme);
            view.resize(1400, 700);
            view.setSelection(test::selection(1, 6));
            view.setResult(m_result);
            const AttentionHeatmap* causal = view.causalMap();
            const int n = causal->rows();
            QVERIFY(n >= 3);
            // The hover line names the mask, not a weight of 0; visible cells keep their weight.
            QVERIFY2(causal->hoverText(0, 2).contains(QStringLiteral("hidden by the left-to-right mask")),
                     qPrintable(causal->hoverText(0, 2)));
            QVERIFY(causal->hoverText(2, 0).contains(QStringLiteral("weight")));
            QVERIFY(!view.bidirectionalMap()->hoverText(0, 2).contains(QStringLiteral("hidden")));
            QVERIFY(partnerHint(ComparePartner::OwnMask).simplified().contains(QStringLiteral("not trained this way")));
            // The hidden colour is far from every colour of the scale (by the theme's own map).
            const QColor hidden = AttentionHeatmap::hiddenColor(theme);
            int nearest = 1 << 30;
            for (int i = 0; i <= 255; ++i) {
                const QColor c = theme.color(i / 255.0);
                const int d = std::abs(c.red() - hidden.red()) + std::abs(c.green() - hidden.green()) +
                              std::abs(c.blue() - hidden.blue());
                nearest = std::min(nearest, d);
            }
            QVERIFY2(nearest >= 40, qPrintable(QString::number(nearest)));
            // And it is what the map draws at a hidden cell, while a visible cell is not drawn so.
            QCustomPlot* plot = causal->plot();
            plot->replot();
            const QImage image = plot->toPixmap().toImage();
            auto pixel = [&](int q, int k) {
                return image.pixelColor(static_cast<int>(plot->xAxis2->coordToPixel(k)),
                                        static_cast<int>(plot->yAxis->coordToPixel(q)));
            };
            // Cells of the shown window (a small map shows some rows and columns and scrolls).
            const int lastRow = causal->firstShownRow() + causal->shownRows() - 1;
            const int lastColumn = causal->firstShownColumn() + causal->shownColumns() - 1;
            QVERIFY(lastColumn > causal->firstShownRow() && lastRow > causal->firstShownColumn());
            QCOMPARE(pixel(causal->firstShownRow(), lastColumn).rgb(), hidden.rgb());
            QVERIFY(pixel(lastRow, causal->firstShownColumn()).rgb() != hidden.rgb());
        }
    }

    void aLargeMapKeepsTheMaskInSightUntilTheUserScrolls() {
        // 35 tokens (the fixture reads at most 40) with the [MASK] near the end, in a small window.
        std::string text;
        for (int i = 0; i < 6; ++i) text += "the cat on the mat ";
        text += "the [MASK] .";
        const AnalysisResultPtr result = test::makeResult(m_model, text);
        const int mask = result->bidirectional.predictions.front().position;
        QVERIFY(mask > 25);
        CompareView view;
        view.setTheme(Theme::presentation());  // labels a projector reads: few rows fit
        view.resize(900, 600);
        view.setSelection(test::selection(1, 0));
        view.setResult(result);
        view.show();
        QTest::qWait(100);  // the maps lay out in queued replots
        for (const AttentionHeatmap* map : {view.bidirectionalMap(), view.causalMap()}) {
            QVERIFY2(map->shownRows() < map->rows(), "the window is not smaller than the map");
            QVERIFY(map->firstShownRow() <= mask && mask < map->firstShownRow() + map->shownRows());
            QVERIFY(map->firstShownColumn() <= mask && mask < map->firstShownColumn() + map->shownColumns());
        }
        // A user's scroll is kept when the window resizes.
        const QList<QScrollBar*> bars = view.bidirectionalMap()->findChildren<QScrollBar*>();
        QVERIFY(!bars.isEmpty());
        for (QScrollBar* bar : bars) bar->setValue(0);
        view.resize(1000, 650);
        QTest::qWait(100);
        QCOMPARE(view.bidirectionalMap()->firstShownRow(), 0);
        QCOMPARE(view.bidirectionalMap()->firstShownColumn(), 0);
    }

    void compareViewDifferenceIsBidirectionalMinusCausal() {
        CompareView view;
        view.setSelection(test::selection(1, 6));
        view.setResult(m_result);
        const Analysis& bi = m_result->bidirectional;
        const Analysis& ca = m_result->causal;
        const int n = bi.tokenCount;
        const AttentionHeatmap* d = view.differenceMap();
        QCOMPARE(d->rows(), n);
        QCOMPARE(d->columns(), n);
        QCOMPARE(view.bidirectionalMap()->rows(), n);
        QCOMPARE(view.causalMap()->rows(), n);
        double largest = 0, later = 0;
        for (int q = 0; q < n; ++q) {
            for (int k = 0; k < n; ++k) {
                const double expected = static_cast<double>(bi.attention(1, 6)(q, k)) - ca.attention(1, 6)(q, k);
                QVERIFY(std::abs(d->value(q, k) - expected) < 1e-7);
                QCOMPARE(view.bidirectionalMap()->value(q, k), static_cast<double>(bi.attention(1, 6)(q, k)));
                QCOMPARE(view.causalMap()->value(q, k), static_cast<double>(ca.attention(1, 6)(q, k)));
                largest = std::max(largest, std::abs(expected));
                if (k > q) later += bi.attention(1, 6)(q, k);
            }
        }
        // A diverging scale centred at 0 that reaches the largest difference.
        QVERIFY(std::abs(d->rangeHigh() - largest) < 1e-6);
        QVERIFY(std::abs(d->rangeLow() + largest) < 1e-6);
        QVERIFY(std::abs(view.meanLaterShare() - later / n) < 1e-6);
    }

    void compareViewAveragesHeadsAndPairsPredictions() {
        CompareView view;
        view.setSelection(test::selection(0, 0, true));
        view.setResult(m_result);
        const Analysis& bi = m_result->bidirectional;
        const Analysis& ca = m_result->causal;
        for (int q = 0; q < bi.tokenCount; ++q)
            for (int k = 0; k < bi.tokenCount; ++k)
                QVERIFY(std::abs(view.differenceMap()->value(q, k) -
                                 (meanOfHeads(bi, 0, q, k) - meanOfHeads(ca, 0, q, k))) < 1e-6);
        // One [MASK]: a bidirectional panel and a causal panel, top 5 each.
        const auto& panels = view.predictions()->panels();
        QCOMPARE(panels.size(), size_t(2));
        QVERIFY(panels[0].title.startsWith(QStringLiteral("BERT: ")));
        QVERIFY(panels[1].title.startsWith(QStringLiteral("BERT, left-to-right mask: ")));
        QCOMPARE(panels[0].top.size(), size_t(5));
        for (size_t j = 0; j < 5; ++j) {
            QCOMPARE(panels[0].top[j].id, bi.predictions[0].top[j].id);
            QCOMPARE(panels[1].top[j].id, ca.predictions[0].top[j].id);
        }
        // Both masks' bars on one scale, 0 to 100% (tst_plots checks it for every position).
        const QList<QCPAxisRect*> rects = view.predictions()->plot()->axisRects();
        QCOMPARE(rects.size(), 2);
        for (QCPAxisRect* r : rects) QCOMPARE(r->axis(QCPAxis::atBottom)->range(), QCPRange(0.0, 1.0));
    }

    // The bundled model's trained twins beside it: each map is the twin's own
    // run, its hidden side is the one its mask hides, and the shallow guess
    // is the product of both twins' distributions, renormalised (computed
    // here from the twins' full distributions).
    void compareViewShowsTheTrainedTwins() {
        const QString root = QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
        AnalysisRequest request;
        request.model = Model::load(root.toStdString());
        request.leftToRight = Model::load((root + "-l2r").toStdString());
        request.rightToLeft = Model::load((root + "-r2l").toStdString());
        request.modelName = QStringLiteral("bertlens-mini");
        request.text = "the [MASK] barked at the mailman .";
        Encoder bi(request.model), ca(request.model), l2r(request.leftToRight), r2l(request.rightToLeft);
        BothMasksOptions options;
        options.leftToRight = &l2r;
        options.rightToLeft = &r2l;
        const AnalysisResultPtr result = analyseBothMasks(request, bi, ca, options);
        QVERIFY(result->hasLeftToRightTwin() && result->hasRightToLeftTwin());
        QCOMPARE(result->leftToRight.objective, Objective::NextWord);
        QCOMPARE(result->rightToLeft.objective, Objective::PreviousWord);

        CompareView view;
        view.setSelection(test::selection(3, 1));
        view.setResult(result);
        const int n = result->tokenCount();
        for (ComparePartner partner : {ComparePartner::LeftToRightTwin, ComparePartner::RightToLeftTwin}) {
            view.setPartner(partner);
            QCOMPARE(view.shownPartner(), partner);
            const bool l2rShown = partner == ComparePartner::LeftToRightTwin;
            const Analysis& twin = l2rShown ? result->leftToRight : result->rightToLeft;
            // The third map is the other twin: heads of two models are not
            // the same heads, so no difference is drawn between them.
            const Analysis& other = l2rShown ? result->rightToLeft : result->leftToRight;
            for (int q = 0; q < n; ++q) {
                for (int k = 0; k < n; ++k) {
                    QCOMPARE(view.causalMap()->value(q, k), static_cast<double>(twin.attention(3, 1)(q, k)));
                    QCOMPARE(view.differenceMap()->value(q, k), static_cast<double>(other.attention(3, 1)(q, k)));
                    QCOMPARE(view.differenceMap()->isHidden(q, k), l2rShown ? k < q : k > q);
                    const bool hidden = partner == ComparePartner::LeftToRightTwin ? k > q : k < q;
                    QCOMPARE(view.causalMap()->isHidden(q, k), hidden);
                }
            }
            QVERIFY(view.predictions()->panels().at(1).title.startsWith(partnerShortName(partner)));
        }

        view.setPartner(ComparePartner::Shallow);
        QCOMPARE(view.differenceMap()->value(3, 1), static_cast<double>(result->rightToLeft.attention(3, 1)(3, 1)));
        AnalyzeOptions o;
        o.keepDistributions = true;
        const Encoding e = request.model->tokenizer().encode(request.text);
        const std::vector<int> at = {2};  // [CLS] the [MASK]
        const Prediction left = l2r.forward(e.ids, e.typeIds, o, at).predictions.at(0);
        const Prediction right = r2l.forward(e.ids, e.typeIds, o, at).predictions.at(0);
        double total = 0.0;
        for (size_t t = 0; t < left.logProbabilities.size(); ++t)
            total += std::exp(double(left.logProbabilities[t]) + right.logProbabilities[t]);
        QCOMPARE(result->shallow.size(), size_t(1));
        for (const TokenProbability& guess : result->shallow[0].top) {
            const size_t t = size_t(guess.id);
            const double expected = std::exp(double(left.logProbabilities[t]) + right.logProbabilities[t]) / total;
            QVERIFY2(std::abs(guess.probability - expected) < 1e-5, qPrintable(QString::fromStdString(guess.token)));
        }
        const auto& panels = view.predictions()->panels();
        QCOMPARE(panels.size(), size_t(2));
        QVERIFY(panels[1].title.startsWith(partnerShortName(ComparePartner::Shallow)));
        QCOMPARE(panels[1].top[0].id, result->shallow[0].top[0].id);
    }

    // A model without twins shows its own mask and says why.
    void compareViewFallsBackToTheModelsOwnMask() {
        CompareView view;
        view.setSelection(test::selection(0, 0));
        view.setResult(m_result);
        QCOMPARE(view.partner(), ComparePartner::LeftToRightTwin);
        QCOMPARE(view.shownPartner(), ComparePartner::OwnMask);
        QVERIFY(!partnerMissingNote(*m_result, view.partner()).isEmpty());
        QVERIFY(partnerMissingNote(*m_result, ComparePartner::OwnMask).isEmpty());
    }

    void embeddingsViewProjectsTheChosenLayer() {
        EmbeddingsView view;
        view.setSelection(test::selection(0, 0));
        view.setResult(m_result);
        const Analysis& a = m_result->bidirectional;
        QCOMPARE(view.hiddenStateIndex(), 1);  // the output of layer 0
        QCOMPARE(static_cast<int>(view.points().rows()), a.tokenCount);
        QCOMPARE(view.labelCount(), a.tokenCount);
        QVERIFY(view.paths().empty());
        // Independent of the PCA code: the total variance of the layer's states
        // summed here, and the variance of the drawn points along each axis.
        const auto h = a.hiddenState(1);
        const int n = a.tokenCount;
        Eigen::RowVectorXd mean = h.cast<double>().colwise().mean();
        double total = 0;
        for (int i = 0; i < n; ++i) total += (h.row(i).cast<double>() - mean).squaredNorm();
        total /= n - 1;
        double previous = 2.0;
        for (int k = 0; k < 2; ++k) {
            const double v = view.points().col(k).squaredNorm() / (n - 1);
            QVERIFY(std::abs(v / total - view.pca().explainedRatio[k]) < 1e-6);
            QVERIFY(view.pca().explainedRatio[k] <= previous);
            previous = view.pca().explainedRatio[k];
        }
        QVERIFY(std::abs(view.points().col(0).sum()) < 1e-6);  // centred
        // Projection onto orthonormal axes never stretches a distance.
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                QVERIFY((view.points().row(i) - view.points().row(j)).norm() <=
                        (h.row(i) - h.row(j)).cast<double>().norm() + 1e-6);
        // Axis titles give the shares.
        const QString expected = QString::number(100.0 * view.pca().explainedRatio[0], 'f', 1);
        QVERIFY2(view.plot()->xAxis->label().contains(expected), qPrintable(view.plot()->xAxis->label()));
    }

    void embeddingsViewDrawsBothAxesAtOneScale() {
        EmbeddingsView view;
        view.setResult(m_result);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (QSize size : {QSize(900, 500), QSize(500, 900)}) {
            view.resize(size);
            QApplication::processEvents();  // lay the widgets out at the new size
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
            const double xPerUnit = view.plot()->xAxis->coordToPixel(1) - view.plot()->xAxis->coordToPixel(0);
            const double yPerUnit = view.plot()->yAxis->coordToPixel(0) - view.plot()->yAxis->coordToPixel(1);
            QVERIFY2(std::abs(xPerUnit - yPerUnit) < 1e-6 * xPerUnit,
                     qPrintable(QStringLiteral("%1 vs %2").arg(xPerUnit).arg(yPerUnit)));
            // Every point stays inside the axes.
            for (int i = 0; i < view.points().rows(); ++i) {
                QVERIFY(view.plot()->xAxis->range().contains(view.points()(i, 0)));
                QVERIFY(view.plot()->yAxis->range().contains(view.points()(i, 1)));
            }
        }
    }

    void embeddingsViewPathsGoThroughEveryLayer() {
        EmbeddingsView view;
        view.setMode(EmbeddingsView::Mode::Paths);
        view.setSelection(test::selection(1, 0));
        view.setResult(m_result);
        const Analysis& a = m_result->bidirectional;
        QCOMPARE(static_cast<int>(view.paths().size()), a.layers + 1);
        for (const auto& layer : view.paths()) QCOMPARE(static_cast<int>(layer.rows()), a.tokenCount);
        QCOMPARE(view.hiddenStateIndex(), 2);
        QVERIFY((view.points() - view.paths()[2]).cwiseAbs().maxCoeff() == 0.0);
        // One basis for all layers: the points of all layers together are centred.
        double sum = 0;
        for (const auto& layer : view.paths()) sum += layer.col(0).sum();
        QVERIFY(std::abs(sum) < 1e-6);
        // One curve per token through L + 1 points.
        int curves = 0;
        for (int i = 0; i < view.plot()->plottableCount(); ++i) {
            if (auto* c = qobject_cast<QCPCurve*>(view.plot()->plottable(i))) {
                ++curves;
                QCOMPARE(c->dataCount(), a.layers + 1);
            }
        }
        QCOMPARE(curves, a.tokenCount);
    }

    void labelPlacerSeparatesCrowdedLabels() {
        // Separate points: every label gets a clean spot right of its point.
        std::vector<QPointF> apart = {{50, 50}, {300, 50}, {50, 300}, {300, 300}};
        std::vector<QSizeF> sizes(4, QSizeF(60, 14));
        for (const LabelPlacement& p : placeLabels(apart, sizes, 4, QRectF(0, 0, 500, 500))) {
            QVERIFY(p.clean);
        }
        // A crowd: eight points in a small cluster. Right-of-point for all
        // would overlap; the placer must do better than that.
        std::vector<QPointF> crowd;
        for (int i = 0; i < 8; ++i) crowd.emplace_back(200 + 6 * (i % 3), 200 + 5 * (i / 3));
        std::vector<QSizeF> crowdSizes(8, QSizeF(50, 14));
        const auto placed = placeLabels(crowd, crowdSizes, 4, QRectF(0, 0, 500, 500));
        auto overlaps = [](const std::vector<QRectF>& rects) {
            int count = 0;
            for (size_t i = 0; i < rects.size(); ++i)
                for (size_t j = i + 1; j < rects.size(); ++j) count += rects[i].intersects(rects[j]);
            return count;
        };
        std::vector<QRectF> naive, ours;
        for (size_t i = 0; i < crowd.size(); ++i) {
            naive.emplace_back(crowd[i] + QPointF(6, -7), crowdSizes[i]);
            ours.push_back(placed[i].rect);
        }
        QVERIFY2(overlaps(ours) < overlaps(naive) / 2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(overlaps(ours)).arg(overlaps(naive))));
    }

    void everyRegisteredViewPaintsAndClears() {
        for (const QString& name : viewNames()) {
            std::unique_ptr<FigureView> view(createView(name));
            QVERIFY(view);
            QCOMPARE(view->figureName(), name);
            for (const Theme& theme : {Theme::normal(), Theme::presentation()}) {
                view->setTheme(theme);
                view->setSelection(test::selection(1, 3));
                view->setResult(m_result);
                const QSizeF size = view->figureSize();
                QVERIFY2(size.width() >= 200 && size.height() >= 100, qPrintable(name));
                QImage image(size.toSize(), QImage::Format_ARGB32);
                image.fill(Qt::white);
                {
                    QPainter p(&image);
                    view->paintFigure(p, QRectF(QPointF(0, 0), size));
                }
                // Something was drawn: far from a blank page.
                int inked = 0;
                for (int y = 0; y < image.height(); y += 3)
                    for (int x = 0; x < image.width(); x += 3) inked += image.pixel(x, y) != qRgb(255, 255, 255);
                QVERIFY2(inked > 200, qPrintable(name));
                view->setResult(nullptr);
                view->setResult(m_result);
            }
        }
        QVERIFY(viewNames().contains(QStringLiteral("lines")));
        QVERIFY(viewNames().contains(QStringLiteral("predictions")));
        QVERIFY(viewNames().contains(QStringLiteral("compare")));
        QVERIFY(viewNames().contains(QStringLiteral("embeddings")));
    }
};

QTEST_MAIN(TestViews)
#include "tst_views.moc"
