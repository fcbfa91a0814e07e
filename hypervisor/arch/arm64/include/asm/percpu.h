/* SPDX-License-Identifier: MIT */
/* Per-physical-CPU data, found through TPIDR_EL2 (set by cpu_early_init). */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <hv/watchdog.h>
#include <hv/types.h>
#include <hv/scheduler.h>
#include <asm/config.h>
#include <asm/sysregs.h>

struct vcpu;

struct pcpu {
    unsigned int id;
    uint64_t mpidr;
    struct vcpu *vcpu; /* the vCPU loaded on this pCPU (its state in the hardware), or NULL */
    volatile bool up;  /* reached start_secondary */
    /* Scheduling (arch/arm64/vcpu.c): every vCPU assigned to this pCPU, and the requests
     * for the next pass of the scheduler on the way back to the guest. */
    struct sched_rq rq;
    volatile bool resched;  /* a vCPU here was woken, paused or unpaused: pick again */
    volatile bool rotate;   /* time slice over or yield: the next runnable vCPU goes first */
    volatile bool idle;     /* waiting for an interrupt with nothing to run (may steal) */
    bool hyp_timer_enabled; /* EL2 physical timer PPI enabled in the redistributor */
    struct watchdog_cpu wd; /* the guest trap being handled here (hv/watchdog.h) */
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
