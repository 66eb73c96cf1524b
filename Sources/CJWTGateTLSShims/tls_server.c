// See CJWTGateTLSShims.h. Everything here runs on the loop thread that owns the connection, except the
// ticket callback's key ring, which every loop reads and the rotation timer writes (a rwlock).
#define _GNU_SOURCE
#include "CJWTGateTLSShims.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_GROUPS 64
#define MAX_LEAVES 4
#define TICKET_KEYS 3

typedef struct {
    unsigned char name[16];
    unsigned char aes[32];
    unsigned char hmac[32];
    int valid;
} ticket_key;

struct jwtgate_tls_server {
    SSL_CTX *groups[MAX_GROUPS];
    X509 *leaves[MAX_GROUPS][MAX_LEAVES];
    int leaf_count[MAX_GROUPS];
    int group_count;

    int min_version;
    char *ciphers;
    char *ciphersuites;
    unsigned char *alpn;
    unsigned int alpn_length;
    int session_tickets;
    long session_timeout;
    char *client_ca_file;
    int verify_client;

    pthread_rwlock_t ticket_lock;
    ticket_key keys[TICKET_KEYS];
};

static void describe(char *error, size_t size, const char *what) {
    if (!error || size == 0) return;
    unsigned long code = ERR_peek_last_error();
    if (code) {
        const char *reason = ERR_reason_error_string(code);
        if (reason) snprintf(error, size, "%s: %s", what, reason);
        else snprintf(error, size, "%s: OpenSSL error %lx", what, code);
    } else {
        snprintf(error, size, "%s", what);
    }
    ERR_clear_error();
}

static char *copy(const char *text) { return text ? strdup(text) : NULL; }

// TLS 1.2 and 1.3 tickets: AES-256-CBC + HMAC-SHA256 under keys that live in memory only (RFC 5077's
// layout, as OpenSSL's own). Returns 2 for a ticket sealed with an older key, so the client gets a fresh one.
static int ticket_callback(SSL *ssl, unsigned char key_name[16], unsigned char *iv, EVP_CIPHER_CTX *cipher,
                           EVP_MAC_CTX *mac, int encrypt) {
    jwtgate_tls_server *server = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    if (!server) return -1;
    ticket_key key;
    int index = -1;
    pthread_rwlock_rdlock(&server->ticket_lock);
    if (encrypt) {
        if (server->keys[0].valid) { key = server->keys[0]; index = 0; }
    } else {
        for (int i = 0; i < TICKET_KEYS; i++) {
            if (server->keys[i].valid && memcmp(server->keys[i].name, key_name, 16) == 0) {
                key = server->keys[i];
                index = i;
                break;
            }
        }
    }
    pthread_rwlock_unlock(&server->ticket_lock);
    if (index < 0) return encrypt ? -1 : 0;
    int result = -1;
    if (encrypt) {
        memcpy(key_name, key.name, 16);
        if (RAND_bytes(iv, 16) <= 0) goto done;
        if (!EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, key.aes, iv)) goto done;
    } else {
        if (!EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, key.aes, iv)) goto done;
    }
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmac, sizeof key.hmac);
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
    params[2] = OSSL_PARAM_construct_end();
    if (!EVP_MAC_CTX_set_params(mac, params)) goto done;
    result = (encrypt || index == 0) ? 1 : 2;
done:
    OPENSSL_cleanse(&key, sizeof key);
    return result;
}

void jwtgate_tls_server_rotate_tickets(jwtgate_tls_server *server) {
    ticket_key fresh;
    if (RAND_bytes(fresh.name, sizeof fresh.name) <= 0 || RAND_bytes(fresh.aes, sizeof fresh.aes) <= 0
        || RAND_bytes(fresh.hmac, sizeof fresh.hmac) <= 0) {
        OPENSSL_cleanse(&fresh, sizeof fresh);
        return;  // keep the current key rather than run without one
    }
    fresh.valid = 1;
    pthread_rwlock_wrlock(&server->ticket_lock);
    OPENSSL_cleanse(&server->keys[TICKET_KEYS - 1], sizeof(ticket_key));
    memmove(&server->keys[1], &server->keys[0], sizeof(ticket_key) * (TICKET_KEYS - 1));
    server->keys[0] = fresh;
    pthread_rwlock_unlock(&server->ticket_lock);
    OPENSSL_cleanse(&fresh, sizeof fresh);
}

// SNI: the first group whose leaf serves the name; the default group otherwise (as nginx's default_server).
static int servername_callback(SSL *ssl, int *alert, void *arg) {
    (void)alert;
    jwtgate_tls_server *server = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name || server->group_count < 2) return SSL_TLSEXT_ERR_OK;
    for (int g = 0; g < server->group_count; g++) {
        for (int l = 0; l < server->leaf_count[g]; l++) {
            if (X509_check_host(server->leaves[g][l], name, 0, 0, NULL) == 1) {
                if (g != 0) SSL_set_SSL_CTX(ssl, server->groups[g]);
                return SSL_TLSEXT_ERR_OK;
            }
        }
    }
    return SSL_TLSEXT_ERR_OK;
}

// ALPN: our order wins; a client that offers none of ours gets no_application_protocol (RFC 7301 §3.2).
static int alpn_callback(SSL *ssl, const unsigned char **out, unsigned char *out_length, const unsigned char *in,
                         unsigned int in_length, void *arg) {
    (void)ssl;
    jwtgate_tls_server *server = arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, out_length, server->alpn, server->alpn_length, in, in_length)
        != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *make_context(jwtgate_tls_server *server, char *error, size_t error_size) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) { describe(error, error_size, "cannot create a TLS context"); return NULL; }
    SSL_CTX_set_min_proto_version(ctx, server->min_version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    uint64_t options = SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION
                     | SSL_OP_IGNORE_UNEXPECTED_EOF;
    if (!server->session_tickets) options |= SSL_OP_NO_TICKET;
    SSL_CTX_set_options(ctx, options);
    if (!SSL_CTX_set_cipher_list(ctx, server->ciphers)) {
        describe(error, error_size, "tls.ciphers names no cipher OpenSSL knows");
        goto fail;
    }
    if (!SSL_CTX_set_ciphersuites(ctx, server->ciphersuites)) {
        describe(error, error_size, "tls.ciphersuites names no TLS 1.3 suite OpenSSL knows");
        goto fail;
    }
    SSL_CTX_set_dh_auto(ctx, 1);
    // Not SSL_MODE_RELEASE_BUFFERS: freeing and re-allocating both record buffers around every request cost
    // ~5 µs per keep-alive request (bench/run --only tls, A/B). Buffers of connections idle for a second are
    // released by the loop's sweep instead (jwtgate_tls_release_buffers).
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"jwtgate", 7);
    SSL_CTX_set_timeout(ctx, server->session_timeout);
    if (server->session_tickets) {
        // Tickets carry the session; a server-side cache as well would only cost a table insert per handshake
        // and a sweep over the table every 255 (as nginx's default `ssl_session_cache none`).
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, 10240);
    }
    if (server->session_tickets) {
        SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_callback);
        SSL_CTX_set_num_tickets(ctx, 1);
    }
    SSL_CTX_set_app_data(ctx, server);
    if (server->alpn) SSL_CTX_set_alpn_select_cb(ctx, alpn_callback, server);
    SSL_CTX_set_tlsext_servername_callback(ctx, servername_callback);
    SSL_CTX_set_tlsext_servername_arg(ctx, server);
    if (server->client_ca_file && server->verify_client > 0) {
        if (!SSL_CTX_load_verify_locations(ctx, server->client_ca_file, NULL)) {
            describe(error, error_size, "tls.client_ca_file holds no usable CA certificate");
            goto fail;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(server->client_ca_file);
        if (names) SSL_CTX_set_client_CA_list(ctx, names);
        int mode = SSL_VERIFY_PEER | (server->verify_client == 2 ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
        SSL_CTX_set_verify(ctx, mode, NULL);
        SSL_CTX_set_verify_depth(ctx, 5);
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

jwtgate_tls_server *jwtgate_tls_server_new(const jwtgate_tls_options *options, char *error, size_t error_size) {
    jwtgate_tls_server *server = calloc(1, sizeof *server);
    if (!server) { snprintf(error, error_size, "out of memory"); return NULL; }
    pthread_rwlock_init(&server->ticket_lock, NULL);
    server->min_version = options->min_version;
    server->ciphers = copy(options->ciphers);
    server->ciphersuites = copy(options->ciphersuites);
    if (options->alpn && options->alpn_length > 0) {
        server->alpn = malloc(options->alpn_length);
        if (server->alpn) {
            memcpy(server->alpn, options->alpn, options->alpn_length);
            server->alpn_length = (unsigned int)options->alpn_length;
        }
    }
    server->session_tickets = options->session_tickets;
    server->session_timeout = options->session_timeout > 0 ? options->session_timeout : 7200;
    server->client_ca_file = copy(options->client_ca_file);
    server->verify_client = options->verify_client;
    if (server->session_tickets) jwtgate_tls_server_rotate_tickets(server);
    // Check the options once now, so a bad cipher list is refused before any certificate is read.
    SSL_CTX *probe = make_context(server, error, error_size);
    if (!probe) { jwtgate_tls_server_free(server); return NULL; }
    SSL_CTX_free(probe);
    return server;
}

int jwtgate_tls_server_add_group(jwtgate_tls_server *server, char *error, size_t error_size) {
    if (server->group_count >= MAX_GROUPS) {
        snprintf(error, error_size, "more than %d certificate names on one listener", MAX_GROUPS);
        return -1;
    }
    SSL_CTX *ctx = make_context(server, error, error_size);
    if (!ctx) return -1;
    server->groups[server->group_count] = ctx;
    return server->group_count++;
}

int jwtgate_tls_server_add_pair(jwtgate_tls_server *server, int group, const char *cert_file, const char *key_file,
                                char *error, size_t error_size) {
    if (group < 0 || group >= server->group_count) { snprintf(error, error_size, "no such group"); return -1; }
    if (server->leaf_count[group] >= MAX_LEAVES) {
        snprintf(error, error_size, "more than %d certificates for the same names", MAX_LEAVES);
        return -1;
    }
    SSL_CTX *ctx = server->groups[group];
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        describe(error, error_size, "cannot load the certificate chain");
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        describe(error, error_size, "cannot load the private key");
        return -1;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        describe(error, error_size, "the private key does not match the certificate");
        return -1;
    }
    FILE *file = fopen(cert_file, "r");
    X509 *leaf = file ? PEM_read_X509(file, NULL, NULL, NULL) : NULL;
    if (file) fclose(file);
    if (!leaf) { describe(error, error_size, "cannot read the leaf certificate"); return -1; }
    server->leaves[group][server->leaf_count[group]++] = leaf;
    ERR_clear_error();
    return 0;
}

void jwtgate_tls_server_free(jwtgate_tls_server *server) {
    if (!server) return;
    for (int g = 0; g < server->group_count; g++) {
        SSL_CTX_free(server->groups[g]);
        for (int l = 0; l < server->leaf_count[g]; l++) X509_free(server->leaves[g][l]);
    }
    OPENSSL_cleanse(server->keys, sizeof server->keys);
    pthread_rwlock_destroy(&server->ticket_lock);
    free(server->ciphers);
    free(server->ciphersuites);
    free(server->alpn);
    free(server->client_ca_file);
    free(server);
}

jwtgate_tls_conn *jwtgate_tls_accept(jwtgate_tls_server *server, int fd) {
    if (server->group_count == 0) return NULL;
    SSL *ssl = SSL_new(server->groups[0]);
    if (!ssl) { ERR_clear_error(); return NULL; }
    if (SSL_set_fd(ssl, fd) != 1) { SSL_free(ssl); ERR_clear_error(); return NULL; }
    SSL_set_accept_state(ssl);
    return ssl;
}

static int outcome_of(SSL *ssl, int result, char *error, size_t error_size) {
    int code = SSL_get_error(ssl, result);
    switch (code) {
    case SSL_ERROR_WANT_READ: return JWTGATE_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return JWTGATE_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: ERR_clear_error(); return JWTGATE_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
            if (error && error_size) snprintf(error, error_size, "%s", errno ? strerror(errno) : "connection closed");
            ERR_clear_error();
            return errno ? JWTGATE_TLS_FAILED : JWTGATE_TLS_CLOSED;
        }
        describe(error, error_size, "TLS");
        return JWTGATE_TLS_FAILED;
    default:
        describe(error, error_size, "TLS");
        return JWTGATE_TLS_FAILED;
    }
}

int jwtgate_tls_handshake(jwtgate_tls_conn *conn, char *error, size_t error_size) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_do_handshake(conn);
    if (result == 1) return JWTGATE_TLS_DONE;
    if (SSL_get_error(conn, result) == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_HTTP_REQUEST) {
        ERR_clear_error();
        return JWTGATE_TLS_PLAIN_HTTP;
    }
    return outcome_of(conn, result, error, error_size);
}

long jwtgate_tls_read(jwtgate_tls_conn *conn, void *buffer, size_t count, int *outcome) {
    ERR_clear_error();
    errno = 0;
    size_t done = 0;
    int result = SSL_read_ex(conn, buffer, count, &done);
    if (result == 1) { *outcome = JWTGATE_TLS_DONE; return (long)done; }
    *outcome = outcome_of(conn, result, NULL, 0);
    ERR_clear_error();
    return 0;
}

long jwtgate_tls_write(jwtgate_tls_conn *conn, const void *buffer, size_t count, int *outcome) {
    ERR_clear_error();
    errno = 0;
    size_t done = 0;
    int result = SSL_write_ex(conn, buffer, count, &done);
    if (result == 1) { *outcome = JWTGATE_TLS_DONE; return (long)done; }
    *outcome = outcome_of(conn, result, NULL, 0);
    ERR_clear_error();
    return 0;
}

int jwtgate_tls_has_pending(jwtgate_tls_conn *conn) { return SSL_has_pending(conn); }

int jwtgate_tls_release_buffers(jwtgate_tls_conn *conn) { return SSL_free_buffers(conn); }

void jwtgate_tls_shutdown(jwtgate_tls_conn *conn) {
    if (!SSL_is_init_finished(conn) || (SSL_get_shutdown(conn) & SSL_SENT_SHUTDOWN)) return;
    ERR_clear_error();
    SSL_shutdown(conn);
    ERR_clear_error();
}

void jwtgate_tls_free(jwtgate_tls_conn *conn) { SSL_free(conn); }

int jwtgate_tls_version(jwtgate_tls_conn *conn) {
    // Before the handshake finishes SSL_version() is the method's highest, not an agreed version.
    if (!SSL_is_init_finished(conn)) return 0;
    switch (SSL_version(conn)) {
    case TLS1_3_VERSION: return 13;
    case TLS1_2_VERSION: return 12;
    default: return 0;
    }
}

int jwtgate_tls_session_reused(jwtgate_tls_conn *conn) { return SSL_session_reused(conn); }

int jwtgate_tls_alpn(jwtgate_tls_conn *conn, char *out, size_t out_size) {
    const unsigned char *data = NULL;
    unsigned int length = 0;
    SSL_get0_alpn_selected(conn, &data, &length);
    if (!data || length == 0 || length >= out_size) return 0;
    memcpy(out, data, length);
    out[length] = 0;
    return (int)length;
}

int jwtgate_tls_peer_subject(jwtgate_tls_conn *conn, char *out, size_t out_size) {
    X509 *peer = SSL_get0_peer_certificate(conn);
    if (!peer || SSL_get_verify_result(conn) != X509_V_OK || out_size == 0) return 0;
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio) return 0;
    int length = 0;
    if (X509_NAME_print_ex(bio, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253) >= 0) {
        length = BIO_read(bio, out, (int)out_size - 1);
        if (length < 0) length = 0;
    }
    out[length] = 0;
    BIO_free(bio);
    ERR_clear_error();
    return length;
}

int jwtgate_tls_server_name(jwtgate_tls_conn *conn, char *out, size_t out_size) {
    const char *name = SSL_get_servername(conn, TLSEXT_NAMETYPE_host_name);
    if (!name || out_size == 0) return 0;
    size_t length = strlen(name);
    if (length >= out_size) return 0;
    memcpy(out, name, length + 1);
    return (int)length;
}
