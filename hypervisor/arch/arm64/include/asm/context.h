/* SPDX-License-Identifier: MIT */
/* vCPU state save/restore for context switches (arch/arm64/context.c). */
#ifndef ASM_CONTEXT_H
#define ASM_CONTEXT_H

#include <hv/types.h>
#include <asm/regs.h>

struct vcpu;

/* v's saved state as at reset: pc = entry, x0 = arg, EL1h with DAIF masked, MMU off. */
void vcpu_context_reset(struct vcpu *v, uint64_t entry, uint64_t arg);
/* Move the running vCPU v's state from this pCPU (and the trap frame regs) into
 * v->arch.ctx, leaving the timer stopped and the list registers empty. */
void vcpu_context_save(struct vcpu *v, const struct cpu_user_regs *regs);
/* Load v->arch.ctx onto this pCPU and into the trap frame regs. */
void vcpu_context_restore(struct vcpu *v, struct cpu_user_regs *regs);
/* Saved (not running) v: its virtual timer is armed; *deadline = when it fires in
 * physical counter ticks (~0 if not armed).  True if it has fired already. */
bool vcpu_context_timer_due(const struct vcpu *v, uint64_t *deadline);
/* Saved v has a pending entry in its saved list registers. */
bool vcpu_context_lr_pending(const struct vcpu *v);

#endif /* ASM_CONTEXT_H */
