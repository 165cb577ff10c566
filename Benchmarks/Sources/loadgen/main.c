/* Load generator for the echo benchmarks: epoll, non-blocking, one thread.
 *
 *   loadgen --port P --scenario storm   --clients 10000 [--server-pid PID]
 *   loadgen --port P --scenario bursts  --clients 50 --depth 16 --duration 5
 *
 * storm:  every client connects as fast as possible, sends one 64-byte line,
 *         reads its echo and then stays connected, idle. Reports the time from
 *         the first connect to the last echo, the time from the last connect
 *         to the last echo, and the server's VmRSS before and after.
 * bursts: every client sends `depth` lines in one write, reads the same
 *         number of bytes back, and repeats, for `duration` seconds. Reports
 *         lines per second and the mean and 99th-percentile time of a burst.
 *
 * One line of results goes to stdout ("RESULT key=value ..."); progress and
 * errors go to stderr. Every phase has a time limit, so the run always ends;
 * connections are closed with an RST so no TIME_WAIT is left behind. Only
 * loopback or other local addresses are meant as targets. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

enum state { CONNECTING, SENDING, RECEIVING, IDLE, FAILED };

struct client {
    int fd;
    enum state state;
    uint32_t sent;      /* bytes of the current burst written */
    uint32_t received;  /* bytes of the current burst read back */
    uint32_t watching;  /* the epoll events registered now */
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
static struct client *clients;
static char *burst;            /* depth lines, each 63 bytes and '\n' */
static uint32_t burst_size;
static struct sockaddr_in server_address;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void usage_exit(const char *why) {
    fprintf(stderr, "loadgen: %s\n"
            "usage: loadgen --port PORT [--host IPV4] --scenario storm|bursts [--clients N]\n"
            "               [--depth LINES] [--duration SECONDS] [--time-limit SECONDS] [--server-pid PID]\n", why);
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
    if (strcmp(options.scenario, "storm") && strcmp(options.scenario, "bursts")) usage_exit("unknown scenario");
    if (inet_pton(AF_INET, options.host, &server_address.sin_addr) != 1) usage_exit("--host must be a numeric IPv4 address");
    server_address.sin_family = AF_INET;
    server_address.sin_port = htons((uint16_t)options.port);
}

/* The server's resident memory in KiB, or -1. */
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

/* The server's CPU time so far, user and system, in seconds; -1 if unknown.
 * Far less disturbed by other load on the machine than wall-clock rates. */
static double server_cpu_seconds(void) {
    if (options.server_pid <= 0) return -1;
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", options.server_pid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    /* Fields 14 and 15 (utime, stime) follow the ")" that ends the command name. */
    char *field = strrchr(text, ')');
    unsigned long long user, system;
    if (!field || sscanf(field + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &system) != 2) return -1;
    return (double)(user + system) / (double)sysconf(_SC_CLK_TCK);
}

/* The CPU time of each of the server's threads, for a server that runs
 * several loops: how the work spreads over them. */
#define MAX_TASKS 64
struct task_times {
    int count;
    int tid[MAX_TASKS];
    char name[MAX_TASKS][20];
    double cpu_seconds[MAX_TASKS];
    long sleeps[MAX_TASKS];  /* voluntary context switches: waits that blocked */
};

static long voluntary_switches_of(int pid, const char *task) {
    char path[300], line[256];
    snprintf(path, sizeof path, "/proc/%d/task/%s/status", pid, task);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    long count = -1;
    while (fgets(line, sizeof line, file)) {
        if (!strncmp(line, "voluntary_ctxt_switches:", 24)) { count = strtol(line + 24, NULL, 10); break; }
    }
    fclose(file);
    return count;
}

static double cpu_seconds_of(const char *stat_path, char *name, size_t name_size) {
    char text[1024];
    FILE *file = fopen(stat_path, "r");
    if (!file) return -1;
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    char *open = strchr(text, '('), *close = strrchr(text, ')');
    if (!open || !close || close < open) return -1;
    if (name) {
        size_t n = (size_t)(close - open - 1) < name_size - 1 ? (size_t)(close - open - 1) : name_size - 1;
        memcpy(name, open + 1, n);
        name[n] = 0;
    }
    unsigned long long user, system;
    if (sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user, &system) != 2) return -1;
    return (double)(user + system) / (double)sysconf(_SC_CLK_TCK);
}

static void server_task_times(struct task_times *times) {
    times->count = 0;
    if (options.server_pid <= 0) return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", options.server_pid);
    DIR *tasks = opendir(path);
    if (!tasks) return;
    struct dirent *entry;
    while ((entry = readdir(tasks)) && times->count < MAX_TASKS) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        char stat_path[300];
        snprintf(stat_path, sizeof stat_path, "/proc/%d/task/%s/stat", options.server_pid, entry->d_name);
        int i = times->count;
        times->cpu_seconds[i] = cpu_seconds_of(stat_path, times->name[i], sizeof times->name[i]);
        if (times->cpu_seconds[i] < 0) continue;
        times->tid[i] = atoi(entry->d_name);
        times->sleeps[i] = voluntary_switches_of(options.server_pid, entry->d_name);
        times->count++;
    }
    closedir(tasks);
}

/* "name:us,name:us": each thread's CPU microseconds per line over the run,
 * in thread-id order (the order they were started); threads that used none
 * are left out. */
static void print_task_cpu(const struct task_times *before, const struct task_times *after, double lines) {
    printf(" task_cpu_us_per_line=");
    int printed = 0;
    int last_tid = -1;
    for (;;) {
        int next = -1;
        for (int i = 0; i < after->count; i++)
            if (after->tid[i] > last_tid && (next < 0 || after->tid[i] < after->tid[next])) next = i;
        if (next < 0) break;
        last_tid = after->tid[next];
        double start = 0;
        for (int k = 0; k < before->count; k++)
            if (before->tid[k] == after->tid[next]) start = before->cpu_seconds[k];
        double used = after->cpu_seconds[next] - start;
        if (used <= 0 || lines <= 0) continue;
        printf("%s%s:%.2f", printed++ ? "," : "", after->name[next], used * 1e6 / lines);
    }
    if (!printed) printf("-");
    /* How often each thread blocked waiting (per 1000 lines): the cost of
     * sleeping and waking, which grows when threads outnumber the cores. */
    printf(" task_sleeps_per_1000_lines=");
    printed = 0;
    last_tid = -1;
    for (;;) {
        int next = -1;
        for (int i = 0; i < after->count; i++)
            if (after->tid[i] > last_tid && (next < 0 || after->tid[i] < after->tid[next])) next = i;
        if (next < 0) break;
        last_tid = after->tid[next];
        long start = 0;
        for (int k = 0; k < before->count; k++)
            if (before->tid[k] == after->tid[next]) start = before->sleeps[k];
        long slept = after->sleeps[next] - start;
        if (slept <= 0 || lines <= 0) continue;
        printf("%s%s:%.2f", printed++ ? "," : "", after->name[next], slept * 1000.0 / lines);
    }
    if (!printed) printf("-");
}

static void raise_fd_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < (rlim_t)options.clients + 16) {
        fprintf(stderr, "loadgen: open-file limit %llu is too low for %d clients\n",
                (unsigned long long)limit.rlim_cur, options.clients);
        exit(1);
    }
}

static void watch(struct client *client, uint32_t events, int op) {
    if (op == EPOLL_CTL_MOD && client->watching == events) return;
    struct epoll_event event = { .events = events, .data.ptr = client };
    epoll_ctl(epoll_fd, op, client->fd, &event);
    client->watching = events;
}

static int start_connect(struct client *client) {
    client->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (client->fd < 0) { client->state = FAILED; return -1; }
    int one = 1;
    setsockopt(client->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(client->fd, (struct sockaddr *)&server_address, sizeof server_address) < 0 && errno != EINPROGRESS) {
        close(client->fd);
        client->fd = -1;
        client->state = FAILED;
        return -1;
    }
    client->state = CONNECTING;
    watch(client, EPOLLOUT, EPOLL_CTL_ADD);
    return 0;
}

static void fail(struct client *client) {
    if (client->fd >= 0) { epoll_ctl(epoll_fd, EPOLL_CTL_DEL, client->fd, NULL); close(client->fd); }
    client->fd = -1;
    client->state = FAILED;
}

/* Writes what is left of the current burst; moves to RECEIVING once all is out. */
static void send_burst(struct client *client) {
    while (client->sent < burst_size) {
        ssize_t n = send(client->fd, burst + client->sent, burst_size - client->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { watch(client, EPOLLOUT, EPOLL_CTL_MOD); client->state = SENDING; return; }
            fail(client);
            return;
        }
        client->sent += (uint32_t)n;
    }
    client->state = RECEIVING;
    watch(client, EPOLLIN, EPOLL_CTL_MOD);
}

static void begin_burst(struct client *client) {
    client->sent = 0;
    client->received = 0;
    client->burst_started_ns = now_ns();
    send_burst(client);
}

/* Reads the echo; returns 1 when the whole burst has come back. */
static int receive_echo(struct client *client) {
    static char scratch[65536];
    for (;;) {
        ssize_t n = recv(client->fd, scratch, sizeof scratch, 0);
        if (n > 0) {
            client->received += (uint32_t)n;
            if (client->received >= burst_size) {
                if (client->received > burst_size) { fprintf(stderr, "loadgen: more echo than sent\n"); fail(client); return 0; }
                return 1;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        fail(client);   /* end of input or an error: the server dropped us */
        return 0;
    }
}

/* Handles one readiness event; returns 1 when a burst completed. */
static int handle(struct client *client, uint32_t events) {
    if (client->state == CONNECTING) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(client->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error || (events & (EPOLLERR | EPOLLHUP))) { fail(client); return 0; }
        begin_burst(client);
        return 0;
    }
    if (client->state == SENDING) { send_burst(client); return 0; }
    if (client->state == RECEIVING) return receive_echo(client);
    return 0;
}

static void close_all(void) {
    struct linger abortive = { 1, 0 };
    for (int i = 0; i < options.clients; i++) {
        if (clients[i].fd < 0) continue;
        setsockopt(clients[i].fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        close(clients[i].fd);
    }
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
    uint64_t last_connect = first_connect;

    for (int started = 0; started < options.clients || served + failed < options.clients;) {
        if (started < options.clients) {
            /* Connect in batches, draining events in between, so neither side's queues overflow for lack of attention here. */
            for (int batch = 0; batch < 64 && started < options.clients; batch++, started++) {
                if (start_connect(&clients[started]) < 0) failed++;
            }
            last_connect = now_ns();
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
    long rss_after = server_rss_kib();
    double cpu_after = server_cpu_seconds();
    int timed_out = served + failed < options.clients;
    printf("RESULT scenario=storm clients=%d served=%d failed=%d timed_out=%d connect_s=%.3f all_served_s=%.3f "
           "after_last_connect_s=%.3f rss_before_kib=%ld rss_after_kib=%ld bytes_per_connection=%.0f server_cpu_ms=%.0f\n",
           options.clients, served, failed, timed_out, (last_connect - first_connect) / 1e9,
           (all_served - first_connect) / 1e9, (all_served - last_connect) / 1e9, rss_before, rss_after,
           served > 0 && rss_before >= 0 ? (rss_after - rss_before) * 1024.0 / served : -1.0,
           cpu_before >= 0 && cpu_after >= 0 ? (cpu_after - cpu_before) * 1e3 : -1.0);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void run_bursts(void) {
    struct epoll_event events[1024];
    uint64_t start = now_ns();
    uint64_t connect_deadline = start + (uint64_t)(options.time_limit * 1e9);
    for (int i = 0; i < options.clients; i++) start_connect(&clients[i]);

    /* Connections count as ready once their first burst has gone out. */
    int ready_clients = 0;
    while (ready_clients < options.clients - count_failed() && now_ns() < connect_deadline) {
        int ready = epoll_wait(epoll_fd, events, 1024, 10);
        for (int i = 0; i < ready; i++) {
            struct client *client = events[i].data.ptr;
            enum state before = client->state;
            if (handle(client, events[i].events) && client->state == RECEIVING) begin_burst(client);
            if (before == CONNECTING && client->state != CONNECTING && client->state != FAILED) ready_clients++;
        }
    }

    size_t capacity = 1 << 20, samples = 0;
    uint64_t *times = malloc(capacity * sizeof *times);
    struct task_times tasks_before, tasks_after;
    server_task_times(&tasks_before);
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
    server_task_times(&tasks_after);
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
           "bursts_per_s=%.0f mean_us=%.1f p99_us=%.1f rss_kib=%ld server_cpu_us_per_line=%.2f",
           options.clients, options.depth, ready_clients, count_failed(), seconds,
           lines / seconds, bursts / seconds, mean_us, p99_us, server_rss_kib(),
           cpu_before >= 0 && cpu_after >= 0 && lines > 0 ? (cpu_after - cpu_before) * 1e6 / lines : -1.0);
    print_task_cpu(&tasks_before, &tasks_after, lines);
    printf("\n");
    free(times);
}

int main(int argc, char **argv) {
    parse(argc, argv);
    raise_fd_limit();
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    clients = calloc((size_t)options.clients, sizeof *clients);
    for (int i = 0; i < options.clients; i++) clients[i].fd = -1;
    int depth = strcmp(options.scenario, "storm") ? options.depth : 1;
    burst_size = (uint32_t)depth * LINE_SIZE;
    burst = malloc(burst_size);
    for (int line = 0; line < depth; line++) {
        for (int i = 0; i < LINE_SIZE - 1; i++) burst[line * LINE_SIZE + i] = (char)('a' + (line + i) % 26);
        burst[line * LINE_SIZE + LINE_SIZE - 1] = '\n';
    }
    if (!strcmp(options.scenario, "storm")) run_storm(); else run_bursts();
    fflush(stdout);
    close_all();
    return 0;
}
