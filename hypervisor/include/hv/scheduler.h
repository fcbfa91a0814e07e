/* SPDX-License-Identifier: MIT */
/*
 * Scheduler interface: per-pCPU run queues of vCPUs and the policy that picks the next
 * one, behind an ops table (struct scheduler).  Two policies: credit (common/
 * sched_credit.c, Xen's credit1 semantics: weights, caps, UNDER/OVER, BOOST, the default)
 * and round-robin (common/sched_rr.c); `sched=credit|rr` on the hypervisor command line
 * chooses (common/sched_core.c).
 *
 * The arch owns the mechanism (context switch, timers, IPIs, migration between pCPUs,
 * arch/arm64/vcpu.c); the policy only sees entities and asks the arch whether one can
 * run (a callback), so it is freestanding and unit-tested on the host
 * (tests/unit/hypervisor/test_sched.c, test_sched_credit.c).  Time is the caller's
 * counter (ticks; sched_ticks_per_ms converts).  Callers hold rq->lock around every op.
 */
#ifndef HV_SCHEDULER_H
#define HV_SCHEDULER_H

#include <hv/types.h>
#include <hv/spinlock.h>

/* Credit scheduler priorities (Xen's CSCHED_PRI_TS_*), highest first. */
enum sched_pri { SCHED_PRI_OVER = 0, SCHED_PRI_UNDER = 1, SCHED_PRI_BOOST = 2 };

#define SCHED_WEIGHT_DEFAULT 256
#define SCHED_WEIGHT_MAX     65535
#define SCHED_TSLICE_MS      30   /* credit's default time slice and accounting period */
#define SCHED_RATELIMIT_US   1000 /* its default rate limit */
#define SCHED_TICK_MS        10   /* a boost lasts at most this long (Xen's tick) */
#define SCHED_RR_SLICE_MS    10
/* XEN_SYSCTL_sched_id of round-robin: Xen has no such scheduler, so an id outside its
 * XEN_SCHEDULER_* (5..9). */
#define TERN_SCHEDULER_RR 0x7272

/* Per-domain scheduling parameters (struct domain ->sched_params; XEN_DOMCTL_scheduler_op). */
struct sched_params {
    uint16_t weight;       /* 1..65535; 0 reads as SCHED_WEIGHT_DEFAULT */
    uint16_t cap;          /* percent of one pCPU for the whole domain, 0 = none */
    unsigned int nr_units; /* vCPUs sharing weight and cap (0 reads as 1) */
};

/* One schedulable vCPU (embedded in struct vcpu as ->sched). */
struct sched_entity {
    struct sched_entity *next;         /* run queue ring order */
    struct sched_rq *rq;               /* queue it is on, NULL if none */
    const struct sched_params *params; /* its domain's, NULL: defaults */
    uint64_t hard_affinity;            /* pCPUs it may run on (bit per pCPU) */
    uint64_t soft_affinity;            /* pCPUs it prefers */
    bool boost;                        /* woken while not running: runs before the others */
    bool parked;                       /* credit: capped out until its credit is >= 0 */
    bool active;                       /* credit: ran during this accounting period */
    bool filled;                       /* credit: took all it can of this period's credit */
    int64_t credit;                    /* credit: ticks it may still run at UNDER */
    uint64_t charged_at;               /* credit: time up to which it has paid */
    uint64_t slice_start;              /* credit: when it was last picked */
    uint64_t picks;                    /* times picked (statistics, tests) */
    uint64_t ticks;                    /* time charged (statistics, tests) */
    uint64_t yields;                   /* SCHEDOP_yield calls (statistics, the arch's) */
};

/* A physical CPU's run queue: every vCPU assigned to that pCPU, runnable or not. */
struct sched_rq {
    spinlock_t lock;
    struct sched_entity *head;
    unsigned int nr;    /* entities queued */
    uint64_t slice_end; /* time the picked entity's slice ends (pick sets it) */
    uint64_t acct_next; /* credit: next accounting (0: not started) */
    uint64_t pri_end;   /* credit: when the running entity's priority drops (0: none) */
    uint64_t cap_end;   /* credit: when the running capped entity is parked (0: none) */
    /* statistics ('r' key): passes of pick, of them rotations (slice end, yield) and
     * preemptions (cur could go on, another of higher priority took over); accountings */
    uint64_t nr_pick, nr_rotate, nr_preempt, nr_acct, nr_idle;
};

/* The arch's answer to "may e run now?" (online, not paused, not blocked or woken). */
typedef bool (*sched_runnable_fn)(struct sched_entity *e, void *arg);

struct scheduler {
    const char *name;
    unsigned int sched_id; /* XEN_SCHEDULER_* reported by XEN_SYSCTL_sched_id */
    void (*insert)(struct sched_rq *rq, struct sched_entity *e);
    void (*remove)(struct sched_rq *rq, struct sched_entity *e);
    /* e woke from blocking (an event, a virtual interrupt, its timer) while not running
     * on its pCPU; the arch does not call it for a runnable or running vCPU. */
    void (*wake)(struct sched_rq *rq, struct sched_entity *e);
    /* Next entity to run at time now after cur (NULL: the pCPU was idle), or NULL (idle).
     * rotate: cur's slice is over or it yielded.  Sets rq->slice_end. */
    struct sched_entity *(*pick)(struct sched_rq *rq, struct sched_entity *cur, bool rotate,
                                 uint64_t now, sched_runnable_fn runnable, void *arg);
    /* Runnable entities on rq that the policy would run (not parked). */
    unsigned int (*nr_runnable)(struct sched_rq *rq, sched_runnable_fn runnable, void *arg);
    /* When pick must be called again at the latest (~0: only on events): the end of the
     * slice when another entity waits, the next accounting for the credit policy. */
    uint64_t (*deadline)(struct sched_rq *rq, sched_runnable_fn runnable, void *arg);
};

extern const struct scheduler sched_rr, sched_credit;
/* The scheduler in use (sched_core.c): credit unless `sched=rr`. */
extern const struct scheduler *scheduler;
/* Counter ticks per millisecond (the arch sets it at boot; tests set their own). */
extern uint64_t sched_ticks_per_ms;

void sched_rq_init(struct sched_rq *rq);
/* `sched=NAME` from the command line: 0, or -1 (unknown name, the default stays). */
int sched_select(const char *name, size_t len);
/* Credit's time slice, which is also its accounting period, and its rate limit (0 = none):
 * Pool-0's, set by XEN_SYSCTL_SCHEDOP_putinfo (`tern sched-credit -s -t MS -r US`, as xl);
 * they start at SCHED_TSLICE_MS and SCHED_RATELIMIT_US, Xen's defaults. */
extern unsigned int sched_credit_tslice_ms, sched_credit_ratelimit_us;
/* Credit's BOOST of a vCPU woken from blocking (`sched_credit_boost=0|1`, default 1). */
extern bool sched_credit_boost;
/* `sched_credit_boost=VALUE`: 0 (1, yes, true, on, enable; 0, no, false, off, disable),
 * or -1 (unknown value, unchanged). */
int sched_credit_boost_select(const char *s, size_t len);
/* Xen's effective weight, cap: defaults applied. */
unsigned int sched_weight(const struct sched_entity *e);

#endif /* HV_SCHEDULER_H */
