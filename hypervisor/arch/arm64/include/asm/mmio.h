/* SPDX-License-Identifier: MIT */
/* Emulated MMIO ranges of a domain (arch/arm64/mmio.c). */
#ifndef ASM_MMIO_H
#define ASM_MMIO_H

#include <hv/types.h>
#include <asm/domain.h>

struct domain;
struct cpu_user_regs;

void mmio_register(struct domain *d, paddr_t base, uint64_t size,
                   bool (*read)(struct vcpu *, paddr_t, unsigned int, uint64_t *),
                   bool (*write)(struct vcpu *, paddr_t, unsigned int, uint64_t));
/* A stage-2 data abort at gpa: emulate it if an emulated range covers gpa.  Returns true
 * if handled (PC advanced), false if the guest should get an abort. */
bool mmio_handle(struct vcpu *v, struct cpu_user_regs *regs, uint64_t esr, gpaddr_t gpa);

#endif /* ASM_MMIO_H */
