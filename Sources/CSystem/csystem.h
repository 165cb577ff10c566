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

extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pipe2(int pipefd[2], int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
extern int pthread_getname_np(pthread_t thread, char *name, size_t size);
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

static const short CSYSTEM_POLLRDHUP = 0x2000;

#endif
