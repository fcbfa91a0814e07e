/* SPDX-License-Identifier: MIT */
/*
 * Scheduler selection (`sched=credit|rr` on the hypervisor command line, credit by
 * default) and what both policies share.
 */
#include <hv/scheduler.h>

static const struct scheduler *const schedulers[] = {&sched_credit, &sched_rr};

const struct scheduler *scheduler = &sched_credit;
uint64_t sched_ticks_per_ms = 62500; /* 62.5 MHz until the arch reads CNTFRQ */

void sched_rq_init(struct sched_rq *rq)
{
    spin_lock_init(&rq->lock);
    rq->head = NULL;
    rq->nr = 0;
    rq->slice_end = 0;
    rq->acct_next = 0;
    rq->cap_end = 0;
    rq->pri_end = 0;
}

int sched_select(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(schedulers) / sizeof(schedulers[0]); i++) {
        const char *n = schedulers[i]->name;
        size_t k = 0;

        while (k < len && n[k] && n[k] == name[k])
            k++;
        if (k == len && !n[k]) {
            scheduler = schedulers[i];
            return 0;
        }
    }
    return -1;
}

unsigned int sched_weight(const struct sched_entity *e)
{
    return e->params && e->params->weight ? e->params->weight : SCHED_WEIGHT_DEFAULT;
}
