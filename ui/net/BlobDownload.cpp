#include "net/BlobDownload.h"

#include "net/NetworkErrors.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace bertlens {
namespace {

bool isHex(const QString& s, int length) {
    static const QRegularExpression hex("^[0-9a-f]*$");
    return s.size() == length && hex.match(s).hasMatch();
}

int statusOf(QNetworkReply* reply) {
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

}  // namespace

BlobDownload::BlobDownload(QNetworkAccessManager* network, QObject* parent) : QObject(parent), m_network(network) {
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        m_stalled = true;
        if (m_reply) m_reply->abort();
    });
}

BlobDownload::~BlobDownload() {
    abort();
}

void BlobDownload::start(const BlobSpec& spec) {
    m_spec = spec;
    m_stalled = false;
    m_oversize = false;
    m_retriedWithoutRange = false;
    m_file.setFileName(spec.incompletePath);
    if (!m_file.open(QIODevice::ReadWrite)) {
        QTimer::singleShot(0, this, [this] { fail("cannot write " + m_spec.incompletePath, false); });
        return;
    }
    m_bytes = m_file.size();
    if (spec.size >= 0 && m_bytes > spec.size) truncate();  // not a prefix of this file
    resetHash();
    if (spec.size > 0 && m_bytes == spec.size) {
        QTimer::singleShot(0, this, [this] { complete(); });  // an earlier run got every byte: only verify
        return;
    }
    sendRequest();
}

// The hash covers the file's first m_bytes bytes: what an interrupted run left.
void BlobDownload::resetHash() {
    m_hash.reset();
    if (isHex(m_spec.etag, 64)) {
        m_hash = std::make_unique<ContentHash>(ContentHash::Algorithm::Sha256);
    } else if (isHex(m_spec.etag, 40) && m_spec.size >= 0) {
        m_hash = std::make_unique<ContentHash>(ContentHash::Algorithm::Sha1);
        m_hash->addData(QByteArray("blob ") + QByteArray::number(m_spec.size) + '\0');
    }
    m_file.seek(0);
    while (m_hash && m_file.pos() < m_bytes) {
        m_hash->addData(m_file.read(qMin<qint64>(1 << 20, m_bytes - m_file.pos())));
    }
    m_file.seek(m_bytes);
}

void BlobDownload::truncate() {
    m_file.resize(0);
    m_file.seek(0);
    m_bytes = 0;
}

void BlobDownload::sendRequest() {
    QNetworkRequest request(m_spec.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    // The bytes as stored: no transparent decompression that would change sizes and hashes.
    request.setRawHeader("Accept-Encoding", "identity");
    request.setRawHeader("User-Agent", "bertlens/0.1");
    if (!m_spec.authorization.isEmpty()) request.setRawHeader("Authorization", m_spec.authorization);
    if (m_bytes > 0) request.setRawHeader("Range", "bytes=" + QByteArray::number(m_bytes) + "-");
    m_body = Body::Unknown;
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &BlobDownload::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &BlobDownload::onFinished);
    m_watchdog.start(m_spec.stallTimeoutMs);
}

// Whether the reply's body is (the rest of) the file: 206 continues after our
// bytes; 200 is the whole file again (the server ignored the Range), so what
// we had is dropped. Anything else is an error page, kept out of the file.
bool BlobDownload::bodyIsFile() {
    if (m_body != Body::Unknown) return m_body == Body::File;
    const int status = statusOf(m_reply);
    if (status == 0) return false;
    m_body = Body::Other;
    if (status == 206) {
        const QByteArray range = m_reply->rawHeader("Content-Range");  // bytes START-END/TOTAL
        const qint64 first = range.mid(6, range.indexOf('-') - 6).toLongLong();
        if (range.startsWith("bytes ") && first == m_bytes) m_body = Body::File;
    } else if (status == 200) {
        if (m_bytes > 0) {
            truncate();
            resetHash();
        }
        m_body = Body::File;
    }
    return m_body == Body::File;
}

void BlobDownload::onReadyRead() {
    if (!m_reply) return;
    m_watchdog.start(m_spec.stallTimeoutMs);
    if (!bodyIsFile()) return;  // an error body: read in onFinished for the message
    const QByteArray chunk = m_reply->readAll();
    if (chunk.isEmpty()) return;
    if (m_spec.size >= 0 && m_bytes + chunk.size() > m_spec.size) {
        m_oversize = true;
        m_reply->abort();
        return;
    }
    if (m_file.write(chunk) != chunk.size()) {
        abort();
        fail("cannot write " + m_spec.incompletePath + " (is the disk full?)", true);
        return;
    }
    if (m_hash) m_hash->addData(chunk);
    m_bytes += chunk.size();
    emit progress(m_bytes);
}

void BlobDownload::onFinished() {
    m_watchdog.stop();
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    if (reply->isOpen()) onReadyRead();  // whatever arrived with the end
    m_reply = nullptr;
    reply->deleteLater();
    const int status = statusOf(reply);
    const QString sizeText = m_spec.size >= 0 ? " of " + megabytes(m_spec.size) : QString();
    if (m_stalled) {
        fail("the server sent nothing for " + QString::number(m_spec.stallTimeoutMs / 1000.0) + " s while sending " +
                 m_spec.fileName + " (" + megabytes(m_bytes) + sizeText +
                 " received); try again later: the download resumes where it stopped",
             true);
        return;
    }
    if (m_oversize) {
        truncate();
        fail(
            "the server sent more of " + m_spec.fileName + " than the Hub said it has; the file was removed, try again",
            false);
        return;
    }
    if ((status == 416 || (status == 206 && m_body != Body::File)) && !m_retriedWithoutRange) {
        truncate();  // our partial file does not fit the server's: fetch it whole, once
        resetHash();
        m_retriedWithoutRange = true;
        sendRequest();
        return;
    }
    if (status != 200 && status != 206) {
        fail(status == 0 ? networkErrorMessage(reply) : httpErrorMessage(reply, m_spec.fileName), true);
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        fail("the connection broke after " + megabytes(m_bytes) + sizeText + " of " + m_spec.fileName + " (" +
                 reply->errorString() + "); run the download again to resume it",
             true);
        return;
    }
    if (m_spec.size >= 0 && m_bytes < m_spec.size) {
        fail("the server stopped after " + megabytes(m_bytes) + sizeText + " of " + m_spec.fileName +
                 "; run the download again to resume it",
             true);
        return;
    }
    complete();
}

void BlobDownload::complete() {
    const QString problem = verify();
    m_file.close();
    if (!problem.isEmpty()) {
        QFile::remove(m_spec.incompletePath);  // never keep bytes known to be wrong
        fail(problem, false);
        return;
    }
    emit finished();
}

QString BlobDownload::verify() const {
    if (m_spec.size >= 0 && m_bytes != m_spec.size) {
        return m_spec.fileName + " arrived with " + QString::number(m_bytes) + " bytes instead of " +
               QString::number(m_spec.size) + "; the damaged file was removed, try again";
    }
    if (!m_hash) return {};
    const QString got = QString::fromLatin1(m_hash->hexResult());
    if (got == m_spec.etag) return {};
    const QString kind = m_spec.etag.size() == 64 ? "sha256" : "git SHA-1";
    return "the checksum of " + m_spec.fileName + " is wrong (" + kind + " " + got + ", the Hub says " + m_spec.etag +
           "): the download was damaged, so the file was removed; try again";
}

void BlobDownload::fail(const QString& message, bool keepPartial) {
    m_watchdog.stop();
    if (m_file.isOpen()) m_file.close();
    emit failed(message, keepPartial);
}

void BlobDownload::abort() {
    m_watchdog.stop();
    if (m_reply) {
        QNetworkReply* r = m_reply;
        m_reply = nullptr;
        disconnect(r, nullptr, this, nullptr);
        r->abort();
        r->deleteLater();
    }
    if (m_file.isOpen()) m_file.close();
}

}  // namespace bertlens
