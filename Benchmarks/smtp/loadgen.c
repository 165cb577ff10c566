/* SMTP load generator for the smtp benchmark: N connections (one thread
 * each) send M messages of S bytes in lock step (like Postfix smtp-source
 * without pipelining: each command waits for its reply), then QUIT.
 * Prints one line: "messages seconds messages_per_second".
 *
 *   loadgen HOST PORT CONNECTIONS MESSAGES SIZE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host;
static int port, per_connection, failures;
static char *body;
static size_t body_length;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct reader { int fd; char buffer[65536]; size_t start, end; };

static void fail(const char *what) {
    pthread_mutex_lock(&lock);
    failures++;
    fprintf(stderr, "loadgen: %s\n", what);
    pthread_mutex_unlock(&lock);
}

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent <= 0) return -1;
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

/* Reads one reply (all its lines); returns its code, or -1. */
static int read_reply(struct reader *r) {
    for (;;) {
        char *newline = memchr(r->buffer + r->start, '\n', r->end - r->start);
        if (newline) {
            char *line = r->buffer + r->start;
            r->start = (size_t)(newline - r->buffer) + 1;
            if (newline - line >= 3 && line[3] == ' ') return atoi(line);
            continue;
        }
        if (r->start > 0) {
            memmove(r->buffer, r->buffer + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->end == sizeof r->buffer) return -1;
        ssize_t got = recv(r->fd, r->buffer + r->end, sizeof r->buffer - r->end, 0);
        if (got <= 0) return -1;
        r->end += (size_t)got;
    }
}

static int command(struct reader *r, const char *text, int expected) {
    if (send_all(r->fd, text, strlen(text)) < 0) return -1;
    return read_reply(r) == expected ? 0 : -1;
}

static void *session(void *unused) {
    (void)unused;
    struct reader *r = calloc(1, sizeof *r);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    inet_pton(AF_INET, host, &address.sin_addr);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* A lost connection fails the run instead of hanging it. */
    struct timeval limit = { .tv_sec = 30 };
    setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    if (connect(r->fd, (struct sockaddr *)&address, sizeof address) < 0) { fail("connect"); goto done; }
    if (read_reply(r) != 220) { fail("greeting"); goto done; }
    if (command(r, "EHLO loadgen.test\r\n", 250) < 0) { fail("EHLO"); goto done; }
    for (int i = 0; i < per_connection; i++) {
        if (command(r, "MAIL FROM:<load@generator.test>\r\n", 250) < 0) { fail("MAIL"); goto done; }
        if (command(r, "RCPT TO:<sink@server.test>\r\n", 250) < 0) { fail("RCPT"); goto done; }
        if (command(r, "DATA\r\n", 354) < 0) { fail("DATA"); goto done; }
        if (send_all(r->fd, body, body_length) < 0 || command(r, ".\r\n", 250) < 0) { fail("message"); goto done; }
    }
    command(r, "QUIT\r\n", 221);
done:
    close(r->fd);
    free(r);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: loadgen HOST PORT CONNECTIONS MESSAGES SIZE\n");
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    int connections = atoi(argv[3]);
    int messages = atoi(argv[4]);
    size_t size = (size_t)atol(argv[5]);
    per_connection = messages / connections;

    /* A header, then 76-character lines, CRLF-terminated, about SIZE bytes. */
    body = malloc(size + 200);
    body_length = (size_t)sprintf(body, "Subject: load\r\nFrom: load@generator.test\r\n\r\n");
    while (body_length + 78 <= size) {
        memset(body + body_length, 'a' + (int)(body_length % 26), 76);
        body_length += 76;
        body[body_length++] = '\r';
        body[body_length++] = '\n';
    }

    pthread_t *threads = calloc((size_t)connections, sizeof *threads);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, session, NULL);
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    int sent = per_connection * connections;
    printf("%d %.3f %.1f\n", sent, seconds, (double)sent / seconds);
    return failures ? 1 : 0;
}
