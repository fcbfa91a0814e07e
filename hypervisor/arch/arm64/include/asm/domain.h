/* SPDX-License-Identifier: MIT */
/*
 * Arm64 per-domain and per-vCPU state, embedded in struct domain / struct vcpu as ->arch
 * (owned by arch/arm64).
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <hv/types.h>
#include <hv/spinlock.h>
#include <asm/regs.h>
#include <asm/vgic-state.h>

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

struct arch_domain {
    uint16_t vmid;      /* 8-bit VMID (VTCR_EL2.VS = 0), unique among live domains */
    uint64_t *p2m_root; /* stage-2 level-1 table */
    spinlock_t p2m_lock;
    /* stage-2 table pages, the root included (under p2m_lock) */
    unsigned long p2m_tables;
    gfn_t max_mapped_gfn; /* highest gfn ever mapped (XENMEM_maximum_gpfn) */
    uint64_t cntvoff;     /* CNTVOFF_EL2: the same virtual counter on every vCPU */
    struct vgic_dist vgic;
    struct mmio_handler mmio[MAX_MMIO_HANDLERS];
    unsigned int nr_mmio;
    /* dom0 (direct-mapped) RAM bank, and the upcall PPI advertised in its DT. */
    paddr_t ram_start, ram_size;
    unsigned int evtchn_ppi;
};

/* A vCPU's state while it is not loaded on a pCPU (arch/arm64/context.c): what
 * context_switch() saves and restores.  While loaded, the hardware holds it. */
struct vcpu_context {
    struct cpu_user_regs regs; /* x0..x30, pc (ELR_EL2), cpsr (SPSR_EL2) */
    /* EL1/EL0 system registers (Arm ARM D17.2). */
    uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr_el1, spsr_el1;
    uint64_t esr, far, afsr0, afsr1, par, cpacr, cntkctl, csselr, mdscr;
    uint64_t cntv_ctl, cntv_cval; /* EL1 virtual timer */
    /* Virtual CPU interface: GICv3 ICH_VMCR/AP0R0/AP1R0_EL2; GICv2 GICH_VMCR and GICH_APR
     * (in ap1r0); list registers in the ICH_LR layout (asm/gic.h). */
    uint64_t vmcr, ap0r0, ap1r0, lr[4];
    /* FP/SIMD: V0..V31 then FPSR, FPCR (fpsimd.S layout). */
    uint64_t fp[64] __attribute__((aligned(16)));
    uint64_t fpsr, fpcr;
};

struct arch_vcpu {
    uint64_t vmpidr;   /* VMPIDR_EL2: bit 31 RES1 | Aff1 = id >> 4 | Aff0 = id & 0xf */
    unsigned int pcpu; /* physical CPU whose run queue holds this vCPU */
    struct vgic_cpu vgic;
    struct vcpu_context ctx; /* valid while !running */
    volatile bool running;   /* loaded on its pCPU (ctx not valid) */
    bool fresh;              /* context (re)set: invalidate TLBs and I-cache on first load */
    /* Running time (getvcpuinfo/getdomaininfo cpu_time), in counter ticks: not while
     * descheduled, nor while loaded but waiting (blocked). */
    uint64_t run_ticks, run_since;
    bool run_counting;
    /* PSCI CPU_ON request, consumed by the vCPU's pCPU. */
    volatile bool power_on;
    uint64_t on_entry, on_ctx;
};

#endif /* ASM_DOMAIN_H */
