// Issue 20, item 8: plots that do not mislead.
//  - Predictions (the predictions view and the compare view's bars): every
//    [MASK]'s panel on one probability axis from exactly 0 to 1 (0-100%),
//    bars as long as the engine's probabilities, each value written in a
//    column of its own that no bar or edge cuts.
//  - Embeddings: one colour per token, shared by its path, its start and end
//    point and its label's frame; no colour twice in a 20-token sentence,
//    no colour-and-shape pair twice past it; framed labels at least as large
//    as the tick labels.
//  - Two sentences on one PCA (the "bank" examples): the drawn points against
//    numpy's projection (tests/fixtures/pca/pca_reference.json, case "pair",
//    from a float64 torch forward of the bundled model), and the same word's
//    cosine similarity against a dot product done here.
//
// BERTLENS_PLOTS_PNG=DIR writes the views drawn here as PNGs, to look at.
#include "TextCapture.h"
#include "tst_views_support.h"

#include "CompareView.h"
#include "EmbeddingsView.h"
#include "MainWindow.h"
#include "PredictionsView.h"

#include <cmath>
#include <set>

#include <qcustomplot.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const char* const kWords[] = {"the", "dog", "barked", "at",    "the", "mailman", "and",  "the", "cat",  "sat",
                              "on",  "the", "mat",    "while", "the", "girl",    "read", "a",   "book", "."};
const std::string kBankRiver = "the man sat on the bank of the river .";
const std::string kBankMoney = "the man put his money in the bank .";

std::shared_ptr<const Model> bundled() {
    static const std::shared_ptr<const Model> m = Model::load(BERTLENS_RESOURCES "/models/bertlens-mini");
    return m;
}

// A sentence of exactly n tokens ([CLS] and [SEP] included).
std::string sentenceOf(const Model& model, int n) {
    std::string text = "the";
    for (size_t i = 1; static_cast<int>(model.tokenizer().encode(text).ids.size()) < n; ++i)
        text += std::string(" ") + kWords[i % std::size(kWords)];
    return text;
}

void savePng(QWidget& w, const QString& name) {
    const QByteArray dir = qgetenv("BERTLENS_PLOTS_PNG");
    if (dir.isEmpty()) return;
    w.grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name + QStringLiteral(".png"));
}

QCPAbstractPlottable* named(QCustomPlot* plot, const QString& name) {
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (plot->plottable(i)->name() == name) return plot->plottable(i);
    return nullptr;
}

// The labels' items in the order the view made them: this sentence's tokens
// first, then a kept sentence's.
std::vector<QCPItemText*> labels(QCustomPlot* plot) {
    std::vector<QCPItemText*> out;
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* t = qobject_cast<QCPItemText*>(plot->item(i))) out.push_back(t);
    return out;
}

// Everything wrong with one chart's panels against the probabilities the
// engine gave, panel by panel: the axis must run from 0 to exactly 1, the
// bars be the probabilities, and the value column say each one.
QStringList chartProblems(QCustomPlot* plot, const std::vector<std::vector<TokenProbability>>& expected) {
    QStringList problems;
    plot->replot(QCustomPlot::rpImmediateRefresh);
    const QList<QCPAxisRect*> rects = plot->axisRects();
    if (rects.size() != static_cast<int>(expected.size()))
        return {QStringLiteral("%1 panels for %2 predictions").arg(rects.size()).arg(expected.size())};
    for (int r = 0; r < rects.size(); ++r) {
        QCPAxisRect* rect = rects[r];
        const auto& top = expected[static_cast<size_t>(r)];
        const QString where = QStringLiteral("panel %1: ").arg(r);
        QCPAxis* probs = rect->axis(QCPAxis::atBottom);
        if (probs->range().lower != 0.0 || probs->range().upper != 1.0)
            problems << where + QStringLiteral("axis %1..%2").arg(probs->range().lower).arg(probs->range().upper);
        for (double tick : probs->tickVector())
            if (tick > 1.0 + 1e-12) problems << where + QStringLiteral("a tick at %1").arg(tick);
        // The bars: every row's probability, whichever of the two bar sets holds it.
        std::map<int, double> drawn;
        int tracks = 0;
        for (int i = 0; i < plot->plottableCount(); ++i) {
            auto* bars = qobject_cast<QCPBars*>(plot->plottable(i));
            if (!bars || bars->valueAxis() != probs) continue;
            for (auto it = bars->data()->begin(); it != bars->data()->end(); ++it) {
                if (bars->name() == QLatin1String("track")) {
                    ++tracks;
                    if (it->value != 1.0) problems << where + QStringLiteral("a track not to 100%");
                } else {
                    drawn[static_cast<int>(it->key)] = it->value;
                }
            }
        }
        if (tracks != static_cast<int>(top.size())) problems << where + QStringLiteral("%1 tracks").arg(tracks);
        auto* values = dynamic_cast<QCPAxisTickerText*>(rect->axis(QCPAxis::atRight)->ticker().data());
        if (!values || !rect->axis(QCPAxis::atRight)->visible()) {
            problems << where + QStringLiteral("no value column");
            continue;
        }
        for (size_t j = 0; j < top.size(); ++j) {
            const double p = top[j].probability;
            if (!drawn.count(static_cast<int>(j)) || std::abs(drawn[static_cast<int>(j)] - p) > 1e-7)
                problems << where +
                                QStringLiteral("row %1 drawn %2, the engine says %3").arg(j).arg(drawn[int(j)]).arg(p);
            // The written value, read back as a number: within its rounding of 100 p.
            const QString text = values->ticks().value(static_cast<double>(j));
            bool ok = false;
            const double shown = text.left(text.indexOf(QLatin1Char('%'))).toDouble(&ok);
            const double rounding = p < 0.01 ? 0.05 * 100 * p : 0.05;
            if (!ok || std::abs(shown - 100 * p) > rounding + 1e-9)
                problems << where + QStringLiteral("row %1 reads \"%2\" for %3").arg(j).arg(text).arg(p);
        }
    }
    return problems;
}

QStringList layoutProblems(QWidget& view) {
    test::TextCapture capture(view.size());
    test::captureWidget(view, capture);
    return test::labelProblems(capture.texts(), view.rect());
}

QJsonObject pairReference() {
    QFile f(QStringLiteral(BERTLENS_FIXTURES "/pca/pca_reference.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    for (const QJsonValue c : QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("cases")).toArray())
        if (c.toObject().value(QStringLiteral("name")).toString() == QLatin1String("pair")) return c.toObject();
    return {};
}

double maxDifference(const Eigen::MatrixX2d& m, const QJsonArray& rows) {
    if (m.rows() != rows.size()) return INFINITY;
    double worst = 0;
    for (int i = 0; i < m.rows(); ++i)
        for (int k = 0; k < 2; ++k) worst = std::max(worst, std::abs(m(i, k) - rows[i].toArray()[k].toDouble()));
    return worst;
}

}  // namespace

class TestPlots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_plots"));
        QVERIFY(bundled());
    }

    // Three [MASK]s, the second one clicked (its word kept): one axis for all.
    void predictionsShareOneAxisFromZeroToOne() {
        // Position 10 is "barked" ([CLS] the capital of france is [MASK] and the dog barked); "paris" is
        // nearly certain, so its bar reaches the end of the axis.
        const AnalysisResultPtr r =
            test::makeResult(bundled(), "the capital of france is [MASK] and the dog barked at the [MASK] .", {10});
        QCOMPARE(r->bidirectional.predictions.size(), size_t(3));
        QCOMPARE(r->userMaskedOriginal, std::vector<std::string>{"barked"});
        const auto& guesses = r->bidirectional.predictions[1].top;
        QVERIFY2(
            std::any_of(guesses.begin(), guesses.end(), [](const TokenProbability& t) { return t.token == "barked"; }),
            "the model's guesses for the clicked word leave it out: pick another");
        for (const Theme& theme : {Theme::normal(), Theme::presentation()}) {
            PredictionsView view;
            view.setTheme(theme);
            view.setSelection(test::selection(0, 0));
            view.setResult(r);
            view.resize(1600, 900);
            view.show();
            QCoreApplication::processEvents();
            std::vector<std::vector<TokenProbability>> expected;
            for (const Prediction& p : r->bidirectional.predictions) expected.push_back(p.top);
            const QStringList problems = chartProblems(view.chart()->plot(), expected);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
            // The masked word's note is in the value column, uncut, nothing overlapping.
            bool note = false;
            for (QCPAxisRect* rect : view.chart()->plot()->axisRects()) {
                auto* values = dynamic_cast<QCPAxisTickerText*>(rect->axis(QCPAxis::atRight)->ticker().data());
                for (const QString& t : values->ticks()) note |= t.contains(QStringLiteral("(the masked word)"));
            }
            QVERIFY(note);
            // At any window size: rows keep their height (the view scrolls), so the
            // whole chart has no label cut or overlapping.
            auto* chart = const_cast<PredictionChart*>(view.chart());
            for (QSize size : {QSize(1600, 900), QSize(900, 600)}) {
                view.resize(size);
                QCoreApplication::processEvents();
                QVERIFY(chart->height() >= chart->minimumHeight());
                const QStringList cut = layoutProblems(*chart);
                QVERIFY2(cut.isEmpty(), qPrintable(cut.join(QLatin1Char('\n'))));
            }
            savePng(view,
                    theme.fontScale > 1 ? QStringLiteral("predictions-presentation") : QStringLiteral("predictions"));
        }
    }

    // The compare view's bars: BERT's and the other side's, on the same 0-1 axis.
    void compareBarsShareTheAxisToo() {
        const AnalysisResultPtr r = test::makeResult(bundled(), "the dog [MASK] at the [MASK] .");
        CompareView view;
        view.setSelection(test::selection(0, 0));
        view.setResult(r);
        view.resize(1600, 1000);
        view.show();
        QCoreApplication::processEvents();
        std::vector<std::vector<TokenProbability>> expected;
        // Row by row: BERT's guesses beside the causal mask's, cut to the bars shown.
        const size_t shown = view.predictions()->panels().front().top.size();
        for (size_t i = 0; i < r->bidirectional.predictions.size(); ++i) {
            for (const Analysis* a : {&r->bidirectional, &r->causal}) {
                std::vector<TokenProbability> top = a->predictions[i].top;
                top.resize(std::min(top.size(), shown));
                expected.push_back(top);
            }
        }
        auto* plot = const_cast<PredictionChart*>(view.predictions())->plot();
        const QStringList problems = chartProblems(plot, expected);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    // 20 tokens: 20 colours, each token's everywhere it is drawn.
    void embeddingsGiveEachTokenItsOwnColour() {
        const std::string text = sentenceOf(*bundled(), 20);
        const AnalysisResultPtr r = test::makeResult(bundled(), text);
        QCOMPARE(r->tokenCount(), 20);
        EmbeddingsView view;
        view.setSelection(test::selection(2, 0));
        view.setMode(EmbeddingsView::Mode::Paths);
        view.setResult(r);
        view.resize(1400, 900);
        view.show();
        QCoreApplication::processEvents();
        QCustomPlot* plot = view.plot();
        std::set<QRgb> colours;
        const std::vector<QCPItemText*> items = labels(plot);
        QCOMPARE(static_cast<int>(items.size()), 20);
        for (int i = 0; i < 20; ++i) {
            auto* path = qobject_cast<QCPCurve*>(named(plot, QStringLiteral("path %1").arg(i)));
            auto* start = qobject_cast<QCPGraph*>(named(plot, QStringLiteral("start %1").arg(i)));
            auto* end = qobject_cast<QCPGraph*>(named(plot, QStringLiteral("token %1").arg(i)));
            QVERIFY(path && start && end);
            const QRgb colour = end->scatterStyle().brush().color().rgb();
            QCOMPARE(path->pen().color().rgb(), colour);                  // the path (its alpha aside)
            QCOMPARE(start->scatterStyle().pen().color().rgb(), colour);  // where it starts
            QCOMPARE(items[size_t(i)]->pen().color().rgb(), colour);      // its label's frame
            // The highlighted point sits on the path, at the chosen layer's step.
            const auto step = path->data()->at(view.hiddenStateIndex());
            QCOMPARE(step->t, double(view.hiddenStateIndex()));
            QCOMPARE(step->key, end->data()->at(0)->key);
            QCOMPARE(step->value, end->data()->at(0)->value);
            colours.insert(colour);
        }
        QCOMPARE(static_cast<int>(colours.size()), 20);
        // Told apart, not just different: no two nearer than 30 of 255 in RGB,
        // and no two within five tokens of each other nearer than 60.
        std::vector<QColor> byPosition;
        for (int i = 0; i < 20; ++i)
            byPosition.push_back(qobject_cast<QCPGraph*>(named(plot, QStringLiteral("token %1").arg(i)))
                                     ->scatterStyle()
                                     .brush()
                                     .color());
        for (int a = 0; a < 20; ++a)
            for (int b = a + 1; b < 20; ++b) {
                const QColor& p = byPosition[size_t(a)];
                const QColor& q = byPosition[size_t(b)];
                const double d = std::hypot(p.red() - q.red(), p.green() - q.green(), p.blue() - q.blue());
                QVERIFY2(
                    d > (b - a <= 5 ? 60 : 30),
                    qPrintable(QStringLiteral("tokens %1 and %2: %3 and %4").arg(a).arg(b).arg(p.name(), q.name())));
            }
        savePng(view, QStringLiteral("embeddings-paths-20"));
    }

    // Past twenty tokens the colours come round again, each with another shape.
    void pastTwentyTokensTheShapeChanges() {
        const AnalysisResultPtr r = test::makeResult(bundled(), sentenceOf(*bundled(), 60));
        EmbeddingsView view;
        view.setResult(r);
        std::set<std::pair<QRgb, int>> looks;
        for (int i = 0; i < r->tokenCount(); ++i) {
            auto* end = qobject_cast<QCPGraph*>(named(view.plot(), QStringLiteral("token %1").arg(i)));
            QVERIFY(end);
            looks.insert({end->scatterStyle().brush().color().rgb(), int(end->scatterStyle().shape())});
        }
        QCOMPARE(static_cast<int>(looks.size()), r->tokenCount());
    }

    // Every label framed in its token's colour, in a font no smaller than the
    // axes' numbers, in the foreground's colour: "." is a box, not a speck.
    void embeddingLabelsAreFramedAndLegible() {
        const AnalysisResultPtr r = test::makeResult(bundled(), "the dog barked at the mailman .");
        for (const Theme& theme : {Theme::normal(), Theme::presentation()}) {
            EmbeddingsView view;
            view.setTheme(theme);
            view.setResult(r);
            const std::vector<QCPItemText*> items = labels(view.plot());
            QCOMPARE(static_cast<int>(items.size()), r->tokenCount());
            bool sawPeriod = false;
            for (QCPItemText* t : items) {
                QVERIFY(t->pen().style() != Qt::NoPen);
                QVERIFY(t->font().pointSizeF() >= view.plot()->xAxis->tickLabelFont().pointSizeF());
                QCOMPARE(t->color(), theme.foreground);
                sawPeriod |= t->text() == QLatin1String(".");
            }
            QVERIFY(sawPeriod);
        }
    }

    // The "bank" examples side by side: one PCA fitted on both, against numpy.
    void twoSentencesShareOnePcaAsNumpyFitsIt() {
        const QJsonObject ref = pairReference();
        QVERIFY(!ref.isEmpty());
        QCOMPARE(ref.value(QStringLiteral("texts")).toArray()[0].toString().toStdString(), kBankRiver);
        QCOMPARE(ref.value(QStringLiteral("texts")).toArray()[1].toString().toStdString(), kBankMoney);
        const int hiddenState = ref.value(QStringLiteral("hidden_state")).toInt();
        const AnalysisResultPtr river = test::makeResult(bundled(), kBankRiver);
        const AnalysisResultPtr money = test::makeResult(bundled(), kBankMoney);
        EmbeddingsView view;
        view.setSelection(test::selection(hiddenState - 1, 0));
        view.setResult(river);
        view.keepForComparison();
        QVERIFY(!view.comparing());  // the kept sentence alone
        QVERIFY(view.pairNote().contains(QStringLiteral("type another one")));
        view.setResult(money);
        QVERIFY(view.comparing());
        QCOMPARE(view.hiddenStateIndex(), hiddenState);
        QCOMPARE(static_cast<int>(view.keptPoints().rows()), river->tokenCount());
        QCOMPARE(static_cast<int>(view.points().rows()), money->tokenCount());
        // The engine's float states against torch's float64, so 1e-3 of the spread.
        const double scale = std::sqrt(ref.value(QStringLiteral("total_variance")).toDouble());
        QVERIFY(maxDifference(view.keptPoints(), ref.value(QStringLiteral("projection_first")).toArray()) <
                1e-3 * scale);
        QVERIFY(maxDifference(view.points(), ref.value(QStringLiteral("projection_second")).toArray()) < 1e-3 * scale);
        // One centre for both: together centred, each sentence alone not.
        const double together = view.keptPoints().col(0).sum() + view.points().col(0).sum();
        QVERIFY(std::abs(together) < 1e-6 * scale);
        QVERIFY(std::abs(view.points().col(0).sum()) > 1e-3 * scale);
        // Both sentences are drawn, and labelled.
        QVERIFY(named(view.plot(), QStringLiteral("kept")));
        QCOMPARE(view.labelCount(), river->tokenCount() + money->tokenCount());

        // The same word's cosine, from a dot product here.
        QVERIFY(!view.sameWords().empty());
        const SameWord& first = view.sameWords().front();
        QCOMPARE(first.word, std::string("bank"));  // least alike: the context changed it most
        QCOMPARE(first.firstPosition, 6);           // [CLS] the man sat on the bank
        QCOMPARE(first.secondPosition, 8);          // [CLS] the man put his money in the bank
        const Eigen::VectorXd a = river->bidirectional.hiddenState(hiddenState).row(6).cast<double>().transpose();
        const Eigen::VectorXd b = money->bidirectional.hiddenState(hiddenState).row(8).cast<double>().transpose();
        double dot = 0, aa = 0, bb = 0;
        for (Eigen::Index i = 0; i < a.size(); ++i) {
            dot += a(i) * b(i);
            aa += a(i) * a(i);
            bb += b(i) * b(i);
        }
        const double cosine = dot / std::sqrt(aa * bb);
        QVERIFY(std::abs(first.cosine - cosine) < 1e-12);
        for (const QJsonValue w : ref.value(QStringLiteral("same_words")).toArray())
            if (w.toObject().value(QStringLiteral("word")).toString() == QLatin1String("bank"))
                QVERIFY(std::abs(cosine - w.toObject().value(QStringLiteral("cosine")).toDouble()) < 1e-5);
        const QString readout = view.readout();
        QVERIFY2(
            readout.startsWith(QStringLiteral("\u201cbank\u201d \u2194 \u201cbank\u201d: cosine similarity %1 after "
                                              "layer %2")
                                   .arg(cosine, 0, 'f', 2)
                                   .arg(hiddenState - 1)),
            qPrintable(readout));
        QVERIFY(readout.contains(QStringLiteral("128-dimensional")));
        // The chosen word's two points are joined.
        auto* line = [&]() -> QCPItemLine* {
            for (int i = 0; i < view.plot()->itemCount(); ++i)
                if (auto* l = qobject_cast<QCPItemLine*>(view.plot()->item(i))) return l;
            return nullptr;
        }();
        QVERIFY(line);
        QCOMPARE(line->start->coords(), QPointF(view.keptPoints()(6, 0), view.keptPoints()(6, 1)));
        QCOMPARE(line->end->coords(), QPointF(view.points()(8, 0), view.points()(8, 1)));
        view.resize(1400, 900);
        view.show();
        QCoreApplication::processEvents();
        savePng(view, QStringLiteral("embeddings-bank-pair"));
        view.setTheme(Theme::presentation());  // on a projector: the same pair, larger
        QVERIFY(view.comparing());
        view.resize(1600, 900);
        QCoreApplication::processEvents();
        savePng(view, QStringLiteral("embeddings-bank-pair-presentation"));
        view.setTheme(Theme::normal());

        // Another word: the readout follows.
        int man = -1;
        for (size_t i = 0; i < view.sameWords().size(); ++i)
            if (view.sameWords()[i].word == "man") man = static_cast<int>(i);
        QVERIFY(man > 0);
        view.chooseSameWord(man);
        QVERIFY(view.readout().startsWith(QStringLiteral("\u201cman\u201d")));
        // A change of layer keeps the pair and the word.
        view.setSelection(test::selection(0, 0));
        QVERIFY(view.comparing());
        QCOMPARE(view.hiddenStateIndex(), 1);
        QCOMPARE(view.sameWords()[size_t(view.chosenSameWord())].word, std::string("man"));
        // Paths mode draws one sentence and says where the pair is.
        view.setMode(EmbeddingsView::Mode::Paths);
        QVERIFY(!view.comparing());
        QVERIFY(!view.pairNote().isEmpty());
        view.setMode(EmbeddingsView::Mode::Points);
        QVERIFY(view.comparing());
        view.forgetKept();
        QVERIFY(!view.comparing());
        QVERIFY(view.readout().isEmpty());
    }

    // A sentence kept from another model is not projected with this one's.
    void aSentenceOfAnotherModelIsNotCompared() {
        EmbeddingsView view;
        view.setResult(test::makeResult(test::fixture("h12-f32"), "the cat sat ."));
        view.keepForComparison();
        view.setResult(test::makeResult(bundled(), "the cat sat ."));
        QVERIFY(!view.comparing());
        QVERIFY(view.pairNote().contains(QStringLiteral("another model")));
    }

    // In the window: the button keeps the sentence shown, the next one typed joins it.
    void theWindowsKeepButtonKeepsTheSentenceShown() {
        auto w = test::openWindow(QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini"));
        QVERIFY(w);
        w->setCurrentView(QStringLiteral("embeddings"));
        auto* view = qobject_cast<EmbeddingsView*>(w->view(QStringLiteral("embeddings")));
        QVERIFY(view);
        w->setText(QString::fromStdString(kBankRiver));
        QVERIFY(test::waitForText(*w, kBankRiver));
        QVERIFY(view->keepButton()->isEnabled());
        QTest::mouseClick(view->keepButton(), Qt::LeftButton);
        QCOMPARE(view->keptResult(), w->shownResult());
        w->setText(QString::fromStdString(kBankMoney));
        QVERIFY(test::waitForText(*w, kBankMoney));
        QVERIFY(view->comparing());
        QVERIFY(view->sameWordBox()->isVisible());
        QVERIFY(view->sameWordBox()->currentText().startsWith(QStringLiteral("bank")));
        QTest::mouseClick(view->forgetButton(), Qt::LeftButton);
        QVERIFY(!view->comparing());
    }
};

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
