/* SPDX-License-Identifier: MIT */
/*
 * Round-robin scheduling policy with wake-up boost (hv/scheduler.h).  Each pCPU has a
 * ring of the vCPUs assigned to it; the arch asks for the next one when the running vCPU
 * blocks, is paused or goes offline, when its time slice ends (rotate), or when another
 * vCPU on the ring was woken by an event (boost: an I/O-bound vCPU answers at once, as
 * Xen's credit scheduler BOOST priority does).  No weights or caps (sched_credit.c has
 * them); chosen with `sched=rr`.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_SCHEDULER_* */
#endif
#include <hv/scheduler.h>

#include <xen/domctl.h>

static void rr_insert(struct sched_rq *rq, struct sched_entity *e)
{
    struct sched_entity **pp = &rq->head;

    if (e->rq)
        return;
    while (*pp) /* append: ring order = order of arrival */
        pp = &(*pp)->next;
    e->next = NULL;
    e->boost = false;
    *pp = e;
    e->rq = rq;
    rq->nr++;
}

static void rr_remove(struct sched_rq *rq, struct sched_entity *e)
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

static void rr_wake(struct sched_rq *rq, struct sched_entity *e)
{
    if (e->rq == rq)
        e->boost = true;
}

/* The entity after e in ring order (wrapping); the head when e is NULL or not queued. */
static struct sched_entity *ring_next(struct sched_rq *rq, struct sched_entity *e)
{
    return e && e->rq == rq && e->next ? e->next : rq->head;
}

static struct sched_entity *rr_pick(struct sched_rq *rq, struct sched_entity *cur, bool rotate,
                                    uint64_t now, sched_runnable_fn runnable, void *arg)
{
    struct sched_entity *e, *start, *found = NULL;
    bool cur_ok = cur && cur->rq == rq && runnable(cur, arg);
    unsigned int i;

    /* Boosted first, in ring order after cur; a boost is used up when its entity is
     * picked, dropped when it cannot run (the next wake-up boosts it again). */
    start = ring_next(rq, cur);
    for (e = start, i = 0; e && i < rq->nr; e = ring_next(rq, e), i++) {
        if (!e->boost || e == cur)
            continue;
        if (!runnable(e, arg)) {
            e->boost = false;
        } else if (!found) {
            e->boost = false;
            found = e;
        }
    }
    if (cur)
        cur->boost = false;
    if (!found && cur_ok && !rotate)
        found = cur;
    for (e = start, i = 0; !found && e && i < rq->nr; e = ring_next(rq, e), i++)
        if (e != cur && runnable(e, arg))
            found = e;
    if (!found && cur_ok)
        found = cur;
    if (found)
        found->picks++;
    if (found != cur || rotate)
        rq->slice_end = now + SCHED_RR_SLICE_MS * sched_ticks_per_ms;
    return found;
}

static unsigned int rr_nr_runnable(struct sched_rq *rq, sched_runnable_fn runnable, void *arg)
{
    unsigned int n = 0;

    for (struct sched_entity *e = rq->head; e; e = e->next)
        n += runnable(e, arg);
    return n;
}

static uint64_t rr_deadline(struct sched_rq *rq, sched_runnable_fn runnable, void *arg)
{
    return rr_nr_runnable(rq, runnable, arg) > 1 ? rq->slice_end : ~0UL;
}

const struct scheduler sched_rr = {
    .name = "rr",
    /* Xen has no round-robin scheduler: a Tern id outside Xen's XEN_SCHEDULER_* (xl
     * prints no name for it; tern info prints "rr").  docs/hypervisor/scheduler.md. */
    .sched_id = TERN_SCHEDULER_RR,
    .insert = rr_insert,
    .remove = rr_remove,
    .wake = rr_wake,
    .pick = rr_pick,
    .nr_runnable = rr_nr_runnable,
    .deadline = rr_deadline,
};
