/* SPDX-License-Identifier: MIT */
/*
 * sched_op (Xen: xen/common/sched/core.c do_sched_op, do_poll).
 */
#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

#include <xen/sched.h>

#define POLL_MAX_PORTS 128 /* Xen's limit */

/* Is one of the polled ports pending?  -EFAULT if the guest took the list away meanwhile. */
static long poll_any_pending(struct vcpu *v, const struct sched_poll *p, bool *pending)
{
    uint32_t port;

    *pending = false;
    for (uint32_t i = 0; i < p->nr_ports && !*pending; i++) {
        if (copy_from_guest_va(&port, p->ports.q + i * sizeof(port), sizeof(port)))
            return -EFAULT;
        *pending = evtchn_port_is_valid(v->domain, port) && evtchn_port_is_pending(v->domain, port);
    }
    return 0;
}

static long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    uint32_t i, port = 0;
    bool pending;
    long rc;

    if (copy_from_guest_va(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    for (i = 0; i < p.nr_ports; i++) {
        if (copy_from_guest_va(&port, p.ports.q + i * sizeof(port), sizeof(port)))
            return -EFAULT;
        if (!evtchn_port_is_valid(v->domain, port))
            return -EINVAL;
    }
    /* With a timeout, return at once: Tern has no hypervisor timer for it yet, and an
     * early return is one the caller must already handle (an event or the timeout look
     * the same).  Xen returns at once for a timeout already past. */
    if (p.timeout)
        return 0;
    /* Say what is polled before looking at the ports, as Xen's do_poll does: a port that
     * fires after the look then finds the poller (evtchn_check_pollers wakes it).  Looking
     * first, a port that fired between the look and this store found no poller, and
     * already pending it does not fire again: the vCPU slept through it. */
    __atomic_store_n(&v->poll_woken, false, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->poll_evtchn, p.nr_ports == 1 ? (int)port : -1, __ATOMIC_SEQ_CST);
    rc = poll_any_pending(v, &p, &pending);
    if (rc || pending) {
        __atomic_store_n(&v->poll_evtchn, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&v->poll_woken, false, __ATOMIC_SEQ_CST);
        return rc;
    }
    vcpu_block(v);
    return 0;
}

long hc_sched_op(struct vcpu *v, const uint64_t a[5])
{
    unsigned long cmd = a[0];
    uint64_t arg = a[1];

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        vcpu_enable_event_delivery(v); /* Xen's vcpu_block_enable_events */
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;

        if (copy_from_guest_va(&s, arg, sizeof(s)))
            return -EFAULT;
        domain_begin_shutdown(v->domain, (uint8_t)s.reason);
        return 0;
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;
        struct domain *d = v->domain;

        if (copy_from_guest_va(&s, arg, sizeof(s)))
            return -EFAULT;
        spin_lock(&d->domain_lock);
        if (d->shutdown_code < 0)
            d->shutdown_code = (uint8_t)s.reason;
        spin_unlock(&d->domain_lock);
        return 0;
    }
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown s;
        struct domain *d;

        if (copy_from_guest_va(&s, arg, sizeof(s)))
            return -EFAULT;
        d = domain_lookup(s.domain_id);
        if (!d)
            return -ESRCH;
        if (!v->domain->is_privileged)
            return -EPERM;
        domain_begin_shutdown(d, (uint8_t)s.reason);
        return 0;
    }
    case SCHEDOP_pin_override:
        /* Xen: the hardware domain only (-EPERM for others, before reading the
         * argument); Tern has no temporary affinity override for dom0 (-ENOSYS). */
        return v->domain->is_privileged ? -ENOSYS : -EPERM;
    default:
        /* watchdog needs a hypervisor timer: not in Tern yet (Xen implements it). */
        return -ENOSYS;
    }
}
