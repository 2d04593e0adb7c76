#include "net/HubDownloader.h"

#include "Errors.h"
#include "io/HubCache.h"
#include "io/ModelConfig.h"
#include "net/NetworkErrors.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

namespace bertlens {
namespace {

const QString kConfig = "config.json";
const QString kVocab = "vocab.txt";
const QString kTokenizerConfig = "tokenizer_config.json";
const QStringList kWeights = {"model.safetensors", "pytorch_model.bin"};

// ETags name files in blobs/: only a plain token may do that.
bool isSafeName(const QString& s) {
    static const QRegularExpression safe("^[A-Za-z0-9_.-]{1,128}$");
    return safe.match(s).hasMatch() && !s.contains("..");
}

bool isSafeRevision(const QString& s) {
    static const QRegularExpression safe("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$");
    return s.size() <= 256 && safe.match(s).hasMatch() && !s.contains("..");
}

// "W/\"abc\"" -> abc, as huggingface_hub normalises it.
QString normalisedEtag(QByteArray raw) {
    if (raw.startsWith("W/")) raw = raw.mid(2);
    return QString::fromLatin1(raw).remove('"').trimmed();
}

}  // namespace

HubDownloader::HubDownloader(QObject* parent) : QObject(parent), m_blob(&m_network) {
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply) m_reply->abort();
    });
    // At most 20 reports a second (a fast link delivers thousands of chunks a
    // second; a progress bar needs no more), and the latest one always comes.
    m_reportTimer.setSingleShot(true);
    m_reportTimer.setInterval(50);
    connect(&m_reportTimer, &QTimer::timeout, this, [this] {
        if (m_running) emit progress(m_done + m_fileBytes, m_total);
    });
    connect(&m_blob, &BlobDownload::progress, this, [this](qint64 bytes) {
        m_fileBytes = bytes;
        if (!m_reportTimer.isActive()) {
            emit progress(m_done + bytes, m_total);
            m_reportTimer.start();
        }
    });
    connect(&m_blob, &BlobDownload::finished, this, &HubDownloader::onFileDone);
    connect(&m_blob, &BlobDownload::failed, this, [this](const QString& message, bool) { fail(message); });
}

HubDownloader::~HubDownloader() {
    stopAll();
}

QString HubDownloader::defaultEndpoint() {
    QString e = qEnvironmentVariable("HF_ENDPOINT", "https://huggingface.co");
    while (e.endsWith('/')) e.chop(1);
    return e;
}

void HubDownloader::start(const HubDownloadOptions& options) {
    if (m_running) return;
    m_options = options;
    if (m_options.endpoint.isEmpty()) m_options.endpoint = defaultEndpoint();
    while (m_options.endpoint.endsWith('/')) m_options.endpoint.chop(1);
    if (m_options.cacheDir.isEmpty()) m_options.cacheDir = QString::fromStdString(HubCache::defaultRoot());
    if (m_options.token.isEmpty()) m_options.token = qEnvironmentVariable("HF_TOKEN");
    if (m_options.revision.isEmpty()) m_options.revision = "main";
    m_running = true;
    m_files.clear();
    m_repoFiles.clear();
    m_commit.clear();
    m_total = m_done = 0;
    m_current = 0;
    if (!HubCache::isValidRepoId(m_options.repoId.toStdString())) {
        QTimer::singleShot(0, this, [this] {
            fail("\"" + m_options.repoId +
                 "\" is not a Hub model id: write ORG/NAME or NAME, e.g. google/bert_uncased_L-2_H-128_A-2");
        });
        return;
    }
    if (!isSafeRevision(m_options.revision)) {
        QTimer::singleShot(0, this, [this] { fail("\"" + m_options.revision + "\" is not a revision name"); });
        return;
    }
    m_cache = std::make_unique<HubCacheWriter>(m_options.cacheDir, m_options.repoId);
    requestRevision();
}

QNetworkReply* HubDownloader::send(const QUrl& url, bool head) {
    QNetworkRequest request(url);
    request.setRawHeader("User-Agent", "bertlens/0.1");
    request.setRawHeader("Accept-Encoding", "identity");
    if (!m_options.token.isEmpty()) request.setRawHeader("Authorization", "Bearer " + m_options.token.toUtf8());
    // HEAD must see the Hub's own answer (X-Linked-Etag is on the redirect to the CDN).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         head ? QNetworkRequest::ManualRedirectPolicy : QNetworkRequest::NoLessSafeRedirectPolicy);
    m_timedOut = false;
    m_reply = head ? m_network.head(request) : m_network.get(request);
    m_watchdog.start(m_options.stallTimeoutMs);
    return m_reply;
}

QUrl HubDownloader::resolveUrl(const QString& file) const {
    return QUrl(m_options.endpoint + "/" + m_options.repoId + "/resolve/" + m_commit + "/" + file);
}

void HubDownloader::requestRevision() {
    emit statusChanged("Looking up " + m_options.repoId + " on " + QUrl(m_options.endpoint).host() + "…");
    const QString revision = QString::fromLatin1(QUrl::toPercentEncoding(m_options.revision));
    QNetworkReply* reply =
        send(QUrl(m_options.endpoint + "/api/models/" + m_options.repoId + "/revision/" + revision), false);
    connect(reply, &QNetworkReply::finished, this, &HubDownloader::onRevision);
}

void HubDownloader::onRevision() {
    m_watchdog.stop();
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    reply->deleteLater();
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_timedOut) {
        fail("the Hub did not answer within " + QString::number(m_options.stallTimeoutMs / 1000.0) +
             " s; check the network and try again");
        return;
    }
    if (status == 401 || status == 404) {
        if (reply->rawHeader("X-Error-Code") == "RevisionNotFound") {
            fail("no revision \"" + m_options.revision + "\" in " + m_options.repoId + " on the Hub");
        } else {
            fail(
                "no such model on the Hub: " + m_options.repoId +
                (status == 401 ? " (if it is private or gated, set HF_TOKEN to a token that may read it)" : QString()));
        }
        return;
    }
    if (status == 0) return fail(networkErrorMessage(reply));
    if (status != 200) return fail(httpErrorMessage(reply, m_options.repoId));
    const QJsonObject info = QJsonDocument::fromJson(reply->readAll()).object();
    m_commit = info.value("sha").toString();
    static const QRegularExpression commitPattern("^[0-9a-f]{40}$");
    if (!commitPattern.match(m_commit).hasMatch()) {
        return fail("the Hub's answer about " + m_options.repoId + " names no commit; try again later");
    }
    for (const QJsonValue& s : info.value("siblings").toArray())
        m_repoFiles << s.toObject().value("rfilename").toString();
    if (!m_repoFiles.contains(kConfig)) {
        return fail(m_options.repoId + " has no config.json: it is not a Transformers model BertLens can read");
    }
    for (const QString& name : {kConfig, kVocab, kTokenizerConfig}) {
        if (m_repoFiles.contains(name)) m_files.push_back({name, {}, -1, false});
    }
    for (const QString& name : kWeights) {
        if (m_repoFiles.contains(name)) {
            m_files.push_back({name, {}, -1, false});
            break;
        }
    }
    m_current = 0;
    m_redirects = 0;
    headNext(resolveUrl(m_files[0].name));
}

void HubDownloader::headNext(const QUrl& url) {
    QNetworkReply* reply = send(url, true);
    connect(reply, &QNetworkReply::finished, this, &HubDownloader::onHead);
}

void HubDownloader::onHead() {
    m_watchdog.stop();
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    reply->deleteLater();
    m_reply = nullptr;
    FileInfo& f = m_files[m_current];
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_timedOut) return fail("the Hub did not answer about " + f.name + " in time; try again");
    if (status == 0) return fail(networkErrorMessage(reply));
    QByteArray etag = reply->rawHeader("X-Linked-Etag");
    if (etag.isEmpty()) etag = reply->rawHeader("ETag");
    if (status >= 300 && status < 400 && etag.isEmpty()) {  // a renamed repo: follow, a few times at most
        if (++m_redirects > 5) return fail("the Hub redirected too often for " + f.name);
        return headNext(reply->url().resolved(QUrl(QString::fromUtf8(reply->rawHeader("Location")))));
    }
    if (status >= 400) return fail(httpErrorMessage(reply, m_options.repoId + "/" + f.name));
    f.etag = normalisedEtag(etag);
    if (!isSafeName(f.etag)) return fail("the Hub gave no usable ETag for " + f.name + "; cannot store it");
    const QByteArray linkedSize = reply->rawHeader("X-Linked-Size");
    bool ok = false;
    f.size = (linkedSize.isEmpty() ? reply->rawHeader("Content-Length") : linkedSize).toLongLong(&ok);
    if (!ok) f.size = -1;
    f.cached = m_cache->hasBlob(f.etag, f.size);
    if (!f.cached && f.size > 0) m_total += f.size;
    m_redirects = 0;
    if (++m_current < m_files.size()) return headNext(resolveUrl(m_files[m_current].name));
    m_current = 0;
    emit progress(0, m_total);
    downloadNext();
}

void HubDownloader::downloadNext() {
    if (m_current >= m_files.size()) return finishAll();
    const FileInfo& f = m_files[m_current];
    if (f.cached) return onFileDone();
    m_fileBytes = 0;
    if (!QDir().mkpath(QFileInfo(m_cache->blobPath(f.etag)).path()) ||
        !QDir().mkpath(QFileInfo(m_cache->lockPath(f.etag)).path())) {
        return fail("cannot create folders in the cache " + m_options.cacheDir);
    }
    m_lock = std::make_unique<QLockFile>(m_cache->lockPath(f.etag));
    m_lock->setStaleLockTime(0);  // only a live process holds it
    if (!m_lock->tryLock(0)) {
        return fail("another program is downloading " + f.name + " of " + m_options.repoId +
                    " into the same cache right now; wait for it and try again");
    }
    emit statusChanged("Downloading " + f.name + " of " + m_options.repoId + "…");
    BlobSpec spec;
    spec.url = resolveUrl(f.name);
    spec.fileName = f.name;
    spec.incompletePath = m_cache->incompletePath(f.etag);
    spec.size = f.size;
    spec.etag = f.etag;
    spec.stallTimeoutMs = m_options.stallTimeoutMs;
    if (!m_options.token.isEmpty()) spec.authorization = "Bearer " + m_options.token.toUtf8();
    m_blob.start(spec);
}

void HubDownloader::onFileDone() {
    const FileInfo& f = m_files[m_current];
    if (!f.cached) {
        const QString moved = m_cache->finishBlob(f.etag);
        m_lock.reset();
        if (!moved.isEmpty()) return fail(moved);
        if (f.size > 0) m_done += f.size;
        m_fileBytes = 0;  // now counted in m_done; a pending report must not add it again
        m_reportTimer.stop();
        emit progress(m_done, m_total);
    }
    const QString linked = m_cache->linkIntoSnapshot(m_commit, f.name, f.etag);
    if (!linked.isEmpty()) return fail(linked);
    if (f.name == kConfig) {
        const QString problem = checkAfterConfig();
        if (!problem.isEmpty()) return fail(problem);
    }
    ++m_current;
    downloadNext();
}

// After config.json: is it a BERT at all, and does the repo have what BertLens needs?
QString HubDownloader::checkAfterConfig() const {
    QFile file(m_cache->blobPath(m_files[0].etag));
    if (!file.open(QIODevice::ReadOnly)) return "cannot read the downloaded config.json";
    try {
        ModelConfig::fromJsonText(file.readAll().toStdString(), m_options.repoId.toStdString() + "/config.json");
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    if (!m_repoFiles.contains(kVocab)) {
        return m_options.repoId + " has no vocab.txt, so BertLens cannot tokenize for it";
    }
    for (const QString& w : kWeights) {
        if (m_repoFiles.contains(w)) return {};
    }
    if (m_repoFiles.contains("model.safetensors.index.json") || m_repoFiles.contains("pytorch_model.bin.index.json")) {
        return m_options.repoId + " keeps its weights in several shards; BertLens reads one weights file";
    }
    return m_options.repoId + " has no model.safetensors or pytorch_model.bin (TensorFlow or Flax weights only?)";
}

void HubDownloader::finishAll() {
    if (m_options.revision != m_commit) {
        const QString problem = m_cache->writeRef(m_options.revision, m_commit);
        if (!problem.isEmpty()) return fail(problem);
    }
    m_running = false;
    emit statusChanged("Downloaded " + m_options.repoId);
    emit finished(m_cache->snapshotFolder(m_commit));
}

void HubDownloader::fail(const QString& message) {
    stopAll();
    emit failed(message);
}

void HubDownloader::stopAll() {
    m_watchdog.stop();
    m_reportTimer.stop();
    m_blob.abort();
    if (m_reply) {
        QNetworkReply* r = m_reply;
        m_reply = nullptr;
        disconnect(r, nullptr, this, nullptr);
        r->abort();
        r->deleteLater();
    }
    m_lock.reset();
    m_running = false;
}

void HubDownloader::cancel() {
    if (!m_running) return;
    stopAll();
    emit cancelled();
}

}  // namespace bertlens
