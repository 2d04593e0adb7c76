#include "net/ContentHash.h"

#include <openssl/evp.h>

namespace bertlens {

struct ContentHash::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

ContentHash::ContentHash(Algorithm algorithm) : m_context(std::make_unique<Context>()) {
    EVP_DigestInit_ex(m_context->ctx, algorithm == Algorithm::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
}

ContentHash::~ContentHash() = default;

void ContentHash::addData(const char* data, qsizetype size) {
    if (size > 0) EVP_DigestUpdate(m_context->ctx, data, static_cast<size_t>(size));
}

QByteArray ContentHash::hexResult() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context->ctx, digest, &length);
    return QByteArray(reinterpret_cast<const char*>(digest), static_cast<qsizetype>(length)).toHex();
}

}  // namespace bertlens
