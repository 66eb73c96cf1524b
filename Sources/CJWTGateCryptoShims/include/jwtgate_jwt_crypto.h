// JWT signing and verification on OpenSSL 3. These wrappers exist because the keyed HMAC context
// needs an OSSL_PARAM array whose string pointers must outlive EVP_MAC_init (a Swift temporary
// dangles: platform-measurements §3), because ECDSA signatures must be converted between JWT's raw
// r||s and OpenSSL's DER, and because PEM loading tries several formats in a row.
#ifndef JWTGATE_JWT_CRYPTO_H
#define JWTGATE_JWT_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

enum jwtgate_pkey_kind { JWTGATE_PKEY_OTHER = 0, JWTGATE_PKEY_RSA = 1, JWTGATE_PKEY_EC = 2 };
enum jwtgate_sig_scheme { JWTGATE_SIG_RSA_PKCS1 = 0, JWTGATE_SIG_RSA_PSS = 1, JWTGATE_SIG_ECDSA = 2 };

/// A keyed HMAC context (EVP_MAC_CTX*) for digest "SHA256", "SHA384" or "SHA512"; NULL on failure.
/// Not thread-safe: one user at a time.
void *jwtgate_hmac_new(const char *digest, const uint8_t *key, size_t key_len);
/// Re-initialises the keyed context and computes HMAC(data); returns the MAC length, or -1.
int jwtgate_hmac_compute(void *ctx, const uint8_t *data, size_t len, uint8_t *out, size_t out_cap);
void jwtgate_hmac_free(void *ctx);

/// Loads a PEM private key (want_private=1) or public key / certificate / PKCS#1 RSA public key
/// (want_private=0). Returns an EVP_PKEY* or NULL. Encrypted keys are refused.
void *jwtgate_pkey_from_pem(const char *pem, size_t len, int want_private);
int jwtgate_pkey_kind(void *pkey);
/// Size in bits (RSA modulus, EC group order).
int jwtgate_pkey_bits(void *pkey);
void jwtgate_pkey_free(void *pkey);

/// Signs data with digest; ECDSA output is raw r||s, each left-padded to the key's size.
/// Returns the signature length or -1.
int jwtgate_sign(void *pkey, int scheme, const char *digest, const uint8_t *data, size_t len,
                 uint8_t *out, size_t out_cap);
/// 1 valid, 0 invalid (including malformed signatures). ECDSA input is raw r||s.
int jwtgate_verify(void *pkey, int scheme, const char *digest, const uint8_t *data, size_t len,
                   const uint8_t *sig, size_t sig_len);

/// Cryptographically secure random bytes; 1 on success.
int jwtgate_random_bytes(uint8_t *out, size_t len);
/// Drains OpenSSL's thread-local error queue (so later calls start clean).
void jwtgate_clear_errors(void);
#endif
