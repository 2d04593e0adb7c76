// The window survives what happens around it (issue 7), offscreen: the model
// folder changed, replaced or deleted while the app runs; a model load
// cancelled halfway; an export into a place that cannot be written or a disk
// that fills up; files dropped on the window (invalid UTF-8, UTF-16, a model
// folder). Each gives a message, and the last good model stays until the
// user picks something that works; a text the model refuses shows no earlier
// text's result, but says why nothing is shown.
#include "AnalysisController.h"
#include "Errors.h"
#include "ExportMenu.h"
#include "FileDropHandler.h"
#include "MainWindow.h"
#include "ModelChangedBar.h"
#include "TensorExport.h"
#include "UiTestSupport.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <csignal>
#include <cstdio>
#include <fstream>

#include <sys/resource.h>
#include <unistd.h>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

using test::copyFixture;
using test::openWindow;
using test::readAll;
using test::waitForText;

bool writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Drags these URLs over the widget and drops them, as a file manager would.
void dropUrls(QWidget* target, const QList<QUrl>& urls) {
    QMimeData mime;
    mime.setUrls(urls);
    mime.setText(urls.value(0).toLocalFile());  // file managers offer the path as text too
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

// Files in dir other than those listed (a half-written file or a leftover
// temporary file of a failed export).
QStringList filesBesides(const QString& dir, const QStringList& expected) {
    QStringList extra = QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString& e : expected) extra.removeAll(e);
    return extra;
}

// RLIMIT_FSIZE makes any write past `bytes` fail (EFBIG), as a disk that
// fills up does; it needs no privileges and works for root, who can write
// into read-only folders. SIGXFSZ would otherwise end the process.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit limited = m_old;
        limited.rlim_cur = bytes;
        m_ok = setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
    bool m_ok = false;
};

}  // namespace

class TestSurvival : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("BertLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_survival"));
    }

    // Weights overwritten in place (a copy over the file, a training run
    // writing its checkpoint): the bar says so at once, the next edit shows
    // the engine's refusal in the red line and on the views (no earlier
    // result shown as this text's), and
    // Reload brings the model back from the file as it is now.
    void weightsChangedInPlaceShowTheEngineErrorUntilReloaded() {
        QTemporaryDir dir;
        const QString folder = copyFixture(dir, "h12-f32");
        const QString weights = folder + QStringLiteral("/model.safetensors");
        const QByteArray original = readAll(weights);
        auto w = openWindow(folder);
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        QVERIFY(w->modelChangedBar()->isHidden());

        QVERIFY(QFile::resize(weights, 256));  // truncated in place
        QTRY_VERIFY_WITH_TIMEOUT(w->modelChangedBar()->isVisible(), 10000);
        QVERIFY2(w->modelChangedBar()->changeText().contains(QStringLiteral("model.safetensors was changed in place")),
                 qPrintable(w->modelChangedBar()->changeText()));

        w->setText(QStringLiteral("the dog sat ."));
        QTRY_VERIFY_WITH_TIMEOUT(w->messageLabel()->isVisible(), 20000);
        const QString message = w->messageLabel()->text();
        QVERIFY2(message.contains(QStringLiteral("was overwritten or truncated on disk")), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("open the model again")));
        QVERIFY(message.contains(QFileInfo(weights).fileName()));
        QVERIFY(!w->shownResult());  // nothing of the earlier text is shown as this one's
        QVERIFY(w->nothingAnalysedReason().contains(QStringLiteral("was overwritten or truncated on disk")));
        QVERIFY(!w->findChild<QMessageBox*>());                          // not a dialog

        QVERIFY(writeAll(weights, original));
        QSignalSpy reloaded(&w->controller(), &AnalysisController::modelChanged);
        QTest::mouseClick(w->modelChangedBar()->reloadButton(), Qt::LeftButton);
        QVERIFY(reloaded.wait(20000));
        QVERIFY(waitForText(*w, "the dog sat ."));  // the current text, on the reloaded model
        QVERIFY(w->messageLabel()->isHidden());
        QVERIFY(w->modelChangedBar()->isHidden());
        const Analysis ref =
            test::engineAnalysis(Model::load(folder.toStdString()), "the dog sat .", MaskMode::Bidirectional);
        QVERIFY(test::maxAttentionDifference(w->shownResult()->bidirectional, ref) < 1e-6);
    }

    // A file replaced by rename keeps the old bytes in the map: the window
    // goes on with what it loaded (same numbers) and offers the new file.
    void weightsReplacedByRenameKeepTheLoadedModelAndOfferTheNewOne() {
        QTemporaryDir dir;
        const QString folder = copyFixture(dir, "h12-f32");
        auto w = openWindow(folder);
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        const AnalysisResultPtr before = w->shownResult();

        // Another model's weights of the same shape (h12-bf16, widened on load)
        // written beside it and renamed over it, as download tools do.
        QVERIFY(QFile::copy(test::fixtureModel("h12-bf16") + QStringLiteral("/model.safetensors"),
                            dir.filePath(QStringLiteral("new.safetensors"))));
        QVERIFY(::rename(QFile::encodeName(dir.filePath(QStringLiteral("new.safetensors"))).constData(),
                         QFile::encodeName(folder + QStringLiteral("/model.safetensors")).constData()) == 0);
        QTRY_VERIFY_WITH_TIMEOUT(w->modelChangedBar()->isVisible(), 10000);
        QVERIFY2(w->modelChangedBar()->changeText().contains(QStringLiteral("model.safetensors was replaced")),
                 qPrintable(w->modelChangedBar()->changeText()));

        w->setText(QStringLiteral("the cat sat . "));
        QVERIFY(waitForText(*w, "the cat sat . "));
        QVERIFY(test::maxAttentionDifference(w->shownResult()->bidirectional, before->bidirectional) == 0.0);

        QSignalSpy reloaded(&w->controller(), &AnalysisController::modelChanged);
        QTest::mouseClick(w->modelChangedBar()->reloadButton(), Qt::LeftButton);
        QVERIFY(reloaded.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(w->shownResult()->requestId == w->controller().latestRequestId() &&
                                     w->controller().model()->weightDType() == "BF16",
                                 20000);
        const Analysis ref =
            test::engineAnalysis(Model::load(folder.toStdString()), "the cat sat . ", MaskMode::Bidirectional);
        QVERIFY(test::maxAttentionDifference(w->shownResult()->bidirectional, ref) < 1e-6);
    }

    // The whole folder deleted: the map keeps the files that were opened, so
    // the window keeps working; Reload says why it cannot, in the load-error
    // dialog, and the model stays.
    void deletedFolderKeepsWorkingAndReloadSaysWhyNot() {
        QTemporaryDir dir;
        const QString folder = copyFixture(dir, "h12-f32");
        auto w = openWindow(folder);
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));

        QVERIFY(QDir(folder).removeRecursively());
        QTRY_VERIFY_WITH_TIMEOUT(w->modelChangedBar()->isVisible(), 10000);
        QVERIFY2(w->modelChangedBar()->changeText().contains(QStringLiteral("the folder was deleted or moved")),
                 qPrintable(w->modelChangedBar()->changeText()));
        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(waitForText(*w, "the dog sat ."));

        QString engineMessage;
        try {
            Model::load(folder.toStdString());
        } catch (const CheckpointError& e) {
            engineMessage = QString::fromUtf8(e.what());
        }
        QVERIFY(!engineMessage.isEmpty());
        QTest::mouseClick(w->modelChangedBar()->reloadButton(), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w->findChild<QMessageBox*>(QStringLiteral("modelLoadError"))), 20000);
        QCOMPARE(box->text(), engineMessage);
        QVERIFY(box->informativeText().contains(QStringLiteral("Still using model")));
        box->close();
        w->setText(QStringLiteral("the bird sat ."));
        QVERIFY(waitForText(*w, "the bird sat ."));
        QCOMPARE(w->shownResult()->modelName, QStringLiteral("model"));
    }

    // Cancel on the busy indicator: the previous model stays, and neither the
    // cancelled load's model nor its error shows up later.
    void cancelledLoadKeepsThePreviousModel() {
        QTemporaryDir dir;
        // A model that takes a moment to open: F16, widened to float on load.
        const QString slow = dir.filePath(QStringLiteral("slow"));
        test::writeMediumModel(slow, 11, DType::F16);
        const QString broken = dir.filePath(QStringLiteral("broken"));
        QDir().mkpath(broken);
        QVERIFY(writeAll(broken + QStringLiteral("/config.json"), "{\"model_type\": \"bert\""));

        auto w = openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        QSignalSpy changed(&w->controller(), &AnalysisController::modelChanged);
        QSignalSpy failed(&w->controller(), &AnalysisController::modelLoadFailed);

        for (const QString& folder : {slow, broken}) {
            w->openModel(folder);
            QVERIFY(w->controller().isLoading());
            QToolButton* cancel = w->cancelLoadButton();
            QVERIFY(cancel->isVisible());
            const bool threadRunning = w->controller().isLoadThreadRunning();
            QTest::mouseClick(cancel, Qt::LeftButton);
            qInfo("cancelled %s while its load thread %s", qPrintable(QFileInfo(folder).fileName()),
                  threadRunning ? "was still running" : "had already finished");
            QVERIFY(!w->controller().isLoading());
            QVERIFY(cancel->isHidden());
            QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("Stopped loading")),
                     qPrintable(w->statusBar()->currentMessage()));
            QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("still using h12-f32")));
            // The load ends on its own; its outcome is dropped.
            QTRY_VERIFY_WITH_TIMEOUT(!w->controller().isLoadThreadRunning(), 30000);
            QTest::qWait(100);
            QCOMPARE(changed.count(), 0);
            QCOMPARE(failed.count(), 0);
            QVERIFY(!w->findChild<QMessageBox*>(QStringLiteral("modelLoadError")));
            QCOMPARE(w->controller().modelName(), QStringLiteral("h12-f32"));
        }
        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(waitForText(*w, "the dog sat ."));
        QCOMPARE(w->shownResult()->modelName, QStringLiteral("h12-f32"));

        // And a load that is not cancelled still works afterwards.
        w->openModel(slow);
        QVERIFY(changed.wait(30000));
        QCOMPARE(w->controller().modelName(), QStringLiteral("slow"));
    }

    // Exports that cannot be written: a message, nothing half-written, no
    // temporary file left, a good file already there untouched, and the
    // window goes on. Root can write read-only folders, so the unwritable
    // places are ones nobody can write: a path under a regular file, /proc,
    // a device; and a full disk is a file size limit (RLIMIT_FSIZE).
    void exportsThatCannotBeWrittenSaySoAndLeaveNothing() {
        auto w = openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat on the mat ."));
        QVERIFY(waitForText(*w, "the cat sat on the mat ."));
        auto* exporter = w->findChild<ExportMenu*>();
        QVERIFY(exporter);
        using Format = FigureExporter::Format;
        QTemporaryDir dir;
        QVERIFY(writeAll(dir.filePath(QStringLiteral("notes.txt")), "a file, not a folder"));

        const QStringList unwritable = {dir.filePath(QStringLiteral("notes.txt/figure.png")),
                                        QStringLiteral("/proc/bertlens-figure.png"), QStringLiteral("/dev/null")};
        for (const QString& path : unwritable) {
            const QString error = exporter->exportCurrentFigure(path, Format::Png);
            qInfo("%s: %s", qPrintable(path), qPrintable(error));
            QVERIFY2(!error.isEmpty(), qPrintable(path));
            QVERIFY(error.contains(QDir::toNativeSeparators(QFileInfo(path).absolutePath())) ||
                    error.contains(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
        }
        QVERIFY(QFileInfo(QStringLiteral("/dev/null")).exists() && !QFileInfo(QStringLiteral("/dev/null")).isFile());
        QCOMPARE(filesBesides(dir.path(), {QStringLiteral("notes.txt")}), QStringList());
        if (geteuid() != 0) {  // a read-only folder stops everyone but root
            QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
            QVERIFY(!exporter->exportCurrentFigure(dir.filePath(QStringLiteral("figure.png")), Format::Png).isEmpty());
            QVERIFY(QFile::setPermissions(dir.path(),
                                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        }

        // A full disk, with a good figure already at the target.
        const QString target = dir.filePath(QStringLiteral("figure.png"));
        const QString csv = dir.filePath(QStringLiteral("attention.csv"));
        QVERIFY(writeAll(target, "an older figure"));
        for (Format format : {Format::Png, Format::Svg, Format::Pdf}) {
            QString error;
            QString tensorError;
            {
                FileSizeLimit full(512);
                QVERIFY(full.ok());
                error = exporter->exportCurrentFigure(target, format);
                TensorExportOptions options;
                options.scope = TensorScope::All;  // some kilobytes
                tensorError = writeAttentionTensor(*w->shownResult(), w->selection(), csv, options);
            }
            qInfo("disk full, %s: %s", qPrintable(FigureExporter::suffix(format)), qPrintable(error));
            QVERIFY2(error.contains(QStringLiteral("Could not write")), qPrintable(error));
            QVERIFY2(error.contains(QStringLiteral("disk is not full")), qPrintable(error));
            QVERIFY2(error.contains(QStringLiteral("File too large")), qPrintable(error));  // EFBIG, named
            QVERIFY2(tensorError.contains(QStringLiteral("Could not write")), qPrintable(tensorError));
            QCOMPARE(readAll(target), QByteArray("an older figure"));
            QCOMPARE(filesBesides(dir.path(), {QStringLiteral("notes.txt"), QStringLiteral("figure.png")}),
                     QStringList());
        }
        // With room again the same export works, and the window never stopped.
        QCOMPARE(exporter->exportCurrentFigure(target, Format::Png), QString());
        QVERIFY(readAll(target).startsWith("\x89PNG"));
        w->setText(QStringLiteral("the dog sat ."));
        QVERIFY(waitForText(*w, "the dog sat ."));
    }

    // Dropped files: invalid UTF-8 and UTF-16 are refused with the reason
    // (the sentence and the result stay); UTF-8 text becomes the sentence; a
    // model folder, or a file of one, opens that model.
    void droppedFilesAreReadOrRefusedWithAReason() {
        auto w = openWindow(test::fixtureModel("h12-f32"));
        QVERIFY(w);
        w->setText(QStringLiteral("the cat sat ."));
        QVERIFY(waitForText(*w, "the cat sat ."));
        QTemporaryDir dir;
        const QString latin1 = dir.filePath(QStringLiteral("latin1.txt"));
        QVERIFY(writeAll(latin1, "the caf\xE9 was open ."));
        const QString utf16 = dir.filePath(QStringLiteral("utf16.txt"));
        QVERIFY(writeAll(utf16, QByteArray("\xFF\xFE", 2) + QByteArray("t\0h\0e\0", 6)));

        dropUrls(w->sentenceEdit(), {QUrl::fromLocalFile(latin1)});
        QVERIFY(w->messageLabel()->isVisible());
        QVERIFY2(w->messageLabel()->text().contains(QStringLiteral("is not UTF-8 text (byte 0xE9 at position 7")),
                 qPrintable(w->messageLabel()->text()));
        QCOMPARE(w->sentenceEdit()->text(), QStringLiteral("the cat sat ."));  // not the path, not mangled text
        dropUrls(w.get(), {QUrl::fromLocalFile(utf16)});
        QVERIFY2(w->messageLabel()->text().contains(QStringLiteral("NUL byte")), qPrintable(w->messageLabel()->text()));
        QCOMPARE(w->sentenceEdit()->text(), QStringLiteral("the cat sat ."));
        QCOMPARE(w->shownResult()->text, std::string("the cat sat ."));

        const QString good = dir.filePath(QStringLiteral("good.txt"));
        QVERIFY(writeAll(good, "\xEF\xBB\xBFthe caf\xC3\xA9 was open .\nit sold tea .\n"));
        dropUrls(w->sentenceEdit(), {QUrl::fromLocalFile(good)});
        QCOMPARE(w->sentenceEdit()->text(), QStringLiteral("the café was open . it sold tea ."));
        QVERIFY(waitForText(*w, "the caf\xC3\xA9 was open . it sold tea ."));
        QVERIFY(w->messageLabel()->isHidden());

        QSignalSpy changed(&w->controller(), &AnalysisController::modelChanged);
        dropUrls(w.get(), {QUrl::fromLocalFile(test::fixtureModel("h12-f16"))});
        QVERIFY(changed.wait(20000));
        QCOMPARE(w->controller().modelName(), QStringLiteral("h12-f16"));
        dropUrls(w->sentenceEdit(),
                 {QUrl::fromLocalFile(test::fixtureModel("h12-bf16") + QStringLiteral("/config.json"))});
        QVERIFY(changed.wait(20000));
        QCOMPARE(w->controller().modelName(), QStringLiteral("h12-bf16"));
    }

    void utf8CheckNamesTheFirstBadByte() {
        QCOMPARE(FileDropHandler::whyNotUtf8Text("plain ascii"), QString());
        QCOMPARE(FileDropHandler::whyNotUtf8Text("caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x99\x82"), QString());
        QCOMPARE(FileDropHandler::whyNotUtf8Text("a real \xEF\xBF\xBD stays"), QString());  // U+FFFD itself
        // EF BF BD is bytes 0-2, " then " bytes 3-8.
        QCOMPARE(FileDropHandler::whyNotUtf8Text("\xEF\xBF\xBD then \x80"),
                 QStringLiteral("byte 0x80 at position 9 is not UTF-8"));
        QCOMPARE(FileDropHandler::whyNotUtf8Text("ab\xC3"), QStringLiteral("byte 0xC3 at position 2 is not UTF-8"));
        QCOMPARE(FileDropHandler::whyNotUtf8Text("\xED\xA0\x80"),  // a UTF-16 surrogate
                 QStringLiteral("byte 0xED at position 0 is not UTF-8"));
        QVERIFY(
            FileDropHandler::whyNotUtf8Text(QByteArray("a\0b", 3)).contains(QStringLiteral("NUL byte at position 1")));
    }
};

QTEST_MAIN(TestSurvival)
#include "tst_survival.moc"
