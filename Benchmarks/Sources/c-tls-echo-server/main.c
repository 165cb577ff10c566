/* A lean TLS echo server, the C baseline: one thread, level-triggered epoll,
 * OpenSSL 3 straight on each non-blocking socket (SSL_set_fd), record
 * buffers released while idle. It echoes what it decrypts as it comes (raw
 * echo; the benchmark's lines come whole); echo the socket does not take is
 * kept, and the client is not read from until it drains.
 *
 *   c-tls-echo-server --cert FILE --key FILE [--host IPV4] [--port PORT]
 *
 * Prints "listening on HOST:PORT" first; SIGINT or SIGTERM end it, status 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct connection {
    int fd;
    SSL *ssl;
    uint32_t watching;
    int established;
    char *output;            /* echo SSL_write did not take yet */
    uint32_t output_length;
};

static volatile sig_atomic_t stopping;
static int epoll_fd;
static SSL_CTX *context;
static char scratch[16384];

static void on_signal(int number) { (void)number; stopping = 1; }

static void watch(struct connection *c, uint32_t events) {
    if (c->watching == events) return;
    struct epoll_event event = { .events = events, .data.ptr = c };
    epoll_ctl(epoll_fd, c->watching ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &event);
    c->watching = events;
}

static void drop(struct connection *c) {
    SSL_free(c->ssl);
    close(c->fd);
    free(c->output);
    free(c);
}

/* Watches for what OpenSSL waits for; 0 when it waits, -1 when the connection is over. */
static int wait_for(struct connection *c, int result) {
    switch (SSL_get_error(c->ssl, result)) {
    case SSL_ERROR_WANT_READ: watch(c, EPOLLIN); return 0;
    case SSL_ERROR_WANT_WRITE: watch(c, EPOLLOUT); return 0;
    default: ERR_clear_error(); return -1;
    }
}

/* Sends what is kept; 1 when nothing is left, 0 when waiting, -1 when over. */
static int flush(struct connection *c) {
    if (c->output_length == 0) return 1;
    int n = SSL_write(c->ssl, c->output, (int)c->output_length);
    if (n <= 0) return wait_for(c, n);
    free(c->output);
    c->output = NULL;
    c->output_length = 0;
    return 1;
}

/* Echoes what can be decrypted now; -1 when the connection is over. */
static int echo(struct connection *c) {
    for (;;) {
        int n = SSL_read(c->ssl, scratch, sizeof scratch);
        if (n <= 0) {
            if (SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN) return -1;
            return wait_for(c, n);
        }
        int sent = SSL_write(c->ssl, scratch, n);
        if (sent <= 0) {
            /* SSL_write must be retried with the same bytes: keep them. */
            c->output = malloc((size_t)n);
            memcpy(c->output, scratch, (size_t)n);
            c->output_length = (uint32_t)n;
            return wait_for(c, sent);
        }
    }
}

static void handle(struct connection *c) {
    if (!c->established) {
        int result = SSL_accept(c->ssl);
        if (result != 1) { if (wait_for(c, result) < 0) drop(c); return; }
        c->established = 1;
    }
    int flushed = flush(c);
    if (flushed < 0) { drop(c); return; }
    if (flushed == 0) return;
    if (echo(c) < 0) drop(c);
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        struct connection *c = calloc(1, sizeof *c);
        c->fd = fd;
        c->ssl = SSL_new(context);
        SSL_set_fd(c->ssl, fd);
        SSL_set_accept_state(c->ssl);
        watch(c, EPOLLIN);
    }
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *cert = NULL, *key = NULL;
    int port = 7014;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--cert")) cert = argv[i + 1];
        else if (!strcmp(argv[i], "--key")) key = argv[i + 1];
    }
    if (!cert || !key) { fprintf(stderr, "usage: c-tls-echo-server --cert FILE --key FILE [--host IPV4] [--port PORT]\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    context = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(context, cert) != 1 || SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "c-tls-echo-server: cannot load the certificate or key\n");
        return 1;
    }

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, host, &address.sin_addr);
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, SOMAXCONN) < 0) {
        perror("c-tls-echo-server");
        return 1;
    }
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("listening on %s:%d\n", host, ntohs(address.sin_port));
    fflush(stdout);

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event events[1024];
    while (!stopping) {
        int ready = epoll_wait(epoll_fd, events, 1024, 100);
        for (int i = 0; i < ready; i++) {
            if (events[i].data.ptr == NULL) accept_all(listener);
            else handle(events[i].data.ptr);
        }
    }
    return 0;
}
