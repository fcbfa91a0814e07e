/* tern-metricsd: dom0's monitoring endpoint. One poll() loop: every interval it takes a
 * stats.h sample (the figures of `tern top`), keeps the last minutes of them, and answers
 * HTTP requests: /metrics (Prometheus text), /api/history (JSON for the page) and the
 * page itself with its charting library (files of the web directory). docs/monitoring.md. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../top/stats_read.h"
#include "history.h"
#include "http.h"
#include "prom.h"

#define MAX_CLIENTS       64
#define CLIENT_TIMEOUT_MS 10000
#define MAX_FILE_BYTES    (4u << 20)

struct client {
    int fd; /* -1: free slot */
    char in[HTTP_MAX_REQUEST];
    size_t in_len;
    char *out;
    size_t out_len, out_off;
    uint64_t deadline_ms;
};

struct metricsd {
    struct tern_ctx ctx;
    int lfd;
    unsigned interval_ms;
    const char *webdir;
    struct tern_stats cur; /* the last good sample */
    struct history hist;
    struct prom_counters counters;
    struct client clients[MAX_CLIENTS];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static uint64_t now_ms(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void logmsg(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "tern-metricsd: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

/* ---------------------------------------------------------------- sampling */

static void take_sample(struct metricsd *m)
{
    struct tern_stats next;
    char err[160];

    if (tern_stats_read(&m->ctx, &next, err, sizeof(err)) < 0) {
        if (m->counters.sample_errors++ == 0)
            logmsg("sample failed: %s%s (the last good sample is served)", err, "");
        return;
    }
    m->counters.samples++;
    tern_stats_cpu_pct(&next, m->cur.doms ? &m->cur : NULL);
    if (history_add(&m->hist, &next, now_ms(CLOCK_REALTIME)) < 0)
        logmsg("history: %s%s", "out of memory", "");
    tern_stats_free(&m->cur);
    m->cur = next;
}

/* ---------------------------------------------------------------- responses */

typedef int body_fn(struct metricsd *m, const char *file, FILE *body);

static int body_metrics(struct metricsd *m, const char *file, FILE *body)
{
    (void)file;
    prom_write(body, &m->cur, &m->counters);
    return 200;
}

static int body_history(struct metricsd *m, const char *file, FILE *body)
{
    (void)file;
    history_json(body, &m->hist, m->interval_ms);
    return 200;
}

/* A file of the web directory (only the names of the route table, never a path from the
 * request). */
static int body_file(struct metricsd *m, const char *file, FILE *body)
{
    char path[512], buf[16384];
    struct stat st;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", m->webdir, file);
    f = fopen(path, "rb");
    if (!f)
        return 404;
    if (fstat(fileno(f), &st) < 0 || st.st_size > MAX_FILE_BYTES) {
        fclose(f);
        return 500;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, body);
    fclose(f);
    return 200;
}

static const struct route {
    const char *path;
    body_fn *body;
    const char *file;
    const char *type;
} routes[] = {
    {"/metrics", body_metrics, NULL, "text/plain; version=0.0.4; charset=utf-8"},
    {"/api/history", body_history, NULL, "application/json"},
    {"/", body_file, "index.html", "text/html; charset=utf-8"},
    {"/index.html", body_file, "index.html", "text/html; charset=utf-8"},
    {"/monitor.js", body_file, "monitor.js", "text/javascript"},
    {"/dygraph.min.js", body_file, "dygraph.min.js", "text/javascript"},
    {"/dygraph.min.css", body_file, "dygraph.min.css", "text/css"},
};

/* Builds the whole response (headers + body) into c->out. */
static void respond(struct metricsd *m, struct client *c, int status, const struct http_req *r)
{
    const struct route *rt = NULL;
    char *body = NULL, *out = NULL, msg[64];
    size_t body_len = 0, out_len = 0;
    FILE *bf, *of;

    for (size_t i = 0; status == 1 && i < sizeof(routes) / sizeof(routes[0]); i++)
        if (!strcmp(routes[i].path, r->path))
            rt = &routes[i];
    if (status == 1)
        status = rt ? 200 : 404;
    if (rt) {
        bf = open_memstream(&body, &body_len);
        if (!bf)
            return;
        status = rt->body(m, rt->file, bf);
        fclose(bf);
    }
    if (status != 200) {
        free(body);
        snprintf(msg, sizeof(msg), "%d %s\n", status, http_reason(status));
        body = strdup(msg);
        body_len = strlen(msg);
        if (!body)
            return;
    }
    of = open_memstream(&out, &out_len);
    if (!of) {
        free(body);
        return;
    }
    http_header(of, status, status == 200 ? rt->type : "text/plain; charset=utf-8", body_len);
    if (!(r && r->head))
        fwrite(body, 1, body_len, of);
    fclose(of);
    free(body);
    c->out = out;
    c->out_len = out_len;
    c->out_off = 0;
}

/* ---------------------------------------------------------------- connections */

static void client_close(struct client *c)
{
    close(c->fd);
    free(c->out);
    c->fd = -1;
    c->out = NULL;
    c->in_len = c->out_len = c->out_off = 0;
}

static void accept_clients(struct metricsd *m)
{
    for (;;) {
        int fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct client *slot = NULL;

        if (fd < 0)
            return; /* EAGAIN, or an error a later poll() shows again */
        for (int i = 0; i < MAX_CLIENTS && !slot; i++)
            if (m->clients[i].fd < 0)
                slot = &m->clients[i];
        if (!slot) {
            close(fd); /* full: the client retries */
            continue;
        }
        slot->fd = fd;
        slot->in_len = 0;
        slot->deadline_ms = now_ms(CLOCK_MONOTONIC) + CLIENT_TIMEOUT_MS;
    }
}

static void client_read(struct metricsd *m, struct client *c)
{
    struct http_req r;
    ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    int st;

    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            client_close(c);
        return;
    }
    c->in_len += (size_t)n;
    st = http_parse(c->in, c->in_len, &r);
    if (st == 0)
        return;
    respond(m, c, st, st == 1 ? &r : NULL);
    if (!c->out)
        client_close(c); /* out of memory: drop the connection */
}

static void client_write(struct client *c)
{
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            client_close(c);
        return;
    }
    c->out_off += (size_t)n;
    if (c->out_off == c->out_len) {
        shutdown(c->fd, SHUT_WR);
        client_close(c);
    }
}

/* ---------------------------------------------------------------- set-up and loop */

static int listen_on(const char *addr, unsigned port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, fd;

    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        logmsg("bad address '%s'%s", addr, "");
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 32) < 0) {
        logmsg("listen on %s: %s", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void serve(struct metricsd *m)
{
    uint64_t next_sample = now_ms(CLOCK_MONOTONIC);

    while (!stop_requested) {
        struct pollfd pfd[MAX_CLIENTS + 1];
        struct client *who[MAX_CLIENTS + 1];
        uint64_t now = now_ms(CLOCK_MONOTONIC);
        int n = 0, timeout;

        if (now >= next_sample) {
            take_sample(m);
            next_sample += m->interval_ms;
            if (next_sample <= now) /* fell behind: no burst of catch-up samples */
                next_sample = now + m->interval_ms;
        }
        pfd[n] = (struct pollfd){.fd = m->lfd, .events = POLLIN};
        who[n++] = NULL;
        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = &m->clients[i];

            if (c->fd < 0)
                continue;
            if (now >= c->deadline_ms) {
                client_close(c);
                continue;
            }
            pfd[n] = (struct pollfd){.fd = c->fd, .events = c->out ? POLLOUT : POLLIN};
            who[n++] = c;
        }
        timeout = (int)(next_sample > now ? next_sample - now : 0);
        if (poll(pfd, (nfds_t)n, timeout) <= 0)
            continue;
        for (int i = 1; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            if (who[i]->out)
                client_write(who[i]);
            else
                client_read(m, who[i]);
        }
        if (pfd[0].revents & POLLIN)
            accept_clients(m);
    }
}

static int number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < (long)lo || v > (long)hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: tern-metricsd [-a ADDR] [-p PORT] [-w WEBDIR] [-i MS] [-H POINTS]\n"
               "  -a  address to listen on (default 0.0.0.0)\n"
               "  -p  TCP port (default 80)\n"
               "  -w  directory of the page and its scripts (default /usr/share/tern/web)\n"
               "  -i  milliseconds between samples (default 1000, 100..60000)\n"
               "  -H  samples kept for the page's graphs (default 600)\n");
}

int main(int argc, char **argv)
{
    static struct metricsd m = {.interval_ms = 1000, .webdir = "/usr/share/tern/web"};
    struct sigaction sa = {.sa_handler = on_signal};
    const char *addr = "0.0.0.0";
    unsigned port = 80, points = 600;
    int opt;

    while ((opt = getopt(argc, argv, "ha:p:w:i:H:")) != -1) {
        int bad = 0;

        switch (opt) {
        case 'a':
            addr = optarg;
            break;
        case 'p':
            bad = number(optarg, 1, 65535, &port);
            break;
        case 'w':
            m.webdir = optarg;
            break;
        case 'i':
            bad = number(optarg, 100, 60000, &m.interval_ms);
            break;
        case 'H':
            bad = number(optarg, 1, 100000, &points);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "tern-metricsd: -%c: '%s' is out of range\n", opt, optarg);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        m.clients[i].fd = -1;
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (history_init(&m.hist, points) < 0 || tern_ctx_open(&m.ctx, true) < 0)
        return 1;
    m.lfd = listen_on(addr, port);
    if (m.lfd < 0)
        return 1;
    fprintf(stderr, "tern-metricsd: listening on %s:%u, a sample every %u ms\n", addr, port,
            m.interval_ms);
    serve(&m);
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m.clients[i].fd >= 0)
            client_close(&m.clients[i]);
    close(m.lfd);
    history_free(&m.hist);
    tern_stats_free(&m.cur);
    tern_ctx_close(&m.ctx);
    return 0;
}
