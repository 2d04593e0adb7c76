#include "FakeHub.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace bertlens::test {

FakeHub::FakeHub(QObject* parent) : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &FakeHub::onConnection);
    m_server.listen(QHostAddress::LocalHost, 0);
}

FakeHub::~FakeHub() {
    for (const QPointer<QTcpSocket>& s : m_stalled) {
        if (s) s->abort();
    }
}

QString FakeHub::endpoint() const {
    return "http://127.0.0.1:" + QString::number(m_server.serverPort());
}

void FakeHub::addRepo(const FakeRepo& repo) {
    m_repos[repo.repoId] = repo;
    for (const QString& name : repo.lfs) {
        const QByteArray sha = sha256Hex(repo.files[name]);
        m_lfsSha256[repo.repoId + "/" + name] = sha;
        m_cdn[sha] = repo.files[name];
    }
}

int FakeHub::countRequests(const QString& method, const QString& pathPart) const {
    int n = 0;
    for (const FakeRequest& r : requests) n += r.method == method && r.path.contains(pathPart);
    return n;
}

QByteArray FakeHub::sha256Hex(const QByteArray& bytes) {
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray FakeHub::gitBlobSha1Hex(const QByteArray& bytes) {
    // What `git hash-object` prints: SHA-1 of "blob <size>\0" + content.
    return QCryptographicHash::hash("blob " + QByteArray::number(bytes.size()) + '\0' + bytes, QCryptographicHash::Sha1)
        .toHex();
}

void FakeHub::onConnection() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

// One request per connection; every answer says Connection: close.
void FakeHub::onData(QTcpSocket* socket) {
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const int end = buffer.indexOf("\r\n\r\n");
    if (end < 0 || socket->property("answered").toBool()) return;
    socket->setProperty("answered", true);
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    QByteArray range;
    for (const QByteArray& line : lines.mid(1)) {
        if (line.toLower().startsWith("range:")) range = line.mid(6).trimmed();
    }
    const QString method = QString::fromLatin1(first.value(0));
    const QString path = QString::fromLatin1(first.value(1));
    requests.push_back({method, path, range, 0});
    respond(socket, method, path, range);
}

void FakeHub::respond(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range) {
    if (path.startsWith("/api/models/")) return serveApi(socket, path);
    if (path.startsWith("/cdn/")) return serveCdn(socket, method, path, range);
    if (path.contains("/resolve/")) return serveResolve(socket, method, path, range);
    send(socket, 404, {}, "not found", method == "HEAD");
}

void FakeHub::serveApi(QTcpSocket* socket, const QString& path) {
    const QString rest = path.mid(QString("/api/models/").size());
    const int at = rest.lastIndexOf("/revision/");
    const QString repoId = rest.left(at);
    const QString revision = QUrl::fromPercentEncoding(rest.mid(at + 10).toLatin1());
    if (at < 0 || !m_repos.contains(repoId)) {
        return send(socket, 404, {{"X-Error-Code", "RepoNotFound"}}, R"({"error":"Repository not found"})", false);
    }
    const FakeRepo& repo = m_repos[repoId];
    if (revision != "main" && revision != repo.commit) {
        return send(socket, 404, {{"X-Error-Code", "RevisionNotFound"}}, R"({"error":"Invalid rev id"})", false);
    }
    QJsonArray siblings;
    for (const QString& name : repo.files.keys()) siblings.append(QJsonObject{{"rfilename", name}});
    const QJsonObject info{{"id", repoId}, {"sha", repo.commit}, {"siblings", siblings}};
    send(socket, 200, {{"Content-Type", "application/json"}}, QJsonDocument(info).toJson(QJsonDocument::Compact),
         false);
}

void FakeHub::serveResolve(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range) {
    const int at = path.indexOf("/resolve/");
    const QString repoId = path.mid(1, at - 1);
    const QString rest = path.mid(at + 9);  // REV/FILE
    const QString revision = rest.section('/', 0, 0);
    const QString file = rest.section('/', 1);
    const bool head = method == "HEAD";
    if (!m_repos.contains(repoId)) return send(socket, 404, {{"X-Error-Code", "RepoNotFound"}}, {}, head);
    const FakeRepo& repo = m_repos[repoId];
    if (revision != repo.commit && revision != "main") {
        return send(socket, 404, {{"X-Error-Code", "RevisionNotFound"}}, {}, head);
    }
    if (!repo.files.contains(file)) return send(socket, 404, {{"X-Error-Code", "EntryNotFound"}}, {}, head);
    const QByteArray& bytes = repo.files[file];
    const QByteArray commit = repo.commit.toLatin1();
    if (repo.lfs.contains(file)) {
        const QByteArray sha = m_lfsSha256[repoId + "/" + file];
        return send(socket, 302,
                    {{"Location", (endpoint() + "/cdn/" + sha).toLatin1()},
                     {"X-Repo-Commit", commit},
                     {"X-Linked-Etag", "\"" + sha + "\""},
                     {"X-Linked-Size", QByteArray::number(bytes.size())},
                     {"ETag", "\"redirect-etag\""}},
                    {}, head);
    }
    socket->setProperty("extraHeaders", QStringList{"ETag: \"" + gitBlobSha1Hex(bytes) + "\"",
                                                    "X-Repo-Commit: " + QString::fromLatin1(commit)});
    sendBody(socket, bytes, range, head);
}

void FakeHub::serveCdn(QTcpSocket* socket, const QString& method, const QString& path, const QByteArray& range) {
    const QByteArray sha = path.mid(5).toLatin1();
    if (!m_cdn.contains(sha)) return send(socket, 404, {}, {}, method == "HEAD");
    QByteArray bytes = m_cdn[sha];
    if (corrupt) bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
    sendBody(socket, bytes, range, method == "HEAD");
}

// 200 with the whole file, or 206 from the start a "bytes=N-" Range asks for;
// then the cut / stall switches limit what is really written.
void FakeHub::sendBody(QTcpSocket* socket, const QByteArray& bytes, const QByteArray& range, bool headOnly) {
    qint64 from = 0;
    if (range.startsWith("bytes=") && range.endsWith("-") && !ignoreRange) {
        from = range.mid(6, range.size() - 7).toLongLong();
    }
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const QString& h : socket->property("extraHeaders").toStringList()) {
        headers.append({h.section(':', 0, 0).toLatin1(), h.section(':', 1).trimmed().toLatin1()});
    }
    if (from > 0) {
        if (from >= bytes.size()) return send(socket, 416, headers, {}, headOnly);
        headers.append({"Content-Range", "bytes " + QByteArray::number(from) + "-" +
                                             QByteArray::number(bytes.size() - 1) + "/" +
                                             QByteArray::number(bytes.size())});
    }
    send(socket, from > 0 ? 206 : 200, headers, bytes.mid(static_cast<int>(from)), headOnly);
}

void FakeHub::send(QTcpSocket* socket, int status, const QList<QPair<QByteArray, QByteArray>>& headers,
                   const QByteArray& body, bool headOnly) {
    static const QMap<int, QByteArray> reasons = {
        {200, "OK"}, {206, "Partial Content"}, {302, "Found"}, {404, "Not Found"}, {416, "Range Not Satisfiable"}};
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " " + reasons.value(status, "Status") + "\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
    socket->write(head);
    if (headOnly) {
        socket->disconnectFromHost();
        return;
    }
    const bool cdn = requests.back().path.startsWith("/cdn/");
    qint64 limit = body.size();
    bool stall = false;
    if (cdn && cutAfterBytes >= 0) {
        limit = qMin(limit, cutAfterBytes);
        cutAfterBytes = -1;
    } else if (cdn && stallAfterBytes >= 0) {
        limit = qMin(limit, stallAfterBytes);
        stallAfterBytes = -1;
        stall = true;
    }
    socket->write(body.left(static_cast<int>(limit)));
    requests.back().bodyBytes = limit;
    if (stall) {
        m_stalled.push_back(socket);  // open and silent until the client gives up
        return;
    }
    socket->disconnectFromHost();  // after the buffered bytes are out: a short body is a cut connection
}

}  // namespace bertlens::test
