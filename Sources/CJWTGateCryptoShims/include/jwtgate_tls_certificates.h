// Certificate and key review for TLS listeners (`check-config`, start-up, every reload). Typed entry points
// over libcrypto's X509 API: STACK_OF(X509), the X509_STORE verification and the extension flags are macros
// or lifetimes Swift should not hold itself. Handles are opaque; every call leaves OpenSSL's error queue empty.
#ifndef JWTGATE_TLS_CERTIFICATES_H
#define JWTGATE_TLS_CERTIFICATES_H
#include <stddef.h>
#include <stdint.h>

enum jwtgate_tls_read_status {
    JWTGATE_TLS_READ_OK = 0,
    /// A `-----BEGIN CERTIFICATE-----` block that does not decode (bad base64 or DER).
    JWTGATE_TLS_READ_MALFORMED = 1,
};

enum jwtgate_tls_key_status {
    JWTGATE_TLS_KEY_OK = 0,
    /// No private key block in the text.
    JWTGATE_TLS_KEY_NONE = 1,
    /// The key is protected by a passphrase (OpenSSL asked for one).
    JWTGATE_TLS_KEY_ENCRYPTED = 2,
    /// A private key block that does not decode.
    JWTGATE_TLS_KEY_MALFORMED = 3,
};

enum jwtgate_tls_key_type {
    JWTGATE_TLS_KEY_TYPE_OTHER = 0,
    JWTGATE_TLS_KEY_TYPE_RSA = 1,
    JWTGATE_TLS_KEY_TYPE_EC = 2,
};

/// keyUsage bits (X509v3 KU_* values) and extendedKeyUsage bits (XKU_*), as returned below.
enum {
    JWTGATE_TLS_KU_DIGITAL_SIGNATURE = 0x0080,
    JWTGATE_TLS_KU_KEY_ENCIPHERMENT = 0x0020,
    JWTGATE_TLS_KU_KEY_AGREEMENT = 0x0008,
    JWTGATE_TLS_KU_KEY_CERT_SIGN = 0x0004,
    JWTGATE_TLS_XKU_SERVER_AUTH = 0x0001,
    JWTGATE_TLS_XKU_CLIENT_AUTH = 0x0002,
    JWTGATE_TLS_XKU_ANY = 0x0100,
};

enum jwtgate_tls_san_kind { JWTGATE_TLS_SAN_DNS = 1, JWTGATE_TLS_SAN_IP = 2 };

// MARK: - Certificates

/// Every PEM certificate in `pem` in file order (other PEM blocks are skipped). Never NULL unless out of
/// memory; `status` says whether a certificate block failed to decode (the ones before it are kept).
void *jwtgate_tls_certs_read(const char *pem, size_t len, int *status);
int jwtgate_tls_certs_count(const void *certs);
void jwtgate_tls_certs_free(void *certs);

/// 1 when certificate `issuer` names and signs certificate `subject` (X509_check_issued and the signature).
int jwtgate_tls_cert_issued_by(const void *certs, int subject, int issuer);
/// 1 when the certificate is self-issued and its signature verifies with its own key.
int jwtgate_tls_cert_self_signed(const void *certs, int index);
/// 1 when basicConstraints says CA:TRUE.
int jwtgate_tls_cert_is_ca(const void *certs, int index);
/// notBefore / notAfter as Unix seconds; 1 on success.
int jwtgate_tls_cert_not_before(const void *certs, int index, int64_t *out);
int jwtgate_tls_cert_not_after(const void *certs, int index, int64_t *out);
/// keyUsage bits, or -1 when the certificate has no keyUsage extension.
int64_t jwtgate_tls_cert_key_usage(const void *certs, int index);
/// extendedKeyUsage bits, or -1 when the certificate has no extendedKeyUsage extension.
int64_t jwtgate_tls_cert_extended_key_usage(const void *certs, int index);
/// 1 when X509_check_purpose allows the certificate as a TLS server (`client` = 0) or client (1) certificate.
int jwtgate_tls_cert_purpose_ok(const void *certs, int index, int client);
/// The subject as one RFC 2253 line (`CN=api.example.com,O=Example`); returns its length (truncated to
/// `cap - 1`, NUL-terminated) or -1.
int jwtgate_tls_cert_subject(const void *certs, int index, char *out, size_t cap);
/// The subject's commonName; length or -1 when there is none.
int jwtgate_tls_cert_common_name(const void *certs, int index, char *out, size_t cap);
/// Number of subjectAltName entries of any kind.
int jwtgate_tls_cert_san_count(const void *certs, int index);
/// One subjectAltName entry: DNS names as written, IP addresses as text (inet_ntop). Returns the length and
/// sets `kind` (jwtgate_tls_san_kind), or -1 for other kinds (email, URI, …) and malformed entries.
int jwtgate_tls_cert_san(const void *certs, int index, int entry, int *kind, char *out, size_t cap);
/// The certificate's public key (EVP_PKEY*, a new reference: free with jwtgate_tls_key_free), or NULL.
void *jwtgate_tls_cert_public_key(const void *certs, int index);
/// 1 when `key` (EVP_PKEY*) is the private key of the certificate's public key.
int jwtgate_tls_cert_matches_key(const void *certs, int index, void *key);
/// Verifies certificate 0 up the chain the file gives, trusting the file's last certificate (partial chain),
/// at Unix time `at`, for the TLS server purpose. Returns X509_V_OK (0) or the X509_V_ERR_* code, writes
/// OpenSSL's wording into `message` and the failing certificate's position into `depth`.
int jwtgate_tls_chain_verify(const void *certs, int64_t at, int *depth, char *message, size_t cap);

// MARK: - Keys

/// The first private key in `pem`; NULL with `status` set when there is none, it is encrypted (no passphrase
/// is ever asked for) or it does not decode.
void *jwtgate_tls_key_read(const char *pem, size_t len, int *status);
/// jwtgate_tls_key_type
int jwtgate_tls_key_type(void *key);
/// Size in bits (RSA modulus, EC group order).
int jwtgate_tls_key_bits(void *key);
/// OpenSSL's name for the key type (`RSA`, `EC`, `ED25519`, `DSA`, …); length or -1.
int jwtgate_tls_key_type_name(void *key, char *out, size_t cap);
/// The EC curve's name (`prime256v1`, `secp384r1`, `secp521r1`, …); length or -1 (not EC, or explicit params).
int jwtgate_tls_key_curve(void *key, char *out, size_t cap);
void jwtgate_tls_key_free(void *key);
#endif
