// One file of a Hub download: GET into BLOB.incomplete, resuming a partial
// file with a Range request, hashing as the bytes arrive, and checking size
// and checksum at the end (sha256 for LFS files, whose ETag is the sha256;
// the git blob SHA-1 for small files, whose ETag is that). A server that
// sends nothing for stallTimeoutMs is given up on with a message.
//
// Lives on the thread that created it (the QNetworkAccessManager's); emits
// exactly one of finished() or failed() per start().
#pragma once

#include "net/ContentHash.h"

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace bertlens {

struct BlobSpec {
    QUrl url;
    QString fileName;        // for messages: "model.safetensors"
    QString incompletePath;  // where the bytes go
    qint64 size = -1;        // expected size; -1 when the Hub did not say
    QString etag;            // 64 hex: sha256 of the content; 40 hex: git blob SHA-1; else unchecked
    QByteArray authorization;
    int stallTimeoutMs = 30000;
};

class BlobDownload : public QObject {
    Q_OBJECT
public:
    explicit BlobDownload(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~BlobDownload() override;

    void start(const BlobSpec& spec);
    // Stops now; the partial file is kept for a later resume. Emits nothing.
    void abort();

signals:
    // Bytes of this file on disk so far (a resumed part included).
    void progress(qint64 bytes);
    void finished();
    // keepPartial: the .incomplete file was kept and a new start() resumes it.
    void failed(const QString& message, bool keepPartial);

private:
    void sendRequest();
    void resetHash();
    void truncate();
    void onReadyRead();
    void onFinished();
    void complete();
    bool bodyIsFile();
    void fail(const QString& message, bool keepPartial);
    QString verify() const;

    QNetworkAccessManager* m_network;
    BlobSpec m_spec;
    QPointer<QNetworkReply> m_reply;
    QFile m_file;
    std::unique_ptr<ContentHash> m_hash;
    QTimer m_watchdog;
    qint64 m_bytes = 0;
    enum class Body { Unknown, File, Other } m_body = Body::Unknown;
    bool m_stalled = false;
    bool m_oversize = false;
    bool m_retriedWithoutRange = false;
};

}  // namespace bertlens
