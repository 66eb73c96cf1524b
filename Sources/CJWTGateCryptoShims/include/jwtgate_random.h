#ifndef JWTGATE_RANDOM_H
#define JWTGATE_RANDOM_H
#include <stdint.h>

/// 8 bytes from OpenSSL's DRBG, drawn 512 bytes at a time into a buffer of the calling thread: one
/// RAND_bytes call per 64 draws instead of one per draw (each call takes OpenSSL 3's ENGINE and provider
/// locks). For identifiers (trace and span ids), not keys. Sets *ok to 0 when OpenSSL could not supply
/// bytes (the caller then uses the system generator).
uint64_t jwtgate_random_u64(int *ok);
#endif
