// The anatomy and inside-a-head views (issue 15, parts 3 and 4): the
// numbers they show equal independent ones (the checkpoint file's own
// tensor sizes, shapes from the tokenizer, the engine's attention rows); a
// click on a layer asks for that layer; a click on a row explains that
// key's score; exported figures carry no interface hints.
#include "tst_views_support.h"

#include "AnatomyView.h"
#include "InsideView.h"
#include "export/FigureExporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

const std::string kSentence = "the dog [MASK] at the mailman .";

std::string bundled() {
    return std::string(BERTLENS_RESOURCES) + "/models/bertlens-mini";
}

// Element count of every tensor in the file, from its header alone.
int64_t tensorElementsInFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray head = f.read(8);
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<uint8_t>(head[i]);
    const QJsonObject header = QJsonDocument::fromJson(f.read(static_cast<qint64>(length))).object();
    int64_t total = 0;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) continue;
        int64_t count = 1;
        for (const QJsonValue d : it.value().toObject().value(QStringLiteral("shape")).toArray())
            count *= d.toInteger();
        total += count;
    }
    return total;
}

QString grouped(int64_t v) {
    QString s = QString::number(v);
    for (int i = s.size() - 3; i > 0; i -= 3) s.insert(i, QLatin1Char(','));
    return s;
}

QString svgOf(FigureView& view) {
    FigureExporter::Options o;
    o.format = FigureExporter::Format::Svg;
    o.caption = QStringLiteral("caption");
    return QString::fromUtf8(FigureExporter::renderSvg(view, o));
}

}  // namespace

class TestAnatomy : public QObject {
    Q_OBJECT
    std::shared_ptr<const Model> m_model = Model::load(bundled());
    AnalysisResultPtr m_result = test::makeResult(m_model, kSentence);

private slots:
    void anatomyShowsTheFilesParameterCountAndTheShapes() {
        AnatomyView view;
        view.setSelection(test::selection(2, 0));
        view.setResult(m_result);
        QVERIFY(view.hasModel());
        const int64_t inFile = tensorElementsInFile(QString::fromStdString(bundled()) + "/model.safetensors");
        QCOMPARE(view.parameters().total(), inFile);
        const QString svg = svgOf(view);
        const int n = static_cast<int>(m_model->tokenizer().encode(kSentence).ids.size());
        QVERIFY2(svg.contains(grouped(inFile) + " parameters"), qPrintable(grouped(inFile)));
        QVERIFY(svg.contains(QStringLiteral("4 heads of 32")));
        QVERIFY(svg.contains(QStringLiteral("%1 \u00d7 512").arg(n)));  // n x intermediate
        QVERIFY(svg.contains(QStringLiteral("%1 \u00d7 %1").arg(n)));   // n x n per head
        QVERIFY(svg.contains(QStringLiteral("%1 \u00d7 128").arg(n)));  // n x hidden
        // One layer by hand: 4 (128 x 128 + 128) + 2 LayerNorms + 128 -> 512 -> 128.
        QVERIFY(svg.contains(grouped(4 * (128 * 128 + 128) + 2 * 256 + (128 * 512 + 512) + (512 * 128 + 128))));
        QVERIFY(svg.contains(QStringLiteral("BERT-base")) && svg.contains(QStringLiteral("BERT-large")));
        QVERIFY(svg.contains(QStringLiteral("110 M")));  // bert-base's masked-LM model: 109,514,298
        QVERIFY(!svg.contains(QStringLiteral("click"), Qt::CaseInsensitive));
    }

    void clickingALayerAsksForIt() {
        AnatomyView view;
        view.resize(1400, 800);
        view.setResult(m_result);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        std::vector<int> asked;
        connect(&view, &FigureView::selectionRequested, this, [&](const Selection& s) { asked.push_back(s.layer); });
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.layerRect(2).center());
        QCOMPARE(asked, std::vector<int>{2});
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(2, 2));  // no layer there
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.layerRect(0).center());
        QCOMPARE(asked, (std::vector<int>{2, 0}));
    }

    void aResultWhoseModelIsGoneDrawsASentence() {
        auto orphan = std::make_shared<AnalysisResult>(*m_result);
        orphan->model.reset();
        AnatomyView anatomy;
        anatomy.setResult(orphan);
        QVERIFY(!anatomy.hasModel());
        InsideView inside;
        inside.setResult(orphan);
        QVERIFY(!inside.hasHead());
        QVERIFY(svgOf(inside).contains(QStringLiteral("no longer open")));
        anatomy.setResult(nullptr);
        inside.setResult(nullptr);
        QVERIFY(!svgOf(anatomy).isEmpty());
    }

    void insideRowIsTheEnginesAttentionRow() {
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            InsideView view;
            view.setSelection(test::selection(3, 0, false, mode));
            view.setResult(m_result);
            QVERIFY(view.hasHead());
            const Analysis& a = m_result->analysis(mode);
            QCOMPARE(view.query(), 3);  // the [MASK]
            QCOMPARE(view.inside().dim, 32);
            const QString svg = svgOf(view);
            for (int j = 0; j < a.tokenCount; ++j) {
                QVERIFY(std::abs(view.row().probabilities[size_t(j)] - a.attention(3, 0)(3, j)) < 2e-6);
                QVERIFY2(svg.contains(QString::number(double(a.attention(3, 0)(3, j)), 'f', 3)),
                         qPrintable(QString::number(j)));
            }
            QCOMPARE(svg.contains(QStringLiteral("\u2212\u221e masked")), mode == MaskMode::Causal);
            QVERIFY(!svg.contains(QStringLiteral("click"), Qt::CaseInsensitive));
            // The explained key starts at the largest weight.
            int best = 0;
            for (int j = 1; j < a.tokenCount; ++j)
                if (a.attention(3, 0)(3, j) > a.attention(3, 0)(3, best)) best = j;
            QCOMPARE(view.key(), best);
            QCOMPARE(view.topDims().size(), size_t(3));
        }
    }

    void insideFollowsTheQueryAndAClickedRow() {
        InsideView view;
        view.resize(1400, 800);
        view.setSelection(test::selection(1, 2));
        view.setResult(m_result);
        view.setQuery(5);
        QCOMPARE(view.query(), 5);
        const Analysis& a = m_result->bidirectional;
        for (int j = 0; j < a.tokenCount; ++j)
            QVERIFY(std::abs(view.row().probabilities[size_t(j)] - a.attention(1, 2)(5, j)) < 2e-6);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.rowRect(6).center());
        QCOMPARE(view.key(), 6);
        // A new selection keeps the query, and a text of another length starts afresh.
        view.setSelection(test::selection(0, 1));
        QCOMPARE(view.query(), 5);
        view.setResult(test::makeResult(m_model, "the cat sat ."));
        QCOMPARE(view.query(), 1);  // no [MASK]: token 1
    }
    // A long sentence keeps its key rows tall enough for their labels and
    // scrolls to the rest; the exported figure holds every row.
    void insideScrollsALongSentence() {
        std::string text = "the [MASK] barked";
        while (m_model->tokenizer().encode(text).ids.size() < 60) text += " at the cat";
        const AnalysisResultPtr longer = test::makeResult(m_model, text);
        const int n = longer->tokenCount();
        InsideView view;
        view.resize(900, 600);
        view.setSelection(test::selection(1, 2));
        view.setResult(longer);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int line = QFontMetrics(Theme::normal().font(10, true)).height();
        QVERIFY(!view.rowRect(0).isEmpty());
        QVERIFY(view.rowRect(0).height() > line);
        QVERIFY(view.rowRect(n - 1).isEmpty());  // below the window: scrolled away, not squeezed
        view.setFirstRow(n);                     // as far as it goes
        QVERIFY(view.firstRow() > 0);
        QVERIFY(view.rowRect(0).isEmpty());
        QVERIFY(!view.rowRect(n - 1).isEmpty());
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.rowRect(n - 1).center());
        QCOMPARE(view.key(), n - 1);
        // Every key's weight is in the figure, whatever the window shows.
        const QString svg = svgOf(view);
        QVERIFY2(!svg.contains(QStringLiteral(" shown")), qPrintable(svg.mid(svg.indexOf(QStringLiteral(" shown")) - 200, 300)));
        const Analysis& a = longer->bidirectional;
        for (int j = 0; j < n; ++j)
            QVERIFY2(
                svg.contains(QStringLiteral("%1 (%2)").arg(QString::fromStdString(a.tokens[size_t(j)].text)).arg(j)),
                qPrintable(QString::number(j)));
    }
};

QTEST_MAIN(TestAnatomy)
#include "tst_anatomy.moc"
