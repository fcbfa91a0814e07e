/* SPDX-License-Identifier: MIT */
/* Arch part of domain and vCPU life cycle (hv/arch_hooks.h). */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

/* Host GIC layout, for the hardware domain's vGIC (set by setup.c). */
paddr_t host_gicd, host_gicr;
uint64_t host_gicr_size;
unsigned int host_nr_irqs;

/* domU GICv3 layout of Xen's public arch-arm.h (GUEST_GICV3_*). */
#define GUEST_GICD      0x03001000UL
#define GUEST_GICR      0x03020000UL
#define GUEST_GICR_SIZE 0x01000000UL

static uint16_t next_vmid = 1;

void free_domain_frames(struct domain *d);

int arch_domain_create(struct domain *d)
{
    bool hwdom = d->is_privileged && d->domain_id == 0;
    int rc;

    spin_lock_init(&d->arch.p2m_lock);
    if ((rc = p2m_init(d)))
        return rc;
    d->arch.vmid = next_vmid++;
    d->arch.cntvoff = READ_SYSREG(cntpct_el0);
    d->arch.evtchn_ppi = GUEST_EVTCHN_PPI;
    rc = hwdom ? vgic_domain_init(d, host_gicd, host_gicr, host_gicr_size, host_nr_irqs, true)
               : vgic_domain_init(d, GUEST_GICD, GUEST_GICR, GUEST_GICR_SIZE, 64, false);
    if (rc) {
        p2m_destroy(d);
        return -EINVAL;
    }
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    free_domain_frames(d);
    p2m_destroy(d);
}

int arch_vcpu_create(struct vcpu *v)
{
    v->arch.vmpidr = (1UL << 31) | ((v->vcpu_id >> 4) << 8) | (v->vcpu_id & 0xf);
    v->arch.pcpu = v->vcpu_id;
    vgic_vcpu_init(v);
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

bool is_domain_direct_mapped(const struct domain *d)
{
    return d->is_privileged && d->domain_id == 0;
}
