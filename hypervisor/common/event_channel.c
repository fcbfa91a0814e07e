/* SPDX-License-Identifier: MIT */
/*
 * Event channels: port allocation, binding, sending, closing (Xen:
 * xen/common/event_channel.c, 4.17 semantics).  Delivery goes through the domain's port
 * operations (event_internal.h): 2-level (event_2l.c) until the guest switches to FIFO
 * (event_fifo.c).
 *
 * Locking: evtchn_lock (global) serialises every change of port state and every send,
 * so an interdomain peer cannot be closed or freed under a sender.  Delivery itself
 * (event_2l.c, event_fifo.c) is atomics on the guest's pages.  Callees under the lock:
 * vcpu_kick() only (the arch must not call back into event code from it).
 */
#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/string.h>
#include <hv/xsm.h>

#include <xen/event_channel.h>

#include "event_internal.h"

/* Xen's public header names it for __XEN__ only (the continuation of EVTCHNOP_reset),
 * but any guest can issue it. */
#ifndef EVTCHNOP_reset_cont
#define EVTCHNOP_reset_cont 14
#endif

static spinlock_t evtchn_lock = SPINLOCK_INIT;

static struct evtchn *evtchn_from_port(struct domain *d, uint32_t port)
{
    if (port >= d->evtchn.nr_ports)
        return NULL;
    return &d->evtchn.bucket[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

struct evtchn *evtchn_lookup(struct domain *d, uint32_t port)
{
    return evtchn_from_port(d, port);
}

bool evtchn_port_is_valid(struct domain *d, uint32_t port)
{
    return evtchn_from_port(d, port) != NULL;
}

bool evtchn_port_is_pending(struct domain *d, uint32_t port)
{
    bool pending;

    /* Locked: a FIFO event array may be torn down by EVTCHNOP_reset meanwhile. */
    spin_lock(&evtchn_lock);
    pending = evtchn_port_is_valid(d, port) && d->evtchn.ops->is_pending(d, port);
    spin_unlock(&evtchn_lock);
    return pending;
}

static bool virq_is_global(unsigned int virq)
{
    /* Xen: per-vCPU VIRQs are TIMER, DEBUG, XENOPROF, XENPMU; on Arm the arch VIRQs are
     * global. */
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

static struct vcpu *domain_vcpu(struct domain *d, uint32_t id)
{
    return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

/* The caller may act on d: itself, or the privileged domain (Xen's XSM_TARGET). */
static bool may_target(struct vcpu *v, struct domain *d)
{
    return v->domain == d || v->domain->is_privileged;
}

/* ------------------------------------------------------------------ port allocation */

static int evtchn_allocate_port(struct domain *d, uint32_t port)
{
    struct evtchn_domain *e = &d->evtchn;

    if (port > e->max_port || port >= EVTCHN_2L_PORTS)
        return -ENOSPC;
    if (port < e->nr_ports)
        return evtchn_from_port(d, port)->state == ECS_FREE && !e->ops->is_busy(d, port) ? 0
                                                                                         : -EBUSY;
    while (port >= e->nr_ports) {
        struct evtchn *b = hv_zalloc(EVTCHNS_PER_BUCKET * sizeof(*b));

        if (!b)
            return -ENOMEM;
        e->bucket[e->nr_ports / EVTCHNS_PER_BUCKET] = b;
        e->nr_ports += EVTCHNS_PER_BUCKET;
    }
    return 0;
}

/* A free port of d (lowest first), or -ENOSPC/-ENOMEM/-EINVAL (dying). */
static int get_free_port(struct domain *d)
{
    uint32_t port;

    if (d->is_dying)
        return -EINVAL;
    for (port = 0; port <= d->evtchn.max_port; port++) {
        int rc = evtchn_allocate_port(d, port);

        if (rc == 0)
            return (int)port;
        if (rc != -EBUSY)
            return rc;
    }
    return -ENOSPC;
}

static void evtchn_bind(struct domain *d, uint32_t port, uint8_t state, uint16_t vcpu)
{
    struct evtchn *chn = evtchn_from_port(d, port);

    chn->state = state;
    chn->notify_vcpu_id = vcpu;
    d->evtchn.ops->init(d, chn, port);
    d->evtchn.active++;
}

static void evtchn_free(struct domain *d, uint32_t port)
{
    struct evtchn *chn = evtchn_from_port(d, port);

    d->evtchn.ops->clear_pending(d, port);
    memset(chn, 0, offsetof(struct evtchn, fifo)); /* the FIFO part outlives the binding */
    d->evtchn.active--;
}

static void evtchn_set_pending(struct domain *d, struct evtchn *chn, uint32_t port)
{
    d->evtchn.ops->set_pending(d, chn, port);
}

int evtchn_domain_init(struct domain *d)
{
    int rc;

    d->evtchn.max_port = EVTCHN_2L_PORTS - 1;
    d->evtchn.ops = &evtchn_port_ops_2l;
    rc = evtchn_allocate_port(d, 0);
    if (rc)
        return rc;
    evtchn_bind(d, 0, ECS_RESERVED, 0);
    return 0;
}

/* Close port of d; evtchn_lock held.  -EINVAL if it is not open. */
static int evtchn_close_locked(struct domain *d, uint32_t port)
{
    struct evtchn *chn = evtchn_from_port(d, port);

    if (!chn)
        return -EINVAL;
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ: {
        uint32_t virq = chn->u.virq;
        struct vcpu *v = d->vcpu[virq_is_global(virq) ? 0 : chn->notify_vcpu_id];

        if (v && v->virq_to_evtchn[virq] == port)
            __atomic_store_n(&v->virq_to_evtchn[virq], 0, __ATOMIC_RELEASE);
        break;
    }
    case ECS_INTERDOMAIN: {
        struct domain *rd = chn->u.interdomain.dom;
        struct evtchn *rchn = evtchn_from_port(rd, chn->u.interdomain.port);

        /* The peer's end goes back to unbound, bindable by us again (Xen). */
        rchn->state = ECS_UNBOUND;
        rchn->u.unbound_remote = d->domain_id;
        break;
    }
    default:
        break;
    }
    evtchn_free(d, port);
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn *buckets[EVTCHN_NR_BUCKETS];
    uint32_t port;
    unsigned int i;

    /* Close every port and detach the buckets under the lock: a concurrent operation
     * naming d then finds no ports at all, never freed memory. */
    spin_lock(&evtchn_lock);
    for (port = 1; port < d->evtchn.nr_ports; port++)
        evtchn_close_locked(d, port);
    evtchn_fifo_destroy(d);
    for (i = 0; i < EVTCHN_NR_BUCKETS; i++) {
        buckets[i] = d->evtchn.bucket[i];
        d->evtchn.bucket[i] = NULL;
    }
    d->evtchn.nr_ports = 0;
    spin_unlock(&evtchn_lock);
    for (i = 0; i < EVTCHN_NR_BUCKETS; i++)
        hv_free(buckets[i], EVTCHNS_PER_BUCKET * sizeof(struct evtchn));
}

/* ------------------------------------------------------------------ operations */

static int evtchn_alloc_unbound(struct vcpu *cur, struct evtchn_alloc_unbound *a)
{
    struct domain *d = domain_lookup_any(cur, a->dom);
    domid_t remote = a->remote_dom == DOMID_SELF ? cur->domain->domain_id : a->remote_dom;
    int port;

    int rc;

    if (!d)
        return -ESRCH;
    /* The policy (hv/xsm.h): under SILO the remote domain must exist and may talk to d;
     * under dummy it need not even exist yet (Xen's answers both). */
    rc = xsm_evtchn_unbound(cur, d, remote);
    if (rc)
        return rc;
    if (!may_target(cur, d))
        return -EPERM;
    spin_lock(&evtchn_lock);
    port = get_free_port(d);
    if (port >= 0) {
        evtchn_bind(d, port, ECS_UNBOUND, 0);
        evtchn_from_port(d, port)->u.unbound_remote = remote;
        a->port = port;
    }
    spin_unlock(&evtchn_lock);
    return port < 0 ? port : 0;
}

static int evtchn_bind_interdomain(struct vcpu *cur, struct evtchn_bind_interdomain *b)
{
    struct domain *ld = cur->domain;
    struct domain *rd = domain_lookup_any(cur, b->remote_dom);
    struct evtchn *rchn, *lchn;
    int lport;

    if (!rd)
        return -ESRCH;
    spin_lock(&evtchn_lock);
    rchn = evtchn_from_port(rd, b->remote_port);
    if (!rchn || rchn->state != ECS_UNBOUND || rchn->u.unbound_remote != ld->domain_id) {
        spin_unlock(&evtchn_lock);
        return -EINVAL;
    }
    if (xsm_evtchn_interdomain(cur, ld, rd)) {
        spin_unlock(&evtchn_lock);
        return -EPERM;
    }
    lport = get_free_port(ld);
    if (lport < 0) {
        spin_unlock(&evtchn_lock);
        return lport;
    }
    /* get_free_port may have added a bucket to ld == rd: look rchn up again. */
    rchn = evtchn_from_port(rd, b->remote_port);
    evtchn_bind(ld, lport, ECS_INTERDOMAIN, 0);
    lchn = evtchn_from_port(ld, lport);
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = b->remote_port;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = lport;
    /* Notifications sent while the remote end was unbound were dropped: make the new
     * local port pending, as Xen does. */
    evtchn_set_pending(ld, lchn, lport);
    spin_unlock(&evtchn_lock);
    b->local_port = lport;
    return 0;
}

static int evtchn_bind_virq(struct vcpu *cur, struct evtchn_bind_virq *b)
{
    struct domain *d = cur->domain;
    struct vcpu *v;
    int port;

    if (b->virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -EINVAL;
    v = domain_vcpu(d, b->vcpu);
    if (!v)
        return -ENOENT;
    spin_lock(&evtchn_lock);
    if (v->virq_to_evtchn[b->virq]) {
        spin_unlock(&evtchn_lock);
        return -EEXIST;
    }
    port = get_free_port(d);
    if (port >= 0) {
        evtchn_bind(d, port, ECS_VIRQ, b->vcpu);
        evtchn_from_port(d, port)->u.virq = b->virq;
        __atomic_store_n(&v->virq_to_evtchn[b->virq], port, __ATOMIC_RELEASE);
        b->port = port;
    }
    spin_unlock(&evtchn_lock);
    return port < 0 ? port : 0;
}

static int evtchn_bind_ipi(struct vcpu *cur, struct evtchn_bind_ipi *b)
{
    struct domain *d = cur->domain;
    int port;

    if (!domain_vcpu(d, b->vcpu))
        return -ENOENT;
    spin_lock(&evtchn_lock);
    port = get_free_port(d);
    if (port >= 0) {
        evtchn_bind(d, port, ECS_IPI, b->vcpu);
        b->port = port;
    }
    spin_unlock(&evtchn_lock);
    return port < 0 ? port : 0;
}

/* EVTCHNOP_bind_pirq as Xen 4.17 on Arm answers it: every domain has NR_IRQS (1024)
 * PIRQs (-EINVAL beyond), a free port is taken (its error if none), then the PIRQ's
 * bookkeeping cannot be allocated (Arm's alloc_pirq_struct gives none): -ENOMEM, the
 * port given back.  Measured on Xen (tests/guest/abi_other_ops.c). */
#define NR_PIRQS 1024

static int evtchn_bind_pirq(struct vcpu *cur, const struct evtchn_bind_pirq *b)
{
    int port;

    if (b->pirq >= NR_PIRQS)
        return -EINVAL;
    spin_lock(&evtchn_lock);
    port = get_free_port(cur->domain);
    spin_unlock(&evtchn_lock);
    return port < 0 ? port : -ENOMEM;
}

static int evtchn_close(struct vcpu *cur, uint32_t port)
{
    int rc;

    spin_lock(&evtchn_lock);
    rc = evtchn_close_locked(cur->domain, port);
    spin_unlock(&evtchn_lock);
    return rc;
}

int evtchn_send(struct domain *ld, uint32_t lport)
{
    struct evtchn *lchn;
    int rc = 0;

    spin_lock(&evtchn_lock);
    lchn = evtchn_from_port(ld, lport);
    if (!lchn) {
        rc = -EINVAL;
    } else {
        switch (lchn->state) {
        case ECS_INTERDOMAIN: {
            struct domain *rd = lchn->u.interdomain.dom;
            uint32_t rport = lchn->u.interdomain.port;

            evtchn_set_pending(rd, evtchn_from_port(rd, rport), rport);
            break;
        }
        case ECS_IPI:
            evtchn_set_pending(ld, lchn, lport);
            break;
        case ECS_UNBOUND:
            break; /* dropped silently: the peer has not bound yet (Xen) */
        default:
            rc = -EINVAL;
        }
    }
    spin_unlock(&evtchn_lock);
    return rc;
}

static int evtchn_status(struct vcpu *cur, struct evtchn_status *st)
{
    struct domain *d = domain_lookup_any(cur, st->dom);
    struct evtchn *chn;

    if (!d)
        return -ESRCH;
    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, st->port);
    if (!chn) {
        spin_unlock(&evtchn_lock);
        return -EINVAL;
    }
    if (!may_target(cur, d)) {
        spin_unlock(&evtchn_lock);
        return -EPERM;
    }
    memset(&st->u, 0, sizeof(st->u));
    switch (chn->state) {
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = chn->u.unbound_remote;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
        st->u.interdomain.port = chn->u.interdomain.port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
        break;
    }
    st->vcpu = chn->notify_vcpu_id;
    spin_unlock(&evtchn_lock);
    return 0;
}

static int evtchn_bind_vcpu(struct vcpu *cur, uint32_t port, uint32_t vcpu)
{
    struct domain *d = cur->domain;
    struct evtchn *chn;
    int rc = 0;

    if (!domain_vcpu(d, vcpu))
        return -ENOENT;
    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (!chn) {
        rc = -EINVAL;
    } else {
        switch (chn->state) {
        case ECS_VIRQ:
            if (virq_is_global(chn->u.virq))
                chn->notify_vcpu_id = vcpu;
            else
                rc = -EINVAL;
            break;
        case ECS_UNBOUND:
        case ECS_INTERDOMAIN:
            chn->notify_vcpu_id = vcpu;
            break;
        default:
            rc = -EINVAL;
        }
    }
    spin_unlock(&evtchn_lock);
    return rc;
}

static int evtchn_unmask(struct vcpu *cur, uint32_t port)
{
    struct domain *d = cur->domain;
    struct evtchn *chn;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (chn)
        d->evtchn.ops->unmask(d, chn, port);
    spin_unlock(&evtchn_lock);
    return chn ? 0 : -EINVAL;
}

/* EVTCHNOP_reset and reset_cont: the domain (-ESRCH), the caller may act on it (-EPERM),
 * another domain must be paused by the toolstack (-EINVAL), as Xen.  Tern finishes a
 * reset in one call (no continuation), so a reset is never in progress when reset_cont
 * comes: -EBUSY, Xen's answer then. */
static int evtchn_reset(struct vcpu *cur, domid_t dom, bool resuming)
{
    struct domain *d = domain_lookup_any(cur, dom);
    uint32_t port;

    if (!d)
        return -ESRCH;
    if (!may_target(cur, d))
        return -EPERM;
    if (d != cur->domain && !d->controller_pause_count)
        return -EINVAL;
    if (resuming)
        return -EBUSY;
    spin_lock(&evtchn_lock);
    for (port = 1; port < d->evtchn.nr_ports; port++)
        evtchn_close_locked(d, port);
    evtchn_fifo_destroy(d); /* back to 2-level (Xen) */
    spin_unlock(&evtchn_lock);
    return 0;
}

/* ------------------------------------------------------------------ FIFO sub-ops */

static int evtchn_set_priority(struct vcpu *cur, uint32_t port, uint32_t priority)
{
    struct domain *d = cur->domain;
    struct evtchn *chn;
    int rc;

    spin_lock(&evtchn_lock);
    chn = evtchn_from_port(d, port);
    if (!chn || chn->state == ECS_FREE)
        rc = -EINVAL;
    else if (!d->evtchn.ops->set_priority)
        rc = -ENOSYS;
    else
        rc = d->evtchn.ops->set_priority(d, chn, priority);
    spin_unlock(&evtchn_lock);
    return rc;
}

/* init_control and expand_array map guest pages: d's physmap lock (taken first, see
 * domain.c) keeps decrease_reservation from freeing them meanwhile. */
static int evtchn_init_control(struct vcpu *cur, struct evtchn_init_control *c)
{
    struct domain *d = cur->domain;
    int rc;

    spin_lock(&d->domain_lock);
    spin_lock(&evtchn_lock);
    rc = evtchn_fifo_init_control(d, c);
    spin_unlock(&evtchn_lock);
    spin_unlock(&d->domain_lock);
    return rc;
}

static int evtchn_expand_array(struct vcpu *cur, uint64_t array_gfn)
{
    struct domain *d = cur->domain;
    int rc;

    spin_lock(&d->domain_lock);
    spin_lock(&evtchn_lock);
    rc = evtchn_fifo_expand_array(d, array_gfn);
    spin_unlock(&evtchn_lock);
    spin_unlock(&d->domain_lock);
    return rc;
}

bool evtchn_uses_frame(struct domain *d, mfn_t mfn)
{
    bool used;

    spin_lock(&evtchn_lock);
    used = evtchn_fifo_uses_frame(d, mfn);
    spin_unlock(&evtchn_lock);
    return used;
}

/* ------------------------------------------------------------------ VIRQs */

static void virq_deliver(struct domain *d, struct vcpu *v, unsigned int virq)
{
    uint32_t port = __atomic_load_n(&v->virq_to_evtchn[virq], __ATOMIC_ACQUIRE);
    struct evtchn *chn;

    if (!port)
        return;
    chn = evtchn_from_port(d, port);
    if (chn && chn->state == ECS_VIRQ)
        evtchn_set_pending(d, chn, port);
}

int send_guest_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    spin_lock(&evtchn_lock);
    virq_deliver(d, virq_is_global(virq) ? d->vcpu[0] : v, virq);
    spin_unlock(&evtchn_lock);
    return 0;
}

void send_global_virq(unsigned int virq)
{
    struct domain *d = hardware_domain();

    if (d && d->vcpu[0] && virq < NR_VIRQS && virq_is_global(virq))
        send_guest_virq(d->vcpu[0], virq);
}

/* ------------------------------------------------------------------ hypercall */

/* Copy the argument struct in, run op, copy it back out when op succeeded and writes. */
#define EVTCHN_OP(type, call, out)                                                                 \
    do {                                                                                           \
        struct type op;                                                                            \
        long rc;                                                                                   \
        if (copy_from_guest_va(&op, arg, sizeof(op)))                                              \
            return -EFAULT;                                                                        \
        rc = (call);                                                                               \
        if (rc == 0 && (out) && copy_to_guest_va(arg, &op, sizeof(op)))                            \
            rc = -EFAULT;                                                                          \
        return rc;                                                                                 \
    } while (0)

long do_event_channel_op(struct vcpu *v, unsigned long cmd, uint64_t arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        EVTCHN_OP(evtchn_alloc_unbound, evtchn_alloc_unbound(v, &op), true);
    case EVTCHNOP_bind_interdomain:
        EVTCHN_OP(evtchn_bind_interdomain, evtchn_bind_interdomain(v, &op), true);
    case EVTCHNOP_bind_virq:
        EVTCHN_OP(evtchn_bind_virq, evtchn_bind_virq(v, &op), true);
    case EVTCHNOP_bind_ipi:
        EVTCHN_OP(evtchn_bind_ipi, evtchn_bind_ipi(v, &op), true);
    case EVTCHNOP_close:
        EVTCHN_OP(evtchn_close, evtchn_close(v, op.port), false);
    case EVTCHNOP_send:
        EVTCHN_OP(evtchn_send, evtchn_send(v->domain, op.port), false);
    case EVTCHNOP_status:
        EVTCHN_OP(evtchn_status, evtchn_status(v, &op), true);
    case EVTCHNOP_bind_vcpu:
        EVTCHN_OP(evtchn_bind_vcpu, evtchn_bind_vcpu(v, op.port, op.vcpu), false);
    case EVTCHNOP_unmask:
        EVTCHN_OP(evtchn_unmask, evtchn_unmask(v, op.port), false);
    case EVTCHNOP_reset:
        EVTCHN_OP(evtchn_reset, evtchn_reset(v, op.dom, false), false);
    case EVTCHNOP_reset_cont:
        EVTCHN_OP(evtchn_reset, evtchn_reset(v, op.dom, true), false);
    case EVTCHNOP_bind_pirq:
        EVTCHN_OP(evtchn_bind_pirq, evtchn_bind_pirq(v, &op), true);
    case EVTCHNOP_init_control:
        EVTCHN_OP(evtchn_init_control, evtchn_init_control(v, &op), true);
    case EVTCHNOP_expand_array:
        EVTCHN_OP(evtchn_expand_array, evtchn_expand_array(v, op.array_gfn), false);
    case EVTCHNOP_set_priority:
        EVTCHN_OP(evtchn_set_priority, evtchn_set_priority(v, op.port, op.priority), false);
    default:
        return -ENOSYS; /* as Xen: no other sub-op */
    }
}

long hc_event_channel_op(struct vcpu *v, const uint64_t a[5])
{
    return do_event_channel_op(v, a[0], a[1]);
}
