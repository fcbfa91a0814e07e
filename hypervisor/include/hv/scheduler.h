/* SPDX-License-Identifier: MIT */
/*
 * Scheduler interface: per-pCPU run queues of vCPUs and the policy that picks the next
 * one, behind an ops table (struct scheduler) so that the round-robin policy of today
 * (common/sched_rr.c) can be replaced by a credit scheduler without touching the arch.
 *
 * The arch owns the mechanism (context switch, timers, IPIs, arch/arm64/vcpu.c); the
 * policy only sees entities and asks the arch whether one can run (a callback), so it
 * is freestanding and unit-tested on the host (tests/unit/hypervisor/test_sched.c).
 * Callers hold the run queue's lock (rq->lock) around every op.
 */
#ifndef HV_SCHEDULER_H
#define HV_SCHEDULER_H

#include <hv/types.h>
#include <hv/spinlock.h>

/* One schedulable vCPU (embedded in struct vcpu as ->sched). */
struct sched_entity {
    struct sched_entity *next; /* run queue ring order */
    struct sched_rq *rq;       /* queue it is on, NULL if none */
    bool boost;                /* woken while not running: runs before the others */
    uint64_t picks;            /* times picked (statistics, tests) */
};

/* A physical CPU's run queue: every vCPU assigned to that pCPU, runnable or not. */
struct sched_rq {
    spinlock_t lock;
    struct sched_entity *head;
    unsigned int nr; /* entities queued */
};

/* The arch's answer to "may e run now?" (online, not paused, not blocked or woken). */
typedef bool (*sched_runnable_fn)(struct sched_entity *e, void *arg);

struct scheduler {
    const char *name;
    unsigned int sched_id; /* XEN_SCHEDULER_* reported by XEN_SYSCTL_sched_id */
    void (*insert)(struct sched_rq *rq, struct sched_entity *e);
    void (*remove)(struct sched_rq *rq, struct sched_entity *e);
    /* e got an event while not running on its pCPU. */
    void (*wake)(struct sched_rq *rq, struct sched_entity *e);
    /* Next entity to run after cur (NULL: the pCPU was idle): a boosted runnable one
     * first, else cur if runnable and !rotate, else the next runnable one in ring order
     * after cur, else cur if runnable, else NULL (idle). */
    struct sched_entity *(*pick)(struct sched_rq *rq, struct sched_entity *cur, bool rotate,
                                 sched_runnable_fn runnable, void *arg);
    /* Runnable entities on rq (the arch arms the time-slice tick when > 1). */
    unsigned int (*nr_runnable)(struct sched_rq *rq, sched_runnable_fn runnable, void *arg);
};

/* The scheduler in use (common/sched_rr.c). */
extern const struct scheduler sched_rr;
extern const struct scheduler *const scheduler;

void sched_rq_init(struct sched_rq *rq);

#endif /* HV_SCHEDULER_H */
