// Issue 20: no label is cut and no two labels overlap, in any registered
// view (the loop runs over viewEntries(), so a new view is covered by
// registering it), on screen at three window sizes and in the exported
// figure, in normal and presentation mode, for a short, a 30-token and a
// 120-token sentence. Every text a view paints is caught by TextCapture, a
// paint device that keeps text and its glyph boxes; a view that paints no
// text at all cannot be checked and fails as "not covered".
//
// Exports must also carry no interface hints ("Point at", "click").
//
// BERTLENS_LABEL_MATRIX=small (the sanitizer runs) checks one window size.
#include "TextCapture.h"
#include "tst_views_support.h"

#include "ViewRegistry.h"
#include "worker/MeasuresPass.h"

#include <QPainter>

#include <QtTest>
#include <map>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

// Words the bundled model's vocabulary holds whole.
const char* const kWords[] = {"the", "dog", "barked", "at",    "the", "mailman", "and",  "the", "cat",  "sat",
                              "on",  "the", "mat",    "while", "the", "girl",    "read", "a",   "book", "."};

// A sentence of about n tokens ([CLS] and [SEP] included), with a [MASK].
std::string sentenceOf(const Model& model, int n) {
    std::string text = "the [MASK] barked";
    for (size_t i = 3; static_cast<int>(model.tokenizer().encode(text).ids.size()) < n; ++i)
        text += std::string(" ") + kWords[i % std::size(kWords)];
    return text;
}

struct Case {
    QString name;
    AnalysisResultPtr result;
    FlowMeasuresPtr measures;
};

}  // namespace

class TestLabelLayout : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model;
    std::vector<Case> m_cases;
    std::vector<QSize> m_sizes;

    // Every problem of one view, each prefixed with where it was seen.
    QStringList check(const ViewEntry& entry, bool presentation, const Case& c, QSize size, int* texts) {
        std::unique_ptr<FigureView> view(entry.create(nullptr));
        Theme theme = presentation ? Theme::presentation() : Theme::normal();
        view->setTheme(theme);
        view->setSelection(test::selection(1, 2));
        view->setResult(c.result);
        view->setMeasures(c.measures);
        view->resize(size);
        view->show();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QStringList problems;
        const QString where = QStringLiteral("%1 %2 %3x%4: ")
                                  .arg(c.name, presentation ? QStringLiteral("presentation") : QStringLiteral("normal"))
                                  .arg(size.width())
                                  .arg(size.height());
        test::TextCapture screen(view->size());
        test::captureWidget(*view, screen);
        *texts += static_cast<int>(screen.texts().size());
        for (const QString& p : test::labelProblems(screen.texts(), view->rect()))
            problems << where + QStringLiteral("screen ") + p;
        if (size == m_sizes.front()) {  // the figure does not depend on the window
            const QSizeF figure = view->figureSize();
            test::TextCapture exported(figure.toSize());
            {
                QPainter painter(&exported);
                view->paintFigure(painter, QRectF(QPointF(0, 0), figure));
            }
            *texts += static_cast<int>(exported.texts().size());
            for (const QString& p : test::labelProblems(exported.texts(), QRectF(QPointF(0, 0), figure)))
                problems << where + QStringLiteral("figure ") + p;
            for (const test::CapturedText& t : exported.texts()) {
                if (t.text.contains(QStringLiteral("Point at"), Qt::CaseInsensitive) ||
                    t.text.contains(QStringLiteral("click"), Qt::CaseInsensitive))
                    problems << where + QStringLiteral("figure has an interface hint: \"%1\"").arg(t.text);
            }
        }
        return problems;
    }

private slots:
    void initTestCase() {
        QElapsedTimer timer;
        timer.start();
        m_model = Model::load(BERTLENS_RESOURCES "/models/bertlens-mini");
        MeasuresOptions options;
        options.flowTokenLimit = 40;  // flow of 120 tokens takes long; its note is text to check too
        for (int n : {0, 30, 120}) {
            Case c;
            const std::string text = n == 0 ? std::string("the [MASK] barked .") : sentenceOf(*m_model, n);
            c.result = test::makeResult(m_model, text);
            c.measures = addFlow(*measureStack(*c.result, *m_model, options), *c.result, options);
            c.name = QStringLiteral("%1 tokens").arg(c.result->tokenCount());
            m_cases.push_back(c);
        }
        m_sizes = {QSize(1600, 900), QSize(1200, 760), QSize(900, 600)};
        if (qgetenv("BERTLENS_LABEL_MATRIX") == "small") m_sizes.resize(1);
        qInfo() << "results and measures in" << timer.elapsed() << "ms";
    }

    void labelsFitAndNeverOverlap_data() {
        QTest::addColumn<QString>("name");
        for (const ViewEntry& e : viewEntries()) QTest::newRow(qPrintable(e.name)) << e.name;
    }

    void labelsFitAndNeverOverlap() {
        QFETCH(QString, name);
        const ViewEntry* entry = nullptr;
        for (const ViewEntry& e : viewEntries())
            if (e.name == name) entry = &e;
        QVERIFY(entry);
        QStringList problems;
        int texts = 0;
        QElapsedTimer timer;
        timer.start();
        for (bool presentation : {false, true})
            for (const Case& c : m_cases)
                for (QSize size : m_sizes) {
                    // The long text at the largest window only: it costs most, and the
                    // short and 30-token texts try the small windows.
                    if (c.result->tokenCount() > 60 && size != m_sizes.front()) continue;
                    problems += check(*entry, presentation, c, size, &texts);
                }
        // A view whose text never reaches a QPainter (a cached pixmap) cannot be checked.
        QVERIFY2(texts > 0,
                 qPrintable(QStringLiteral("not covered: %1 painted no text TextCapture could see").arg(name)));
        for (const QString& p : problems.mid(0, 40)) qWarning().noquote() << name << p;
        // All of them, for whoever is fixing a view.
        if (const QByteArray path = qgetenv("BERTLENS_LABEL_REPORT"); !path.isEmpty()) {
            QFile file(QString::fromLocal8Bit(path) + QLatin1Char('-') + name + QStringLiteral(".txt"));
            if (file.open(QIODevice::WriteOnly | QIODevice::Text))
                file.write(problems.join(QLatin1Char('\n')).toUtf8());
        }
        qInfo().noquote() << name << timer.elapsed() << "ms";
        // Known and not fixed yet (issue 20): each entry must go once its view
        // is clean (an unexpected pass fails the test).
        static const std::map<QString, const char*> kKnown = {
            {QStringLiteral("compare"),
             "presentation in a small window: the maps' titles and axis titles are cut, the colour bar's top "
             "number meets a column label; the predictions' rows scroll, and their axis title scrolled out of "
             "sight counts as outside the view"},
            {QStringLiteral("embeddings"), "120 tokens: the point labels collide where the points crowd"},
        };
        if (const auto known = kKnown.find(name); known != kKnown.end()) QEXPECT_FAIL("", known->second, Continue);
        QVERIFY2(
            problems.isEmpty(),
            qPrintable(QStringLiteral("%1 problems in the %2 view (first 40 above)").arg(problems.size()).arg(name)));
    }
};

QTEST_MAIN(TestLabelLayout)
#include "tst_labellayout.moc"
