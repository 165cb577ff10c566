/* The few Linux interfaces that Swift's Glibc module does not export.
 * _GNU_SOURCE is deliberately not defined here: it changes the shape of
 * struct sockaddr arguments and fd_set as Swift sees them, so the GNU-only
 * prototypes are declared by hand instead. */
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/syscall.h>

extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pipe2(int pipefd[2], int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
extern int pthread_getname_np(pthread_t thread, char *name, size_t size);
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

/* The calls of the loop's hot path, made through syscall(2) rather than
 * glibc's wrappers. Those are pthread cancellation points: once a process has
 * a second thread, each call turns asynchronous cancellation on and off
 * around the system call (two atomic compare-and-swaps; 87 of the 1,850
 * instructions an echoed line cost). Nothing here cancels threads, so that
 * buys nothing. syscall(2) sets errno as the wrappers do.
 *
 * A program running under ThreadSanitizer or AddressSanitizer (whose runtime
 * is then linked in) keeps the wrappers: the sanitizers see only the calls
 * they intercept. ThreadSanitizer orders a send before the recv that gets its
 * bytes, and runs a signal handler at once only for a thread blocked in an
 * intercepted call such as epoll_wait; AddressSanitizer checks the buffers. */
extern void __sanitizer_set_report_path(const char *path) __attribute__((weak));

/* One symbol every sanitizer runtime has: one compare on the hot path. */
static inline int csystem_calls_glibc(void) {
    return __sanitizer_set_report_path != 0;
}

static inline ssize_t csystem_recv(int fd, void *buffer, size_t length, int flags) {
    if (csystem_calls_glibc()) return recv(fd, buffer, length, flags);
    return syscall(SYS_recvfrom, fd, buffer, length, flags, NULL, NULL);
}

static inline ssize_t csystem_send(int fd, const void *buffer, size_t length, int flags) {
    if (csystem_calls_glibc()) return send(fd, buffer, length, flags);
    return syscall(SYS_sendto, fd, buffer, length, flags, NULL, 0);
}

static inline ssize_t csystem_sendmsg(int fd, const struct msghdr *message, int flags) {
    if (csystem_calls_glibc()) return sendmsg(fd, message, flags);
    return syscall(SYS_sendmsg, fd, message, flags);
}

/* epoll_pwait with no signal mask is epoll_wait, and exists on every
 * architecture (arm64 has no epoll_wait). */
static inline int csystem_epoll_wait(int epfd, struct epoll_event *events, int count, int timeout) {
    if (csystem_calls_glibc()) return epoll_wait(epfd, events, count, timeout);
    return (int)syscall(SYS_epoll_pwait, epfd, events, count, timeout, NULL, 8 /* the kernel's sigset size */);
}

/* ThreadSanitizer's annotations, for the orderings it cannot see: Swift's
 * Mutex hands a contended lock over in the kernel (a PI futex), and a task
 * whose continuation was resumed before it suspended goes on without the
 * runtime telling ThreadSanitizer. Without the sanitizer they are no-ops. */
extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));

static inline int csystem_tsan_is_running(void) {
    return __tsan_acquire != 0;
}

static inline void csystem_tsan_acquire(const void *address) {
    if (__tsan_acquire != 0) __tsan_acquire((void *)address);
}

static inline void csystem_tsan_release(const void *address) {
    if (__tsan_release != 0) __tsan_release((void *)address);
}

static const short CSYSTEM_POLLRDHUP = 0x2000;

#endif
