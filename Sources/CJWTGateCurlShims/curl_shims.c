// Typed wrappers over libcurl's variadic functions and macro constants; see CJWTGateCurlShims.h.
#define _GNU_SOURCE
#include <pthread.h>
#include "CJWTGateCurlShims.h"

CURLcode jwtgate_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode jwtgate_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode jwtgate_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode jwtgate_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, jwtgate_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode jwtgate_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode jwtgate_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode jwtgate_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLMcode jwtgate_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

long jwtgate_curl_global_all(void) { return CURL_GLOBAL_ALL; }

int jwtgate_curl_pause_recv(void) { return CURLPAUSE_RECV; }

int jwtgate_curl_pause_cont(void) { return CURLPAUSE_CONT; }

int jwtgate_curl_name_current_thread(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#else
    return pthread_setname_np(pthread_self(), name);
#endif
}
