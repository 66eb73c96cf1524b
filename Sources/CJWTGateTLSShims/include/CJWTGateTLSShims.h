// The TLS server side of jwtgate's loop plane: OpenSSL contexts built from a listener's `tls:` settings, and
// non-blocking handshake/read/write on a connection's socket. C because most of what is needed is macros
// (SSL_CTX_set_min_proto_version, the ticket and servername callbacks, SSL_CTX_set_mode) or callbacks that
// run inside OpenSSL, and because OpenSSL's per-thread error queue must be cleared around every call.
#ifndef CJWTGATE_TLS_SHIMS_H
#define CJWTGATE_TLS_SHIMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct jwtgate_tls_server jwtgate_tls_server;
typedef struct ssl_st jwtgate_tls_conn;

typedef struct {
    int min_version;            // 12 or 13
    const char *ciphers;        // TLS 1.2 list
    const char *ciphersuites;   // TLS 1.3 suites
    const unsigned char *alpn;  // wire format (length-prefixed names), may be NULL
    size_t alpn_length;
    int session_tickets;        // 1: tickets with keys from jwtgate_tls_server_rotate_tickets
    long session_timeout;       // seconds a session (ticket or cache entry) stays resumable
    const char *client_ca_file; // NULL: no client certificates asked for
    int verify_client;          // 0 none, 1 optional, 2 required
} jwtgate_tls_options;

// Outcomes of a handshake, read or write step.
enum {
    JWTGATE_TLS_DONE = 0,        // handshake finished / bytes moved
    JWTGATE_TLS_WANT_READ = 1,
    JWTGATE_TLS_WANT_WRITE = 2,
    JWTGATE_TLS_CLOSED = 3,      // the peer sent close_notify (or EOF during a handshake)
    JWTGATE_TLS_FAILED = 4,      // protocol error or socket error; reason in the caller's buffer
    JWTGATE_TLS_PLAIN_HTTP = 5,  // the client spoke plain HTTP to the TLS listener (handshake only)
};

// A server with no certificates yet; NULL (reason in `error`) when the options are refused (cipher lists,
// client CA file). Certificates are added per group: pairs in one group are served together (an ECDSA and an
// RSA chain for the same names); groups after the first are chosen by SNI.
jwtgate_tls_server *jwtgate_tls_server_new(const jwtgate_tls_options *options, char *error, size_t error_size);
// Adds a group; returns its index, or -1.
int jwtgate_tls_server_add_group(jwtgate_tls_server *server, char *error, size_t error_size);
// Loads a PEM chain (leaf first) and its key into `group`. 0 on success, else -1 with the reason.
int jwtgate_tls_server_add_pair(jwtgate_tls_server *server, int group, const char *cert_file, const char *key_file,
                                char *error, size_t error_size);
// A new ticket key becomes current; the two before it still decrypt (and their tickets are renewed).
void jwtgate_tls_server_rotate_tickets(jwtgate_tls_server *server);
void jwtgate_tls_server_free(jwtgate_tls_server *server);

// A connection on `fd` (non-blocking, owned by the caller) in server mode; NULL on allocation failure.
jwtgate_tls_conn *jwtgate_tls_accept(jwtgate_tls_server *server, int fd);
int jwtgate_tls_handshake(jwtgate_tls_conn *conn, char *error, size_t error_size);
// Bytes read into `buffer` (> 0) with JWTGATE_TLS_DONE, else 0 and another outcome.
long jwtgate_tls_read(jwtgate_tls_conn *conn, void *buffer, size_t count, int *outcome);
long jwtgate_tls_write(jwtgate_tls_conn *conn, const void *buffer, size_t count, int *outcome);
// Decrypted or undecrypted bytes OpenSSL holds that the socket will not signal again.
int jwtgate_tls_has_pending(jwtgate_tls_conn *conn);
// Frees the read and write record buffers when they hold nothing (1), else leaves them (0); the next read or
// write allocates them again. For connections that have gone idle.
int jwtgate_tls_release_buffers(jwtgate_tls_conn *conn);
// Sends close_notify once, without waiting for the peer's.
void jwtgate_tls_shutdown(jwtgate_tls_conn *conn);
void jwtgate_tls_free(jwtgate_tls_conn *conn);

// 12 or 13 once the handshake finished (0 before, and for one that failed).
int jwtgate_tls_version(jwtgate_tls_conn *conn);
int jwtgate_tls_session_reused(jwtgate_tls_conn *conn);
// The ALPN protocol chosen, copied into `out`; its length (0: none).
int jwtgate_tls_alpn(jwtgate_tls_conn *conn, char *out, size_t out_size);
// The client certificate's subject (RFC 2253) when one was presented and verified; its length, 0 when none.
int jwtgate_tls_peer_subject(jwtgate_tls_conn *conn, char *out, size_t out_size);
// The SNI name the client sent, copied into `out`; its length (0: none).
int jwtgate_tls_server_name(jwtgate_tls_conn *conn, char *out, size_t out_size);

#endif
