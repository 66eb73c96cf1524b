#include "jwtgate_tls_certificates.h"
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <arpa/inet.h>
#include <string.h>

static STACK_OF(X509) *stack(const void *certs) { return (STACK_OF(X509) *)certs; }

static X509 *cert_at(const void *certs, int index) {
    if (certs == NULL || index < 0 || index >= sk_X509_num(stack(certs))) return NULL;
    return sk_X509_value(stack(certs), index);
}

/// Copies `len` bytes into `out` (cut to cap - 1) and NUL-terminates; returns the copied length.
static int copy_out(const char *text, size_t len, char *out, size_t cap) {
    if (out == NULL || cap == 0) return -1;
    if (len > cap - 1) len = cap - 1;
    memcpy(out, text, len);
    out[len] = 0;
    return (int)len;
}

// MARK: - Certificates

void *jwtgate_tls_certs_read(const char *pem, size_t len, int *status) {
    *status = JWTGATE_TLS_READ_OK;
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (certs == NULL || bio == NULL) {
        sk_X509_free(certs);
        BIO_free(bio);
        ERR_clear_error();
        return NULL;
    }
    for (;;) {
        X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (cert == NULL) {
            // The end of the text reads as "no start line"; anything else is a block that did not decode.
            unsigned long err = ERR_peek_last_error();
            if (!(ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
                *status = JWTGATE_TLS_READ_MALFORMED;
            }
            break;
        }
        if (!sk_X509_push(certs, cert)) {
            X509_free(cert);
            break;
        }
    }
    BIO_free(bio);
    ERR_clear_error();
    return certs;
}

int jwtgate_tls_certs_count(const void *certs) { return certs == NULL ? 0 : sk_X509_num(stack(certs)); }

void jwtgate_tls_certs_free(void *certs) { sk_X509_pop_free(stack(certs), X509_free); }

int jwtgate_tls_cert_issued_by(const void *certs, int subject, int issuer) {
    X509 *s = cert_at(certs, subject), *i = cert_at(certs, issuer);
    if (s == NULL || i == NULL) return 0;
    int ok = X509_check_issued(i, s) == X509_V_OK;
    if (ok) {
        EVP_PKEY *key = X509_get0_pubkey(i);
        ok = key != NULL && X509_verify(s, key) == 1;
    }
    ERR_clear_error();
    return ok;
}

int jwtgate_tls_cert_self_signed(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    int ok = x != NULL && X509_self_signed(x, 1) == 1;
    ERR_clear_error();
    return ok;
}

int jwtgate_tls_cert_is_ca(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return 0;
    int ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
    ERR_clear_error();
    return ca;
}

static int unix_seconds(const ASN1_TIME *time, int64_t *out) {
    ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
    int days = 0, seconds = 0;
    int ok = epoch != NULL && time != NULL && ASN1_TIME_diff(&days, &seconds, epoch, time);
    ASN1_TIME_free(epoch);
    ERR_clear_error();
    if (ok) *out = (int64_t)days * 86400 + seconds;
    return ok;
}

int jwtgate_tls_cert_not_before(const void *certs, int index, int64_t *out) {
    X509 *x = cert_at(certs, index);
    return x != NULL && unix_seconds(X509_get0_notBefore(x), out);
}

int jwtgate_tls_cert_not_after(const void *certs, int index, int64_t *out) {
    X509 *x = cert_at(certs, index);
    return x != NULL && unix_seconds(X509_get0_notAfter(x), out);
}

int64_t jwtgate_tls_cert_key_usage(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return -1;
    int64_t usage = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) ? (int64_t)X509_get_key_usage(x) : -1;
    ERR_clear_error();
    return usage;
}

int64_t jwtgate_tls_cert_extended_key_usage(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return -1;
    int64_t usage = (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) ? (int64_t)X509_get_extended_key_usage(x) : -1;
    ERR_clear_error();
    return usage;
}

int jwtgate_tls_cert_purpose_ok(const void *certs, int index, int client) {
    X509 *x = cert_at(certs, index);
    int ok = x != NULL && X509_check_purpose(x, client ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER, 0) == 1;
    ERR_clear_error();
    return ok;
}

int jwtgate_tls_cert_subject(const void *certs, int index, char *out, size_t cap) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return -1;
    BIO *bio = BIO_new(BIO_s_mem());
    int result = -1;
    if (bio != NULL && X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
        char *data = NULL;
        long n = BIO_get_mem_data(bio, &data);
        if (n >= 0) result = copy_out(data, (size_t)n, out, cap);
    }
    BIO_free(bio);
    ERR_clear_error();
    return result;
}

int jwtgate_tls_cert_common_name(const void *certs, int index, char *out, size_t cap) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return -1;
    X509_NAME *name = X509_get_subject_name(x);
    int position = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    int result = -1;
    if (position >= 0) {
        ASN1_STRING *value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, position));
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, value);
        if (n >= 0) result = copy_out((const char *)utf8, (size_t)n, out, cap);
        OPENSSL_free(utf8);
    }
    ERR_clear_error();
    return result;
}

int jwtgate_tls_cert_san_count(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return 0;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int count = names == NULL ? 0 : sk_GENERAL_NAME_num(names);
    GENERAL_NAMES_free(names);
    ERR_clear_error();
    return count;
}

int jwtgate_tls_cert_san(const void *certs, int index, int entry, int *kind, char *out, size_t cap) {
    X509 *x = cert_at(certs, index);
    if (x == NULL) return -1;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int result = -1;
    if (names != NULL && entry >= 0 && entry < sk_GENERAL_NAME_num(names)) {
        GENERAL_NAME *name = sk_GENERAL_NAME_value(names, entry);
        if (name->type == GEN_DNS) {
            *kind = JWTGATE_TLS_SAN_DNS;
            result = copy_out((const char *)ASN1_STRING_get0_data(name->d.dNSName),
                              (size_t)ASN1_STRING_length(name->d.dNSName), out, cap);
        } else if (name->type == GEN_IPADD) {
            int n = ASN1_STRING_length(name->d.iPAddress);
            const unsigned char *bytes = ASN1_STRING_get0_data(name->d.iPAddress);
            char text[INET6_ADDRSTRLEN];
            int family = n == 4 ? AF_INET : n == 16 ? AF_INET6 : 0;
            if (family != 0 && inet_ntop(family, bytes, text, sizeof text) != NULL) {
                *kind = JWTGATE_TLS_SAN_IP;
                result = copy_out(text, strlen(text), out, cap);
            }
        }
    }
    GENERAL_NAMES_free(names);
    ERR_clear_error();
    return result;
}

void *jwtgate_tls_cert_public_key(const void *certs, int index) {
    X509 *x = cert_at(certs, index);
    EVP_PKEY *key = x == NULL ? NULL : X509_get_pubkey(x);
    ERR_clear_error();
    return key;
}

int jwtgate_tls_cert_matches_key(const void *certs, int index, void *key) {
    X509 *x = cert_at(certs, index);
    int ok = x != NULL && key != NULL && X509_check_private_key(x, (EVP_PKEY *)key) == 1;
    ERR_clear_error();
    return ok;
}

int jwtgate_tls_chain_verify(const void *certs, int64_t at, int *depth, char *message, size_t cap) {
    *depth = 0;
    int count = jwtgate_tls_certs_count(certs);
    X509 *leaf = cert_at(certs, 0);
    X509 *anchor = cert_at(certs, count - 1);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int result = X509_V_ERR_UNSPECIFIED;
    if (leaf == NULL || store == NULL || ctx == NULL || !X509_STORE_add_cert(store, anchor) ||
        !X509_STORE_CTX_init(ctx, store, leaf, stack(certs))) {
        copy_out("could not set up verification", 29, message, cap);
        goto done;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_time(param, (time_t)at);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    if (X509_verify_cert(ctx) == 1) {
        result = X509_V_OK;
    } else {
        result = X509_STORE_CTX_get_error(ctx);
        *depth = X509_STORE_CTX_get_error_depth(ctx);
    }
    const char *text = X509_verify_cert_error_string(result);
    copy_out(text, strlen(text), message, cap);
done:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return result;
}

// MARK: - Keys

/// Never supplies a passphrase; notes that one was asked for (the key is encrypted).
static int refuse_passphrase(char *buf, int size, int rwflag, void *asked) {
    (void)buf; (void)size; (void)rwflag;
    *(int *)asked = 1;
    return -1;
}

void *jwtgate_tls_key_read(const char *pem, size_t len, int *status) {
    *status = JWTGATE_TLS_KEY_NONE;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        ERR_clear_error();
        return NULL;
    }
    int asked = 0;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, refuse_passphrase, &asked);
    if (key != NULL) {
        *status = JWTGATE_TLS_KEY_OK;
    } else if (asked) {
        *status = JWTGATE_TLS_KEY_ENCRYPTED;
    } else {
        unsigned long err = ERR_peek_last_error();
        int none = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
        *status = none ? JWTGATE_TLS_KEY_NONE : JWTGATE_TLS_KEY_MALFORMED;
    }
    BIO_free(bio);
    ERR_clear_error();
    return key;
}

int jwtgate_tls_key_type(void *key) {
    switch (EVP_PKEY_get_base_id((EVP_PKEY *)key)) {
    case EVP_PKEY_RSA: return JWTGATE_TLS_KEY_TYPE_RSA;
    case EVP_PKEY_EC: return JWTGATE_TLS_KEY_TYPE_EC;
    default: return JWTGATE_TLS_KEY_TYPE_OTHER;
    }
}

int jwtgate_tls_key_bits(void *key) { return EVP_PKEY_get_bits((EVP_PKEY *)key); }

int jwtgate_tls_key_type_name(void *key, char *out, size_t cap) {
    const char *name = EVP_PKEY_get0_type_name((EVP_PKEY *)key);
    if (name == NULL) return -1;
    return copy_out(name, strlen(name), out, cap);
}

int jwtgate_tls_key_curve(void *key, char *out, size_t cap) {
    EVP_PKEY *k = (EVP_PKEY *)key;
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || out == NULL || cap == 0) return -1;
    size_t n = 0;
    int ok = EVP_PKEY_get_group_name(k, out, cap, &n);
    ERR_clear_error();
    return ok ? (int)n : -1;
}

void jwtgate_tls_key_free(void *key) { EVP_PKEY_free((EVP_PKEY *)key); }
