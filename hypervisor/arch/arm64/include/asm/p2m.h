/* SPDX-License-Identifier: MIT */
/* Stage-2 translation (arch/arm64/p2m.c): the arch-internal part of the p2m interface. */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <hv/types.h>

struct domain;

/* Stage-2 for d: one level-1 table, 39-bit IPA (VTCR_EL2.T0SZ = 25, SL0 = 1). */
#define P2M_IPA_BITS 39
int p2m_init(struct domain *d);
void p2m_destroy(struct domain *d);
/* Map [gpa, gpa+size) -> [pa, ...) with 1 GiB / 2 MiB blocks where aligned. */
int p2m_map_range(struct domain *d, gpaddr_t gpa, paddr_t pa, uint64_t size, unsigned int type);
/* Load d's stage-2 on this pCPU (VTTBR_EL2, VTCR_EL2). */
void p2m_load(struct domain *d);
uint64_t p2m_vtcr(void);
/* p2m_flush_vmid (hv/arch_hooks.h) also runs before a VMID is reused. */

#endif /* ASM_P2M_H */
