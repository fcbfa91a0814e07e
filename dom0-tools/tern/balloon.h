/* Where a guest's balloon really is: its target (memory/target) against the pages the
 * hypervisor counts for it, whether it still moves, and -- once it stops short -- why.
 * Shared by `tern mem-set -w` and tern-balloond; pure (unit-tested on the host). */
#ifndef TERN_BALLOON_H
#define TERN_BALLOON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What dom0 can see of one guest (KiB). Zero means unknown. */
struct tern_balloon_obs {
    uint64_t target_kb;      /* memory/target */
    uint64_t actual_kb;      /* the hypervisor's tot_pages */
    uint64_t maxmem_kb;      /* the hypervisor's max_pages (the limit it enforces) */
    uint64_t static_max_kb;  /* memory/static-max */
    uint64_t host_free_kb;   /* the host's free memory */
    bool have_agent;         /* data/meminfo_* present and fresh */
    uint64_t guest_total_kb; /* data/meminfo_total (the guest kernel's MemTotal) */
    uint64_t guest_avail_kb; /* data/meminfo_free (MemAvailable) */
    uint64_t guest_cma_total_kb, guest_cma_free_kb; /* data/meminfo_cma_* (CmaTotal, CmaFree) */
};

enum tern_balloon_state {
    TERN_BALLOON_MOVING,  /* not at the target and still moving */
    TERN_BALLOON_REACHED, /* within the tolerance of the target */
    TERN_BALLOON_STOPPED, /* short of the target and no progress for the stall time */
};

/* The tolerance within which a target counts as reached: the larger of 2 MiB and 1 %. */
uint64_t tern_balloon_tolerance_kb(uint64_t target_kb);
bool tern_balloon_at_target(uint64_t target_kb, uint64_t actual_kb);

/* Progress tracking: feed it the actual size at times now_ms (monotonic). */
struct tern_balloon_track {
    uint64_t last_kb;   /* the size at the last move */
    uint64_t last_ms;   /* when it last moved (by more than 1 page) */
    uint64_t target_kb; /* the target being tracked (a new target restarts the clock) */
    uint64_t stall_ms;  /* no move for this long = stopped */
    bool started;
};

void tern_balloon_track_init(struct tern_balloon_track *t, uint64_t stall_ms);
enum tern_balloon_state tern_balloon_track(struct tern_balloon_track *t, uint64_t target_kb,
                                           uint64_t actual_kb, uint64_t now_ms);

/* Why a balloon stopped short (one sentence, no trailing period) into buf. */
void tern_balloon_reason(const struct tern_balloon_obs *o, char *buf, size_t len);

/* What the guest can give without running out of memory: Linux's balloon driver takes
 * unmovable pages, which only its memory outside a CMA area can supply, and guards with
 * MemAvailable alone (CMA included): taken past that, the guest's own allocations fail and
 * its OOM killer ends in "System is deadlocked on memory". The guest keeps
 * TERN_BALLOON_KEEP_KB of its available memory outside CMA. */
#define TERN_BALLOON_KEEP_KB (16 * 1024)
uint64_t tern_balloon_giveable_kb(const struct tern_balloon_obs *o);

/* The target to write for a requested one: the request, or -- when it would take more than
 * the guest can give (figures from its agent) -- the lowest safe target, with why in buf.
 * Returns the target; buf is "" when the request stands. */
uint64_t tern_balloon_safe_target(const struct tern_balloon_obs *o, uint64_t want_kb, char *buf,
                                  size_t len);

const char *tern_balloon_state_name(enum tern_balloon_state s);

#endif
