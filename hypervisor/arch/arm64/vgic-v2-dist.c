/* SPDX-License-Identifier: MIT */
/*
 * GICv2 distributor registers (GIC Architecture Specification v2, IHI 0048B, 4.3), as a
 * guest sees them on Tern: no Security Extensions (every interrupt Group 0, IGROUPR and
 * NSACR RAZ/WI), no active-state or SGI-pending-set registers (RAZ/WI, as the GICv3
 * emulation), banked SGI/PPI state per vCPU, SPIs targeted through ITARGETSR at the lowest
 * vCPU of the byte written.
 */
#include "vgic-v2-dist.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_NSACR      0xe00
#define GICD_SGIR       0xf00
#define GICD_CPENDSGIR  0xf10
#define GICD_SPENDSGIR  0xf20
#define GICD_PIDR2      0xfe8
#define PIDR2_GICV2     0x20 /* ArchRev 2 */
#define SGI_MASK        0x0000ffffu

static bool in(uint32_t off, uint32_t base, uint32_t len)
{
    return off >= base && off < base + len;
}

static uint8_t vcpus_mask(const struct vgic_v2_access *a)
{
    unsigned int n = a->nr_vcpus < VGIC_V2_MAX_VCPUS ? a->nr_vcpus : VGIC_V2_MAX_VCPUS;

    return (uint8_t)((1u << n) - 1);
}

static uint8_t self_mask(const struct vgic_v2_access *a)
{
    return a->vcpu_id < VGIC_V2_MAX_VCPUS ? (uint8_t)(1u << a->vcpu_id) : 0;
}

/* Byte-accessible registers may be read or written a byte at a time. */
static bool width_ok(uint32_t off, unsigned int size)
{
    if (size == 4)
        return true;
    return size == 1 && (in(off, GICD_IPRIORITYR, 0x400) || in(off, GICD_ITARGETSR, 0x400) ||
                         in(off, GICD_CPENDSGIR, 0x20));
}

/* Enable / pending bitmap word w: the vCPU's banked word 0, the distributor's SPI words. */
static uint32_t *bitmap_word(struct vgic_v2_access *a, bool enable, unsigned int w)
{
    if (w == 0)
        return enable ? &a->cpu->enabled : &a->cpu->pending;
    if (w < a->dist->nr_irqs / 32)
        return enable ? &a->dist->enabled[w] : &a->dist->pending[w];
    return NULL;
}

/* The priority byte of intid: banked below 32. */
static uint8_t *prio_byte(struct vgic_v2_access *a, unsigned int intid)
{
    if (intid < 32)
        return &a->cpu->prio[intid];
    return intid < a->dist->nr_irqs ? &a->dist->prio[intid] : NULL;
}

static uint32_t read_targets(struct vgic_v2_access *a, unsigned int intid, unsigned int size)
{
    uint32_t v = 0;

    for (unsigned int i = 0; i < size; i++) {
        unsigned int n = intid + i;
        uint8_t b = n < 32 ? self_mask(a) : n < a->dist->nr_irqs ? (uint8_t)a->dist->irouter[n] : 0;
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

bool vgic_v2_dist_read(struct vgic_v2_access *a, uint32_t off, unsigned int size, uint32_t *val)
{
    struct vgic_dist *d = a->dist;
    uint32_t *word;

    *val = 0;
    if (!width_ok(off, size))
        return false;
    if (in(off, GICD_ISENABLER, 0x100) || in(off, GICD_ISPENDR, 0x100)) {
        word = bitmap_word(a, off < GICD_ISPENDR, (off & 0x7f) / 4);
        *val = word ? *word : 0;
    } else if (in(off, GICD_IPRIORITYR, 0x400)) {
        for (unsigned int i = 0; i < size; i++) {
            uint8_t *p = prio_byte(a, off - GICD_IPRIORITYR + i);
            *val |= (uint32_t)(p ? *p : 0) << (8 * i);
        }
    } else if (in(off, GICD_ITARGETSR, 0x400)) {
        *val = read_targets(a, off - GICD_ITARGETSR, size);
    } else if (in(off, GICD_ICFGR, 0x100)) {
        unsigned int n = (off - GICD_ICFGR) / 4;
        *val = n == 0                ? 0xaaaaaaaa /* SGIs: edge */
               : n == 1              ? a->cpu->icfgr1
               : n < d->nr_irqs / 16 ? d->icfgr[n]
                                     : 0;
    } else if (off == GICD_CTLR) {
        *val = d->ctlr & 1;
    } else if (off == GICD_TYPER) {
        /* ITLinesNumber, CPUNumber; no Security Extensions, no LSPIs. */
        *val = (d->nr_irqs / 32 - 1) | (uint32_t)(__builtin_popcount(vcpus_mask(a)) - 1) << 5;
    } else if (off == GICD_IIDR) {
        *val = VGIC_V2_IIDR;
    } else if (off == GICD_PIDR2) {
        *val = PIDR2_GICV2;
    }
    /* IGROUPR, ISACTIVER/ICACTIVER, NSACR, SGIR (write-only), C/SPENDSGIR, reserved: RAZ. */
    return true;
}

static void write_targets(struct vgic_v2_access *a, unsigned int intid, unsigned int size,
                          uint32_t val)
{
    struct vgic_dist *d = a->dist;

    for (unsigned int i = 0; i < size; i++) {
        unsigned int n = intid + i;
        uint8_t mask = (uint8_t)(val >> (8 * i)) & vcpus_mask(a);

        if (n < 32 || n >= d->nr_irqs)
            continue; /* SGI/PPI targets are read-only */
        d->irouter[n] = mask;
        d->target[n] = mask ? (uint8_t)__builtin_ctz(mask) : VGIC_NO_TARGET;
        if (a->hw && mask)
            a->hw->route(a->opaque, n);
    }
}

static void write_sgir(struct vgic_v2_access *a, uint32_t val)
{
    uint8_t targets;

    switch ((val >> 24) & 3) { /* TargetListFilter */
    case 0:
        targets = (uint8_t)(val >> 16);
        break;
    case 1:
        targets = (uint8_t)~self_mask(a);
        break;
    case 2:
        targets = self_mask(a);
        break;
    default:
        return; /* reserved */
    }
    a->sgi_targets = targets & vcpus_mask(a);
    a->sgi_id = val & 0xf;
}

static void write_icfgr(struct vgic_v2_access *a, unsigned int n, uint32_t val)
{
    struct vgic_dist *d = a->dist;

    if (n == 1)
        a->cpu->icfgr1 = val & 0xaaaaaaaa;
    if (n < 2 || n >= d->nr_irqs / 16)
        return; /* SGIs: always edge */
    d->icfgr[n] = val & 0xaaaaaaaa;
    for (unsigned int i = 0; a->hw && i < 16; i++)
        a->hw->edge(a->opaque, n * 16 + i, (val >> (2 * i + 1)) & 1);
}

bool vgic_v2_dist_write(struct vgic_v2_access *a, uint32_t off, unsigned int size, uint32_t val)
{
    struct vgic_dist *d = a->dist;
    unsigned int w = (off & 0x7f) / 4;
    uint32_t *word, old;

    if (!width_ok(off, size))
        return false;
    if (in(off, GICD_ISENABLER, 0x100) && (word = bitmap_word(a, true, w))) {
        old = *word;
        *word = off < GICD_ICENABLER ? old | val : old & ~val;
        if (a->hw && w)
            a->hw->enable(a->opaque, old ^ *word, w, off < GICD_ICENABLER);
    } else if (in(off, GICD_ISPENDR, 0x100) && (word = bitmap_word(a, false, w))) {
        if (w == 0)
            val &= ~SGI_MASK; /* SGIs are made pending through GICD_SGIR */
        *word = off < GICD_ICPENDR ? *word | val : *word & ~val;
    } else if (in(off, GICD_IPRIORITYR, 0x400)) {
        for (unsigned int i = 0; i < size; i++) {
            uint8_t *p = prio_byte(a, off - GICD_IPRIORITYR + i);
            if (p)
                *p = (uint8_t)(val >> (8 * i));
        }
    } else if (in(off, GICD_ITARGETSR, 0x400)) {
        write_targets(a, off - GICD_ITARGETSR, size, val);
    } else if (in(off, GICD_ICFGR, 0x100)) {
        write_icfgr(a, (off - GICD_ICFGR) / 4, val);
    } else if (off == GICD_CTLR) {
        d->ctlr = val & 1;
    } else if (off == GICD_SGIR) {
        write_sgir(a, val);
    }
    /* TYPER, IIDR, IGROUPR, active state, NSACR, C/SPENDSGIR, ID, reserved: WI. */
    return true;
}
