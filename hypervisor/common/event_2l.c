/* SPDX-License-Identifier: MIT */
/*
 * 2-level event delivery (Xen: xen/common/event_2l.c): pending and mask bitmaps in
 * shared_info, one selector word per vCPU in its vcpu_info, and evtchn_upcall_pending.
 * The guest updates the same words concurrently, so every change is an atomic RMW.
 */
#include <hv/arch_hooks.h>
#include <hv/event.h>
#include <hv/sched.h>

#include "event_internal.h"

#define BITS_PER_WORD 64 /* xen_ulong_t is 64-bit on Arm for every guest */

static bool test_and_set(xen_ulong_t *words, unsigned int bit)
{
    xen_ulong_t m = 1ULL << (bit % BITS_PER_WORD);

    return __atomic_fetch_or(&words[bit / BITS_PER_WORD], m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *words, unsigned int bit)
{
    xen_ulong_t m = 1ULL << (bit % BITS_PER_WORD);

    return __atomic_fetch_and(&words[bit / BITS_PER_WORD], ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test(const xen_ulong_t *words, unsigned int bit)
{
    xen_ulong_t m = 1ULL << (bit % BITS_PER_WORD);

    return __atomic_load_n(&words[bit / BITS_PER_WORD], __ATOMIC_SEQ_CST) & m;
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    if (__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    vcpu_kick(v);
}

bool vcpu_event_pending(struct vcpu *v)
{
    return __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST) != 0;
}

bool vcpu_wake_pending(struct vcpu *v)
{
    if (vcpu_event_pending(v))
        return true;
    return __atomic_exchange_n(&v->poll_woken, false, __ATOMIC_SEQ_CST);
}

/* Tell v its selector word for port has something (unless already said). */
static void evtchn_2l_notify(struct vcpu *v, unsigned int port)
{
    if (!test_and_set(&v->vcpu_info->evtchn_pending_sel, port / BITS_PER_WORD))
        vcpu_mark_events_pending(v);
}

/* Wake vCPUs of d blocked in SCHEDOP_poll on this port (or on any port). */
void evtchn_check_pollers(struct domain *d, unsigned int port)
{
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v || v->poll_evtchn == 0)
            continue;
        if (v->poll_evtchn < 0 || (unsigned int)v->poll_evtchn == port) {
            v->poll_evtchn = 0;
            __atomic_store_n(&v->poll_woken, true, __ATOMIC_SEQ_CST);
            vcpu_kick(v);
        }
    }
}

static void evtchn_2l_init(struct domain *d, struct evtchn *chn, uint32_t port)
{
}

static void evtchn_2l_set_pending(struct domain *d, struct evtchn *chn, uint32_t port)
{
    struct shared_info *s = d->shared_info;
    unsigned int vcpu_id = chn->notify_vcpu_id;
    struct vcpu *v = vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;

    if (test_and_set(s->evtchn_pending, port))
        return;
    /* A masked port stays pending; EVTCHNOP_unmask delivers it. */
    if (v && !test(s->evtchn_mask, port))
        evtchn_2l_notify(v, port);
    evtchn_check_pollers(d, port);
}

static void evtchn_2l_clear_pending(struct domain *d, uint32_t port)
{
    test_and_clear(d->shared_info->evtchn_pending, port);
}

static void evtchn_2l_unmask(struct domain *d, struct evtchn *chn, uint32_t port)
{
    struct shared_info *s = d->shared_info;
    unsigned int vcpu_id = chn->notify_vcpu_id;
    struct vcpu *v = vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;

    if (test_and_clear(s->evtchn_mask, port) && test(s->evtchn_pending, port) && v)
        evtchn_2l_notify(v, port);
}

static bool evtchn_2l_is_pending(struct domain *d, uint32_t port)
{
    return test(d->shared_info->evtchn_pending, port);
}

static bool evtchn_2l_is_busy(struct domain *d, uint32_t port)
{
    return false;
}

const struct evtchn_port_ops evtchn_port_ops_2l = {
    .name = "2-level",
    .init = evtchn_2l_init,
    .set_pending = evtchn_2l_set_pending,
    .clear_pending = evtchn_2l_clear_pending,
    .unmask = evtchn_2l_unmask,
    .is_pending = evtchn_2l_is_pending,
    .is_busy = evtchn_2l_is_busy,
    .set_priority = NULL, /* no priorities in the 2-level ABI: -ENOSYS */
};
