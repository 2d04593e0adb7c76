// Messages for what can go wrong talking to the Hub, written for the person
// waiting on the download: what happened and what to do. Stateless.
#pragma once

#include <QString>

class QNetworkReply;

namespace bertlens {

QString megabytes(qint64 bytes);
// A reply that failed before any HTTP status (DNS, refused, TLS, reset).
QString networkErrorMessage(QNetworkReply* reply);
// A reply with HTTP status >= 300; what names the file or request.
QString httpErrorMessage(QNetworkReply* reply, const QString& what);

}  // namespace bertlens
