/*
 * The system's OpenSSL 3 (libssl, libcrypto), read only when the package
 * trait TLS is enabled. Swift does not import function-like macros, so the
 * macros AsyncTLS uses are wrapped here as static inline functions named
 * cssl_<the macro's name>.
 */
#ifndef CSSL_H
#define CSSL_H

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static inline long cssl_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline int cssl_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long cssl_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

static inline int cssl_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline void cssl_BIO_set_mem_eof_return(BIO *bio, int value) {
    (void)BIO_set_mem_eof_return(bio, value);
}

static inline long cssl_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

static inline void cssl_BIO_reset(BIO *bio) {
    (void)BIO_reset(bio);
}

/* The bytes a memory BIO has room for without growing: it keeps its
   high-water mark until it is freed. */
static inline size_t cssl_BIO_mem_capacity(BIO *bio) {
    BUF_MEM *memory = NULL;
    if (BIO_get_mem_ptr(bio, &memory) <= 0 || memory == NULL) return 0;
    return memory->max;
}

/* The constants Swift would import with a type that needs a cast at every use. */
static const long CSSL_MODE_PARTIAL_WRITES = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
static const long CSSL_MODE_RELEASE_BUFFERS = SSL_MODE_RELEASE_BUFFERS;
static const int CSSL_TLS1_2_VERSION = TLS1_2_VERSION;
static const uint64_t CSSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t CSSL_OP_IGNORE_UNEXPECTED_EOF = SSL_OP_IGNORE_UNEXPECTED_EOF;

#endif
