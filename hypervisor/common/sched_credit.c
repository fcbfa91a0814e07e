/* SPDX-License-Identifier: MIT */
/*
 * Credit scheduling policy (hv/scheduler.h) with the semantics of Xen's credit1:
 *
 * - Every accounting period (30 ms) each pCPU hands out one period of CPU time as credit
 *   to the entities of its run queue that were active (ran or wanted to run), in
 *   proportion to their weight (the domain's weight shared by its vCPUs).  Running costs
 *   credit, tick for tick.
 * - An entity with credit >= 0 is UNDER, below 0 OVER; UNDER ones run first.  One woken
 *   by an event while UNDER is BOOSTed above both until it blocks, is descheduled or has
 *   run a tick (10 ms), so an I/O-bound vCPU answers at once.
 * - What an entity cannot take of its share (its cap, or credit beyond the upper bound
 *   below) is handed on to the other active entities by weight (hand_out), as Xen's
 *   csched_acct does: the others still split the whole period by their weights.
 * - A cap (percent of one pCPU for the domain, shared by its vCPUs) bounds what an
 *   entity earns per period; a capped entity whose credit falls below minus its cap is
 *   parked (not run) at once until its credit is back to >= 0: over time it gets its cap.
 * - Credit is bounded above by one period (an entity idle for long does not hoard) and
 *   below by minus four periods (a debt is forgiven rather than starving it for long).
 * - Time slice 30 ms, rate limit 1 ms: a running entity is not preempted by a higher
 *   priority one before it has run 1 ms; equal priorities take turns at slice ends.
 *
 * Accounting is per run queue (per pCPU): load balancing between pCPUs (work stealing
 * by idle pCPUs, affinity) is the arch's, which moves entities between run queues.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_SCHEDULER_* */
#endif
#include <hv/scheduler.h>

#include <hv/string.h>
#include <xen/domctl.h>

#define ACCT_MAX_PERIODS 4 /* catching up after idle: enough to reach the bounds */

unsigned int sched_credit_tslice_ms = SCHED_TSLICE_MS;
unsigned int sched_credit_ratelimit_us = SCHED_RATELIMIT_US;

/* Read once per use: another pCPU's sysctl may change them at any time, and a pass of
 * the policy works with the values it read. */
static uint64_t period(void)
{
    return (uint64_t)__atomic_load_n(&sched_credit_tslice_ms, __ATOMIC_RELAXED) *
           sched_ticks_per_ms;
}

static void credit_insert(struct sched_rq *rq, struct sched_entity *e)
{
    struct sched_entity **pp = &rq->head;

    if (e->rq)
        return;
    while (*pp)
        pp = &(*pp)->next;
    /* Credit and parking go with it when it moves between pCPUs. */
    e->next = NULL;
    e->boost = false;
    e->charged_at = 0; /* set when it is next picked */
    *pp = e;
    e->rq = rq;
    rq->nr++;
}

static void credit_remove(struct sched_rq *rq, struct sched_entity *e)
{
    struct sched_entity **pp;

    if (e->rq != rq)
        return;
    for (pp = &rq->head; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            e->next = NULL;
            e->rq = NULL;
            e->boost = false;
            rq->nr--;
            return;
        }
    }
}

bool sched_credit_boost = true;

int sched_credit_boost_select(const char *s, size_t len)
{
    static const char *const on[] = {"1", "yes", "true", "on", "enable"};
    static const char *const off[] = {"0", "no", "false", "off", "disable"};

    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        if (len == strlen(on[i]) && !memcmp(s, on[i], len)) {
            sched_credit_boost = true;
            return 0;
        }
        if (len == strlen(off[i]) && !memcmp(s, off[i], len)) {
            sched_credit_boost = false;
            return 0;
        }
    }
    return -1;
}

/* e woke from blocking (the arch calls this for nothing else: not for the running vCPU,
 * a yield or a vCPU already runnable).  Xen boosts it only when it is UNDER; not at all
 * with sched_credit_boost=0.  The entity being charged (picked, running) is never
 * boosted. */
static void credit_wake(struct sched_rq *rq, struct sched_entity *e)
{
    if (sched_credit_boost && e->rq == rq && !e->charged_at && e->credit >= 0 && !e->parked)
        e->boost = true;
}

static enum sched_pri pri(const struct sched_entity *e)
{
    if (e->boost)
        return SCHED_PRI_BOOST;
    return e->credit >= 0 ? SCHED_PRI_UNDER : SCHED_PRI_OVER;
}

static unsigned int nr_units(const struct sched_entity *e)
{
    return e->params && e->params->nr_units ? e->params->nr_units : 1;
}

/* e's share of the domain's weight (at least 1). */
static uint64_t unit_weight(const struct sched_entity *e)
{
    uint64_t w = sched_weight(e) / nr_units(e);

    return w ? w : 1;
}

/* Per-period credit cap of e (0: none): cap% of a period, shared by the domain's vCPUs. */
static uint64_t unit_cap(const struct sched_entity *e)
{
    uint64_t c;

    if (!e->params || !e->params->cap)
        return 0;
    c = (e->params->cap * period() + 99) / 100;
    return (c + nr_units(e) - 1) / nr_units(e);
}

/* e ran from e->charged_at until now: it pays. */
static void burn(struct sched_entity *e, uint64_t now)
{
    uint64_t ran;

    if (!e->charged_at || now <= e->charged_at) {
        e->charged_at = now;
        return;
    }
    ran = now - e->charged_at;
    e->charged_at = now;
    e->credit -= (int64_t)ran;
    e->ticks += ran;
    e->active = true;
    /* Capped and past minus its cap: parked now, not at the next accounting (which would
     * let it overrun its cap by up to a slice, at the cost of those waiting). */
    if (e->params && e->params->cap && e->credit < -(int64_t)unit_cap(e))
        e->parked = true;
    if (e->boost && now - e->slice_start >= SCHED_TICK_MS * sched_ticks_per_ms)
        e->boost = false;
}

/* What e can take of this period's credit: its cap, and no more than brings it to the
 * upper bound of one period (credit beyond that would be clipped, i.e. lost). */
static int64_t take_limit(const struct sched_entity *e, int64_t p)
{
    int64_t room = p - e->credit, cap = (int64_t)unit_cap(e);

    if (room < 0)
        room = 0;
    return cap && cap < room ? cap : room;
}

/* One period of credit to the active entities, by weight; what one cannot take (its
 * cap, the upper bound) goes to the others, by weight (Xen's csched_acct hands the
 * credit of capped or saturated domains on likewise), so the uncapped ones split the
 * whole period as their weights say.  Water filling: an entity whose share is more than
 * it can take gets what it can take and leaves the set, then the rest is shared again. */
static void hand_out(struct sched_rq *rq, int64_t p)
{
    int64_t left = p;
    uint64_t total = 0;
    struct sched_entity *e;
    bool again = true;

    for (e = rq->head; e; e = e->next) {
        e->filled = !e->active;
        if (e->active)
            total += unit_weight(e);
    }
    while (again && total && left > 0) {
        again = false;
        for (e = rq->head; e; e = e->next) {
            int64_t lim;

            if (e->filled)
                continue;
            lim = take_limit(e, p);
            if ((uint64_t)left * unit_weight(e) / total >= (uint64_t)lim) {
                e->credit += lim;
                left -= lim;
                total -= unit_weight(e);
                e->filled = true;
                again = true;
                break; /* shares change: compute them again */
            }
        }
    }
    if (!total)
        return;
    for (e = rq->head; e; e = e->next) {
        if (!e->filled)
            e->credit += (int64_t)((uint64_t)left * unit_weight(e) / total);
    }
}

static void account_once(struct sched_rq *rq, sched_runnable_fn runnable, void *arg)
{
    const int64_t p = (int64_t)period();
    struct sched_entity *e;

    for (e = rq->head; e; e = e->next) {
        if (!e->active && (e->parked || runnable(e, arg)))
            e->active = true;
    }
    hand_out(rq, p);
    for (e = rq->head; e; e = e->next) {
        uint64_t cap = unit_cap(e);

        if (!e->active)
            continue;
        if (e->credit > p)
            e->credit = p;
        if (e->credit < -4 * p)
            e->credit = -4 * p;
        if (cap && e->credit < -(int64_t)cap)
            e->parked = true;
        else if (e->parked && e->credit >= 0)
            e->parked = false;
        if (e->parked)
            e->boost = false;
    }
}

static void account(struct sched_rq *rq, uint64_t now, sched_runnable_fn runnable, void *arg)
{
    uint64_t n;

    if (!rq->acct_next) {
        rq->acct_next = now + period();
        return;
    }
    if (now < rq->acct_next)
        return;
    n = (now - rq->acct_next) / period() + 1;
    for (uint64_t i = 0; i < n && i < ACCT_MAX_PERIODS; i++) {
        rq->nr_acct++;
        account_once(rq, runnable, arg);
        for (struct sched_entity *e = rq->head; e; e = e->next)
            e->active = false; /* who runs or waits from now on is active again */
    }
    rq->acct_next += n * period();
}

static bool can_run(struct sched_entity *e, sched_runnable_fn runnable, void *arg)
{
    return !e->parked && runnable(e, arg);
}

/* The entity after e in ring order (wrapping); the head when e is NULL or not queued. */
static struct sched_entity *ring_next(struct sched_rq *rq, struct sched_entity *e)
{
    return e && e->rq == rq && e->next ? e->next : rq->head;
}

/* The best runnable entity other than cur: highest priority, first after cur in ring
 * order among equals (so equals take turns).  Boosts of entities that cannot run are
 * dropped (their next wake-up boosts them again). */
static struct sched_entity *best_other(struct sched_rq *rq, struct sched_entity *cur,
                                       sched_runnable_fn runnable, void *arg)
{
    struct sched_entity *e, *best = NULL;
    unsigned int i;

    for (e = ring_next(rq, cur), i = 0; e && i < rq->nr; e = ring_next(rq, e), i++) {
        if (e == cur)
            continue;
        if (!can_run(e, runnable, arg)) {
            e->boost = false;
            continue;
        }
        if (!best || pri(e) > pri(best))
            best = e;
    }
    return best;
}

static struct sched_entity *credit_pick(struct sched_rq *rq, struct sched_entity *cur, bool rotate,
                                        uint64_t now, sched_runnable_fn runnable, void *arg)
{
    const uint64_t ratelimit =
        (uint64_t)__atomic_load_n(&sched_credit_ratelimit_us, __ATOMIC_RELAXED) *
        sched_ticks_per_ms / 1000;
    struct sched_entity *best, *next;
    bool cur_ok;

    if (cur && cur->rq != rq)
        cur = NULL;
    if (cur)
        burn(cur, now);
    rq->nr_pick++;
    rq->nr_rotate += rotate;
    if (cur && rotate)
        cur->boost = false; /* a yield or a slice end: no longer ahead of the others */
    account(rq, now, runnable, arg);
    cur_ok = cur && can_run(cur, runnable, arg);
    best = best_other(rq, cur, runnable, arg);
    if (!cur_ok)
        next = best;
    else if (!best)
        next = cur;
    else if (rotate)
        next = pri(cur) > pri(best) ? cur : best;
    else if (pri(best) > pri(cur) && now - cur->slice_start >= ratelimit)
        next = best, rq->nr_preempt++; /* by a higher priority, after the rate limit */
    else
        next = cur;

    if (cur && next != cur) {
        cur->boost = false;
        cur->charged_at = 0; /* off the pCPU (or waiting on it): not paying */
    } else if (cur && !cur_ok) {
        cur->charged_at = 0;
    }
    rq->cap_end = rq->pri_end = 0;
    if (!next) {
        rq->nr_idle++;
        return NULL;
    }
    if (next != cur || rotate) {
        next->slice_start = now;
        next->charged_at = now;
        next->picks++;
        rq->slice_end = now + period();
    }
    /* Kept only by the rate limit: the waiting higher priority runs when it ends. */
    if (next == cur && best && pri(best) > pri(cur) && cur->slice_start + ratelimit < rq->slice_end)
        rq->slice_end = cur->slice_start + ratelimit;
    /* Another entity waits: pick again when next's priority drops (its credit goes below
     * zero, its boost has lasted a tick), so an UNDER one waiting takes over at once
     * rather than at the end of next's slice, which may be an accounting later. */
    rq->pri_end = 0;
    if (next->boost)
        rq->pri_end = next->slice_start + SCHED_TICK_MS * sched_ticks_per_ms;
    else if (next->credit >= 0)
        rq->pri_end = now + (uint64_t)next->credit + 1;
    /* A capped entity runs until its credit is just below minus its cap (then parked). */
    if (unit_cap(next)) {
        int64_t left = next->credit + (int64_t)unit_cap(next);

        rq->cap_end = now + (uint64_t)(left > 0 ? left : 0) + 1;
    }
    return next;
}

static unsigned int credit_nr_runnable(struct sched_rq *rq, sched_runnable_fn runnable, void *arg)
{
    unsigned int n = 0;

    for (struct sched_entity *e = rq->head; e; e = e->next)
        n += can_run(e, runnable, arg);
    return n;
}

/* Accounting must go on while anything here runs or is parked (caps, unparking); the
 * slice end matters only when another entity waits. */
static uint64_t credit_deadline(struct sched_rq *rq, sched_runnable_fn runnable, void *arg)
{
    uint64_t d = ~0UL;
    unsigned int n = 0;
    bool busy = false;

    for (struct sched_entity *e = rq->head; e; e = e->next) {
        if (e->parked)
            busy = true;
        else if (runnable(e, arg))
            n++;
    }
    if (n > 1)
        d = rq->slice_end;
    if ((n || busy) && rq->acct_next && rq->acct_next < d)
        d = rq->acct_next;
    if (rq->cap_end && rq->cap_end < d)
        d = rq->cap_end;
    if (n > 1 && rq->pri_end && rq->pri_end < d)
        d = rq->pri_end;
    return d;
}

const struct scheduler sched_credit = {
    .name = "credit",
    .sched_id = XEN_SCHEDULER_CREDIT,
    .insert = credit_insert,
    .remove = credit_remove,
    .wake = credit_wake,
    .pick = credit_pick,
    .nr_runnable = credit_nr_runnable,
    .deadline = credit_deadline,
};
