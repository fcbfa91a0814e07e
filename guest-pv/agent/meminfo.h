/* The guest's memory figures (/proc/meminfo, KiB) and the xenstore keys they are
 * published under: xe-guest-utilities' data/meminfo_total and data/meminfo_free
 * (= MemAvailable), plus ours for the balloon policy (tern-balloond). */
#ifndef TERN_AGENT_MEMINFO_H
#define TERN_AGENT_MEMINFO_H

#include <stddef.h>
#include <stdint.h>

struct agent_meminfo {
    uint64_t total, memfree, available, buffers, cached, swap_total, swap_free, committed;
    uint64_t cma_total, cma_free; /* the CMA area: the balloon driver cannot take its pages */
    unsigned int seen;            /* bit per field found */
};

/* Parses /proc/meminfo text. Returns 0, or -1 if MemTotal or MemAvailable is missing. */
int agent_meminfo_parse(const char *text, struct agent_meminfo *mi);

/* One key/value pair to publish (key relative to the domain's home, e.g. data/meminfo_free). */
struct agent_kv {
    const char *key;
    char value[24];
};

#define AGENT_NR_KEYS 11

/* Fills kv[AGENT_NR_KEYS] from mi; uptime_s is written as data/tern_agent_uptime (a
 * heartbeat: the daemon treats figures whose heartbeat stopped moving as stale). */
void agent_meminfo_keys(const struct agent_meminfo *mi, uint64_t uptime_s,
                        struct agent_kv kv[AGENT_NR_KEYS]);

/* Whether to publish now, between the regular publications: MemAvailable moved by at least
 * AGENT_NUDGE_KB since the last one (a guest filling its memory is reported within one sample,
 * not one interval, so dom0 can grow it ahead of its OOM killer). since_ms: time since the
 * last publication; due when it reaches interval_ms. */
#define AGENT_NUDGE_KB (4 * 1024)
int agent_publish_due(uint64_t last_avail_kb, uint64_t avail_kb, uint64_t since_ms,
                      uint64_t interval_ms);

#endif
