#include "jwtgate_jwt_crypto.h"
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/decoder.h>
#include <string.h>

void *jwtgate_hmac_new(const char *digest, const uint8_t *key, size_t key_len) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    if (ctx == NULL) return NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    // An empty HMAC key is legal in JWT (PyJWT accepts b""); OpenSSL needs a non-NULL pointer.
    static const uint8_t empty = 0;
    if (!EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params)) {
        EVP_MAC_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    return ctx;
}

int jwtgate_hmac_compute(void *ctx, const uint8_t *data, size_t len, uint8_t *out, size_t out_cap) {
    EVP_MAC_CTX *c = (EVP_MAC_CTX *)ctx;
    size_t out_len = 0;
    // Re-init with NULL key keeps the key schedule: ~5x cheaper than a one-shot HMAC().
    if (!EVP_MAC_init(c, NULL, 0, NULL) || !EVP_MAC_update(c, data, len) ||
        !EVP_MAC_final(c, out, &out_len, out_cap)) {
        ERR_clear_error();
        return -1;
    }
    return (int)out_len;
}

void jwtgate_hmac_free(void *ctx) { EVP_MAC_CTX_free((EVP_MAC_CTX *)ctx); }

static EVP_PKEY *decode_pem(const char *pem, size_t len, int selection) {
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL, selection, NULL, NULL);
    if (dctx == NULL) return NULL;
    const unsigned char *p = (const unsigned char *)pem;
    size_t remaining = len;
    // No passphrase callback is set, so encrypted keys fail here (as in PyJWT 1.7.1).
    if (!OSSL_DECODER_from_data(dctx, &p, &remaining)) pkey = NULL;
    OSSL_DECODER_CTX_free(dctx);
    return pkey;
}

void *jwtgate_pkey_from_pem(const char *pem, size_t len, int want_private) {
    EVP_PKEY *pkey = NULL;
    if (want_private) {
        pkey = decode_pem(pem, len, EVP_PKEY_KEYPAIR);
    } else {
        pkey = decode_pem(pem, len, EVP_PKEY_PUBLIC_KEY);
        if (pkey == NULL) {  // a certificate carries the public key too
            BIO *bio = BIO_new_mem_buf(pem, (int)len);
            if (bio != NULL) {
                X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
                if (cert != NULL) {
                    pkey = X509_get_pubkey(cert);
                    X509_free(cert);
                }
                BIO_free(bio);
            }
        }
    }
    ERR_clear_error();
    return pkey;
}

int jwtgate_pkey_kind(void *pkey) {
    EVP_PKEY *k = (EVP_PKEY *)pkey;
    if (EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_is_a(k, "RSA-PSS")) return JWTGATE_PKEY_RSA;
    if (EVP_PKEY_is_a(k, "EC")) return JWTGATE_PKEY_EC;
    return JWTGATE_PKEY_OTHER;
}

int jwtgate_pkey_bits(void *pkey) { return EVP_PKEY_get_bits((EVP_PKEY *)pkey); }

void jwtgate_pkey_free(void *pkey) { EVP_PKEY_free((EVP_PKEY *)pkey); }

static int configure_padding(EVP_PKEY_CTX *pctx, int scheme, const EVP_MD *md) {
    if (scheme == JWTGATE_SIG_RSA_PKCS1) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    if (scheme == JWTGATE_SIG_RSA_PSS) {
        // PyJWT: MGF1 with the same hash, salt length = hash length.
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
               EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
               EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0;
    }
    return 1;
}

int jwtgate_sign(void *pkey, int scheme, const char *digest, const uint8_t *data, size_t len,
                 uint8_t *out, size_t out_cap) {
    EVP_PKEY *k = (EVP_PKEY *)pkey;
    const EVP_MD *md = EVP_get_digestbyname(digest);
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char der[256];
    size_t der_len = 0;
    int result = -1;
    if (md == NULL || mctx == NULL) goto done;
    if (EVP_DigestSignInit(mctx, &pctx, md, NULL, k) != 1) goto done;
    if (!configure_padding(pctx, scheme, md)) goto done;
    if (scheme == JWTGATE_SIG_ECDSA) {
        der_len = sizeof der;
        if (EVP_DigestSign(mctx, der, &der_len, data, len) != 1) goto done;
        const unsigned char *p = der;
        ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
        if (sig == NULL) goto done;
        int n = (EVP_PKEY_get_bits(k) + 7) / 8;
        if ((size_t)(2 * n) <= out_cap &&
            BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, n) == n &&
            BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + n, n) == n) {
            result = 2 * n;
        }
        ECDSA_SIG_free(sig);
    } else {
        size_t sig_len = out_cap;
        if (EVP_DigestSign(mctx, out, &sig_len, data, len) == 1) result = (int)sig_len;
    }
done:
    EVP_MD_CTX_free(mctx);
    ERR_clear_error();
    return result;
}

int jwtgate_verify(void *pkey, int scheme, const char *digest, const uint8_t *data, size_t len,
                   const uint8_t *sig, size_t sig_len) {
    EVP_PKEY *k = (EVP_PKEY *)pkey;
    const EVP_MD *md = EVP_get_digestbyname(digest);
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *der = NULL;
    int ok = 0;
    if (md == NULL || mctx == NULL) goto done;
    if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, k) != 1) goto done;
    if (!configure_padding(pctx, scheme, md)) goto done;
    if (scheme == JWTGATE_SIG_ECDSA) {
        int n = (EVP_PKEY_get_bits(k) + 7) / 8;
        if (sig_len != (size_t)(2 * n)) goto done;  // PyJWT: wrong length is an invalid signature
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig, n, NULL);
        BIGNUM *s = BN_bin2bn(sig + n, n, NULL);
        if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r); BN_free(s); ECDSA_SIG_free(es);
            goto done;
        }
        int der_len = i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);
        if (der_len <= 0) goto done;
        ok = EVP_DigestVerify(mctx, der, (size_t)der_len, data, len) == 1;
    } else {
        ok = EVP_DigestVerify(mctx, sig, sig_len, data, len) == 1;
    }
done:
    OPENSSL_free(der);
    EVP_MD_CTX_free(mctx);
    ERR_clear_error();
    return ok;
}

int jwtgate_random_bytes(uint8_t *out, size_t len) { return RAND_bytes(out, (int)len) == 1; }

void jwtgate_clear_errors(void) { ERR_clear_error(); }
