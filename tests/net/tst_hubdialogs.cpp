// The Open-model and Download dialogs, offscreen: the cache listing (rows,
// shapes, sizes, unusable entries greyed with their reason), choosing a
// model or another folder, the known-checkpoint list and its size estimates
// (against the BERT paper's parameter counts), and a download from FakeHub
// with progress, errors shown in the dialog, and Stop.
#include "FakeHub.h"

#include "DownloadDialog.h"
#include "HubMenu.h"
#include "KnownCheckpoints.h"
#include "OpenModelDialog.h"
#include "io/HubCache.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <filesystem>

using namespace bertlens;
using namespace bertlens::ui;
using bertlens::test::FakeHub;
using bertlens::test::FakeRepo;

namespace {

const QString kCommit = "89abcdef0123456789abcdef0123456789abcdef";

QByteArray fixture(const QString& relative) {
    QFile f(QStringLiteral(BERTLENS_FIXTURES) + "/" + relative);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// A snapshot laid out as huggingface_hub writes it (blobs + relative links + refs/main).
QString addSnapshot(const QString& root, const QString& repoId, const QMap<QString, QByteArray>& files) {
    const QString repo = root + "/" + QString::fromStdString(HubCache::repoFolderName(repoId.toStdString()));
    const QString snapshot = repo + "/snapshots/" + kCommit;
    QDir().mkpath(snapshot);
    int n = 0;
    for (auto it = files.begin(); it != files.end(); ++it) {
        const QString blob = "blob" + QString::number(n++);
        writeFile(repo + "/blobs/" + blob, it.value());
        std::filesystem::create_symlink("../../blobs/" + blob.toStdString(), (snapshot + "/" + it.key()).toStdString());
    }
    writeFile(repo + "/refs/main", kCommit.toLatin1());
    return snapshot;
}

QMap<QString, QByteArray> h12Files() {
    QMap<QString, QByteArray> files;
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        files[f] = fixture(QString("models/h12-f32/") + f);
    }
    return files;
}

}  // namespace

class HubDialogsTest : public QObject {
    Q_OBJECT
private slots:
    void openDialogListsTheCache();
    void openDialogOtherFolderAndEmptyCache();
    void knownCheckpointsAndTheirSizes();
    void downloadDialogDownloadsAndCloses();
    void downloadDialogShowsErrorsAndStays();
    void downloadDialogStopKeepsItOpen();
    void menuActionsGoAfterOpenAndOpenTheDownload();
};

void HubDialogsTest::openDialogListsTheCache() {
    QTemporaryDir cache;
    const QString tiny = addSnapshot(cache.path(), "org/tiny-bert", h12Files());
    auto distil = h12Files();
    distil["config.json"] = R"({"model_type": "distilbert", "n_layers": 6, "n_heads": 12, "dim": 768})";
    addSnapshot(cache.path(), "distilbert-base-uncased", distil);

    OpenModelDialog dialog(cache.path());
    QTreeWidget* list = dialog.modelList();
    QCOMPARE(list->topLevelItemCount(), 2);
    QTreeWidgetItem* distilRow = list->topLevelItem(0);  // sorted by repo id
    QTreeWidgetItem* tinyRow = list->topLevelItem(1);
    QCOMPARE(tinyRow->text(0), QString("org/tiny-bert"));
    QCOMPARE(tinyRow->text(2), QString("0.3 MB"));  // 272,480 bytes
    QCOMPARE(tinyRow->text(3), QString("2"));
    QCOMPARE(tinyRow->text(4), QString("12"));
    QCOMPARE(tinyRow->text(5), QString("48"));
    QVERIFY(!tinyRow->isDisabled());
    QCOMPARE(distilRow->text(0), QString("distilbert-base-uncased"));
    QVERIFY(distilRow->isDisabled());
    QCOMPARE(distilRow->text(6), QString("not supported: model_type distilbert"));
    QCOMPARE(distilRow->text(3), QString("6"));
    QVERIFY(dialog.emptyLabel()->isHidden());

    // The usable row is preselected; Open accepts it.
    QCOMPARE(list->currentItem(), tinyRow);
    QVERIFY(dialog.openButton()->isEnabled());
    dialog.openButton()->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(QDir(dialog.selectedFolder()).canonicalPath(), QDir(tiny).canonicalPath());

    // A greyed row cannot be opened, even when asked to.
    OpenModelDialog again(cache.path());
    again.modelList()->setCurrentItem(again.modelList()->topLevelItem(0));
    again.openButton()->click();
    QVERIFY2(!again.selectedFolder().contains("distilbert"), qPrintable(again.selectedFolder()));
    QSignalSpy download(&again, &OpenModelDialog::downloadRequested);
    again.downloadButton()->click();
    QCOMPARE(download.count(), 1);
}

void HubDialogsTest::openDialogOtherFolderAndEmptyCache() {
    QTemporaryDir cache;
    OpenModelDialog dialog(cache.path() + "/not-there");
    QCOMPARE(dialog.modelList()->topLevelItemCount(), 0);
    QVERIFY(!dialog.emptyLabel()->isHidden());
    QVERIFY(dialog.emptyLabel()->text().contains("Download"));
    QVERIFY(!dialog.openButton()->isEnabled());
    dialog.setFolderChooser([] { return QString("/some/bert/folder"); });
    dialog.otherFolderButton()->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.selectedFolder(), QString("/some/bert/folder"));
    OpenModelDialog cancelled(cache.path());
    cancelled.setFolderChooser([] { return QString(); });  // the file dialog was closed
    cancelled.otherFolderButton()->click();
    QVERIFY(cancelled.selectedFolder().isEmpty());
}

void HubDialogsTest::knownCheckpointsAndTheirSizes() {
    const auto& known = knownCheckpoints();
    QCOMPARE(known.size(), 4 + 24);
    QStringList ids;
    for (const KnownCheckpoint& k : known) ids << k.repoId;
    for (const char* id : {"bert-base-uncased", "bert-base-cased", "bert-large-uncased", "bert-base-multilingual-cased",
                           "google/bert_uncased_L-2_H-128_A-2", "google/bert_uncased_L-12_H-768_A-12",
                           "google/bert_uncased_L-4_H-512_A-8", "google/bert_uncased_L-10_H-256_A-4"}) {
        QVERIFY2(ids.contains(id), id);
    }
    for (const KnownCheckpoint& k : known) QVERIFY(HubCache::isValidRepoId(k.repoId.toStdString()));
    // The BERT paper: BERT-base 110M parameters, BERT-large 340M (4 bytes each, within 3%).
    auto params = [&](const QString& id) {
        for (const KnownCheckpoint& k : known)
            if (k.repoId == id) return k.approximateBytes() / 4.0;
        return 0.0;
    };
    QVERIFY(std::abs(params("bert-base-uncased") / 110e6 - 1) < 0.03);
    QVERIFY(std::abs(params("bert-large-uncased") / 340e6 - 1) < 0.03);
    // Turc et al. (the miniatures): BERT-Tiny (L-2, H-128) has 4.4M parameters.
    QVERIFY(std::abs(params("google/bert_uncased_L-2_H-128_A-2") / 4.4e6 - 1) < 0.03);

    DownloadDialog dialog;
    QCOMPARE(dialog.repoBox()->count(), known.size());
    dialog.setRepoId("google/bert_uncased_L-2_H-128_A-2");
    QVERIFY(dialog.detailsLabel()->text().contains("2 layers, 128 hidden, 2 heads"));
    QVERIFY(dialog.detailsLabel()->text().contains(" MB"));
    QVERIFY(dialog.downloadButton()->isEnabled());
    dialog.setRepoId("not a/valid/id");
    QVERIFY(!dialog.downloadButton()->isEnabled());
    dialog.setRepoId("someone/their-bert");
    QVERIFY(dialog.downloadButton()->isEnabled());
}

void HubDialogsTest::downloadDialogDownloadsAndCloses() {
    QTemporaryDir cache;
    FakeHub hub;
    FakeRepo repo;
    repo.repoId = "org/tiny-bert";
    repo.commit = kCommit;
    repo.files = h12Files();
    repo.lfs = {"model.safetensors"};
    hub.addRepo(repo);
    DownloadDialog dialog;
    HubDownloadOptions options;
    options.cacheDir = cache.path();
    options.endpoint = hub.endpoint();
    dialog.setOptions(options);
    dialog.setRepoId("org/tiny-bert");
    QSignalSpy done(&dialog, &DownloadDialog::modelDownloaded);
    dialog.show();
    dialog.downloadButton()->click();
    QVERIFY(!dialog.repoBox()->isEnabled());  // locked while running
    QVERIFY(done.wait(20000));
    const QString folder = done.at(0).at(0).toString();
    QCOMPARE(folder, cache.path() + "/models--org--tiny-bert/snapshots/" + kCommit);
    QCOMPARE(dialog.downloadedFolder(), folder);
    QCOMPARE(dialog.progressBar()->value(), dialog.progressBar()->maximum());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(dialog.errorLabel()->isHidden());
    // And the Open dialog now lists it.
    OpenModelDialog open(cache.path());
    QCOMPARE(open.modelList()->topLevelItemCount(), 1);
    QVERIFY(!open.modelList()->topLevelItem(0)->isDisabled());
}

void HubDialogsTest::downloadDialogShowsErrorsAndStays() {
    QTemporaryDir cache;
    FakeHub hub;
    DownloadDialog dialog;
    HubDownloadOptions options;
    options.cacheDir = cache.path();
    options.endpoint = hub.endpoint();
    dialog.setOptions(options);
    dialog.setRepoId("org/missing");
    dialog.show();
    dialog.downloadButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorLabel()->isHidden(), 10000);
    QCOMPARE(dialog.errorLabel()->text(), QString("no such model on the Hub: org/missing"));
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.downloadButton()->isEnabled());  // try again, or another id
    QVERIFY(dialog.repoBox()->isEnabled());
}

void HubDialogsTest::downloadDialogStopKeepsItOpen() {
    QTemporaryDir cache;
    FakeHub hub;
    FakeRepo repo;
    repo.repoId = "org/tiny-bert";
    repo.commit = kCommit;
    repo.files = h12Files();
    repo.lfs = {"model.safetensors"};
    hub.addRepo(repo);
    hub.stallAfterBytes = 30000;
    DownloadDialog dialog;
    HubDownloadOptions options;
    options.cacheDir = cache.path();
    options.endpoint = hub.endpoint();
    dialog.setOptions(options);
    dialog.setRepoId("org/tiny-bert");
    dialog.show();
    dialog.downloadButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->value() > 0, 10000);
    QCOMPARE(dialog.cancelButton()->text(), QString("Stop"));
    dialog.cancelButton()->click();
    QVERIFY(!dialog.downloader().isRunning());
    QVERIFY(dialog.isVisible());  // Stop does not close
    QVERIFY(dialog.statusLabel()->text().contains("resumes"));
    QCOMPARE(dialog.cancelButton()->text(), QString("Cancel"));
    dialog.cancelButton()->click();  // now it closes
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(!dialog.isVisible());
}

void HubDialogsTest::menuActionsGoAfterOpenAndOpenTheDownload() {
    QWidget window;
    QMenu file;
    QAction* open = file.addAction("Open model…");
    QAction* recent = file.addAction("Open recent");
    QStringList opened;
    addHubMenuActions(&file, open, &window, [&](const QString& folder) { opened << folder; });
    const QList<QAction*> actions = file.actions();
    QCOMPARE(actions.size(), 4);
    QCOMPARE(actions[0], open);
    QCOMPARE(actions[1]->objectName(), QString("openFromHubCache"));
    QCOMPARE(actions[1]->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QCOMPARE(actions[2]->objectName(), QString("downloadModel"));
    QCOMPARE(actions[3], recent);
    actions[2]->trigger();
    actions[2]->trigger();  // one dialog at a time
    const QList<DownloadDialog*> dialogs = window.findChildren<DownloadDialog*>();
    QCOMPARE(dialogs.size(), 1);
    QVERIFY(dialogs[0]->isVisible());
    emit dialogs[0]->modelDownloaded("/cache/models--x/snapshots/abc");
    QCOMPARE(opened, QStringList{"/cache/models--x/snapshots/abc"});
}

QTEST_MAIN(HubDialogsTest)
#include "tst_hubdialogs.moc"
