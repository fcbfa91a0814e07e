/* SPDX-License-Identifier: MIT */
/* Per-physical-CPU data, found through TPIDR_EL2 (set by cpu_early_init). */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <hv/types.h>
#include <asm/config.h>
#include <asm/sysregs.h>

struct vcpu;

struct pcpu {
    unsigned int id;
    uint64_t mpidr;
    struct vcpu *vcpu; /* the vCPU pinned to this pCPU, or NULL */
    volatile bool up;  /* reached start_secondary */
};

extern struct pcpu pcpus[NR_CPUS];
extern unsigned int nr_pcpus;

static inline struct pcpu *this_pcpu(void)
{
    return (struct pcpu *)READ_SYSREG(tpidr_el2);
}

static inline unsigned int smp_processor_id(void)
{
    return this_pcpu()->id;
}

#endif /* ASM_PERCPU_H */
