/* SPDX-License-Identifier: MIT */
/*
 * The trap frame: a vCPU's general-purpose registers as saved by entry.S on every
 * exception from the guest.  With one vCPU per physical CPU the frame on that CPU's
 * stack is the vCPU's register file while it is in the hypervisor.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <hv/types.h>

struct cpu_user_regs {
    uint64_t x[31];
    uint64_t sp_el1_unused; /* keeps the frame 16-byte aligned */
    uint64_t pc;            /* ELR_EL2 */
    uint64_t cpsr;          /* SPSR_EL2 */
};

#define REGS_PC_OFFSET (32 * 8)

static inline uint64_t get_reg(const struct cpu_user_regs *r, unsigned int n)
{
    return n == 31 ? 0 : r->x[n]; /* register 31 is XZR in data-processing encodings */
}
static inline void set_reg(struct cpu_user_regs *r, unsigned int n, uint64_t v)
{
    if (n != 31)
        r->x[n] = v;
}

#endif /* ASM_REGS_H */
