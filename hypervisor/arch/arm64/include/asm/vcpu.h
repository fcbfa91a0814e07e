/* SPDX-License-Identifier: MIT */
/* vCPU execution on its pinned pCPU (arch/arm64/vcpu.c). */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <hv/types.h>
#include <xen/sched.h>

struct vcpu;
struct domain;

void cpu_early_init(unsigned int id);
/* Enter v at entry with x0 = arg, EL1h, DAIF masked, MMU off: never returns. */
void vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t arg) __attribute__((noreturn));
/* A pCPU without a running vCPU: wait for PSCI CPU_ON of its vCPU. */
void pcpu_idle_loop(void) __attribute__((noreturn));
/* WFI from v: block until it has an interrupt to take. */
void vcpu_wait_for_interrupt(struct vcpu *v);
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
