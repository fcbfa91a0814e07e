/* /proc/meminfo parsing and the published key set (pure: unit-tested on the host). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "meminfo.h"

static const struct field {
    const char *name;
    size_t offset;
} fields[] = {
    {"MemTotal:", offsetof(struct agent_meminfo, total)},
    {"MemFree:", offsetof(struct agent_meminfo, memfree)},
    {"MemAvailable:", offsetof(struct agent_meminfo, available)},
    {"Buffers:", offsetof(struct agent_meminfo, buffers)},
    {"Cached:", offsetof(struct agent_meminfo, cached)},
    {"SwapTotal:", offsetof(struct agent_meminfo, swap_total)},
    {"SwapFree:", offsetof(struct agent_meminfo, swap_free)},
    {"Committed_AS:", offsetof(struct agent_meminfo, committed)},
    {"CmaTotal:", offsetof(struct agent_meminfo, cma_total)},
    {"CmaFree:", offsetof(struct agent_meminfo, cma_free)},
};

int agent_meminfo_parse(const char *text, struct agent_meminfo *mi)
{
    const char *line = text;

    memset(mi, 0, sizeof(*mi));
    while (line && *line) {
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            size_t n = strlen(fields[i].name);

            if (!strncmp(line, fields[i].name, n)) {
                *(uint64_t *)((char *)mi + fields[i].offset) = strtoull(line + n, NULL, 10);
                mi->seen |= 1u << i;
                break;
            }
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return (mi->seen & 5u) == 5u ? 0 : -1;
}

void agent_meminfo_keys(const struct agent_meminfo *mi, uint64_t uptime_s,
                        struct agent_kv kv[AGENT_NR_KEYS])
{
    uint64_t used = mi->total > mi->available ? mi->total - mi->available : 0;
    const struct {
        const char *key;
        uint64_t value;
    } list[AGENT_NR_KEYS] = {
        {"data/meminfo_total", mi->total},
        {"data/meminfo_free", mi->available},
        {"data/meminfo_used", used},
        {"data/meminfo_memfree", mi->memfree},
        {"data/meminfo_cached", mi->cached + mi->buffers},
        {"data/meminfo_swap_total", mi->swap_total},
        {"data/meminfo_swap_free", mi->swap_free},
        {"data/meminfo_committed", mi->committed},
        {"data/meminfo_cma_total", mi->cma_total},
        {"data/meminfo_cma_free", mi->cma_free},
        {"data/tern_agent_uptime", uptime_s},
    };

    for (int i = 0; i < AGENT_NR_KEYS; i++) {
        kv[i].key = list[i].key;
        snprintf(kv[i].value, sizeof(kv[i].value), "%llu", (unsigned long long)list[i].value);
    }
}

int agent_publish_due(uint64_t last_avail_kb, uint64_t avail_kb, uint64_t since_ms,
                      uint64_t interval_ms)
{
    uint64_t moved = last_avail_kb > avail_kb ? last_avail_kb - avail_kb : avail_kb - last_avail_kb;

    return since_ms >= interval_ms || moved >= AGENT_NUDGE_KB;
}
