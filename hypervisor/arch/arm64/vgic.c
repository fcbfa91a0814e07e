/* SPDX-License-Identifier: MIT */
/*
 * Virtual GIC, the part common to GICv3 and GICv2: interrupts delivered through the list
 * registers of the virtualisation extension (in the ICH_LR layout, asm/gic.h, whatever
 * the hardware).  The distributor emulation is the flavour's (vgic-v3.c, vgic-v2.c).
 *
 * State: one lock per domain (dist->lock) covers the distributor and every vCPU's
 * private state.  Pending interrupts sit in software bitmaps until vgic_flush_lrs() moves
 * them into free list registers on the way into the guest; when all list registers are
 * busy the underflow maintenance interrupt (UIE) brings us back to refill.
 * Hardware-linked entries (HW = 1) are used for the virtual timer and dom0's SPIs so the
 * guest's EOI deactivates the physical interrupt.
 */
#include <hv/arch.h>
#include <hv/arch_hooks.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/gic.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>
#include "vgic-internal.h"

const struct vgic_ops *vgic_impl;

struct vcpu *vgic_spi_target(struct domain *d, unsigned int intid)
{
    unsigned int id = d->arch.vgic.target[intid];

    if (id == VGIC_NO_TARGET)
        return NULL;
    return id < d->max_vcpus && d->vcpu[id] ? d->vcpu[id] : d->vcpu[0];
}

void vgic_kick(struct vcpu *v)
{
    if (v && v != current_vcpu())
        vcpu_kick(v);
}

void vgic_hw_spi_route(struct domain *d, unsigned int intid)
{
    struct vcpu *t = vgic_spi_target(d, intid);

    if (t && !irq_hv_owned(intid))
        gic_spi_route(intid, pcpus[t->arch.pcpu].mpidr);
}

void vgic_hw_spi_enable(struct domain *d, uint32_t changed, unsigned int w, bool en)
{
    while (changed) {
        unsigned int intid = w * 32 + __builtin_ctz(changed);
        changed &= changed - 1;
        if (irq_hv_owned(intid))
            continue;
        if (en)
            vgic_hw_spi_route(d, intid);
        gic_spi_enable(intid, en);
    }
}

/* ------------------------------------------------------------------ injection */

void vgic_inject_irq(struct vcpu *v, unsigned int intid, bool hw)
{
    struct vgic_dist *dist = &v->domain->arch.vgic;

    spin_lock(&dist->lock);
    v->arch.vgic.pending |= 1u << intid;
    if (hw)
        v->arch.vgic.hw |= 1u << intid;
    spin_unlock(&dist->lock);
    vgic_kick(v);
}

void vgic_inject_spi(struct domain *d, unsigned int intid)
{
    struct vgic_dist *dist = &d->arch.vgic;
    struct vcpu *target;

    if (intid < 32 || intid >= dist->nr_irqs)
        return;
    spin_lock(&dist->lock);
    dist->pending[intid / 32] |= 1u << (intid % 32);
    target = vgic_spi_target(d, intid);
    spin_unlock(&dist->lock);
    vgic_kick(target);
}

static uint64_t make_lr(unsigned int intid, uint8_t prio, bool hw)
{
    uint64_t lr = LR_STATE_PENDING | LR_GROUP1 | ((uint64_t)prio << LR_PRIO_SHIFT) | intid;

    return hw ? lr | LR_HW | ((uint64_t)intid << LR_PINTID_SHIFT) : lr;
}

struct lr_state {
    unsigned int n;
    uint32_t used;
    uint64_t lr[4];
};

/* Put intid in a list register.  Returns false when none is free. */
static bool place(struct lr_state *s, unsigned int intid, uint8_t prio, bool hw, bool *taken)
{
    *taken = false;
    for (unsigned int i = 0; i < s->n; i++) {
        if (!(s->used & (1u << i)) || (uint32_t)s->lr[i] != intid)
            continue;
        /* Already listed: a software edge can be re-pended on an active entry; a
         * hardware one waits for the guest's EOI to deactivate the physical source. */
        if (!hw && !(s->lr[i] & LR_STATE_PENDING) && !(s->lr[i] & LR_HW)) {
            s->lr[i] |= LR_STATE_PENDING;
            gic_write_lr(i, s->lr[i]);
            *taken = true;
        }
        return true;
    }
    for (unsigned int i = 0; i < s->n; i++) {
        if (s->used & (1u << i))
            continue;
        s->lr[i] = make_lr(intid, prio, hw);
        s->used |= 1u << i;
        gic_write_lr(i, s->lr[i]);
        *taken = true;
        return true;
    }
    return false;
}

/* The list registers of v: the hardware's while v runs here, else its saved copy. */
static void read_lrs_of(struct vcpu *v, struct lr_state *s)
{
    bool live = !v || (v->arch.running && v == current_vcpu());

    s->n = gic_nr_lrs();
    s->used = 0;
    for (unsigned int i = 0; i < s->n; i++) {
        s->lr[i] = live ? gic_read_lr(i) : v->arch.ctx.lr[i];
        if (s->lr[i] & LR_STATE_MASK)
            s->used |= 1u << i;
    }
}

void vgic_flush_lrs(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;
    struct vgic_cpu *c = &v->arch.vgic;
    struct lr_state s;
    bool overflow = false, taken;
    uint32_t bits;

    read_lrs_of(NULL, &s);
    spin_lock(&dist->lock);
    /* The event-channel upcall is level-like: pending while evtchn_upcall_pending. */
    if (vcpu_event_pending(v))
        c->pending |= 1u << d->arch.evtchn_ppi;
    bits = c->pending & c->enabled;
    while (bits) {
        unsigned int intid = __builtin_ctz(bits);
        bits &= bits - 1;
        if (!place(&s, intid, c->prio[intid], c->hw & (1u << intid), &taken)) {
            overflow = true;
            break;
        }
        if (taken) {
            c->pending &= ~(1u << intid);
            c->hw &= ~(1u << intid);
        }
    }
    for (unsigned int w = 1; !overflow && w < dist->nr_irqs / 32; w++) {
        bits = dist->pending[w] & dist->enabled[w];
        while (bits) {
            unsigned int intid = w * 32 + __builtin_ctz(bits);
            bits &= bits - 1;
            if (vgic_spi_target(d, intid) != v)
                continue;
            if (!place(&s, intid, dist->prio[intid], dist->hw_spis, &taken)) {
                overflow = true;
                break;
            }
            if (taken)
                dist->pending[w] &= ~(1u << (intid % 32));
        }
    }
    spin_unlock(&dist->lock);
    gic_write_hcr(GIC_HCR_EN | (overflow ? GIC_HCR_UIE : 0));
}

bool vgic_vcpu_pending(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;
    struct lr_state s;
    bool pending = false;

    read_lrs_of(v, &s);
    for (unsigned int i = 0; i < s.n; i++)
        if (s.lr[i] & LR_STATE_PENDING)
            return true;
    if (vcpu_event_pending(v) && (v->arch.vgic.enabled & (1u << d->arch.evtchn_ppi)))
        return true;
    spin_lock(&dist->lock);
    if (v->arch.vgic.pending & v->arch.vgic.enabled)
        pending = true;
    for (unsigned int w = 1; !pending && w < dist->nr_irqs / 32; w++) {
        uint32_t bits = dist->pending[w] & dist->enabled[w];
        while (bits && !pending) {
            unsigned int intid = w * 32 + __builtin_ctz(bits);
            bits &= bits - 1;
            pending = vgic_spi_target(d, intid) == v;
        }
    }
    spin_unlock(&dist->lock);
    return pending;
}

void vgic_vcpu_reset(struct vcpu *v)
{
    struct vgic_dist *dist = &v->domain->arch.vgic;

    spin_lock(&dist->lock);
    v->arch.vgic.pending = 0;
    spin_unlock(&dist->lock);
}

void vgic_vcpu_unlink_timer(struct vcpu *v)
{
    struct vgic_dist *dist = &v->domain->arch.vgic;
    bool active;

    spin_lock(&dist->lock);
    active = v->arch.vgic.hw & (1u << VTIMER_PPI);
    v->arch.vgic.hw &= ~(1u << VTIMER_PPI);
    spin_unlock(&dist->lock);
    if (active)
        gic_deactivate(VTIMER_PPI);
}

bool vgic_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
    if (!vgic_impl->sysreg_sgi)
        return false;
    vgic_impl->sysreg_sgi(v, sgi1r);
    return true;
}

int vgic_domain_init(struct domain *d, bool hwdom)
{
    struct vgic_dist *dist = &d->arch.vgic;

    spin_lock_init(&dist->lock);
    memset(dist->prio, 0xa0, sizeof(dist->prio));
    return vgic_impl->domain_init(d, hwdom);
}

void vgic_vcpu_init(struct vcpu *v)
{
    memset(&v->arch.vgic, 0, sizeof(v->arch.vgic));
    memset(v->arch.vgic.prio, 0xa0, sizeof(v->arch.vgic.prio));
}
