// File > Export > Data as NumPy arrays (and the interactive page, whose
// content tests/core/InteractivePageTest and tests/page check), in the real
// window: the write runs
// off the UI thread, the files are .npy whose header and bytes an
// independent reader here (not core's writer) decodes to the engine's exact
// floats, arrays.json names every file, and a folder that cannot be made
// gets a message and a dialog while the window keeps its result. (numpy
// itself reads the same writer's files in tests/npy/npy_check.py.)
#include "ExportMenu.h"
#include "MainWindow.h"
#include "UiTestSupport.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QLineEdit>
#include <QMimeData>
#include <QMessageBox>
#include <QStatusBar>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

struct Npy {
    QString descr;
    std::vector<qint64> shape;
    QByteArray data;
};

// Format 1.0 by hand: magic, version, little-endian header length, the dict.
Npy readNpy(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    if (!bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8))) return {};
    const int length = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    if ((10 + length) % 64 != 0) return {};  // numpy's alignment
    const QString dict = QString::fromLatin1(bytes.mid(10, length));
    Npy n;
    n.descr = QRegularExpression(QStringLiteral("'descr': '([^']*)'")).match(dict).captured(1);
    const QString shape = QRegularExpression(QStringLiteral("'shape': \\(([^)]*)\\)")).match(dict).captured(1);
    for (const QString& d : shape.split(QLatin1Char(','), Qt::SkipEmptyParts)) n.shape.push_back(d.trimmed().toLongLong());
    n.data = bytes.mid(10 + length);
    return n;
}

bool sameFloats(const Npy& n, const std::vector<float>& values) {
    return n.descr == QLatin1String("<f4") && n.data.size() == static_cast<qsizetype>(values.size() * 4) &&
           std::memcmp(n.data.constData(), values.data(), n.data.size()) == 0;
}

}  // namespace

class TestDataExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dataexport"));
    }

    void figureSizeMenuLaysTheFigureOutForAColumn() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat [MASK] on the mat ."));
        QVERIFY(test::waitForText(*w, "the cat [MASK] on the mat ."));
        auto* menu = w->findChild<ExportMenu*>();
        QVERIFY(menu);
        QAction* column = nullptr;
        for (QAction* a : w->findChildren<QAction*>()) {
            if (a->text().startsWith(QStringLiteral("Single column"))) column = a;
        }
        QVERIFY2(column, "no Single column entry under File > Export > Figure size");
        const auto pageWidth = [](const QString& path) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) return -1.0;
            const auto m = QRegularExpression(QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)"))
                               .match(QString::fromLatin1(f.readAll()));
            return m.hasMatch() ? m.captured(1).toDouble() : -1.0;
        };
        QTemporaryDir dir;
        w->setCurrentView(QStringLiteral("head"));
        const QString own = dir.filePath(QStringLiteral("own.pdf"));
        QCOMPARE(menu->exportCurrentFigure(own, FigureExporter::Format::Pdf), QString());
        column->trigger();
        const QString narrow = dir.filePath(QStringLiteral("column.pdf"));
        QCOMPARE(menu->exportCurrentFigure(narrow, FigureExporter::Format::Pdf), QString());
        // 8.5 cm in points, worked by hand: 8.5 / 2.54 * 72 = 240.94.
        QVERIFY2(std::abs(pageWidth(narrow) - 240.94) < 1.0, qPrintable(QString::number(pageWidth(narrow))));
        QVERIFY(std::abs(pageWidth(own) - 240.94) > 10.0);
        QCOMPARE(menu->lastFigureNote(), QString());  // the head view fits a column
        // The heads view has a narrow layout now (tst_columnfigures checks its text sizes).
        w->setCurrentView(QStringLiteral("heads"));
        QCOMPARE(menu->exportCurrentFigure(dir.filePath(QStringLiteral("heads.pdf")), FigureExporter::Format::Pdf),
                 QString());
        QCOMPARE(menu->lastFigureNote(), QString());
        // A map of 25 tokens or more cannot be this narrow (a line of 8 pt
        // text a token, 25 lines of 8 pt are over 7 cm before any label): the
        // export says how small its text came out and what width it needs.
        std::string longer = "the cat [MASK]";
        while (longer.size() < 100) longer += " on the mat";  // within the fixture's 40 positions
        w->setText(QString::fromStdString(longer));
        QVERIFY(test::waitForText(*w, longer));
        QVERIFY(w->shownResult()->tokenCount() >= 25);
        w->setCurrentView(QStringLiteral("head"));
        QCOMPARE(menu->exportCurrentFigure(dir.filePath(QStringLiteral("long.pdf")), FigureExporter::Format::Pdf),
                 QString());
        QVERIFY2(menu->lastFigureNote().contains(QStringLiteral("needs")), qPrintable(menu->lastFigureNote()));
    }

    void arraysAreTheEnginesNumbers() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat [MASK] on the mat ."));
        QVERIFY(test::waitForText(*w, "the cat [MASK] on the mat ."));
        const AnalysisResultPtr r = w->shownResult();
        auto* menu = w->findChild<ExportMenu*>();
        QVERIFY(menu);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("new/arrays"));
        QSignalSpy done(menu, &ExportMenu::dataExportFinished);
        QVERIFY(menu->startDataExport(folder));
        QVERIFY(!menu->startDataExport(folder));  // one at a time
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("Saved")));

        const int L = r->bidirectional.layers, H = r->bidirectional.heads, n = r->tokenCount();
        for (const auto& [name, analysis] : {std::pair{"bidirectional", &r->bidirectional}, std::pair{"causal", &r->causal}}) {
            const Npy a = readNpy(folder + QStringLiteral("/%1_attentions.npy").arg(QLatin1String(name)));
            QCOMPARE(a.shape, (std::vector<qint64>{L, H, n, n}));
            QVERIFY2(sameFloats(a, analysis->attentions), name);
            const Npy h = readNpy(folder + QStringLiteral("/%1_hidden_states.npy").arg(QLatin1String(name)));
            QCOMPARE(h.shape, (std::vector<qint64>{L + 1, n, analysis->hidden}));
            QVERIFY2(sameFloats(h, analysis->hiddenStates), name);
            const Npy ids = readNpy(folder + QStringLiteral("/%1_predictions_top_ids.npy").arg(QLatin1String(name)));
            QCOMPARE(ids.descr, QStringLiteral("<i4"));
            QCOMPARE(ids.shape.front(), static_cast<qint64>(analysis->predictions.size()));
            int32_t first = 0;
            std::memcpy(&first, ids.data.constData(), 4);
            QCOMPARE(first, analysis->predictions.front().top.front().id);
        }
        QFile sidecar(folder + QStringLiteral("/arrays.json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const auto meta = nlohmann::json::parse(sidecar.readAll().toStdString());
        QCOMPARE(meta["text"].get<std::string>(), r->text);
        QCOMPARE(meta["tokens"].size(), static_cast<size_t>(n));
        for (const auto& [key, info] : meta["arrays"].items()) {
            const Npy a = readNpy(folder + QLatin1Char('/') + QString::fromStdString(info["file"].get<std::string>()));
            QVERIFY2(!a.descr.isEmpty(), key.c_str());
            QCOMPARE(a.shape, info["shape"].get<std::vector<qint64>>());
            QCOMPARE(info["axes"].size(), a.shape.size());
        }
        // The measures arrive after the result; once in, they are exported too.
        QTRY_VERIFY_WITH_TIMEOUT(w->shownMeasures() != nullptr, 20000);
        QVERIFY(menu->startDataExport(folder));
        QVERIFY(done.wait(30000));
        const Npy rollout = readNpy(folder + QStringLiteral("/bidirectional_rollout.npy"));
        QCOMPARE(rollout.shape, (std::vector<qint64>{L, n, n}));
        QVERIFY(sameFloats(rollout, w->shownMeasures()->bidirectional.rollout));
    }

    void thePageIsWrittenOffTheUiThreadWithItsSize() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat [MASK] on the mat ."));
        QVERIFY(test::waitForText(*w, "the cat [MASK] on the mat ."));
        auto* menu = w->findChild<ExportMenu*>();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("page.html"));
        QSignalSpy done(menu, &ExportMenu::pageExportFinished);
        QVERIFY(menu->startPageExport(path));
        QVERIFY(!menu->startDataExport(dir.path()));  // one export at a time
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QFile page(path);
        QVERIFY(page.open(QIODevice::ReadOnly));
        const QByteArray html = page.readAll();
        QVERIFY(html.startsWith("<!DOCTYPE html>") || html.startsWith("<!doctype html>"));
        QVERIFY(html.contains("mat"));
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("page")));
        // Into a folder that is a file: the message, a dialog, the result kept.
        QVERIFY(menu->startPageExport(path + QStringLiteral("/inside.html")));
        QVERIFY(done.wait(30000));
        QVERIFY(!done.at(1).at(1).toString().isEmpty());
        QTRY_VERIFY(w->findChild<QMessageBox*>());
        QCOMPARE(w->shownResult()->text, std::string("the cat [MASK] on the mat ."));
    }

    // Ctrl+C outside the sentence box copies the figure as PNG and SVG; in
    // the box it copies the selected text, as everywhere else.
    void ctrlCCopiesTheFigureOutsideTheTextBox() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*w, "the cat sat ."));
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        QGuiApplication::clipboard()->clear();
        w->currentView()->setFocus();
        QTest::keySequence(w->currentView(), QKeySequence::Copy);
        const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
        QVERIFY(mime && mime->hasImage());
        QVERIFY(mime->data(QStringLiteral("image/svg+xml")).startsWith("<?xml"));
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        QVERIFY(image.width() > 400);

        w->sentenceEdit()->setFocus();
        w->sentenceEdit()->setSelection(4, 3);
        QTest::keySequence(w->sentenceEdit(), QKeySequence::Copy);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("cat"));
        QVERIFY(!QGuiApplication::clipboard()->mimeData()->hasImage());
    }

    // The monkey's seed 11: an export started after the previous one's thread
    // had ended but before its result was handled took the previous one's
    // place and was deleted while running (an abort).
    void aSecondExportWaitsUntilTheFirstIsHandled() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*w, "the cat sat ."));
        auto* menu = w->findChild<ExportMenu*>();
        QTemporaryDir dir;
        QSignalSpy data(menu, &ExportMenu::dataExportFinished);
        QSignalSpy page(menu, &ExportMenu::pageExportFinished);
        QVERIFY(menu->startDataExport(dir.filePath(QStringLiteral("a"))));
        QThread::msleep(1500);  // the thread ends; its result waits in the event queue
        QVERIFY(menu->writing());
        QVERIFY(!menu->startPageExport(dir.filePath(QStringLiteral("b.html"))));
        QVERIFY(data.wait(30000));
        QVERIFY(!menu->writing());
        QVERIFY(menu->startPageExport(dir.filePath(QStringLiteral("b.html"))));
        QVERIFY(page.wait(30000));
        QCOMPARE(data.size(), 1);
        QCOMPARE(page.size(), 1);
        QCOMPARE(page.at(0).at(1).toString(), QString());
    }

    void aFolderThatCannotBeMadeIsNamedAndTheResultKept() {
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*w, "the cat sat ."));
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        auto* menu = w->findChild<ExportMenu*>();
        QSignalSpy done(menu, &ExportMenu::dataExportFinished);
        QVERIFY(menu->startDataExport(blocker.fileName() + QStringLiteral("/arrays")));
        QVERIFY(done.wait(30000));
        const QString error = done.at(0).at(1).toString();
        QVERIFY2(error.contains(QStringLiteral("cannot create the folder")), qPrintable(error));
        QTRY_VERIFY(w->findChild<QMessageBox*>());
        QVERIFY(w->findChild<QMessageBox*>()->text().contains(QStringLiteral("Choose another folder")));
        QCOMPARE(w->shownResult()->text, std::string("the cat sat ."));
    }
};

QTEST_MAIN(TestDataExport)
#include "tst_dataexport.moc"
