// SHA-256 or SHA-1 of a download as its bytes arrive, through OpenSSL's
// libcrypto (hardware SHA instructions where the CPU has them): measured
// about 600 MB/s on this project's machine, where Qt 6.4's own
// QCryptographicHash SHA-256 manages about 60 MB/s and capped the download
// speed there. One object per file; not thread-safe.
#pragma once

#include <QByteArray>

#include <memory>

namespace bertlens {

class ContentHash {
public:
    enum class Algorithm { Sha256, Sha1 };
    explicit ContentHash(Algorithm algorithm);
    ~ContentHash();
    ContentHash(const ContentHash&) = delete;
    ContentHash& operator=(const ContentHash&) = delete;

    void addData(const char* data, qsizetype size);
    void addData(const QByteArray& bytes) { addData(bytes.constData(), bytes.size()); }
    // Lower-case hex digest; call once, at the end.
    QByteArray hexResult();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

}  // namespace bertlens
