/* A lean line-echo server, the C baseline: one thread, level-triggered
 * epoll, and per connection only a small struct; buffers exist only while a
 * partial line or unsent output needs them. Each complete line goes back
 * with its '\n'; a client whose unsent echo passes 1 MiB is not read from
 * until it drains.
 *
 *   c-echo-server [--host IPV4] [--port PORT]     (port 0: any free port)
 *
 * Prints "listening on HOST:PORT" first; SIGINT or SIGTERM end it, status 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PENDING (1 << 20)
#define MAX_LINE (64 * 1024)

struct connection {
    int fd;
    uint32_t watching;
    char *partial;           /* the start of a line whose '\n' has not come yet */
    uint32_t partial_length;
    char *output;            /* echo the socket did not take yet */
    uint32_t output_start, output_end, output_capacity;
};

static volatile sig_atomic_t stopping;
static int epoll_fd;
static char scratch[65536];

static void on_signal(int number) { (void)number; stopping = 1; }

static void watch(struct connection *c, uint32_t events) {
    if (c->watching == events) return;
    struct epoll_event event = { .events = events, .data.ptr = c };
    epoll_ctl(epoll_fd, c->watching ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &event);
    c->watching = events;
}

static void drop(struct connection *c) {
    close(c->fd);  /* also removes it from the epoll set */
    free(c->partial);
    free(c->output);
    free(c);
}

static uint32_t pending(const struct connection *c) { return c->output_end - c->output_start; }

/* Sends `length` bytes, queueing what the socket does not take; 0 when the peer is gone. */
static int send_or_queue(struct connection *c, const char *bytes, uint32_t length) {
    if (pending(c) == 0) {
        while (length > 0) {
            ssize_t n = send(c->fd, bytes, length, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) break;
                return 0;
            }
            bytes += n;
            length -= (uint32_t)n;
        }
        if (length == 0) return 1;
    }
    if (c->output_end + length > c->output_capacity) {
        uint32_t kept = pending(c);
        memmove(c->output, c->output + c->output_start, kept);
        c->output_start = 0;
        c->output_end = kept;
        if (kept + length > c->output_capacity) {
            c->output_capacity = kept + length > 2 * c->output_capacity ? kept + length : 2 * c->output_capacity;
            c->output = realloc(c->output, c->output_capacity);
        }
    }
    memcpy(c->output + c->output_end, bytes, length);
    c->output_end += length;
    return 1;
}

static int flush(struct connection *c) {
    while (pending(c) > 0) {
        ssize_t n = send(c->fd, c->output + c->output_start, pending(c), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return 1;
            return 0;
        }
        c->output_start += (uint32_t)n;
    }
    free(c->output);
    c->output = NULL;
    c->output_start = c->output_end = c->output_capacity = 0;
    return 1;
}

/* Echoes the complete lines of `bytes`, keeping a trailing partial line. */
static int consume(struct connection *c, const char *bytes, uint32_t length) {
    const char *last_newline = memrchr(bytes, '\n', length);
    if (!last_newline) {
        if (c->partial_length + length > MAX_LINE) return 0;
        c->partial = realloc(c->partial, c->partial_length + length);
        memcpy(c->partial + c->partial_length, bytes, length);
        c->partial_length += length;
        return 1;
    }
    uint32_t complete = (uint32_t)(last_newline - bytes) + 1;
    if (c->partial_length > 0) {
        if (!send_or_queue(c, c->partial, c->partial_length)) return 0;
        free(c->partial);
        c->partial = NULL;
        c->partial_length = 0;
    }
    if (!send_or_queue(c, bytes, complete)) return 0;
    if (complete < length) return consume(c, bytes + complete, length - complete);
    return 1;
}

static void handle(struct connection *c, uint32_t events) {
    if (events & EPOLLOUT) {
        if (!flush(c)) { drop(c); return; }
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (int reads = 0; reads < 4 && pending(c) < MAX_PENDING; reads++) {
            ssize_t n = recv(c->fd, scratch, sizeof scratch, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) break;
            if (n <= 0) {
                /* End of input: send what the socket takes of the queued echo, then close. */
                if (pending(c) > 0) { shutdown(c->fd, SHUT_RD); flush(c); }
                drop(c);
                return;
            }
            if (!consume(c, scratch, (uint32_t)n)) { drop(c); return; }
            if ((size_t)n < sizeof scratch) break;
        }
    }
    uint32_t wanted = (pending(c) < MAX_PENDING ? EPOLLIN : 0) | (pending(c) > 0 ? EPOLLOUT : 0);
    watch(c, wanted);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 7008;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && !strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (i + 1 < argc && !strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else { fprintf(stderr, "usage: c-echo-server [--host IPV4] [--port PORT]\n"); return 2; }
    }
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction action = { .sa_handler = on_signal };
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);

    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) { fprintf(stderr, "c-echo-server: bad host %s\n", host); return 2; }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, SOMAXCONN) < 0) {
        perror("c-echo-server: bind/listen");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("listening on %s:%d\n", host, ntohs(address.sin_port));
    fflush(stdout);

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event listen_event = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event);
    struct epoll_event events[1024];
    while (!stopping) {
        int ready = epoll_wait(epoll_fd, events, 1024, -1);
        for (int i = 0; i < ready; i++) {
            if (events[i].data.ptr) { handle(events[i].data.ptr, events[i].events); continue; }
            for (;;) {
                int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) break;  /* EAGAIN, or out of descriptors: try again next pass */
                struct connection *c = calloc(1, sizeof *c);
                c->fd = fd;
                watch(c, EPOLLIN);
            }
        }
    }
    return 0;
}
