#include "net/NetworkErrors.h"

#include <QNetworkReply>

namespace bertlens {

QString megabytes(qint64 bytes) {
    return QString::number(static_cast<double>(bytes) / 1e6, 'f', 1) + " MB";
}

QString networkErrorMessage(QNetworkReply* reply) {
    const QString host = reply->url().host();
    switch (reply->error()) {
        case QNetworkReply::HostNotFoundError:
            return "cannot find the server " + host + " (no network connection, or a wrong HF_ENDPOINT?)";
        case QNetworkReply::ConnectionRefusedError:
            return host + " refused the connection (a wrong HF_ENDPOINT, or the server is down?)";
        case QNetworkReply::RemoteHostClosedError:
            return host + " closed the connection before answering; try again";
        case QNetworkReply::TimeoutError:
            return "the connection to " + host + " timed out; check the network and try again";
        case QNetworkReply::SslHandshakeFailedError:
            return "the secure connection to " + host + " failed (" + reply->errorString() + ")";
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyNotFoundError:
        case QNetworkReply::ProxyTimeoutError:
            return "the proxy did not let the request through (" + reply->errorString() + ")";
        default:
            return "the request to " + host + " failed: " + reply->errorString();
    }
}

QString httpErrorMessage(QNetworkReply* reply, const QString& what) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString code = "HTTP " + QString::number(status) + (reason.isEmpty() ? QString() : " " + reason);
    if (status == 401 || status == 403) {
        return what + ": access refused (" + code +
               "); the model may be private or gated: set HF_TOKEN to a token that may read it";
    }
    if (status == 404) return what + " was not found on the Hub (" + code + ")";
    if (status == 429) return "the Hub is limiting requests (" + code + "); wait a minute and try again";
    if (status >= 500) return "the Hub could not answer for " + what + " (" + code + "); try again later";
    return "the Hub answered " + code + " for " + what;
}

}  // namespace bertlens
