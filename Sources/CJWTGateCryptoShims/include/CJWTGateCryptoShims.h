// Umbrella header: typed C entry points for what Swift cannot call on OpenSSL, libargon2 and
// libxcrypt directly (variadic functions, macros, OSSL_PARAM arrays whose pointers must outlive a call).
#ifndef CJWTGATE_CRYPTO_SHIMS_H
#define CJWTGATE_CRYPTO_SHIMS_H
#include "jwtgate_jwt_crypto.h"
#include "jwtgate_passwords.h"
#include "jwtgate_tls_certificates.h"
#include "jwtgate_random.h"
#endif
