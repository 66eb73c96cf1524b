// Typed wrappers over libcurl's variadic functions and macro constants; see CJWTGateCurlShims.h.
#define _GNU_SOURCE
#include <pthread.h>
#include "CJWTGateCurlShims.h"
#include <sys/epoll.h>
#include <errno.h>

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

CURLMcode jwtgate_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

CURLMcode jwtgate_curl_multi_setopt_socket_callback(CURLM *multi, jwtgate_curl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}

CURLMcode jwtgate_curl_multi_setopt_timer_callback(CURLM *multi, jwtgate_curl_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

curl_socket_t jwtgate_curl_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }

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

int jwtgate_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int jwtgate_epoll_control(int epfd, int op, int fd, int interest) {
    struct epoll_event event = {0};
    if (interest & JWTGATE_EPOLL_IN) event.events |= EPOLLIN;
    if (interest & JWTGATE_EPOLL_OUT) event.events |= EPOLLOUT;
    event.data.fd = fd;
    int how = op == 0 ? EPOLL_CTL_ADD : op == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    return epoll_ctl(epfd, how, fd, op == 2 ? NULL : &event);
}

int jwtgate_epoll_wait(int epfd, int *fds, int *ready, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n;
    do {
        n = epoll_wait(epfd, events, max, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        int bits = 0;
        if (events[i].events & EPOLLIN) bits |= JWTGATE_EPOLL_IN;
        if (events[i].events & EPOLLOUT) bits |= JWTGATE_EPOLL_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) bits |= JWTGATE_EPOLL_ERR;
        fds[i] = events[i].data.fd;
        ready[i] = bits;
    }
    return n;
}
