/* Per-step timing of domain creation for bench/toolstack (TERN_TIMING=1); silent otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tern/guest.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double start;
static __thread double last; /* per thread: create's xenstore writer runs beside the build */
static int enabled = -1;

void tern_timing_thread_start(void)
{
    last = now_ms();
}

void tern_timing(const char *step)
{
    double t;

    if (enabled < 0)
        enabled = getenv("TERN_TIMING") != NULL;
    if (!enabled)
        return;
    t = now_ms();
    if (!step) {
        start = last = t;
        return;
    }
    fprintf(stderr, "tern: timing: %-28s %7.1f ms (total %7.1f ms)\n", step, t - last, t - start);
    last = t;
}
