/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3: distributor and redistributors emulated as Linux's irq-gic-v3.c uses
 * them (register map: GICv3 spec IHI 0069, 12.9 and 12.10); SGIs from trapped
 * ICC_SGI1R_EL1 writes.  Interrupt delivery is common (vgic.c).
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_DOMCTL_CONFIG_GIC_V3 */
#endif
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>
#include "vgic-internal.h"

#include <xen/arch-arm.h>
#include <xen/domctl.h>

#define GICD_CTLR_ARE_NS (1u << 4)
#define PIDR2_GICV3      0x3b
#define IIDR_TERN        0x0000034c /* matches none of Linux's GIC quirk tables */
#define RDIST_STRIDE     0x20000

static unsigned int vcpu_id_by_affinity(struct domain *d, uint64_t aff)
{
    /* vMPIDR: Aff0 = id & 0xf, Aff1 = id >> 4 (Xen's vcpuid_to_vaffinity). */
    unsigned int id = (aff & 0xf) | (((aff >> 8) & 0xff) << 4);

    if ((aff & 0xf0) || (aff >> 16 & 0xff00ff) || id >= d->max_vcpus)
        return 0; /* no such vCPU: vCPU 0 */
    return id;
}

static void v3_send_sgi(struct vcpu *v, uint64_t r)
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
        dist->target[intid] = vcpu_id_by_affinity(d, dist->irouter[intid]);
        if (dist->hw_spis)
            vgic_hw_spi_route(d, intid);
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
            vgic_hw_spi_enable(d, *word & ~old, w, true);
    } else if (off >= 0x184 && off < 0x200 && (word = dist_bitmap_word(dist, dist->enabled, w))) {
        old = *word;
        *word &= ~val;
        if (dist->hw_spis)
            vgic_hw_spi_enable(d, old & ~*word, w, false);
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
        vgic_kick(d->vcpu[i]);
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
    vgic_kick(t);
    return true;
}

/* ------------------------------------------------------------------ setup */

static int v3_domain_init(struct domain *d, bool hwdom)
{
    struct vgic_dist *dist = &d->arch.vgic;

    dist->nr_irqs = hwdom ? host_gic.nr_irqs : VGIC_GUEST_NR_IRQS;
    dist->hw_spis = hwdom;
    dist->dbase = hwdom ? host_gic.dist : GUEST_GICV3_GICD_BASE;
    dist->rbase = hwdom ? host_gic.rdist : GUEST_GICV3_GICR0_BASE;
    dist->rsize = hwdom ? host_gic.rdist_size : GUEST_GICV3_GICR0_SIZE;
    if (dist->nr_irqs > VGIC_MAX_IRQS || dist->nr_irqs % 32 ||
        (uint64_t)d->max_vcpus * RDIST_STRIDE > dist->rsize)
        return -1;
    mmio_register(d, dist->dbase, 0x10000, dist_read, dist_write);
    mmio_register(d, dist->rbase, dist->rsize, rdist_read, rdist_write);
    return 0;
}

const struct vgic_ops vgic_v3_ops = {
    .xen_gic_version = XEN_DOMCTL_CONFIG_GIC_V3,
    .domain_init = v3_domain_init,
    .sysreg_sgi = v3_send_sgi,
};
