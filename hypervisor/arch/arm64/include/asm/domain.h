/* SPDX-License-Identifier: MIT */
/*
 * Arm64 per-domain and per-vCPU state, embedded in struct domain / struct vcpu as ->arch
 * (owned by arch/arm64).
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <hv/types.h>
#include <hv/spinlock.h>

#define VGIC_MAX_IRQS     1024
#define MAX_MMIO_HANDLERS 4

struct vcpu;

/* An emulated MMIO range (arch/arm64/mmio.c).  Handlers return true if the access was
 * handled; false makes the access fault into the guest. */
struct mmio_handler {
    paddr_t base;
    uint64_t size;
    bool (*read)(struct vcpu *v, paddr_t off, unsigned int size, uint64_t *val);
    bool (*write)(struct vcpu *v, paddr_t off, unsigned int size, uint64_t val);
};

/* Virtual GICv3 distributor (arch/arm64/vgic-v3.c).  Bitmaps are indexed by INTID;
 * word 0 (SGIs/PPIs) lives per vCPU in struct vgic_cpu instead. */
struct vgic_dist {
    spinlock_t lock; /* the whole vGIC state of the domain, distributor and vCPUs */
    uint32_t ctlr;
    unsigned int nr_irqs; /* INTIDs 0..nr_irqs-1 (a multiple of 32) */
    bool hw_spis;         /* SPIs are the host's, hardware-linked (dom0) */
    paddr_t dbase;        /* GICD, 64 KiB */
    paddr_t rbase;        /* first redistributor; vCPU n at rbase + n * 128 KiB */
    uint64_t rsize;
    uint32_t enabled[VGIC_MAX_IRQS / 32];
    uint32_t pending[VGIC_MAX_IRQS / 32];
    uint32_t icfgr[VGIC_MAX_IRQS / 16];
    uint8_t prio[VGIC_MAX_IRQS];
    uint64_t irouter[VGIC_MAX_IRQS];
};

struct vgic_cpu {
    uint32_t enabled, pending;
    uint32_t hw;     /* private INTIDs injected hardware-linked (the virtual timer) */
    uint32_t icfgr1; /* PPI trigger configuration */
    uint8_t prio[32];
};

struct arch_domain {
    uint16_t vmid;
    uint64_t *p2m_root; /* stage-2 level-1 table */
    spinlock_t p2m_lock;
    uint64_t cntvoff; /* CNTVOFF_EL2: the same virtual counter on every vCPU */
    struct vgic_dist vgic;
    struct mmio_handler mmio[MAX_MMIO_HANDLERS];
    unsigned int nr_mmio;
    /* dom0 (direct-mapped) RAM bank, and the upcall PPI advertised in its DT. */
    paddr_t ram_start, ram_size;
    unsigned int evtchn_ppi;
};

struct arch_vcpu {
    uint64_t x[31];    /* unused with one vCPU per pCPU: registers live in the trap frame */
    uint64_t vmpidr;   /* VMPIDR_EL2: bit 31 RES1 | Aff1 = id >> 4 | Aff0 = id & 0xf */
    unsigned int pcpu; /* physical CPU this vCPU runs on */
    struct vgic_cpu vgic;
    /* PSCI CPU_ON request, consumed by the vCPU's pCPU. */
    volatile bool power_on;
    uint64_t on_entry, on_ctx;
};

#endif /* ASM_DOMAIN_H */
