/* SPDX-License-Identifier: MIT */
/* Guest trap handling (arch/arm64/traps.c) and exception injection. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <hv/types.h>

struct cpu_user_regs;

/* Exceptions delivered to the guest's EL1 vectors (as the hardware would). */
void inject_undef(struct cpu_user_regs *regs);
void inject_dabt(struct cpu_user_regs *regs, uint64_t far);
void inject_iabt(struct cpu_user_regs *regs, uint64_t far);

/* Trapped MSR/MRS (arch/arm64/vsysreg.c). */
void trap_sysreg(struct cpu_user_regs *regs, uint64_t esr);

/* SMCCC / PSCI calls from the guest (HVC #0, trapped SMC): arch/arm64/vpsci.c. */
void do_vsmccc(struct cpu_user_regs *regs);

#endif /* ASM_TRAPS_H */
