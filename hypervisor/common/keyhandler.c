/* SPDX-License-Identifier: MIT */
/*
 * XEN_SYSCTL_debug_keys (`xl debug-keys`; Xen: xen/common/keyhandler.c, 4.17): each key
 * runs its handler, whose output goes to the hypervisor console (and so to `xl dmesg`).
 * Tern handles 'h' (the list of keys), 'q' (the domains: id, pages, vCPUs, stage-2
 * table pages, state), 'r' (each vCPU's scheduler state and runstate times) and 'd'
 * (each pCPU's and vCPU's execution state: what is loaded, blocked, pending, when the
 * timers fire);
 * a key without a handler is ignored, as Xen ignores unregistered keys.  The same keys
 * can be typed on the serial line after CTRL-a three times (common/console.c).
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <hv/scheduler.h>
#include <hv/sched.h>
#include <hv/sysctl_ops.h>

#include <xen/sysctl.h>

static void dump_domains(void)
{
    printk("'q' pressed -> dumping domain info\n");
    for (struct domain *d = domain_first(); d; d = domain_next(d))
        printk("Domain %u: tot_pages=%llu max_pages=%llu max_vcpus=%u p2m_tables=%lu%s%s\n",
               d->domain_id, (unsigned long long)d->tot_pages, (unsigned long long)d->max_pages,
               d->max_vcpus, p2m_table_pages(d), d->is_shutting_down ? " shutdown" : "",
               d->is_dying ? " dying" : "");
    printk("Orphan frames (released while mapped elsewhere, freed on their last unmap): %lu\n",
           frame_orphans());
}

static const char *const runstate_names[] = {"running", "runnable", "blocked", "offline"};

/* v's runstate times in ms with three decimals (steal time is checked against them to
 * 10 ms: tests/system/sched-steal.py), as accounted at its last change, which is what the
 * guest's registered area got: the time in the current state since then is not in them. */
static void dump_runstate(const struct domain *d, unsigned int i, const struct vcpu *v)
{
    const struct vcpu_runstate_info *rs = &v->runstate;
    unsigned int st = (unsigned int)rs->state;
    unsigned long ms[5], us[5];

    for (unsigned int k = 0; k < 4; k++) {
        ms[k] = (unsigned long)(rs->time[k] / 1000000);
        us[k] = (unsigned long)(rs->time[k] / 1000 % 1000);
    }
    ms[4] = (unsigned long)(rs->state_entry_time / 1000000);
    us[4] = (unsigned long)(rs->state_entry_time / 1000 % 1000);
    /* One printk: the console starts a prefixed line per call. */
    printk("  d%uv%u runstate %s since %lu.%03lums: running=%lu.%03lums runnable=%lu.%03lums "
           "blocked=%lu.%03lums offline=%lu.%03lums\n",
           d->domain_id, i, st < 4 ? runstate_names[st] : "?", ms[4], us[4], ms[0], us[0], ms[1],
           us[1], ms[2], us[2], ms[3], us[3]);
}

/* Xen's 'r' dumps the run queues; Tern prints each vCPU's scheduler state (credit in
 * counter ticks, BOOST, parked, time charged, times picked) and its runstate times. */
static void dump_runq(void)
{
    printk("'r' pressed -> dumping run queues (%s)\n", scheduler->name);
    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            const struct sched_entity *e = d->vcpu[i] ? &d->vcpu[i]->sched : NULL;

            if (!e)
                continue;
            printk("d%uv%u: weight=%u cap=%u credit=%ld%s%s%s ticks=%lu picks=%lu\n", d->domain_id,
                   i, sched_weight(e), e->params ? e->params->cap : 0, (long)e->credit,
                   e->boost ? " BOOST" : "", e->parked ? " parked" : "", e->rq ? "" : " (no queue)",
                   (unsigned long)e->ticks, (unsigned long)e->picks);
            if (e->rq)
                printk("  yields %lu; its queue: %u vCPUs, pick %lu rotate %lu preempt %lu "
                       "acct %lu idle %lu\n",
                       (unsigned long)e->yields, e->rq->nr, (unsigned long)e->rq->nr_pick,
                       (unsigned long)e->rq->nr_rotate, (unsigned long)e->rq->nr_preempt,
                       (unsigned long)e->rq->nr_acct, (unsigned long)e->rq->nr_idle);
            dump_runstate(d, i, d->vcpu[i]);
        }
    }
}

static void show_keys(void);

static const struct {
    char key;
    void (*fn)(void);
    const char *desc;
} keys[] = {
    {'h', show_keys, "show this message"},
    {'q', dump_domains, "dump domain info"},
    {'r', dump_runq, "dump run queues"},
    {'d', arch_dump_execution_state, "dump pCPU and vCPU execution state"},
};

static void show_keys(void)
{
    printk("'h' pressed -> showing installed handlers\n");
    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        printk(" key '%c' (ascii '%02x') => %s\n", keys[i].key, keys[i].key, keys[i].desc);
}

void handle_keypress(char c)
{
    for (unsigned int j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
        if (keys[j].key == c)
            keys[j].fn();
}

long debug_keys(const struct xen_sysctl_debug_keys *k)
{
    for (uint32_t i = 0; i < k->nr_keys; i++) {
        char c;

        if (copy_from_guest_va(&c, k->keys.q + i, 1))
            return -EFAULT;
        handle_keypress(c);
    }
    return 0;
}
