/* SPDX-License-Identifier: MIT */
/*
 * GICv2 distributor register emulation (vgic-v2-dist.c): the register semantics alone, on
 * the state of asm/vgic-state.h, with no lock, hardware or scheduler in it, so that it is
 * unit-tested on the host (tests/unit/hypervisor/test_vgic_v2.c).  vgic-v2.c wraps it for
 * the MMIO trap.
 */
#ifndef VGIC_V2_DIST_H
#define VGIC_V2_DIST_H

#include <asm/vgic-state.h>

#define VGIC_V2_MAX_VCPUS 8          /* GICv2: eight CPU interfaces */
#define VGIC_V2_IIDR      0x0000034c /* Tern's: matches none of Linux's GIC quirk tables */

/* Effects on the physical GIC when the SPIs are the host's (dom0); called with the
 * distributor's lock held.  opaque is vgic_v2_access.opaque. */
struct vgic_v2_hw {
    void (*enable)(void *opaque, uint32_t changed, unsigned int word, bool enable);
    void (*route)(void *opaque, unsigned int intid); /* dist->target[intid] changed */
    void (*edge)(void *opaque, unsigned int intid, bool edge);
};

/* One trapped access. */
struct vgic_v2_access {
    struct vgic_dist *dist;
    struct vgic_cpu *cpu;        /* the accessing vCPU's banked state (SGIs, PPIs) */
    unsigned int vcpu_id;        /* the accessing vCPU */
    unsigned int nr_vcpus;       /* the domain's, at most VGIC_V2_MAX_VCPUS */
    const struct vgic_v2_hw *hw; /* NULL: the SPIs are virtual */
    void *opaque;
    /* Out: a GICD_SGIR write asks for SGI sgi_id on the vCPUs of sgi_targets (a bitmap
     * of vCPU ids), to be injected once the lock is dropped. */
    uint8_t sgi_targets, sgi_id;
};

/* off: offset in the 4 KiB distributor frame; size: 1, 2, 4 or 8 bytes, naturally aligned.
 * Return false when the access must fault in the guest: a width the register does not
 * have (GICv2 spec 4.1.4: word accesses everywhere, bytes only for IPRIORITYR,
 * ITARGETSR, CPENDSGIR and SPENDSGIR).  Reserved and unimplemented registers are RAZ/WI. */
bool vgic_v2_dist_read(struct vgic_v2_access *a, uint32_t off, unsigned int size, uint32_t *val);
bool vgic_v2_dist_write(struct vgic_v2_access *a, uint32_t off, unsigned int size, uint32_t val);

#endif /* VGIC_V2_DIST_H */
