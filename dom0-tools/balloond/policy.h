/* tern-balloond's policy (pure: unit-tested on the host). Each tick it gets one row per
 * running guest and the host's free memory, and returns each managed guest's new target:
 *
 *   want    = kernel + used + headroom, where used = MemTotal - MemAvailable from the guest
 *             agent, kernel = actual - MemTotal (what the guest kernel keeps outside MemTotal:
 *             a target counts it) and headroom = max(headroom_min, used * headroom_pct / 100);
 *             doubled when the guest is short (MemAvailable below half of it), at least what
 *             the guest's demand (growth of used) takes in lookahead_s at its recent rate
 *             (bd_demand_rate), so it grows ahead of its demand;
 *   shrink  = only when the demand is quiet (below BD_QUIET_KB_S): grow fast, shrink slowly;
 *   bounds  = [floor, ceiling]: floor from memory/tern-floor (default max(64 MiB, ceiling/4)),
 *             ceiling = memory/static-max;
 *   budget  = host free + what managed guests hold now - dom0's reserve; when the wants do
 *             not fit, every guest keeps its floor and the rest is shared in proportion to
 *             what each wants above its floor (never more than it wants).
 *
 * A shrinking target never goes below lowest_kb this tick (what the guest can give outside
 * its CMA area, keeping a reserve): the guest is not driven into its OOM killer.
 *
 * Guests that are switched off, or have no fresh agent figures, are left alone: their
 * targets are not touched (a guest we know nothing about is not driven anywhere) -- except a
 * guest whose agent went silent while it was short (silent_short): a starved guest's agent
 * is the first to stall, so that silence is taken as pressure and the guest grows by one
 * headroom (headroom_min) per tick while it stays silent, up to its ceiling. */
#ifndef TERN_BALLOOND_POLICY_H
#define TERN_BALLOOND_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bd_params {
    uint64_t headroom_min_kb; /* default 64 MiB */
    unsigned headroom_pct;    /* default 25 */
    uint64_t reserve_kb;      /* host memory kept free for dom0 and new domains (default 128 MiB) */
    uint64_t hysteresis_kb;   /* smaller changes are not written (default 4 MiB) */
    unsigned lookahead_s;     /* the headroom covers this much of the demand's rate (4 s) */
};

/* The guest's demand: how fast its used memory (MemTotal - MemAvailable) grows, KiB/s.
 * Balloon moves change MemTotal and MemAvailable alike, not used. A rise is taken at once,
 * a quiet spell halves the rate every second. */
struct bd_trend {
    uint64_t used_kb, ms, rate_kb_s;
    bool started;
};
uint64_t bd_demand_rate(struct bd_trend *t, uint64_t used_kb, uint64_t now_ms);
#define BD_RATE_WINDOW_MS 500  /* the rate is measured over at least this */
#define BD_QUIET_KB_S     1024 /* below this demand a guest's target may shrink */

struct bd_guest {
    /* inputs */
    uint32_t domid;
    bool managed;            /* switched on and fresh agent figures (or silent_short) */
    bool silent_short;       /* switched on, figures stale, and short when last heard */
    uint64_t actual_kb;      /* hypervisor tot_pages */
    uint64_t target_kb;      /* current memory/target */
    uint64_t ceiling_kb;     /* memory/static-max */
    uint64_t floor_kb;       /* memory/tern-floor, 0 = default */
    uint64_t guest_total_kb; /* data/meminfo_total */
    uint64_t guest_avail_kb; /* data/meminfo_free (MemAvailable) */
    uint64_t lowest_kb;      /* lowest safe target now (tern_balloon_safe_target), 0 = none */
    uint64_t demand_kb_s;    /* bd_demand_rate */
    /* outputs */
    uint64_t want_kb;       /* used + headroom, within the bounds */
    uint64_t new_target_kb; /* what the policy sets (== target_kb: leave it) */
    bool squeezed;          /* got less than it wants (host pressure) */
};

/* Re-arming a shrink the guest gave up. Linux's balloon driver stops retrying a decrease
 * after a few rounds without progress (balloon_process: retries after 2, 4, 8 s, then it
 * waits for the next target): the guest's target stays but its size no longer moves. A
 * shrink is stalled when the guest is above its target (by more than the larger of 2 MiB
 * and 1 % of it) and has not moved for BD_REARM_SAMPLES samples (samples count at most one
 * per BD_REARM_SAMPLE_MS). The daemon then writes target + BD_REARM_NUDGE_KB and the target
 * again: each write is a new target for the guest's driver, which tries again at once.
 * Every BD_REARM_SAMPLES still samples it re-arms again, at most BD_REARM_MAX times in a
 * row without progress (a guest that cannot give is not prodded forever); a move of the
 * guest or a new target starts over. */
#define BD_REARM_SAMPLES   3
#define BD_REARM_SAMPLE_MS 1000
#define BD_REARM_NUDGE_KB  64
#define BD_REARM_MAX       5
struct bd_rearm {
    bool started;
    uint64_t target_kb, actual_kb, ms;
    unsigned still;  /* samples without a move */
    unsigned rearms; /* re-arms since the last move or new target */
};
/* One observation of the guest; true: re-arm it now (the caller writes the nudge). */
bool bd_rearm_check(struct bd_rearm *r, uint64_t target_kb, uint64_t actual_kb, uint64_t now_ms);

void bd_params_default(struct bd_params *p);
/* The headroom a guest using used_kb gets (before doubling when short). */
uint64_t bd_headroom_kb(const struct bd_params *p, uint64_t used_kb, uint64_t demand_kb_s);
uint64_t bd_default_floor_kb(uint64_t ceiling_kb);

/* Computes want_kb and new_target_kb for every managed guest. Returns the budget (KiB) the
 * managed guests shared. host_free_kb: the hypervisor's free memory now. */
uint64_t bd_policy(const struct bd_params *p, struct bd_guest *g, size_t n, uint64_t host_free_kb);

#endif
