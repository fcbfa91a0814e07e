/* The last minutes of samples, for the web page's graphs: a ring of compact per-domain
 * figures, written as JSON (GET /api/history). */
#ifndef TERN_METRICSD_HISTORY_H
#define TERN_METRICSD_HISTORY_H

#include <stdint.h>
#include <stdio.h>
#include "../top/stats.h"

#define HISTORY_NAME_LEN TERN_STATS_NAME_LEN

struct history_dom {
    uint32_t domid;
    char name[HISTORY_NAME_LEN];
    double cpu_pct;
    long long actual_kb, target_kb, used_kb, cache_kb; /* TERN_STATS_UNKNOWN if unknown */
};

struct history_point {
    uint64_t unix_ms;
    uint64_t host_total_kb, host_free_kb;
    unsigned n;
    struct history_dom *doms;
};

struct history {
    unsigned cap, len, next; /* ring of cap points; next = slot the next one goes to */
    struct history_point *points;
};

/* A ring of cap points (at least 1). Returns 0 or -1 (out of memory). */
int history_init(struct history *h, unsigned cap);
/* Appends a sample taken at unix_ms (cpu_pct already filled); the oldest point goes when
 * full. Returns 0 or -1 (out of memory: the point is not added). */
int history_add(struct history *h, const struct tern_stats *s, uint64_t unix_ms);
/* {"interval_ms":I,"points":[{"t":ms,"host":{...},"domains":[{...}]}...]}, oldest first. */
void history_json(FILE *f, const struct history *h, unsigned interval_ms);
void history_free(struct history *h);

#endif
