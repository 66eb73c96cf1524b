// Typed C entry points for the per-core event loop (Sources/JWTGateServer/Loop) and for libcurl driven
// on that loop (Forwarding/LoopCurlMulti.swift). Each function says why it is C rather than Swift:
// Swift's Glibc module does not export <sys/epoll.h> or <sys/eventfd.h>, hides accept4 and SOCK_CLOEXEC
// behind _GNU_SOURCE, and cannot call libcurl's variadic setopt or read its composite macros.
#ifndef CJWTGATE_LOOP_SHIMS_H
#define CJWTGATE_LOOP_SHIMS_H

#include <stdint.h>
#include <stddef.h>
#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: epoll

/// Interest and readiness bits, our own so Swift needs no epoll constants.
enum {
    JWTGATE_LOOP_IN = 1,      ///< EPOLLIN
    JWTGATE_LOOP_OUT = 2,     ///< EPOLLOUT
    JWTGATE_LOOP_HUP = 4,     ///< ready only: EPOLLHUP or EPOLLRDHUP (peer closed, or shut down its side)
    JWTGATE_LOOP_ERR = 8,     ///< ready only: EPOLLERR
    JWTGATE_LOOP_RDHUP = 16,  ///< interest only: also report EPOLLRDHUP (a client half-closed)
    JWTGATE_LOOP_EDGE = 32,   ///< interest only: EPOLLET
};

/// <sys/epoll.h> is not in Swift's Glibc module. epoll_create1(EPOLL_CLOEXEC); -1 with errno on failure.
int jwtgate_loop_epoll_create(void);

/// epoll_ctl with a 64-bit token in epoll_event.data (the event struct is packed on x86-64, awkward
/// from Swift). op: 0 add, 1 modify, 2 delete. Returns 0 or the errno value (EEXIST, ENOENT, ...).
int jwtgate_loop_epoll_ctl(int epfd, int op, int fd, uint32_t interest, uint64_t token);

/// epoll_wait into two flat arrays (tokens, JWTGATE_LOOP_* ready bits); retries on EINTR.
/// Returns the count (0 on timeout) or -1 with errno.
int jwtgate_loop_epoll_wait(int epfd, uint64_t *tokens, uint32_t *ready, int max, int timeout_ms);

// MARK: eventfd

/// <sys/eventfd.h> is not in Swift's Glibc module: a non-blocking, close-on-exec eventfd, or -1.
int jwtgate_loop_eventfd_create(void);
/// Adds 1 to the counter (wakes an epoll_wait watching it). EAGAIN (counter full) already means "awake".
void jwtgate_loop_eventfd_signal(int fd);
/// Resets the counter to 0 (one read of the 8-byte value).
void jwtgate_loop_eventfd_drain(int fd);

// MARK: sockets

/// A listening TCP socket: socket(SOCK_NONBLOCK|SOCK_CLOEXEC), SO_REUSEADDR, SO_REUSEPORT (one socket
/// per loop on the same address; the kernel spreads connections), IPV6_V6ONLY for IPv6 (so "::" and
/// "0.0.0.0" can both be bound), bind, listen. `host` is a numeric IPv4 or IPv6 address. C because the
/// sockaddr_in/sockaddr_in6 casts are long-winded in Swift. Returns the fd and sets *bound_port
/// (useful with port 0), or returns -errno (-EINVAL for a host that is not a numeric address).
int jwtgate_loop_listen(const char *host, int port, int backlog, int *bound_port);

/// accept4(fd, &peer, &length, SOCK_NONBLOCK|SOCK_CLOEXEC): needs _GNU_SOURCE, which Swift's Glibc module
/// does not define. Returns the new fd, or -errno (-EAGAIN when none is pending, -EMFILE, ...). The
/// client's address is copied to `address` (16 bytes of room: 4 used for AF_INET, 16 for AF_INET6) and its
/// family to `*family` (0 when neither), so no getpeername(2) is needed afterwards.
int jwtgate_loop_accept(int listen_fd, unsigned char *address, int *family);

/// setsockopt(IPPROTO_TCP, TCP_NODELAY, 1). Returns 0 or the errno value.
int jwtgate_loop_set_nodelay(int fd);

/// The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID), for tests and measurements.
uint64_t jwtgate_loop_thread_cpu_ns(void);

/// The kernel thread id (gettid), to find the thread in /proc/self/task.
int jwtgate_loop_gettid(void);

// MARK: libcurl on the loop

/// The shapes of CURLOPT_READFUNCTION, CURLOPT_OPENSOCKETFUNCTION and CURLOPT_CLOSESOCKETFUNCTION.
typedef size_t (*jwtgate_curl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef curl_socket_t (*jwtgate_curl_opensocket_callback)(void *clientp, curlsocktype purpose, struct curl_sockaddr *address);
typedef int (*jwtgate_curl_closesocket_callback)(void *clientp, curl_socket_t item);

/// curl_easy_setopt is variadic: CURLOPT_READFUNCTION (streamed request bodies).
CURLcode jwtgate_curl_easy_setopt_read_callback(CURL *handle, jwtgate_curl_read_callback callback);
/// curl_easy_setopt is variadic: CURLOPT_OPENSOCKETFUNCTION (to learn which fds libcurl opened).
CURLcode jwtgate_curl_easy_setopt_opensocket_callback(CURL *handle, jwtgate_curl_opensocket_callback callback);
/// curl_easy_setopt is variadic: CURLOPT_CLOSESOCKETFUNCTION (to forget a fd before it is closed).
CURLcode jwtgate_curl_easy_setopt_closesocket_callback(CURL *handle, jwtgate_curl_closesocket_callback callback);

/// What libcurl's own open-socket code does, plus SOCK_CLOEXEC (a Glibc enum member Swift imports
/// awkwardly): socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol).
curl_socket_t jwtgate_curl_open_socket(const struct curl_sockaddr *address);

/// curl_easy_pause's bitmask is built from macros over macros (CURLPAUSE_*): receive and/or send paused.
int jwtgate_curl_pause_bits(int recv_paused, int send_paused);

#ifdef __cplusplus
}
#endif

#endif
