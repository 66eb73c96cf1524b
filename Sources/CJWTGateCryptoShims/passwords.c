#define _DEFAULT_SOURCE
#include "jwtgate_passwords.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

int jwtgate_pw_crypt(const char *phrase, const char *setting, char *out, size_t out_capacity) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) {
        return -1;
    }
    int written = -1;
    const char *hash = crypt_r(phrase, setting, data);
    if (hash != NULL && hash[0] != '*') {
        size_t length = strlen(hash);
        if (length < out_capacity) {
            memcpy(out, hash, length + 1);
            written = (int)length;
        }
    }
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return written;
}
