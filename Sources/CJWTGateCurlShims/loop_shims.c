// The event loop's system calls and libcurl's loop-related setters; see CJWTGateLoopShims.h for why each exists.
#define _GNU_SOURCE
#include "CJWTGateLoopShims.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int jwtgate_loop_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int jwtgate_loop_epoll_ctl(int epfd, int op, int fd, uint32_t interest, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    if (interest & JWTGATE_LOOP_IN) event.events |= EPOLLIN;
    if (interest & JWTGATE_LOOP_OUT) event.events |= EPOLLOUT;
    if (interest & JWTGATE_LOOP_RDHUP) event.events |= EPOLLRDHUP;
    if (interest & JWTGATE_LOOP_EDGE) event.events |= EPOLLET;
    event.data.u64 = token;
    int how = op == 0 ? EPOLL_CTL_ADD : op == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    return epoll_ctl(epfd, how, fd, &event) == 0 ? 0 : errno;
}

int jwtgate_loop_epoll_wait(int epfd, uint64_t *tokens, uint32_t *ready, int max, int timeout_ms) {
    struct epoll_event events[512];
    if (max > 512) max = 512;
    int n;
    do {
        n = epoll_wait(epfd, events, max, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        uint32_t bits = 0, e = events[i].events;
        if (e & EPOLLIN) bits |= JWTGATE_LOOP_IN;
        if (e & EPOLLOUT) bits |= JWTGATE_LOOP_OUT;
        if (e & (EPOLLHUP | EPOLLRDHUP)) bits |= JWTGATE_LOOP_HUP;
        if (e & EPOLLERR) bits |= JWTGATE_LOOP_ERR;
        tokens[i] = events[i].data.u64;
        ready[i] = bits;
    }
    return n;
}

int jwtgate_loop_eventfd_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void jwtgate_loop_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t r;
    do {
        r = write(fd, &one, sizeof one);
    } while (r < 0 && errno == EINTR);
}

void jwtgate_loop_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t r;
    do {
        r = read(fd, &value, sizeof value);
    } while (r < 0 && errno == EINTR);
}

int jwtgate_loop_listen(const char *host, int port, int backlog, int *bound_port) {
    struct sockaddr_storage storage;
    socklen_t length;
    memset(&storage, 0, sizeof storage);
    int family;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        family = AF_INET;
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        length = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        family = AF_INET6;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        length = sizeof *v6;
    } else {
        return -EINVAL;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0 ||
        (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, (struct sockaddr *)&storage, length) < 0 || listen(fd, backlog) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &bound_length) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    if (bound_port) {
        *bound_port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                                  : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    }
    return fd;
}

int jwtgate_loop_accept(int listen_fd, unsigned char *address, int *family) {
    struct sockaddr_storage peer;
    socklen_t length;
    int fd;
    do {
        length = sizeof peer;
        fd = accept4(listen_fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return -errno;
    *family = 0;
    if (peer.ss_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        memcpy(address, &((struct sockaddr_in *)&peer)->sin_addr, 4);
        *family = AF_INET;
    } else if (peer.ss_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        memcpy(address, &((struct sockaddr_in6 *)&peer)->sin6_addr, 16);
        *family = AF_INET6;
    }
    return fd;
}

int jwtgate_loop_set_nodelay(int fd) {
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 ? 0 : errno;
}

uint64_t jwtgate_loop_thread_cpu_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int jwtgate_loop_gettid(void) { return (int)syscall(SYS_gettid); }

CURLcode jwtgate_curl_easy_setopt_read_callback(CURL *handle, jwtgate_curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

CURLcode jwtgate_curl_easy_setopt_opensocket_callback(CURL *handle, jwtgate_curl_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

CURLcode jwtgate_curl_easy_setopt_closesocket_callback(CURL *handle, jwtgate_curl_closesocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, callback);
}

curl_socket_t jwtgate_curl_open_socket(const struct curl_sockaddr *address) {
    int fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    return fd < 0 ? CURL_SOCKET_BAD : fd;
}

int jwtgate_curl_pause_bits(int recv_paused, int send_paused) {
    return (recv_paused ? CURLPAUSE_RECV : CURLPAUSE_RECV_CONT) | (send_paused ? CURLPAUSE_SEND : CURLPAUSE_SEND_CONT);
}
