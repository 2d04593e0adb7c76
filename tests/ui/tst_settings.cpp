// What the window remembers between runs (WindowSettings.h): saved values
// come back, the command line's model and selection are honoured by
// main.cpp (not here), and a settings file of random bytes, a folder in its
// place or a newer BertLens's file is never fatal: a one-line note, the
// defaults, and the file kept for the user.
#include "AnalysisController.h"
#include "MainWindow.h"
#include "SelectionControls.h"
#include "UiTestSupport.h"
#include "ViewRegistry.h"
#include "WindowSettings.h"
#include "model/Encoder.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

class TestSettings : public QObject {
    Q_OBJECT
    QTemporaryDir m_config;  // XDG_CONFIG_HOME: the user's own settings are never touched
    int m_case = 0;

    // A fresh settings file for each test: its own application name.
    QString freshFile() {
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings_%1").arg(++m_case));
        const QString file = QSettings().fileName();
        if (!file.startsWith(m_config.path())) qFatal("settings outside the test's folder: %s", qPrintable(file));
        return file;
    }

    static void writeBytes(const QString& file, const QByteArray& bytes) {
        QDir().mkpath(QFileInfo(file).path());
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

private slots:
    void initTestCase() {
        qputenv("XDG_CONFIG_HOME", m_config.path().toLocal8Bit());
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
    }

    void savedValuesComeBack() {
        freshFile();
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setCurrentView(QStringLiteral("lines"));
        Selection s;
        s.layer = 1;
        s.head = 7;
        s.averageHeads = false;
        s.maskMode = MaskMode::Causal;
        w->selectionControls()->setSelection(s);
        w->setColorMap(ColorMap::Cividis);
        const double before = w->sentenceEdit()->font().pointSizeF();
        w->setTextScale(1.5);
        QVERIFY(std::abs(w->sentenceEdit()->font().pointSizeF() - 1.5 * before) < 0.6);
        w->setPrecision(Precision::Bf16);
        w->resize(1234, 777);
        saveWindowSettings(w->remembered());

        const SettingsLoad loaded = loadWindowSettings();
        QCOMPARE(loaded.note, QString());
        QVERIFY(loaded.writable);
        QCOMPARE(loaded.state.modelFolder, test::fixtureModel("h12-f32"));
        QCOMPARE(loaded.state.view, QStringLiteral("lines"));
        QVERIFY(loaded.state.selection);
        QCOMPARE(loaded.state.selection->layer, 1);
        QCOMPARE(loaded.state.selection->head, 7);
        QCOMPARE(loaded.state.selection->maskMode, MaskMode::Causal);
        QCOMPARE(*loaded.state.colorMap, ColorMap::Cividis);
        QCOMPARE(loaded.state.textScale, 1.5);
        QCOMPARE(loaded.state.precision, Precision::Bf16);

        auto again = test::openWindow(test::fixtureModel("h12-f32"));
        again->applyRemembered(loaded.state);
        QCOMPARE(again->currentView()->figureName(), QStringLiteral("lines"));
        QCOMPARE(again->selection().head, 7);
        QCOMPARE(again->selection().maskMode, MaskMode::Causal);
        QCOMPARE(again->theme().colorMap, ColorMap::Cividis);
        QCOMPARE(again->textScale(), 1.5);
        QCOMPARE(again->size(), QSize(1234, 777));
        QCOMPARE(again->controller().precision(), Precision::Bf16);
        // What the window then shows is the BF16 engine's result, not the float32 one's.
        again->setText(QStringLiteral("the cat sat ."));
        QVERIFY(test::waitForText(*again, "the cat sat ."));
        const AnalysisResultPtr shown = again->shownResult();
        QCOMPARE(shown->bidirectional.precision, Precision::Bf16);
        QCOMPARE(shown->causal.precision, Precision::Bf16);
        Encoder encoder(again->controller().model());
        AnalyzeOptions options;
        options.precision = Precision::Bf16;
        options.topK = 10;
        QCOMPARE(encoder.analyze("the cat sat .", options).attentions, shown->bidirectional.attentions);
        options.precision = Precision::F32;
        QVERIFY(encoder.analyze("the cat sat .", options).attentions != shown->bidirectional.attentions);
    }

    void theWindowSavesOnCloseOnlyWhenAsked() {
        const QString file = freshFile();
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        w->close();
        QVERIFY(!QSettings().contains(QStringLiteral("window/view")));  // tests and embedders: nothing written
        auto saving = test::openWindow(test::fixtureModel("h12-f32"));
        saving->setSaveSettingsOnClose(true);
        saving->setCurrentView(QStringLiteral("predictions"));
        saving->close();
        QVERIFY(QFile::exists(file));
        QCOMPARE(loadWindowSettings().state.view, QStringLiteral("predictions"));
    }

    void randomBytesAreNeverFatal() {
        int movedAside = 0;
        for (int seed = 0; seed < 40; ++seed) {
            const QString file = freshFile();
            QRandomGenerator random(seed);
            QByteArray bytes(static_cast<int>(random.bounded(1, 4000)), '\0');
            for (char& c : bytes) c = static_cast<char>(random.bounded(256));
            // Half of them look like an INI file with damage in it.
            if (seed % 2) bytes = "[window]\nlayer=" + bytes.left(20) + "\nview=" + bytes.mid(20, 30) + "\n" + bytes;
            writeBytes(file, bytes);
            // Text QSettings could have written: UTF-8 without control characters.
            bool text = QString::fromUtf8(bytes).toUtf8() == bytes;
            for (char c : bytes) text = text && (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\r' || c == '\t') && c != 0x7f;
            const SettingsLoad loaded = loadWindowSettings();
            QCOMPARE(loaded.note.isEmpty(), text);
            if (!loaded.note.isEmpty()) {
                ++movedAside;
                QVERIFY2(loaded.note.contains(QStringLiteral(".unreadable")), qPrintable(loaded.note));
                QCOMPARE(QFile(file + QStringLiteral(".unreadable")).size(), static_cast<qint64>(bytes.size()));
            }
            // Whatever was read is something the window can take.
            const RememberedState& r = loaded.state;
            QVERIFY(r.view.isEmpty() || viewNames().contains(r.view));
            QVERIFY(r.textScale >= 0.8 && r.textScale <= 2.5);
            auto w = test::openWindow(test::fixtureModel("h12-f32"));
            w->applyRemembered(r);
            w->setText(QStringLiteral("the cat sat ."));
            QVERIFY(test::waitForText(*w, "the cat sat ."));
            // And the next save gives a file that reads back cleanly.
            saveWindowSettings(w->remembered());
            const SettingsLoad next = loadWindowSettings();
            QCOMPARE(next.note, QString());
            QCOMPARE(next.state.view, w->currentView()->figureName());
        }
        qInfo("%d of 40 random files were unreadable as settings and moved aside; the rest gave checked values",
              movedAside);
    }

    void wrongValuesInAGoodFileGiveTheirDefaults() {
        writeBytes(freshFile(), "[window]\nlayer=banana\nhead=-5\nmaskMode=7\nview=nosuchview\ntextScale=1e308\n"
                                "colorMap=rainbow\ngeometry=@ByteArray(not a geometry)\nmodel=/no/such/folder\n"
                                "[engine]\nprecision=fp8\n");
        const SettingsLoad loaded = loadWindowSettings();
        QCOMPARE(loaded.note, QString());
        QVERIFY(!loaded.state.selection);
        QCOMPARE(loaded.state.view, QString());
        QVERIFY(!loaded.state.colorMap);
        QCOMPARE(loaded.state.textScale, 1.0);
        QCOMPARE(loaded.state.precision, Precision::F32);
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        const QSize size = w->size();
        w->applyRemembered(loaded.state);  // the geometry bytes are refused by restoreGeometry
        QCOMPARE(w->size(), size);
        QCOMPARE(w->selection().layer, 0);
    }

    void aNewerVersionsFileIsLeftAlone() {
        const QString file = freshFile();
        {
            QSettings s;
            s.setValue(QStringLiteral("settings/version"), kSettingsVersion + 1);
            s.setValue(QStringLiteral("window/view"), QStringLiteral("lines"));
            s.setValue(QStringLiteral("window/someFutureKey"), 42);
        }
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        const SettingsLoad loaded = loadWindowSettings();
        QVERIFY2(loaded.note.contains(QStringLiteral("newer BertLens")), qPrintable(loaded.note));
        QVERIFY(!loaded.writable);
        QCOMPARE(loaded.state.view, QString());
        auto w = test::openWindow(test::fixtureModel("h12-f32"));
        w->setSaveSettingsOnClose(loaded.writable);
        w->close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    void aFolderInPlaceOfTheFileIsMovedAside() {
        const QString file = freshFile();
        QVERIFY(QDir().mkpath(file + QStringLiteral("/inside")));
        const SettingsLoad loaded = loadWindowSettings();
        QVERIFY2(loaded.note.contains(QStringLiteral("is not a file")), qPrintable(loaded.note));
        QVERIFY(QFileInfo(file + QStringLiteral(".unreadable")).isDir());
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(loaded.writable);
        saveWindowSettings(RememberedState{});
        QVERIFY(QFileInfo(file).isFile());
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
