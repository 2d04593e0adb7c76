// Downloads a BERT checkpoint from the Hugging Face Hub into the hub cache,
// the way huggingface_hub does, so other tools reuse the files:
//
//   1. GET  {endpoint}/api/models/{repo}/revision/{rev}   -> commit, file list
//   2. HEAD {endpoint}/{repo}/resolve/{commit}/{file}     -> ETag / X-Linked-Etag, size
//   3. GET  the same URL (redirects followed) into blobs/{etag}.incomplete,
//      resumed with a Range request; size and checksum checked; then linked
//      from snapshots/{commit}/{file}; refs/{rev} written at the end.
//
// Files: config.json (checked first: another architecture stops the
// download before the weights), vocab.txt, tokenizer_config.json when the
// repo has it, and model.safetensors, else pytorch_model.bin.
//
//   HubDownloader d;
//   connect(&d, &HubDownloader::finished, [](const QString& folder) { ... Model::load(folder) ... });
//   d.start({"google/bert_uncased_L-2_H-128_A-2"});
//
// A QObject of the thread that creates it; needs that thread's event loop.
// One download at a time; cancel() keeps partial files for a later resume.
#pragma once

#include "net/BlobDownload.h"
#include "net/HubCacheWriter.h"

#include <QLockFile>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QVector>

#include <memory>

namespace bertlens {

struct HubDownloadOptions {
    QString repoId;
    QString revision = "main";
    QString cacheDir;  // "" = HubCache::defaultRoot() (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)
    QString endpoint;  // "" = HF_ENDPOINT, else https://huggingface.co
    QString token;     // "" = HF_TOKEN, if set
    int stallTimeoutMs = 30000;
};

class HubDownloader : public QObject {
    Q_OBJECT
public:
    explicit HubDownloader(QObject* parent = nullptr);
    ~HubDownloader() override;

    static QString defaultEndpoint();
    void start(const HubDownloadOptions& options);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void statusChanged(const QString& text);
    // Bytes of the files still to fetch (files already in the cache count for nothing).
    void progress(qint64 received, qint64 total);
    void finished(const QString& snapshotFolder);
    void failed(const QString& message);
    void cancelled();

private:
    struct FileInfo {
        QString name;
        QString etag;
        qint64 size = -1;
        bool cached = false;
    };

    void requestRevision();
    void onRevision();
    void headNext(const QUrl& url);
    void onHead();
    void downloadNext();
    void onFileDone();
    QString checkAfterConfig() const;
    void finishAll();
    void fail(const QString& message);
    void stopAll();
    QNetworkReply* send(const QUrl& url, bool head);
    QUrl resolveUrl(const QString& file) const;

    QNetworkAccessManager m_network;
    BlobDownload m_blob;
    HubDownloadOptions m_options;
    std::unique_ptr<HubCacheWriter> m_cache;
    std::unique_ptr<QLockFile> m_lock;
    QPointer<QNetworkReply> m_reply;
    QTimer m_watchdog;
    QTimer m_reportTimer;
    qint64 m_fileBytes = 0;
    bool m_timedOut = false;
    bool m_running = false;
    QString m_commit;
    QStringList m_repoFiles;
    QVector<FileInfo> m_files;
    int m_current = 0;
    int m_redirects = 0;
    qint64 m_total = 0;
    qint64 m_done = 0;
};

}  // namespace bertlens
