/* Load generator for the TLS echo benchmarks: epoll, non-blocking, one
 * thread, OpenSSL 3 on each client socket (no certificate check: the
 * client's cost should stay small and the same for every server).
 *
 *   tls-loadgen --port P --scenario storm      --clients 1000 [--server-pid PID]
 *   tls-loadgen --port P --scenario bursts     --clients 50 --depth 16 --duration 5
 *   tls-loadgen --port P --scenario handshakes --clients 32 --duration 5
 *
 * storm:      every client connects, completes a full handshake, sends one
 *             64-byte line, reads its echo, then stays connected, idle.
 *             Reports the server's VmRSS before and after: bytes per idle
 *             TLS connection.
 * bursts:     every client (handshaken first, outside the measurement) sends
 *             `depth` lines in one write, reads them back, and repeats, for
 *             `duration` seconds: lines per second.
 * handshakes: `clients` connections at a time, each a fresh one with a full
 *             handshake (no session resumption), one line and its echo, then
 *             closed: new TLS connections per second.
 *
 * One line of results goes to stdout ("RESULT key=value ..."); progress and
 * errors go to stderr. Every phase has a time limit. Connections are closed
 * with an RST so no TIME_WAIT is left behind. Only loopback or other local
 * addresses are meant as targets. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_SIZE 64

enum state { CONNECTING, HANDSHAKING, SENDING, RECEIVING, IDLE, FAILED };

struct client {
    int fd;
    SSL *ssl;
    enum state state;
    uint32_t sent;
    uint32_t received;
    uint32_t watching;
    uint64_t burst_started_ns;
};

static struct options {
    const char *host;
    int port;
    const char *scenario;
    int clients;
    int depth;
    double duration;
    double time_limit;
    int server_pid;
} options = { "127.0.0.1", 0, "bursts", 1, 1, 5.0, 60.0, 0 };

static int epoll_fd;
static SSL_CTX *context;
static struct client *clients;
static char *burst;
static uint32_t burst_size;
static struct sockaddr_in server_address;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void usage_exit(const char *why) {
    fprintf(stderr, "tls-loadgen: %s\n"
            "usage: tls-loadgen --port PORT [--host IPV4] --scenario storm|bursts|handshakes [--clients N]\n"
            "                   [--depth LINES] [--duration SECONDS] [--time-limit SECONDS] [--server-pid PID]\n", why);
    exit(2);
}

static void parse(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (i + 1 >= argc) usage_exit("every flag needs a value");
        const char *value = argv[++i];
        if (!strcmp(flag, "--host")) options.host = value;
        else if (!strcmp(flag, "--port")) options.port = atoi(value);
        else if (!strcmp(flag, "--scenario")) options.scenario = value;
        else if (!strcmp(flag, "--clients")) options.clients = atoi(value);
        else if (!strcmp(flag, "--depth")) options.depth = atoi(value);
        else if (!strcmp(flag, "--duration")) options.duration = atof(value);
        else if (!strcmp(flag, "--time-limit")) options.time_limit = atof(value);
        else if (!strcmp(flag, "--server-pid")) options.server_pid = atoi(value);
        else usage_exit("unknown flag");
    }
    if (options.port <= 0 || options.port > 65535) usage_exit("--port must be 1..65535");
    if (options.clients <= 0 || options.depth <= 0 || options.duration <= 0) usage_exit("counts and durations must be positive");
    if (strcmp(options.scenario, "storm") && strcmp(options.scenario, "bursts") && strcmp(options.scenario, "handshakes"))
        usage_exit("unknown scenario");
    if (inet_pton(AF_INET, options.host, &server_address.sin_addr) != 1) usage_exit("--host must be a numeric IPv4 address");
    server_address.sin_family = AF_INET;
    server_address.sin_port = htons((uint16_t)options.port);
}

static long server_rss_kib(void) {
    if (options.server_pid <= 0) return -1;
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", options.server_pid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, file)) {
        if (!strncmp(line, "VmRSS:", 6)) { kib = strtol(line + 6, NULL, 10); break; }
    }
    fclose(file);
    return kib;
}

static double server_cpu_seconds(void) {
    if (options.server_pid <= 0) return -1;
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", options.server_pid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    char *field = strrchr(text, ')');
    unsigned long long user, system;
    if (!field || sscanf(field + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &system) != 2) return -1;
    return (double)(user + system) / (double)sysconf(_SC_CLK_TCK);
}

static void raise_fd_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < (rlim_t)options.clients + 16) {
        fprintf(stderr, "tls-loadgen: open-file limit %llu is too low for %d clients\n",
                (unsigned long long)limit.rlim_cur, options.clients);
        exit(1);
    }
}

static void watch(struct client *client, uint32_t events) {
    if (client->watching == events) return;
    struct epoll_event event = { .events = events, .data.ptr = client };
    epoll_ctl(epoll_fd, client->watching ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, client->fd, &event);
    client->watching = events;
}

/* Closes with an RST: no TIME_WAIT left for the next connection. */
static void drop(struct client *client) {
    if (client->ssl) { SSL_free(client->ssl); client->ssl = NULL; }
    if (client->fd >= 0) {
        struct linger abortive = { 1, 0 };
        setsockopt(client->fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        close(client->fd);
    }
    client->fd = -1;
    client->watching = 0;
}

static void fail(struct client *client) {
    drop(client);
    client->state = FAILED;
}

static int start_connect(struct client *client) {
    client->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    client->watching = 0;
    if (client->fd < 0) { client->state = FAILED; return -1; }
    int one = 1;
    setsockopt(client->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(client->fd, (struct sockaddr *)&server_address, sizeof server_address) < 0 && errno != EINPROGRESS) {
        fail(client);
        return -1;
    }
    client->ssl = SSL_new(context);
    SSL_set_fd(client->ssl, client->fd);
    SSL_set_connect_state(client->ssl);
    client->state = CONNECTING;
    watch(client, EPOLLOUT);
    return 0;
}

/* Watches for what OpenSSL waits for; 0 when it waits, -1 when it failed. */
static int wait_for(struct client *client, int result) {
    switch (SSL_get_error(client->ssl, result)) {
    case SSL_ERROR_WANT_READ: watch(client, EPOLLIN); return 0;
    case SSL_ERROR_WANT_WRITE: watch(client, EPOLLOUT); return 0;
    default: ERR_clear_error(); fail(client); return -1;
    }
}

static void send_burst(struct client *client) {
    client->state = SENDING;
    while (client->sent < burst_size) {
        int n = SSL_write(client->ssl, burst + client->sent, (int)(burst_size - client->sent));
        if (n <= 0) { wait_for(client, n); return; }
        client->sent += (uint32_t)n;
    }
    client->state = RECEIVING;
    watch(client, EPOLLIN);
}

static void begin_burst(struct client *client) {
    client->sent = 0;
    client->received = 0;
    client->burst_started_ns = now_ns();
    send_burst(client);
}

/* Reads the echo; 1 when the whole burst has come back. */
static int receive_echo(struct client *client) {
    static char scratch[65536];
    for (;;) {
        int n = SSL_read(client->ssl, scratch, sizeof scratch);
        if (n > 0) {
            client->received += (uint32_t)n;
            if (client->received > burst_size) { fprintf(stderr, "tls-loadgen: more echo than sent\n"); fail(client); return 0; }
            if (client->received == burst_size && SSL_pending(client->ssl) == 0) return 1;
            continue;
        }
        wait_for(client, n);
        return 0;
    }
}

/* Handles one readiness event; 1 when a burst completed. */
static int handle(struct client *client, uint32_t events) {
    switch (client->state) {
    case CONNECTING: {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(client->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error || (events & (EPOLLERR | EPOLLHUP))) { fail(client); return 0; }
        client->state = HANDSHAKING;
    }   /* fall through */
    case HANDSHAKING: {
        int result = SSL_do_handshake(client->ssl);
        if (result != 1) { wait_for(client, result); return 0; }
        begin_burst(client);
        return 0;
    }
    case SENDING: send_burst(client); return 0;
    case RECEIVING: return receive_echo(client);
    default: return 0;
    }
}

static void close_all(void) {
    for (int i = 0; i < options.clients; i++) drop(&clients[i]);
}

static int count_failed(void) {
    int failed = 0;
    for (int i = 0; i < options.clients; i++) failed += clients[i].state == FAILED;
    return failed;
}

static void run_storm(void) {
    struct epoll_event events[1024];
    long rss_before = server_rss_kib();
    double cpu_before = server_cpu_seconds();
    int served = 0, failed = 0;
    uint64_t first_connect = now_ns();
    uint64_t deadline = first_connect + (uint64_t)(options.time_limit * 1e9);
    for (int started = 0; started < options.clients || served + failed < options.clients;) {
        if (started < options.clients) {
            for (int batch = 0; batch < 32 && started < options.clients; batch++, started++) {
                if (start_connect(&clients[started]) < 0) failed++;
            }
        }
        if (now_ns() > deadline) break;
        int ready = epoll_wait(epoll_fd, events, 1024, started < options.clients ? 0 : 10);
        for (int i = 0; i < ready; i++) {
            struct client *client = events[i].data.ptr;
            int was_failed = client->state == FAILED;
            if (handle(client, events[i].events)) {
                served++;
                client->state = IDLE;
                epoll_ctl(epoll_fd, EPOLL_CTL_DEL, client->fd, NULL);
            } else if (!was_failed && client->state == FAILED) {
                failed++;
            }
        }
    }
    uint64_t all_served = now_ns();
    /* Let the server settle (free what the handshakes used) before measuring. */
    usleep(500000);
    long rss_after = server_rss_kib();
    double cpu_after = server_cpu_seconds();
    printf("RESULT scenario=storm clients=%d served=%d failed=%d all_served_s=%.3f rss_before_kib=%ld rss_after_kib=%ld "
           "bytes_per_connection=%.0f server_cpu_ms=%.0f\n",
           options.clients, served, failed, (all_served - first_connect) / 1e9, rss_before, rss_after,
           served > 0 && rss_before >= 0 ? (rss_after - rss_before) * 1024.0 / served : -1.0,
           cpu_before >= 0 && cpu_after >= 0 ? (cpu_after - cpu_before) * 1e3 : -1.0);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void run_bursts(void) {
    struct epoll_event events[1024];
    uint64_t connect_deadline = now_ns() + (uint64_t)(options.time_limit * 1e9);
    for (int i = 0; i < options.clients; i++) start_connect(&clients[i]);
    /* Connections count as ready once their first burst has come back. */
    int ready_clients = 0;
    while (ready_clients < options.clients - count_failed() && now_ns() < connect_deadline) {
        int ready = epoll_wait(epoll_fd, events, 1024, 10);
        for (int i = 0; i < ready; i++) {
            struct client *client = events[i].data.ptr;
            if (handle(client, events[i].events)) {
                ready_clients++;
                client->state = IDLE;
            }
        }
    }
    for (int i = 0; i < options.clients; i++) if (clients[i].state == IDLE) begin_burst(&clients[i]);

    size_t capacity = 1 << 20, samples = 0;
    uint64_t *times = malloc(capacity * sizeof *times);
    double cpu_before = server_cpu_seconds();
    uint64_t measure_start = now_ns();
    uint64_t measure_end = measure_start + (uint64_t)(options.duration * 1e9);
    uint64_t bursts = 0;
    while (now_ns() < measure_end) {
        int ready = epoll_wait(epoll_fd, events, 1024, 10);
        uint64_t when = now_ns();
        for (int i = 0; i < ready; i++) {
            struct client *client = events[i].data.ptr;
            if (!handle(client, events[i].events)) continue;
            bursts++;
            if (samples == capacity) { capacity *= 2; times = realloc(times, capacity * sizeof *times); }
            times[samples++] = when - client->burst_started_ns;
            begin_burst(client);
        }
    }
    double seconds = (now_ns() - measure_start) / 1e9;
    double cpu_after = server_cpu_seconds();
    double lines = (double)bursts * options.depth;
    double mean_us = 0, p99_us = 0;
    if (samples > 0) {
        uint64_t total = 0;
        for (size_t i = 0; i < samples; i++) total += times[i];
        qsort(times, samples, sizeof *times, compare_u64);
        mean_us = total / 1e3 / samples;
        p99_us = times[(size_t)(samples * 0.99)] / 1e3;
    }
    printf("RESULT scenario=bursts clients=%d depth=%d ready=%d failed=%d seconds=%.2f lines_per_s=%.0f "
           "mean_us=%.1f p99_us=%.1f rss_kib=%ld server_cpu_us_per_line=%.2f\n",
           options.clients, options.depth, ready_clients, count_failed(), seconds, lines / seconds, mean_us, p99_us,
           server_rss_kib(), cpu_before >= 0 && cpu_after >= 0 && lines > 0 ? (cpu_after - cpu_before) * 1e6 / lines : -1.0);
    free(times);
}

static void run_handshakes(void) {
    struct epoll_event events[1024];
    double cpu_before = server_cpu_seconds();
    uint64_t start = now_ns();
    uint64_t end = start + (uint64_t)(options.duration * 1e9);
    uint64_t completed = 0, failed = 0;
    for (int i = 0; i < options.clients; i++) start_connect(&clients[i]);
    while (now_ns() < end) {
        int ready = epoll_wait(epoll_fd, events, 1024, 10);
        for (int i = 0; i < ready; i++) {
            struct client *client = events[i].data.ptr;
            int done = handle(client, events[i].events);
            if (done) completed++;
            if (done || client->state == FAILED) {
                if (client->state == FAILED) failed++;
                drop(client);
                start_connect(client);
            }
        }
    }
    double seconds = (now_ns() - start) / 1e9;
    double cpu_after = server_cpu_seconds();
    printf("RESULT scenario=handshakes clients=%d seconds=%.2f completed=%llu failed=%llu connections_per_s=%.0f "
           "server_cpu_us_per_connection=%.1f rss_kib=%ld\n",
           options.clients, seconds, (unsigned long long)completed, (unsigned long long)failed, completed / seconds,
           cpu_before >= 0 && cpu_after >= 0 && completed > 0 ? (cpu_after - cpu_before) * 1e6 / completed : -1.0,
           server_rss_kib());
}

int main(int argc, char **argv) {
    parse(argc, argv);
    raise_fd_limit();
    context = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    clients = calloc((size_t)options.clients, sizeof *clients);
    for (int i = 0; i < options.clients; i++) clients[i].fd = -1;
    int depth = strcmp(options.scenario, "bursts") ? 1 : options.depth;
    burst_size = (uint32_t)depth * LINE_SIZE;
    burst = malloc(burst_size);
    for (int line = 0; line < depth; line++) {
        for (int i = 0; i < LINE_SIZE - 1; i++) burst[line * LINE_SIZE + i] = (char)('a' + (line + i) % 26);
        burst[line * LINE_SIZE + LINE_SIZE - 1] = '\n';
    }
    if (!strcmp(options.scenario, "storm")) run_storm();
    else if (!strcmp(options.scenario, "handshakes")) run_handshakes();
    else run_bursts();
    fflush(stdout);
    close_all();
    SSL_CTX_free(context);
    return 0;
}
