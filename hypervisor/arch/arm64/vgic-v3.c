/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3: distributor and redistributors emulated as Linux's irq-gic-v3.c uses
 * them (register map: GICv3 spec IHI 0069, 12.9 and 12.10), interrupts delivered through
 * the list registers of the GICv3 virtualisation extension (ICH_LR<n>_EL2).
 *
 * State: one lock per domain (dist->lock) covers the distributor and every vCPU's
 * private state.  Pending interrupts sit in software bitmaps until vgic_flush_lrs() moves
 * them into free list registers on the way into the guest; when all list registers are
 * busy the underflow maintenance interrupt (ICH_HCR_EL2.UIE) brings us back to refill.
 * Hardware-linked entries (HW = 1) are used for the virtual timer and dom0's SPIs so the
 * guest's EOI deactivates the physical interrupt.
 */
#include <hv/arch.h>
#include <hv/arch_hooks.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

#define LR_STATE_PENDING (1UL << 62)
#define LR_STATE_ACTIVE  (2UL << 62)
#define LR_STATE_MASK    (3UL << 62)
#define LR_HW            (1UL << 61)
#define LR_GROUP1        (1UL << 60)
#define ICH_HCR_EN       (1UL << 0)
#define ICH_HCR_UIE      (1UL << 1)

#define GICD_CTLR_ARE_NS (1u << 4)
#define PIDR2_GICV3      0x3b
#define IIDR_TERN        0x0000034c /* matches none of Linux's GIC quirk tables */
#define RDIST_STRIDE     0x20000

static inline bool test_bit32(const uint32_t *map, unsigned int n)
{
    return map[n / 32] & (1u << (n % 32));
}

static struct vcpu *vcpu_by_affinity(struct domain *d, uint64_t aff)
{
    /* vMPIDR: Aff0 = id & 0xf, Aff1 = id >> 4 (Xen's vcpuid_to_vaffinity). */
    unsigned int id = (aff & 0xf) | (((aff >> 8) & 0xff) << 4);

    if ((aff & 0xf0) || (aff >> 16 & 0xff00ff) || id >= d->max_vcpus)
        return NULL;
    return d->vcpu[id];
}

static struct vcpu *spi_target(struct domain *d, unsigned int intid)
{
    struct vcpu *v = vcpu_by_affinity(d, d->arch.vgic.irouter[intid]);

    return v ? v : d->vcpu[0];
}

/* v has a new interrupt: make its pCPU re-evaluate it (wake it if blocked, let the
 * scheduler run it, or exit the guest to refill the list registers). */
static void kick_if_remote(struct vcpu *v)
{
    if (v && v != current_vcpu())
        vcpu_kick(v);
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
    kick_if_remote(v);
}

void vgic_inject_spi(struct domain *d, unsigned int intid)
{
    struct vgic_dist *dist = &d->arch.vgic;
    struct vcpu *target;

    if (intid < 32 || intid >= dist->nr_irqs)
        return;
    spin_lock(&dist->lock);
    dist->pending[intid / 32] |= 1u << (intid % 32);
    target = spi_target(d, intid);
    spin_unlock(&dist->lock);
    kick_if_remote(target);
}

static uint64_t make_lr(unsigned int intid, uint8_t prio, bool hw)
{
    uint64_t lr = LR_STATE_PENDING | LR_GROUP1 | ((uint64_t)prio << 48) | intid;

    return hw ? lr | LR_HW | ((uint64_t)intid << 32) : lr;
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
            if (spi_target(d, intid) != v)
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
    WRITE_SYSREG(ICH_HCR_EL2, ICH_HCR_EN | (overflow ? ICH_HCR_UIE : 0));
    isb();
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
            pending = spi_target(d, intid) == v;
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

void vgic_send_sgi(struct vcpu *v, uint64_t r)
{
    struct domain *d = v->domain;
    unsigned int intid = (r >> 24) & 0xf;
    bool all_others = r & (1UL << 40); /* IRM */
    uint64_t aff_hi = ((r >> 16) & 0xff) << 8 | ((r >> 32) & 0xff) << 16;

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *t = d->vcpu[i];
        uint64_t aff;

        if (!t)
            continue;
        aff = t->arch.vmpidr & 0xffffff;
        if (all_others ? t == v : ((aff & ~0xfUL) != aff_hi || !(r & (1UL << (aff & 0xf)))))
            continue;
        vgic_inject_irq(t, intid, false);
    }
}

/* ------------------------------------------------------------------ register helpers */

/* Bitmap register (one bit per INTID) at word index w: read. */
static uint32_t *dist_bitmap_word(struct vgic_dist *dist, uint32_t *map, unsigned int w)
{
    return w < dist->nr_irqs / 32 ? &map[w] : NULL;
}

static uint64_t read_bytes(const uint8_t *arr, unsigned int idx, unsigned int size)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < size; i++)
        v |= (uint64_t)arr[idx + i] << (8 * i);
    return v;
}

static void write_bytes(uint8_t *arr, unsigned int idx, unsigned int size, uint64_t v)
{
    for (unsigned int i = 0; i < size; i++)
        arr[idx + i] = v >> (8 * i);
}

/* Apply an enable change of SPIs to the hardware (dom0: hardware-linked SPIs). */
static void hw_spi_enable(struct domain *d, uint32_t changed, unsigned int w, bool en)
{
    while (changed) {
        unsigned int intid = w * 32 + __builtin_ctz(changed);
        changed &= changed - 1;
        if (irq_hv_owned(intid))
            continue;
        if (en) {
            struct vcpu *t = spi_target(d, intid);
            gic_spi_route(intid, pcpus[t->arch.pcpu].mpidr);
        }
        gic_spi_enable(intid, en);
    }
}

/* ------------------------------------------------------------------ distributor */

static bool dist_read(struct vcpu *v, paddr_t off, unsigned int size, uint64_t *val)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;
    uint32_t *word;

    *val = 0;
    spin_lock(&dist->lock);
    if (off >= 0x6100 && off < 0x6000 + 8 * dist->nr_irqs) {
        unsigned int intid = (off - 0x6000) / 8;
        *val = dist->irouter[intid] >> (8 * (off & 7));
    } else if (off >= 0x400 && off < 0x400 + dist->nr_irqs) {
        if (off >= 0x420)
            *val = read_bytes(dist->prio, off - 0x400, size);
    } else if (off >= 0xc00 && off < 0xc00 + dist->nr_irqs / 4) {
        if (off >= 0xc08)
            *val = dist->icfgr[(off - 0xc00) / 4];
    } else if (off >= 0x100 && off < 0x200) {
        word = dist_bitmap_word(dist, dist->enabled, (off & 0x7f) / 4);
        *val = word && off % 0x80 >= 4 ? *word : 0;
    } else if (off >= 0x200 && off < 0x300) {
        word = dist_bitmap_word(dist, dist->pending, (off & 0x7f) / 4);
        *val = word && off % 0x80 >= 4 ? *word : 0;
    } else if (off >= 0x80 && off < 0x100) {
        *val = off >= 0x84 ? 0xffffffff : 0; /* IGROUPR: every SPI is Group 1 */
    } else {
        switch (off) {
        case 0x0: /* GICD_CTLR: ARE_NS fixed at 1, RWP always 0 */
            *val = dist->ctlr | GICD_CTLR_ARE_NS;
            break;
        case 0x4: /* GICD_TYPER: ITLinesNumber, CPUNumber, IDbits = 10 - 1 */
            *val = (dist->nr_irqs / 32 - 1) | (MIN(d->max_vcpus, 8u) - 1) << 5 | 9u << 19;
            break;
        case 0x8:
            *val = IIDR_TERN;
            break;
        case 0xffe8:
            *val = PIDR2_GICV3;
            break;
        default: /* reserved, TYPER2, STATUSR, ISACTIVER...: RAZ */
            break;
        }
    }
    spin_unlock(&dist->lock);
    return true;
}

static bool dist_write(struct vcpu *v, paddr_t off, unsigned int size, uint64_t val)
{
    struct domain *d = v->domain;
    struct vgic_dist *dist = &d->arch.vgic;
    uint32_t *word, old;
    unsigned int w = (off & 0x7f) / 4;

    spin_lock(&dist->lock);
    if (off >= 0x6100 && off < 0x6000 + 8 * dist->nr_irqs) {
        unsigned int intid = (off - 0x6000) / 8;
        uint64_t mask = size == 8 ? ~0UL : 0xffffffffUL << (8 * (off & 7));
        dist->irouter[intid] = (dist->irouter[intid] & ~mask) | ((val << (8 * (off & 7))) & mask);
        if (dist->hw_spis && !irq_hv_owned(intid)) {
            struct vcpu *t = spi_target(d, intid);
            gic_spi_route(intid, pcpus[t->arch.pcpu].mpidr);
        }
    } else if (off >= 0x420 && off < 0x400 + dist->nr_irqs) {
        write_bytes(dist->prio, off - 0x400, size, val);
    } else if (off >= 0xc08 && off < 0xc00 + dist->nr_irqs / 4) {
        unsigned int idx = (off - 0xc00) / 4;
        dist->icfgr[idx] = val;
        for (unsigned int i = 0; dist->hw_spis && i < 16; i++)
            if (!irq_hv_owned(idx * 16 + i))
                gic_spi_set_edge(idx * 16 + i, (val >> (2 * i + 1)) & 1);
    } else if (off >= 0x104 && off < 0x180 && (word = dist_bitmap_word(dist, dist->enabled, w))) {
        old = *word;
        *word |= val;
        if (dist->hw_spis)
            hw_spi_enable(d, *word & ~old, w, true);
    } else if (off >= 0x184 && off < 0x200 && (word = dist_bitmap_word(dist, dist->enabled, w))) {
        old = *word;
        *word &= ~val;
        if (dist->hw_spis)
            hw_spi_enable(d, old & ~*word, w, false);
    } else if (off >= 0x204 && off < 0x280 && (word = dist_bitmap_word(dist, dist->pending, w))) {
        *word |= val;
    } else if (off >= 0x284 && off < 0x300 && (word = dist_bitmap_word(dist, dist->pending, w))) {
        *word &= ~val;
    } else if (off == 0x0) {
        dist->ctlr = val & 0x3; /* EnableGrp0/1 */
    }
    /* Everything else (IGROUPR, active state, reserved): write-ignored. */
    spin_unlock(&dist->lock);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        kick_if_remote(d->vcpu[i]);
    return true;
}

/* ------------------------------------------------------------------ redistributors */

static bool rdist_read(struct vcpu *v, paddr_t off, unsigned int size, uint64_t *val)
{
    struct domain *d = v->domain;
    unsigned int n = off / RDIST_STRIDE;
    struct vcpu *t = n < d->max_vcpus ? d->vcpu[n] : NULL;
    struct vgic_cpu *c;

    *val = 0;
    off %= RDIST_STRIDE;
    if (!t)
        return true; /* frames without a vCPU: RAZ/WI */
    c = &t->arch.vgic;
    spin_lock(&d->arch.vgic.lock);
    switch (off) {
    case 0x4:
        *val = IIDR_TERN;
        break;
    case 0x8: /* GICR_TYPER: affinity, processor number, Last */
    case 0xc: {
        uint64_t typer = (uint64_t)mpidr_to_aff32(t->arch.vmpidr) << 32 | (uint64_t)n << 8 |
                         (n == d->max_vcpus - 1 ? 1u << 4 : 0);
        *val = typer >> (8 * (off - 0x8));
        break;
    }
    case 0xffe8:
        *val = PIDR2_GICV3;
        break;
    case 0x10080: /* GICR_IGROUPR0 */
        *val = 0xffffffff;
        break;
    case 0x10100:
    case 0x10180:
        *val = c->enabled;
        break;
    case 0x10200:
    case 0x10280:
        *val = c->pending;
        break;
    case 0x10c00:
        *val = 0xaaaaaaaa; /* SGIs: edge */
        break;
    case 0x10c04:
        *val = c->icfgr1;
        break;
    default:
        if (off >= 0x10400 && off < 0x10420)
            *val = read_bytes(c->prio, off - 0x10400, size);
        break; /* CTLR (RWP = 0), WAKER (awake), active state...: RAZ */
    }
    spin_unlock(&d->arch.vgic.lock);
    return true;
}

static bool rdist_write(struct vcpu *v, paddr_t off, unsigned int size, uint64_t val)
{
    struct domain *d = v->domain;
    unsigned int n = off / RDIST_STRIDE;
    struct vcpu *t = n < d->max_vcpus ? d->vcpu[n] : NULL;
    struct vgic_cpu *c;

    off %= RDIST_STRIDE;
    if (!t)
        return true;
    c = &t->arch.vgic;
    spin_lock(&d->arch.vgic.lock);
    switch (off) {
    case 0x10100:
        c->enabled |= val;
        break;
    case 0x10180:
        c->enabled &= ~val;
        break;
    case 0x10200:
        c->pending |= val;
        break;
    case 0x10280:
        c->pending &= ~val;
        break;
    case 0x10c04:
        c->icfgr1 = val;
        break;
    default:
        if (off >= 0x10400 && off < 0x10420)
            write_bytes(c->prio, off - 0x10400, size, val);
        break;
    }
    spin_unlock(&d->arch.vgic.lock);
    kick_if_remote(t);
    return true;
}

/* ------------------------------------------------------------------ setup */

int vgic_domain_init(struct domain *d, paddr_t dbase, paddr_t rbase, uint64_t rsize,
                     unsigned int nr_irqs, bool hw_spis)
{
    struct vgic_dist *dist = &d->arch.vgic;

    if (nr_irqs > VGIC_MAX_IRQS || nr_irqs % 32 || (uint64_t)d->max_vcpus * RDIST_STRIDE > rsize)
        return -1;
    spin_lock_init(&dist->lock);
    dist->nr_irqs = nr_irqs;
    dist->hw_spis = hw_spis;
    dist->dbase = dbase;
    dist->rbase = rbase;
    dist->rsize = rsize;
    memset(dist->prio, 0xa0, sizeof(dist->prio));
    mmio_register(d, dbase, 0x10000, dist_read, dist_write);
    mmio_register(d, rbase, rsize, rdist_read, rdist_write);
    return 0;
}

void vgic_vcpu_init(struct vcpu *v)
{
    memset(&v->arch.vgic, 0, sizeof(v->arch.vgic));
    memset(v->arch.vgic.prio, 0xa0, sizeof(v->arch.vgic.prio));
}
