/* tern-balloond's target computation (see policy.h). */
#include "policy.h"

#define MIB 1024ULL

void bd_params_default(struct bd_params *p)
{
    *p = (struct bd_params){
        .headroom_min_kb = 64 * MIB,
        .headroom_pct = 25,
        .reserve_kb = 128 * MIB,
        .hysteresis_kb = 4 * MIB,
        .lookahead_s = 4,
    };
}

uint64_t bd_demand_rate(struct bd_trend *t, uint64_t used_kb, uint64_t now_ms)
{
    uint64_t dt;

    if (!t->started || now_ms < t->ms) {
        *t = (struct bd_trend){.used_kb = used_kb, .ms = now_ms, .started = true};
        return 0;
    }
    dt = now_ms - t->ms;
    if (dt < BD_RATE_WINDOW_MS)
        return t->rate_kb_s; /* a shorter window is noise (4 MiB steps, unsynchronised keys) */
    if (used_kb > t->used_kb) {
        uint64_t inst = (used_kb - t->used_kb) * 1000 / dt;

        t->rate_kb_s = inst > t->rate_kb_s ? inst : (t->rate_kb_s + inst) / 2;
    } else if (dt < 1000) {
        return t->rate_kb_s; /* no growth yet: judge over a second */
    } else {
        t->rate_kb_s >>= dt / 1000 < 63 ? dt / 1000 : 63;
    }
    t->used_kb = used_kb;
    t->ms = now_ms;
    return t->rate_kb_s;
}

uint64_t bd_headroom_kb(const struct bd_params *p, uint64_t used_kb, uint64_t demand_kb_s)
{
    uint64_t head = used_kb * p->headroom_pct / 100, ahead = demand_kb_s * p->lookahead_s;

    head = head > p->headroom_min_kb ? head : p->headroom_min_kb;
    return head > ahead ? head : ahead;
}

/* The headroom of a guest: its base doubled when MemAvailable is below half of it, and
 * at least lookahead_s of its demand. */
static uint64_t headroom_of(const struct bd_params *p, const struct bd_guest *g, uint64_t used)
{
    uint64_t base = bd_headroom_kb(p, used, 0), ahead = g->demand_kb_s * p->lookahead_s;

    /* Short: MemAvailable below half of it (a guest at its want has about the headroom
     * available; a threshold at the headroom itself would flip on every small dip). */
    if (g->guest_avail_kb < base / 2)
        base *= 2;
    return base > ahead ? base : ahead;
}

uint64_t bd_default_floor_kb(uint64_t ceiling_kb)
{
    uint64_t q = ceiling_kb / 4;

    q = q > 64 * MIB ? q : 64 * MIB;
    return q < ceiling_kb ? q : ceiling_kb;
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t floor_of(const struct bd_guest *g)
{
    uint64_t f = g->floor_kb ? g->floor_kb : bd_default_floor_kb(g->ceiling_kb);

    return f < g->ceiling_kb ? f : g->ceiling_kb;
}

static uint64_t want_of(const struct bd_params *p, const struct bd_guest *g)
{
    uint64_t used =
        g->guest_total_kb > g->guest_avail_kb ? g->guest_total_kb - g->guest_avail_kb : 0;
    uint64_t head = headroom_of(p, g, used);

    /* What the guest kernel keeps outside MemTotal (its image, struct pages, reserved
     * areas): targets count it, the guest's figures do not. */
    uint64_t kernel = g->actual_kb > g->guest_total_kb ? g->actual_kb - g->guest_total_kb : 0;

    if (g->silent_short) { /* starved and silent: one headroom more than it has */
        uint64_t grow = g->actual_kb + p->headroom_min_kb;

        return clamp(grow > g->target_kb ? grow : g->target_kb, floor_of(g), g->ceiling_kb);
    }
    return clamp(kernel + used + head, floor_of(g), g->ceiling_kb);
}

uint64_t bd_policy(const struct bd_params *p, struct bd_guest *g, size_t n, uint64_t host_free_kb)
{
    uint64_t held = 0, wants = 0, floors = 0, budget, extra, above = 0;

    for (size_t i = 0; i < n; i++) {
        g[i].new_target_kb = g[i].target_kb;
        g[i].squeezed = false;
        if (!g[i].managed || !g[i].ceiling_kb)
            continue;
        g[i].want_kb = want_of(p, &g[i]);
        held += g[i].actual_kb;
        wants += g[i].want_kb;
        floors += floor_of(&g[i]);
    }
    budget = host_free_kb + held > p->reserve_kb ? host_free_kb + held - p->reserve_kb : 0;
    extra = budget > floors ? budget - floors : 0;
    above = wants - floors;
    uint64_t grow_total = 0,
             spare = host_free_kb > p->reserve_kb ? host_free_kb - p->reserve_kb : 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t t, fl;

        if (!g[i].managed || !g[i].ceiling_kb)
            continue;
        fl = floor_of(&g[i]);
        if (wants <= budget) {
            t = g[i].want_kb;
            /* Grow fast, shrink when quiet: no lower target while the demand still grows. */
            if (t < g[i].target_kb && g[i].demand_kb_s >= BD_QUIET_KB_S)
                t = g[i].target_kb;
        } else {
            /* Fair share under pressure: floors first, the rest in proportion to demand. */
            t = fl + (above ? (unsigned __int128)(g[i].want_kb - fl) * extra / above : 0);
            t = t < g[i].want_kb ? t : g[i].want_kb;
            g[i].squeezed = t < g[i].want_kb;
        }
        g[i].new_target_kb = t;
        if (t > g[i].actual_kb)
            grow_total += t - g[i].actual_kb;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t t = g[i].new_target_kb, fl;

        if (!g[i].managed || !g[i].ceiling_kb)
            continue;
        fl = floor_of(&g[i]);
        /* Growth now is limited to what the host has free above the reserve, shared in
         * proportion to each guest's growth (what shrinking guests free counts next tick). */
        if (t > g[i].actual_kb && grow_total > spare) {
            t = g[i].actual_kb + (unsigned __int128)(t - g[i].actual_kb) * spare / grow_total;
            g[i].squeezed = true;
        }
        t = clamp(t, fl, g[i].ceiling_kb);
        if (t < g[i].lowest_kb && t < g[i].actual_kb)
            t = g[i].lowest_kb < g[i].actual_kb ? g[i].lowest_kb : g[i].actual_kb;
        g[i].new_target_kb = g[i].target_kb;
        if ((t > g[i].target_kb ? t - g[i].target_kb : g[i].target_kb - t) >= p->hysteresis_kb)
            g[i].new_target_kb = t;
    }
    return budget;
}

bool bd_rearm_check(struct bd_rearm *r, uint64_t target_kb, uint64_t actual_kb, uint64_t now_ms)
{
    uint64_t gap = target_kb / 100 > 2048 ? target_kb / 100 : 2048;

    if (!r->started || r->target_kb != target_kb || r->actual_kb != actual_kb || now_ms < r->ms) {
        /* First sample, a new target or a move: start over. */
        *r = (struct bd_rearm){
            .started = true, .target_kb = target_kb, .actual_kb = actual_kb, .ms = now_ms};
        return false;
    }
    if (now_ms - r->ms < BD_REARM_SAMPLE_MS)
        return false;
    r->ms = now_ms;
    if (actual_kb <= target_kb + gap) { /* not shrinking, or there */
        r->still = 0;
        return false;
    }
    if (++r->still < BD_REARM_SAMPLES || r->rearms >= BD_REARM_MAX)
        return false;
    r->still = 0;
    r->rearms++;
    return true;
}
