#include "jwtgate_random.h"
#include <openssl/rand.h>
#include <string.h>

enum { POOL_BYTES = 512 };

static __thread unsigned char pool[POOL_BYTES];
static __thread unsigned pool_used = POOL_BYTES;

uint64_t jwtgate_random_u64(int *ok) {
    if (pool_used + sizeof(uint64_t) > POOL_BYTES) {
        if (RAND_bytes(pool, POOL_BYTES) != 1) {
            *ok = 0;
            return 0;
        }
        pool_used = 0;
    }
    uint64_t value;
    memcpy(&value, pool + pool_used, sizeof value);
    // Each identifier's bytes leave the pool: nothing drawn is kept for a second reader.
    memset(pool + pool_used, 0, sizeof value);
    pool_used += sizeof value;
    *ok = 1;
    return value;
}
