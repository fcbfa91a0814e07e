/* SPDX-License-Identifier: MIT */
/*
 * Register state of a virtual GIC (arch/arm64/vgic*.c), kept apart from asm/domain.h so
 * that the register emulation compiles on the host for the unit tests.
 */
#ifndef ASM_VGIC_STATE_H
#define ASM_VGIC_STATE_H

#include <hv/types.h>
#include <hv/spinlock.h>

#define VGIC_MAX_IRQS  1024
#define VGIC_NO_TARGET 0xff /* an SPI routed to no vCPU (GICv2: ITARGETSR byte 0) */

/* Virtual distributor (GICv3: vgic-v3.c, GICv2: vgic-v2*.c).  Bitmaps are indexed by
 * INTID; word 0 (SGIs/PPIs) lives per vCPU in struct vgic_cpu instead. */
struct vgic_dist {
    spinlock_t lock; /* the whole vGIC state of the domain, distributor and vCPUs */
    uint32_t ctlr;
    unsigned int nr_irqs; /* INTIDs 0..nr_irqs-1 (a multiple of 32) */
    bool hw_spis;         /* SPIs are the host's, hardware-linked (dom0) */
    paddr_t dbase;        /* GICD: 64 KiB (v3), 4 KiB (v2) */
    paddr_t rbase;        /* v3: first redistributor; vCPU n at rbase + n * 128 KiB */
    uint64_t rsize;
    uint32_t enabled[VGIC_MAX_IRQS / 32];
    uint32_t pending[VGIC_MAX_IRQS / 32];
    uint32_t icfgr[VGIC_MAX_IRQS / 16];
    uint8_t prio[VGIC_MAX_IRQS];
    /* An SPI's route as the guest wrote it (v3: GICD_IROUTER<n>; v2: its GICD_ITARGETSR
     * byte), and the vCPU it selects (vcpu_id, or VGIC_NO_TARGET). */
    uint64_t irouter[VGIC_MAX_IRQS];
    uint8_t target[VGIC_MAX_IRQS];
};

struct vgic_cpu {
    uint32_t enabled, pending;
    uint32_t hw;     /* private INTIDs injected hardware-linked (the virtual timer) */
    uint32_t icfgr1; /* PPI trigger configuration */
    uint8_t prio[32];
};

#endif /* ASM_VGIC_STATE_H */
