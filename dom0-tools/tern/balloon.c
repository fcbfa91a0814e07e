/* Balloon position, progress and the reason it stopped (see balloon.h). */
#include <stdio.h>
#include "balloon.h"

#define PAGE_KB 4
/* A guest with less than this available cannot give more without swapping or OOM. */
#define GUEST_TIGHT_KB (8 * 1024)

uint64_t tern_balloon_tolerance_kb(uint64_t target_kb)
{
    uint64_t pct = target_kb / 100;

    return pct > 2048 ? pct : 2048;
}

bool tern_balloon_at_target(uint64_t target_kb, uint64_t actual_kb)
{
    uint64_t d = actual_kb > target_kb ? actual_kb - target_kb : target_kb - actual_kb;

    return d <= tern_balloon_tolerance_kb(target_kb);
}

void tern_balloon_track_init(struct tern_balloon_track *t, uint64_t stall_ms)
{
    *t = (struct tern_balloon_track){.stall_ms = stall_ms};
}

enum tern_balloon_state tern_balloon_track(struct tern_balloon_track *t, uint64_t target_kb,
                                           uint64_t actual_kb, uint64_t now_ms)
{
    uint64_t moved;

    if (!t->started || t->target_kb != target_kb) {
        t->started = true;
        t->target_kb = target_kb;
        t->last_kb = actual_kb;
        t->last_ms = now_ms;
    }
    moved = actual_kb > t->last_kb ? actual_kb - t->last_kb : t->last_kb - actual_kb;
    if (moved > PAGE_KB) {
        t->last_kb = actual_kb;
        t->last_ms = now_ms;
    }
    if (tern_balloon_at_target(target_kb, actual_kb))
        return TERN_BALLOON_REACHED;
    return now_ms - t->last_ms >= t->stall_ms ? TERN_BALLOON_STOPPED : TERN_BALLOON_MOVING;
}

void tern_balloon_reason(const struct tern_balloon_obs *o, char *buf, size_t len)
{
    uint64_t cma;

    if (o->actual_kb < o->target_kb) { /* growing */
        if (o->maxmem_kb && o->actual_kb + tern_balloon_tolerance_kb(o->target_kb) >= o->maxmem_kb)
            snprintf(buf, len, "the hypervisor's limit for the domain (maxmem %llu MiB)",
                     (unsigned long long)(o->maxmem_kb >> 10));
        else if (o->host_free_kb && o->host_free_kb < o->target_kb - o->actual_kb)
            snprintf(buf, len, "the host has only %llu MiB free",
                     (unsigned long long)(o->host_free_kb >> 10));
        else
            snprintf(buf, len,
                     "the guest's balloon driver stopped asking for memory (it gives back only "
                     "what it took: growing past its boot memory needs memory hotplug)");
        return;
    }
    if (!o->have_agent) {
        snprintf(buf, len,
                 "the guest's balloon driver stopped (no memory figures from the guest: "
                 "no agent, so its reason is unknown)");
        return;
    }
    cma = o->guest_cma_free_kb < o->guest_avail_kb ? o->guest_cma_free_kb : o->guest_avail_kb;
    if (o->guest_avail_kb < GUEST_TIGHT_KB)
        snprintf(buf, len, "the guest has no more memory to give (%llu MiB available)",
                 (unsigned long long)(o->guest_avail_kb >> 10));
    else if (o->guest_avail_kb - cma < GUEST_TIGHT_KB)
        /* Linux's balloon driver allocates unmovable pages (GFP_HIGHUSER), which the
         * allocator never takes from a CMA area (reserved for movable pages). */
        snprintf(buf, len,
                 "the guest's balloon driver cannot take pages from its CMA area: %llu of the "
                 "%llu MiB it has available are CMA (CmaTotal %llu MiB), %llu MiB outside; "
                 "boot the guest with cma=0 or a smaller cma= (docs/memory.md)",
                 (unsigned long long)(cma >> 10), (unsigned long long)(o->guest_avail_kb >> 10),
                 (unsigned long long)(o->guest_cma_total_kb >> 10),
                 (unsigned long long)((o->guest_avail_kb - cma) >> 10));
    else
        snprintf(buf, len,
                 "the guest's balloon driver cannot take more pages although %llu MiB are "
                 "available (%llu MiB of them outside its CMA area): its allocator will not "
                 "hand out the rest now (fragmentation or reclaim; it retries with a growing "
                 "delay, up to 32 s)",
                 (unsigned long long)(o->guest_avail_kb >> 10),
                 (unsigned long long)((o->guest_avail_kb - cma) >> 10));
}

uint64_t tern_balloon_giveable_kb(const struct tern_balloon_obs *o)
{
    uint64_t cma =
        o->guest_cma_free_kb < o->guest_avail_kb ? o->guest_cma_free_kb : o->guest_avail_kb;
    uint64_t outside = o->guest_avail_kb - cma;

    return outside > TERN_BALLOON_KEEP_KB ? outside - TERN_BALLOON_KEEP_KB : 0;
}

uint64_t tern_balloon_safe_target(const struct tern_balloon_obs *o, uint64_t want_kb, char *buf,
                                  size_t len)
{
    uint64_t give, lowest;

    if (len)
        buf[0] = '\0';
    if (!o->have_agent || want_kb >= o->actual_kb)
        return want_kb;
    give = tern_balloon_giveable_kb(o);
    lowest = o->actual_kb - (give < o->actual_kb ? give : o->actual_kb);
    if (want_kb >= lowest)
        return want_kb;
    snprintf(buf, len,
             "the guest can give only %llu MiB: %llu MiB available, %llu MiB of them in its CMA "
             "area (its balloon driver cannot take those), %llu MiB kept so it does not run out "
             "of memory; boot it with cma=0 or a smaller cma= to go lower (docs/memory.md)",
             (unsigned long long)(give >> 10), (unsigned long long)(o->guest_avail_kb >> 10),
             (unsigned long long)((o->guest_cma_free_kb < o->guest_avail_kb ? o->guest_cma_free_kb
                                                                            : o->guest_avail_kb) >>
                                  10),
             (unsigned long long)(TERN_BALLOON_KEEP_KB >> 10));
    return lowest;
}

const char *tern_balloon_state_name(enum tern_balloon_state s)
{
    static const char *const names[] = {"moving", "reached", "stopped"};

    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
