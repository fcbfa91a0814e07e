/* tern-memagent: publishes the guest's memory figures to its xenstore data/ directory
 * every second (see meminfo.h for the keys), so dom0's tern-balloond can size its balloon.
 *
 *   tern-memagent [-i SECONDS] [-s MS] [-1]
 *     -i  regular publication interval (default 1 s): every key is written;
 *     -s  sampling period of /proc/meminfo (default 200 ms): when MemAvailable moved by
 *         AGENT_NUDGE_KB since the last publication, the keys that changed are written at
 *         once, so a guest whose demand grows fast is seen by dom0 within a sample;
 *     -1  publish once and exit (for tests).
 *
 * Static and dependency-free so any guest's init can start it. It locks itself in memory,
 * asks the OOM killer to spare it and raises its priority: a guest short of memory is the one
 * whose figures matter most. It never exits on a failed write (xenstored may restart); it
 * reports the first failure of a run of failures. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "meminfo.h"
#include "xenbus.h"

static int read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Stays responsive when the guest runs short: never paged or killed, scheduled first.
 * Each step is best effort (an unprivileged agent still publishes). */
static void harden(void)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
        fprintf(stderr, "tern-memagent: mlockall: %s\n", strerror(errno));
    if (fd < 0 || write(fd, "-1000", 5) != 5)
        fprintf(stderr, "tern-memagent: oom_score_adj: %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
    if (setpriority(PRIO_PROCESS, 0, -10) < 0)
        fprintf(stderr, "tern-memagent: setpriority: %s\n", strerror(errno));
}

struct sample {
    struct agent_meminfo mi;
    uint64_t uptime;
};

static int sample(struct sample *s)
{
    char text[4096];

    if (read_text("/proc/meminfo", text, sizeof(text)) < 0 ||
        agent_meminfo_parse(text, &s->mi) < 0) {
        fprintf(stderr, "tern-memagent: /proc/meminfo: no MemTotal/MemAvailable\n");
        return -1;
    }
    s->uptime = read_text("/proc/uptime", text, sizeof(text)) == 0 ? strtoull(text, NULL, 10) : 0;
    return 0;
}

/* Writes the keys (all, or only those whose value differs from last[]); last[] keeps what
 * was written. */
static int publish(int fd, uint32_t *req_id, const struct sample *s, bool all,
                   char last[AGENT_NR_KEYS][24])
{
    char err[128];
    struct agent_kv kv[AGENT_NR_KEYS];

    agent_meminfo_keys(&s->mi, s->uptime, kv);
    for (int i = 0; i < AGENT_NR_KEYS; i++) {
        if (!all && !strcmp(last[i], kv[i].value))
            continue;
        if (agent_xs_write(fd, ++*req_id, kv[i].key, kv[i].value, err, sizeof(err)) < 0) {
            fprintf(stderr, "tern-memagent: write %s: %s\n", kv[i].key,
                    err[0] ? err : strerror(errno));
            last[i][0] = '\0';
            return -1;
        }
        memcpy(last[i], kv[i].value, sizeof(last[i]));
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long interval = 1, period = 200;
    int once = 0, opt, fd, failing = 0;
    uint32_t req_id = 0;
    char last[AGENT_NR_KEYS][24] = {{0}};
    uint64_t last_ms = 0, last_avail = 0;
    bool published = false;

    while ((opt = getopt(argc, argv, "i:s:1")) != -1) {
        switch (opt) {
        case 'i':
            interval = strtoul(optarg, NULL, 10);
            if (!interval || interval > 3600) {
                fprintf(stderr, "tern-memagent: -i: 1..3600 seconds\n");
                return 2;
            }
            break;
        case 's':
            period = strtoul(optarg, NULL, 10);
            if (period < 10 || period > 3600000) {
                fprintf(stderr, "tern-memagent: -s: 10..3600000 ms\n");
                return 2;
            }
            break;
        case '1':
            once = 1;
            break;
        default:
            fprintf(stderr, "usage: tern-memagent [-i SECONDS] [-s MS] [-1]\n");
            return 2;
        }
    }
    fd = agent_xenbus_open();
    if (fd < 0) {
        fprintf(stderr, "tern-memagent: /dev/xen/xenbus: %s\n", strerror(errno));
        return 1;
    }
    if (!once)
        harden();
    for (;;) {
        struct sample s;
        uint64_t t = now_ms();
        int rc = 0;

        if (sample(&s) < 0) {
            rc = -1;
        } else if (!published ||
                   agent_publish_due(last_avail, s.mi.available, t - last_ms, interval * 1000)) {
            bool all = !published || t - last_ms >= interval * 1000;

            rc = publish(fd, &req_id, &s, all, last);
            if (rc == 0 && all)
                last_ms = t;
            if (rc == 0)
                last_avail = s.mi.available;
            published = published || (rc == 0 && all);
        }
        if (once)
            return rc < 0;
        if (rc < 0 && !failing)
            fprintf(stderr, "tern-memagent: will retry every %lu ms\n", period);
        failing = rc < 0;
        if (rc < 0) {
            /* Start again from a fresh device: a half-read answer would skew the next. */
            close(fd);
            fd = agent_xenbus_open();
            if (fd < 0)
                return 1;
            published = false;
        }
        usleep((useconds_t)(period * 1000));
    }
}
