// HubDownloader and `bertlens-cli download` against FakeHub, a Hub stand-in
// on 127.0.0.1 started by each test: a whole download into the hub cache
// layout (checked file by file against the bytes served and the hashes
// computed here), a second run served from the cache, resume after a cut
// connection, a wrong checksum, a 404 repo, a stalled server, cancel, another
// architecture, a .bin-only repo, and the command line.
#include "FakeHub.h"

#include "io/HubCache.h"
#include "model/Model.h"
#include "net/HubDownloader.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace bertlens;
using bertlens::test::FakeHub;
using bertlens::test::FakeRepo;

namespace {

const QString kCommit = "3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QByteArray fixture(const QString& relative) {
    return readFile(QStringLiteral(BERTLENS_FIXTURES) + "/" + relative);
}

// h12-f32 with both weight files (model.safetensors must be the one fetched) and a README.
FakeRepo tinyBert(const QString& id = "org/tiny-bert") {
    FakeRepo r;
    r.repoId = id;
    r.commit = kCommit;
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        r.files[f] = fixture(QString("models/h12-f32/") + f);
    }
    r.files["pytorch_model.bin"] = fixture("torchbin/ownvocab-f32-zip.bin");
    r.files["README.md"] = "# tiny\n";
    r.lfs = {"model.safetensors", "pytorch_model.bin"};
    return r;
}

struct Outcome {
    QString folder;
    QString error;
    bool cancelled = false;
    QVector<QPair<qint64, qint64>> progress;
};

Outcome download(FakeHub& hub, const QString& cache, const QString& repo, int stallMs = 10000,
                 const QString& revision = "main", qint64 cancelAtBytes = -1) {
    HubDownloader d;
    Outcome o;
    QEventLoop loop;
    QObject::connect(&d, &HubDownloader::finished, [&](const QString& f) { o.folder = f, loop.quit(); });
    QObject::connect(&d, &HubDownloader::failed, [&](const QString& e) { o.error = e, loop.quit(); });
    QObject::connect(&d, &HubDownloader::cancelled, [&] { o.cancelled = true, loop.quit(); });
    QObject::connect(&d, &HubDownloader::progress, [&](qint64 r, qint64 t) {
        o.progress.push_back({r, t});
        if (cancelAtBytes >= 0 && r >= cancelAtBytes) d.cancel();
    });
    HubDownloadOptions options;
    options.repoId = repo;
    options.revision = revision;
    options.cacheDir = cache;
    options.endpoint = hub.endpoint();
    options.stallTimeoutMs = stallMs;
    d.start(options);
    QTimer::singleShot(30000, &loop, [&] { o.error = "test timeout", loop.quit(); });
    loop.exec();
    return o;
}

QString repoFolder(const QString& cache, const QString& repo = "org/tiny-bert") {
    return cache + "/" + QString::fromStdString(HubCache::repoFolderName(repo.toStdString()));
}

QStringList incompleteBlobs(const QString& cache) {
    return QDir(repoFolder(cache) + "/blobs").entryList({"*.incomplete"}, QDir::Files);
}

}  // namespace

class HubDownloaderTest : public QObject {
    Q_OBJECT
private slots:
    void wholeDownloadLandsInTheHubCacheLayout();
    void secondRunIsServedFromTheCache();
    void resumesAfterACutConnection();
    void resumeStartsOverWhenTheServerIgnoresRange();
    void wrongChecksumRemovesTheFileAndLeavesTheCacheClean();
    void unknownRepoOrRevisionSaysSo();
    void stalledServerTimesOutWithAMessage();
    void cancelKeepsThePartialFile();
    void otherArchitectureStopsBeforeTheWeights();
    void binOnlyRepoDownloadsPytorchModelBin();
    void commandLineDownloadPrintsTheFolder();
};

void HubDownloaderTest::wholeDownloadLandsInTheHubCacheLayout() {
    QTemporaryDir cache;
    FakeHub hub;
    const FakeRepo repo = tinyBert();
    hub.addRepo(repo);
    const Outcome o = download(hub, cache.path(), repo.repoId);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(o.folder, repoFolder(cache.path()) + "/snapshots/" + kCommit);
    for (const QString name : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        const QByteArray bytes = repo.files[name];
        const QByteArray etag = repo.lfs.contains(name) ? FakeHub::sha256Hex(bytes) : FakeHub::gitBlobSha1Hex(bytes);
        const std::filesystem::path link = (o.folder + "/" + name).toStdString();
        QVERIFY2(std::filesystem::is_symlink(link), qPrintable(name));
        QCOMPARE(QString::fromStdString(std::filesystem::read_symlink(link).string()), "../../blobs/" + etag);
        QCOMPARE(readFile(o.folder + "/" + name), bytes);
    }
    QVERIFY(!QFile::exists(o.folder + "/pytorch_model.bin"));  // model.safetensors is preferred
    QCOMPARE(hub.countRequests("GET", "/cdn/"), 1);
    QVERIFY(!QFile::exists(o.folder + "/README.md"));
    QCOMPARE(readFile(repoFolder(cache.path()) + "/refs/main"), kCommit.toLatin1());
    QVERIFY(incompleteBlobs(cache.path()).isEmpty());

    // Progress: never backwards, ends at the total of the four files.
    qint64 expectedTotal = 0;
    for (const QString name : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        expectedTotal += repo.files[name].size();
    }
    QVERIFY(!o.progress.isEmpty());
    for (int i = 1; i < o.progress.size(); ++i) QVERIFY(o.progress[i].first >= o.progress[i - 1].first);
    QCOMPARE(o.progress.back().first, expectedTotal);
    QCOMPARE(o.progress.back().second, expectedTotal);

    // The cache scan sees it, and the engine opens it.
    const auto listed = HubCache::scan(cache.path().toStdString());
    QCOMPARE(listed.size(), size_t(1));
    QVERIFY2(listed[0].supported, listed[0].reason.c_str());
    QCOMPARE(listed[0].repoId, std::string("org/tiny-bert"));
    QVERIFY(listed[0].isMain);
    QCOMPARE(Model::load(o.folder.toStdString())->config().heads, 12);
}

void HubDownloaderTest::secondRunIsServedFromTheCache() {
    QTemporaryDir cache;
    FakeHub hub;
    hub.addRepo(tinyBert());
    QVERIFY(download(hub, cache.path(), "org/tiny-bert").error.isEmpty());
    // Four files through /resolve/, the LFS one redirected once more to /cdn/.
    const int gets = hub.countRequests("GET", "/resolve/") + hub.countRequests("GET", "/cdn/");
    QCOMPARE(gets, 5);
    const Outcome again = download(hub, cache.path(), "org/tiny-bert");
    QVERIFY2(again.error.isEmpty(), qPrintable(again.error));
    QCOMPARE(hub.countRequests("GET", "/resolve/") + hub.countRequests("GET", "/cdn/"), gets);  // no new bytes
    QCOMPARE(hub.countRequests("HEAD", "/resolve/"), 8);
}

void HubDownloaderTest::resumesAfterACutConnection() {
    QTemporaryDir cache;
    FakeHub hub;
    const FakeRepo repo = tinyBert();
    hub.addRepo(repo);
    const QByteArray weights = repo.files["model.safetensors"];
    const qint64 cut = 100000;
    hub.cutAfterBytes = cut;
    const Outcome first = download(hub, cache.path(), repo.repoId);
    QVERIFY(first.folder.isEmpty());
    QVERIFY2(first.error.contains("model.safetensors") && first.error.contains("resume"), qPrintable(first.error));
    const QString sha = FakeHub::sha256Hex(weights);
    QCOMPARE(QFileInfo(repoFolder(cache.path()) + "/blobs/" + sha + ".incomplete").size(), cut);
    QVERIFY(!QFile::exists(repoFolder(cache.path()) + "/blobs/" + sha));
    QVERIFY(!QFile::exists(repoFolder(cache.path()) + "/refs/main"));

    const Outcome second = download(hub, cache.path(), repo.repoId);
    QVERIFY2(second.error.isEmpty(), qPrintable(second.error));
    const test::FakeRequest& resumed = hub.requests.back();
    QVERIFY(resumed.path.startsWith("/cdn/"));
    QCOMPARE(resumed.range, QByteArray("bytes=100000-"));
    QCOMPARE(resumed.bodyBytes, qint64(weights.size()) - cut);  // only the rest crossed the wire
    QCOMPARE(readFile(second.folder + "/model.safetensors"), weights);
    QVERIFY(incompleteBlobs(cache.path()).isEmpty());
}

void HubDownloaderTest::resumeStartsOverWhenTheServerIgnoresRange() {
    QTemporaryDir cache;
    FakeHub hub;
    const FakeRepo repo = tinyBert();
    hub.addRepo(repo);
    hub.cutAfterBytes = 70000;
    QVERIFY(!download(hub, cache.path(), repo.repoId).error.isEmpty());
    hub.ignoreRange = true;  // 200 and the whole file: the partial bytes must not be kept in front of it
    const Outcome o = download(hub, cache.path(), repo.repoId);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    QCOMPARE(hub.requests.back().range, QByteArray("bytes=70000-"));
    QCOMPARE(hub.requests.back().bodyBytes, qint64(repo.files["model.safetensors"].size()));
    QCOMPARE(readFile(o.folder + "/model.safetensors"), repo.files["model.safetensors"]);
}

void HubDownloaderTest::wrongChecksumRemovesTheFileAndLeavesTheCacheClean() {
    QTemporaryDir cache;
    FakeHub hub;
    const FakeRepo repo = tinyBert();
    hub.addRepo(repo);
    hub.corrupt = true;  // same size, one byte changed
    const Outcome bad = download(hub, cache.path(), repo.repoId);
    QVERIFY2(bad.error.contains("checksum of model.safetensors is wrong") && bad.error.contains("removed"),
             qPrintable(bad.error));
    const QString sha = FakeHub::sha256Hex(repo.files["model.safetensors"]);
    QVERIFY(!QFile::exists(repoFolder(cache.path()) + "/blobs/" + sha));
    QVERIFY(incompleteBlobs(cache.path()).isEmpty());
    QVERIFY(!QFileInfo(repoFolder(cache.path()) + "/snapshots/" + kCommit + "/model.safetensors").exists());
    QVERIFY(!std::filesystem::is_symlink(
        (repoFolder(cache.path()) + "/snapshots/" + kCommit + "/model.safetensors").toStdString()));
    QVERIFY(!QFile::exists(repoFolder(cache.path()) + "/refs/main"));
    const auto listed = HubCache::scan(cache.path().toStdString());
    QCOMPARE(listed.size(), size_t(1));
    QVERIFY(!listed[0].supported);  // config.json and vocab.txt came, the weights did not

    hub.corrupt = false;
    const Outcome good = download(hub, cache.path(), repo.repoId);
    QVERIFY2(good.error.isEmpty(), qPrintable(good.error));
    QCOMPARE(readFile(good.folder + "/model.safetensors"), repo.files["model.safetensors"]);
}

void HubDownloaderTest::unknownRepoOrRevisionSaysSo() {
    QTemporaryDir cache;
    FakeHub hub;
    hub.addRepo(tinyBert());
    const Outcome missing = download(hub, cache.path(), "org/missing");
    QCOMPARE(missing.error, QString("no such model on the Hub: org/missing"));
    QVERIFY(!QFile::exists(repoFolder(cache.path(), "org/missing")));
    const Outcome revision = download(hub, cache.path(), "org/tiny-bert", 10000, "v9");
    QVERIFY2(revision.error.contains("no revision \"v9\""), qPrintable(revision.error));
    const Outcome badId = download(hub, cache.path(), "../../etc");
    QVERIFY2(badId.error.contains("is not a Hub model id"), qPrintable(badId.error));
    QCOMPARE(hub.countRequests("GET", "etc"), 0);
}

void HubDownloaderTest::stalledServerTimesOutWithAMessage() {
    QTemporaryDir cache;
    FakeHub hub;
    hub.addRepo(tinyBert());
    hub.stallAfterBytes = 50000;
    const Outcome o = download(hub, cache.path(), "org/tiny-bert", 400);
    QVERIFY2(o.error.contains("sent nothing for 0.4 s") && o.error.contains("model.safetensors"), qPrintable(o.error));
    QCOMPARE(incompleteBlobs(cache.path()).size(), 1);  // kept for a resume
}

void HubDownloaderTest::cancelKeepsThePartialFile() {
    QTemporaryDir cache;
    FakeHub hub;
    hub.addRepo(tinyBert());
    hub.stallAfterBytes = 50000;
    const Outcome o = download(hub, cache.path(), "org/tiny-bert", 10000, "main", 50000);
    QVERIFY(o.cancelled);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    const QString sha = FakeHub::sha256Hex(tinyBert().files["model.safetensors"]);
    QCOMPARE(QFileInfo(repoFolder(cache.path()) + "/blobs/" + sha + ".incomplete").size(), qint64(50000));
    QVERIFY(!QFile::exists(repoFolder(cache.path()) + "/refs/main"));
}

void HubDownloaderTest::otherArchitectureStopsBeforeTheWeights() {
    QTemporaryDir cache;
    FakeHub hub;
    FakeRepo roberta;
    roberta.repoId = "roberta-base";
    roberta.commit = kCommit;
    roberta.files["config.json"] =
        R"({"architectures": ["RobertaForMaskedLM"], "model_type": "roberta", "num_hidden_layers": 12})";
    roberta.files["vocab.json"] = "{}";
    roberta.files["merges.txt"] = "#version: 0.2\n";
    roberta.files["model.safetensors"] = QByteArray(300000, 'x');
    roberta.lfs = {"model.safetensors"};
    hub.addRepo(roberta);
    const Outcome o = download(hub, cache.path(), "roberta-base");
    QVERIFY2(o.error.startsWith("not supported: model_type roberta"), qPrintable(o.error));
    QCOMPARE(hub.countRequests("GET", "/cdn/"), 0);
}

void HubDownloaderTest::binOnlyRepoDownloadsPytorchModelBin() {
    QTemporaryDir cache;
    FakeHub hub;
    FakeRepo repo;
    repo.repoId = "org/ownvocab-bin";
    repo.commit = kCommit;
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json"}) {
        repo.files[f] = fixture(QString("models/ownvocab-f32/") + f);
    }
    repo.files["pytorch_model.bin"] = fixture("torchbin/ownvocab-f32-zip.bin");
    repo.lfs = {"pytorch_model.bin"};
    hub.addRepo(repo);
    const Outcome o = download(hub, cache.path(), repo.repoId);
    QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
    const auto model = Model::load(o.folder.toStdString());
    QCOMPARE(QString(model->weightsFormat()), QString("pytorch zip"));
    QCOMPARE(model->config().vocabSize, 300);
}

void HubDownloaderTest::commandLineDownloadPrintsTheFolder() {
    QTemporaryDir cache;
    FakeHub hub;
    hub.addRepo(tinyBert());
    auto runCli = [&](const QStringList& args) {
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HF_ENDPOINT", hub.endpoint());
        cli.setProcessEnvironment(env);
        QSignalSpy done(&cli, &QProcess::finished);
        cli.start(QStringLiteral(BERTLENS_CLI), args);
        if (!done.wait(30000)) cli.kill();  // waits in the event loop, so FakeHub keeps serving
        return std::make_tuple(cli.exitCode(), cli.readAllStandardOutput(), cli.readAllStandardError());
    };
    const auto [code, out, err] = runCli({"download", "org/tiny-bert", "--cache", cache.path()});
    QVERIFY2(code == 0, err.constData());
    const auto j = nlohmann::json::parse(out.toStdString());
    QCOMPARE(QString::fromStdString(j["folder"].get<std::string>()),
             repoFolder(cache.path()) + "/snapshots/" + kCommit);
    QCOMPARE(QString::fromStdString(j["revision"].get<std::string>()), kCommit);
    QVERIFY2(err.contains("100%"), err.constData());  // the progress report went to stderr
    QCOMPARE(readFile(repoFolder(cache.path()) + "/snapshots/" + kCommit + "/vocab.txt"),
             fixture("models/h12-f32/vocab.txt"));

    const auto [missingCode, missingOut, missingErr] = runCli({"download", "org/missing", "--cache", cache.path()});
    QCOMPARE(missingCode, 1);
    QVERIFY(missingOut.isEmpty());
    QVERIFY2(missingErr.contains("no such model on the Hub: org/missing"), missingErr.constData());
}

QTEST_GUILESS_MAIN(HubDownloaderTest)
#include "tst_hubdownloader.moc"
