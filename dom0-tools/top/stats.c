/* The pure helpers of stats.h (the reader that talks to the hypervisor is stats_read.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

const struct tern_dom_stats *tern_stats_find(const struct tern_stats *s, uint32_t domid)
{
    for (unsigned i = 0; s && i < s->n; i++)
        if (s->doms[i].domid == domid)
            return &s->doms[i];
    return NULL;
}

double tern_cpu_pct(uint64_t ns_now, uint64_t ns_prev, uint64_t elapsed_ns)
{
    if (!elapsed_ns || ns_now < ns_prev)
        return 0.0;
    return (double)(ns_now - ns_prev) * 100.0 / (double)elapsed_ns;
}

void tern_stats_cpu_pct(struct tern_stats *cur, const struct tern_stats *prev)
{
    for (unsigned i = 0; i < cur->n; i++) {
        const struct tern_dom_stats *old = tern_stats_find(prev, cur->doms[i].domid);

        cur->doms[i].cpu_pct =
            old && cur->mono_ns > prev->mono_ns
                ? tern_cpu_pct(cur->doms[i].cpu_ns, old->cpu_ns, cur->mono_ns - prev->mono_ns)
                : 0.0;
    }
}

long long tern_stats_number(const char *s)
{
    char *end;
    long long v;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return TERN_STATS_UNKNOWN;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return TERN_STATS_UNKNOWN;
    return v;
}

void tern_stats_free(struct tern_stats *s)
{
    free(s->doms);
    memset(s, 0, sizeof(*s));
}
