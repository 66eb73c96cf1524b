// Typed C entry points for the parts of libcurl that Swift cannot call directly.
// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic (Swift imports no C
// variadics), and a few constants are macros built from other macros. Each wrapper below is a
// plain forwarding call with one fixed argument type; the comment says why it exists.
#ifndef CJWTGATE_CURL_SHIMS_H
#define CJWTGATE_CURL_SHIMS_H

#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The callback shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (curl_write_callback).
typedef size_t (*jwtgate_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

/// curl_easy_setopt is variadic: this one passes a `long` (flags, counts, milliseconds).
CURLcode jwtgate_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);

/// curl_easy_setopt is variadic: this one passes a pointer (strings curl copies, slists, userdata, POSTFIELDS).
CURLcode jwtgate_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);

/// curl_easy_setopt is variadic: this one passes a `curl_off_t` (the *_LARGE sizes).
CURLcode jwtgate_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/// curl_easy_setopt is variadic: this one passes a data callback (CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION).
CURLcode jwtgate_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, jwtgate_curl_data_callback callback);

/// curl_easy_getinfo is variadic: this one reads a `long` (CURLINFO_RESPONSE_CODE, CURLINFO_NUM_CONNECTS, ...).
CURLcode jwtgate_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// curl_easy_getinfo is variadic: this one reads a pointer (CURLINFO_PRIVATE, CURLINFO_EFFECTIVE_URL, ...).
CURLcode jwtgate_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

/// curl_easy_getinfo is variadic: this one reads a `curl_off_t` (CURLINFO_*_T sizes and times).
CURLcode jwtgate_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

/// curl_multi_setopt is variadic: this one passes a `long` (CURLMOPT_MAXCONNECTS, CURLMOPT_MAX_HOST_CONNECTIONS, ...).
CURLMcode jwtgate_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// curl_multi_setopt is variadic; these carry the socket/timer callbacks of the
/// curl_multi_socket_action API and their user pointers.
typedef int (*jwtgate_curl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp);
typedef int (*jwtgate_curl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);
CURLMcode jwtgate_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value);
CURLMcode jwtgate_curl_multi_setopt_socket_callback(CURLM *multi, jwtgate_curl_socket_callback callback);
CURLMcode jwtgate_curl_multi_setopt_timer_callback(CURLM *multi, jwtgate_curl_timer_callback callback);

/// epoll for the driver's curl_multi_socket_action loop. Glibc's Swift module does not export
/// <sys/epoll.h>, and epoll_event is a packed union struct: flat arrays are simpler to share.
enum { JWTGATE_EPOLL_IN = 1, JWTGATE_EPOLL_OUT = 2, JWTGATE_EPOLL_ERR = 4 };
int jwtgate_epoll_create(void);
/// op: 0 add, 1 modify, 2 delete; interest: JWTGATE_EPOLL_IN | JWTGATE_EPOLL_OUT. 0 on success.
int jwtgate_epoll_control(int epfd, int op, int fd, int interest);
/// Waits up to timeout_ms; fills fds[i] and ready[i] (JWTGATE_EPOLL_* bits). Returns the count, or -1.
int jwtgate_epoll_wait(int epfd, int *fds, int *ready, int max, int timeout_ms);

/// CURL_SOCKET_TIMEOUT is a macro over a cast, which Swift does not import.
curl_socket_t jwtgate_curl_socket_timeout(void);

/// CURL_GLOBAL_ALL is a macro over other macros; exported as a value so Swift does not depend on the importer.
long jwtgate_curl_global_all(void);

/// CURLPAUSE_RECV is a macro; curl_easy_pause(handle, this) stops reading from the socket.
int jwtgate_curl_pause_recv(void);

/// CURLPAUSE_CONT is a macro over other macros; curl_easy_pause(handle, this) resumes both directions.
int jwtgate_curl_pause_cont(void);

/// pthread_setname_np needs _GNU_SOURCE, which Swift's Glibc module does not define: names the calling
/// (curl driver) thread so it shows in top and perf. Returns 0 or an errno value.
int jwtgate_curl_name_current_thread(const char *name);

#ifdef __cplusplus
}
#endif

// The event loop's and loop-driven libcurl's shims (this file is the module's umbrella header).
#include "CJWTGateLoopShims.h"

#endif
