// C entry points for Django password verification that Swift cannot make safely on its own.
// Everything else (PBKDF2, scrypt, MD5/SHA-1, argon2, RAND_bytes, CRYPTO_memcmp) is called from Swift directly.
#ifndef JWTGATE_PASSWORDS_H
#define JWTGATE_PASSWORDS_H

#include <stddef.h>

/// Runs libxcrypt's crypt_r(phrase, setting) and copies the resulting hash string into out.
/// Exists because struct crypt_data is about 32 KiB: Swift imports it as a huge tuple and would
/// place it on the stack, so this function heap-allocates a fresh one per call (no shared state,
/// safe from any number of threads) and frees it again.
/// Returns the length of the hash written to out (NUL-terminated), or -1 when crypt_r fails, returns a
/// failure token ("*0", "*1"), or the result does not fit in out_capacity.
int jwtgate_pw_crypt(const char *phrase, const char *setting, char *out, size_t out_capacity);

#endif
