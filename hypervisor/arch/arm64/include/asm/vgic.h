/* SPDX-License-Identifier: MIT */
/* Virtual GICv3 (arch/arm64/vgic-v3.c). */
#ifndef ASM_VGIC_H
#define ASM_VGIC_H

#include <hv/types.h>

struct domain;
struct vcpu;

#define VTIMER_PPI       27
#define MAINTENANCE_PPI  25
#define GUEST_EVTCHN_PPI 31

/* Emulate a GICv3 for d: distributor at dbase, redistributors from rbase (rsize bytes),
 * nr_irqs INTIDs; hw_spis: SPIs are hardware-linked to the host's (dom0). */
int vgic_domain_init(struct domain *d, paddr_t dbase, paddr_t rbase, uint64_t rsize,
                     unsigned int nr_irqs, bool hw_spis);
void vgic_vcpu_init(struct vcpu *v);
/* Make INTID pending for v (private) or for its routed target (SPI), and kick it.
 * hw: the physical INTID of the same number is active and the guest's EOI deactivates it. */
void vgic_inject_irq(struct vcpu *v, unsigned int intid, bool hw);
void vgic_inject_spi(struct domain *d, unsigned int intid);
/* On the vCPU's own pCPU, before entering the guest: fill the list registers. */
void vgic_flush_lrs(struct vcpu *v);
/* True if v has an interrupt to take (WFI wake-up condition; PSTATE.I ignored). */
bool vgic_vcpu_pending(struct vcpu *v);
/* ICC_SGI1R_EL1 write trapped from v. */
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* Before v leaves its pCPU: a virtual-timer PPI injected hardware-linked but not yet
 * listed becomes a software one, and the physical PPI is deactivated. */
void vgic_vcpu_unlink_timer(struct vcpu *v);
/* Drop all pending state of v (PSCI CPU_ON of an offline vCPU). */
void vgic_vcpu_reset(struct vcpu *v);

#endif /* ASM_VGIC_H */
