/* SPDX-License-Identifier: MIT */
/*
 * tern-evping DOMID PORT COUNT INTERVAL_US: dom0's side of bench/sched's wake-latency
 * scenario.  Binds PORT of domain DOMID (a test guest in tern.pong mode, which answers
 * every event with one back) through /dev/xen/evtchn, then COUNT times (0: until
 * SIGTERM/SIGINT): notify, wait for the answer, unmask; the round trip is timed with
 * CLOCK_MONOTONIC (the virtual counter: under QEMU's -icount it is instruction time).
 * Sleeps INTERVAL_US between pings, so the guest has blocked again before the next one.
 * Prints one line:
 *   EVPING n=<answered> lost=<no answer within 2 s> p50_us= p90_us= p99_us= max_us= mean_us=
 *          over_1ms=<round trips of 1 ms or more>
 * With EVPING_SLOW_US=N in the environment, each round trip of N us or more is also
 * printed as it happens: EVPING-SLOW i=<ping> us=<round trip> at_ms=<since the first>.
 * Exit 0, or 1 when it could not bind or no ping was answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
typedef uint16_t domid_t; /* xen/sys/evtchn.h uses it, xen/xen.h defines it */
#include <xen/sys/evtchn.h>

#define MAX_SAMPLES 100000

static volatile sig_atomic_t stop;
static uint64_t samples[MAX_SAMPLES];

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static double pct_us(size_t n, double pct)
{
    size_t i = (size_t)(pct / 100.0 * (double)(n - 1) + 0.5);

    return (double)samples[i < n ? i : n - 1] / 1000.0;
}

int main(int argc, char **argv)
{
    struct ioctl_evtchn_bind_interdomain bind;
    struct ioctl_evtchn_notify notify;
    struct sigaction sa;
    unsigned long count, interval_us;
    size_t n = 0, lost = 0, over_1ms = 0;
    double sum = 0;
    int fd, local;
    const char *slow_env = getenv("EVPING_SLOW_US");
    uint64_t slow_ns = slow_env ? strtoull(slow_env, NULL, 0) * 1000 : 0, start = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: %s DOMID PORT COUNT INTERVAL_US\n", argv[0]);
        return 2;
    }
    bind.remote_domain = (unsigned int)strtoul(argv[1], NULL, 0);
    bind.remote_port = (unsigned int)strtoul(argv[2], NULL, 0);
    count = strtoul(argv[3], NULL, 0);
    interval_us = strtoul(argv[4], NULL, 0);
    if (!count || count > MAX_SAMPLES)
        count = MAX_SAMPLES;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked poll() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    fd = open("/dev/xen/evtchn", O_RDWR);
    if (fd < 0) {
        perror("/dev/xen/evtchn");
        return 1;
    }
    local = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (local < 0) {
        perror("IOCTL_EVTCHN_BIND_INTERDOMAIN");
        return 1;
    }
    notify.port = (unsigned int)local;
    /* Real-time priority in dom0: what is timed is the hypervisor's wake-up of the guest
     * and of dom0's vCPU, not how long dom0's Linux leaves this task waiting behind
     * another one.  It did not remove the rare 4 ms (one dom0 tick) round trips of
     * sched-wake, whose cause is open (docs/hypervisor/scheduler.md). */
    {
        struct sched_param sp = {.sched_priority = 50};

        if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
            fprintf(stderr, "tern-evping: SCHED_FIFO: %s (timing at normal priority)\n",
                    strerror(errno));
    }

    while (!stop && n + lost < count) {
        struct timespec gap = {interval_us / 1000000, (long)(interval_us % 1000000) * 1000};
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        uint64_t t0, t1;
        uint32_t got;
        int rc;

        nanosleep(&gap, NULL);
        if (stop)
            break;
        t0 = now_ns();
        if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0) {
            perror("IOCTL_EVTCHN_NOTIFY");
            break;
        }
        rc = poll(&pfd, 1, 2000);
        if (rc < 0 && errno == EINTR)
            break;
        if (rc <= 0) {
            lost++;
            continue;
        }
        if (read(fd, &got, sizeof(got)) != sizeof(got))
            break;
        t1 = now_ns();
        if (write(fd, &got, sizeof(got)) != sizeof(got)) /* unmask */
            break;
        if (!start)
            start = t0;
        if (slow_ns && t1 - t0 >= slow_ns)
            printf("EVPING-SLOW i=%zu us=%.1f at_ms=%.3f\n", n + lost, (double)(t1 - t0) / 1000.0,
                   (double)(t0 - start) / 1e6);
        samples[n++] = t1 - t0;
        sum += (double)(t1 - t0);
    }
    if (!n) {
        printf("EVPING n=0 lost=%zu\n", lost);
        return 1;
    }
    qsort(samples, n, sizeof(samples[0]), cmp_u64);
    while (over_1ms < n && samples[n - 1 - over_1ms] >= 1000000)
        over_1ms++;
    printf("EVPING n=%zu lost=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f mean_us=%.1f "
           "over_1ms=%zu\n",
           n, lost, pct_us(n, 50), pct_us(n, 90), pct_us(n, 99), (double)samples[n - 1] / 1000.0,
           sum / (double)n / 1000.0, over_1ms);
    fflush(stdout);
    return 0;
}
