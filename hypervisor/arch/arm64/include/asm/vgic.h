/* SPDX-License-Identifier: MIT */
/*
 * Virtual GIC: the interrupt delivery common to both flavours (arch/arm64/vgic.c), and the
 * distributor emulation of the one that matches the host GIC (vgic-v3.c, vgic-v2.c),
 * selected at boot through struct vgic_ops.
 */
#ifndef ASM_VGIC_H
#define ASM_VGIC_H

#include <hv/types.h>

struct domain;
struct vcpu;

#define VTIMER_PPI       27
#define MAINTENANCE_PPI  25
#define GUEST_EVTCHN_PPI 31
/* domU interrupts: SGIs, PPIs and the SPIs of Xen's guest layout (vpl011, virtio). */
#define VGIC_GUEST_NR_IRQS 64

struct vgic_ops {
    unsigned int xen_gic_version; /* XEN_DOMCTL_CONFIG_GIC_V2 / _V3 */
    /* Register d's emulated distributor (and redistributors / CPU interface mapping):
     * dom0 gets the host's layout and SPIs, a domU Xen's guest layout. */
    int (*domain_init)(struct domain *d, bool hwdom);
    /* ICC_SGI1R_EL1 write trapped from v; NULL: no system-register interface. */
    void (*sysreg_sgi)(struct vcpu *v, uint64_t sgi1r);
};
extern const struct vgic_ops *vgic_impl;
extern const struct vgic_ops vgic_v2_ops, vgic_v3_ops;

int vgic_domain_init(struct domain *d, bool hwdom);
void vgic_vcpu_init(struct vcpu *v);
/* Make INTID pending for v (private) or for its routed target (SPI), and kick it.
 * hw: the physical INTID of the same number is active and the guest's EOI deactivates it. */
void vgic_inject_irq(struct vcpu *v, unsigned int intid, bool hw);
void vgic_inject_spi(struct domain *d, unsigned int intid);
/* On the vCPU's own pCPU, before entering the guest: fill the list registers. */
void vgic_flush_lrs(struct vcpu *v);
/* True if v has an interrupt to take (WFI wake-up condition; PSTATE.I ignored). */
bool vgic_vcpu_pending(struct vcpu *v);
/* ICC_SGI1R_EL1 write trapped from v; false if the vGIC has no such register (UNDEF). */
bool vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* Before v leaves its pCPU: a virtual-timer PPI injected hardware-linked but not yet
 * listed becomes a software one, and the physical PPI is deactivated. */
void vgic_vcpu_unlink_timer(struct vcpu *v);
/* Drop all pending state of v (PSCI CPU_ON of an offline vCPU). */
void vgic_vcpu_reset(struct vcpu *v);

#endif /* ASM_VGIC_H */
