// A stand-in for the Hugging Face Hub on 127.0.0.1, started inside a test:
// the Hub's URL layout and headers (api/models/.../revision/..., HEAD and GET
// .../resolve/REV/FILE with ETag or, for LFS files, a 302 to a CDN URL with
// X-Linked-Etag = sha256 and X-Linked-Size; Range requests answered 206), and
// switches that make LFS bodies go wrong: cut the connection, corrupt a
// byte, stall. No test touches the internet. One thread (the test's).
#pragma once

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTcpServer>
#include <QVector>

class QTcpSocket;

namespace bertlens::test {

struct FakeRepo {
    QString repoId;
    QString commit;                   // 40 hex digits
    QMap<QString, QByteArray> files;  // name -> bytes
    QSet<QString> lfs;                // served through the CDN redirect
};

struct FakeRequest {
    QString method;
    QString path;
    QByteArray range;      // the Range header, if any
    qint64 bodyBytes = 0;  // body bytes the server sent back
};

class FakeHub : public QObject {
    Q_OBJECT
public:
    explicit FakeHub(QObject* parent = nullptr);
    ~FakeHub() override;

    QString endpoint() const;  // http://127.0.0.1:PORT
    void addRepo(const FakeRepo& repo);

    // Switches for LFS bodies. cut and stall act on the next LFS GET only.
    qint64 cutAfterBytes = -1;
    qint64 stallAfterBytes = -1;
    bool corrupt = false;
    bool ignoreRange = false;  // answer 200 with the whole body, as some servers do

    QVector<FakeRequest> requests;
    int countRequests(const QString& method, const QString& pathPart) const;

    static QByteArray sha256Hex(const QByteArray& bytes);
    static QByteArray gitBlobSha1Hex(const QByteArray& bytes);

private:
    void onConnection();
    void onData(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range);
    void serveApi(QTcpSocket* socket, const QString& path);
    void serveResolve(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range);
    void serveCdn(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range);
    void send(QTcpSocket* socket, int status, const QList<QPair<QByteArray, QByteArray>>& headers,
              const QByteArray& body, bool headOnly);
    void sendBody(QTcpSocket* socket, const QByteArray& bytes, const QByteArray& range, bool headOnly);

    QTcpServer m_server;
    QMap<QString, FakeRepo> m_repos;
    QMap<QByteArray, QByteArray> m_cdn;     // sha256 -> bytes
    QMap<QString, QByteArray> m_lfsSha256;  // "repo/file" -> sha256, computed once (Qt's SHA-256 is slow)
    QVector<QPointer<QTcpSocket>> m_stalled;
};

}  // namespace bertlens::test
