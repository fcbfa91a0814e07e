/* SPDX-License-Identifier: MIT */
/* vCPU execution and scheduling on the pCPUs (arch/arm64/vcpu.c). */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <hv/types.h>
#include <xen/sched.h>

struct vcpu;
struct domain;

#define HYP_TIMER_PPI 26 /* EL2 physical timer (CNTHP): time slices, descheduled timers */

void cpu_early_init(unsigned int id);
/* Start the first vCPU (dom0's vCPU 0) at entry with x0 = arg, EL1h, DAIF masked, MMU
 * off, and run this pCPU's scheduler: never returns. */
void vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t arg) __attribute__((noreturn));
/* A pCPU enters its scheduler (boot of a secondary): never returns. */
void pcpu_idle_loop(void) __attribute__((noreturn));
/* WFI from v: it blocks until it has an interrupt to take. */
void vcpu_wait_for_interrupt(struct vcpu *v);
/* Put a new vCPU on a pCPU's run queue (sets v->arch.pcpu), and take it off (v not
 * running: its domain is paused). */
void vcpu_sched_insert(struct vcpu *v);
void vcpu_sched_remove(struct vcpu *v);
/* Hand the hypervisor command line to XENVER_commandline (toolstack.c). */
void arch_record_cmdline(void);
/* CNTHP interrupt (irq.c). */
void hyp_timer_interrupt(void);
/* Request (PSCI CPU_ON) that v starts at entry with x0 = ctx. */
/* Returns 0, or the host's PSCI error if v's pCPU cannot be started. */
int vcpu_request_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx);
void domain_crash(struct domain *d);

/* Host PSCI (arch/arm64/psci.c). */
void psci_host_init(const char *method);
int psci_host_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t ctx);
/* Power this pCPU off; returns only if the host refuses. */
void psci_host_cpu_off(void);

#endif /* ASM_VCPU_H */
