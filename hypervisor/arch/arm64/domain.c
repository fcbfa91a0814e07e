/* SPDX-License-Identifier: MIT */
/* Arch part of domain and vCPU life cycle (hv/arch_hooks.h). */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_arch_domainconfig (XEN_DOMCTL_createdomain) */
#endif
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

#include <xen/arch-arm.h>
#include <xen/domctl.h>

/* 8-bit VMIDs (VTCR_EL2.VS = 0): one per live domain, 0 unused. */
#define NR_VMIDS 256
static uint64_t vmid_used[NR_VMIDS / 64] = {1};
static spinlock_t vmid_lock = SPINLOCK_INIT;

void free_domain_frames(struct domain *d);

static int vmid_alloc(uint16_t *vmid)
{
    int rc = -ENOMEM;

    spin_lock(&vmid_lock);
    for (unsigned int i = 1; i < NR_VMIDS; i++) {
        if (!(vmid_used[i / 64] & (1UL << (i % 64)))) {
            vmid_used[i / 64] |= 1UL << (i % 64);
            *vmid = i;
            rc = 0;
            break;
        }
    }
    spin_unlock(&vmid_lock);
    return rc;
}

static void vmid_free(uint16_t vmid)
{
    spin_lock(&vmid_lock);
    vmid_used[vmid / 64] &= ~(1UL << (vmid % 64));
    spin_unlock(&vmid_lock);
}

int arch_domain_create(struct domain *d)
{
    bool hwdom = d->is_privileged && d->domain_id == 0;
    int rc;

    spin_lock_init(&d->arch.p2m_lock);
    if ((rc = vmid_alloc(&d->arch.vmid)))
        return rc;
    if ((rc = p2m_init(d))) {
        vmid_free(d->arch.vmid);
        return rc;
    }
    d->arch.cntvoff = READ_SYSREG(cntpct_el0);
    d->arch.evtchn_ppi = GUEST_EVTCHN_PPI;
    if ((rc = vgic_domain_init(d, hwdom))) {
        p2m_destroy(d);
        vmid_free(d->arch.vmid);
        return -EINVAL;
    }
    /* What HVMOP_get_param(CALLBACK_IRQ) reports: the PPI of the DT's hypervisor node. */
    domain_set_callback_ppi(d, d->arch.evtchn_ppi);
    if (d->create_config) {
        /* XEN_DOMCTL_createdomain's arch part: the host's GIC version (native) only, no
         * more SPIs than the guest layout has, no TEE; report the GIC we chose, as Xen
         * does. */
        struct xen_arch_domainconfig *a = &d->create_config->arch;

        if ((a->gic_version != XEN_DOMCTL_CONFIG_GIC_NATIVE &&
             a->gic_version != vgic_impl->xen_gic_version) ||
            a->nr_spis > VGIC_GUEST_NR_IRQS - 32 || a->tee_type != XEN_DOMCTL_CONFIG_TEE_NONE) {
            p2m_destroy(d);
            vmid_free(d->arch.vmid);
            return -EINVAL;
        }
        a->gic_version = vgic_impl->xen_gic_version;
    }
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    free_domain_frames(d);
    /* No TLB entry of the VMID may survive its reuse by another domain.  Flushed while
     * d's tables still exist: the flush loads d's VTTBR. */
    p2m_flush_vmid(d);
    p2m_destroy(d);
    vmid_free(d->arch.vmid);
}

int arch_vcpu_create(struct vcpu *v)
{
    v->arch.vmpidr = (1UL << 31) | ((v->vcpu_id >> 4) << 8) | (v->vcpu_id & 0xf);
    vgic_vcpu_init(v);
    vcpu_sched_insert(v);
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    vcpu_sched_remove(v);
}

bool is_domain_direct_mapped(const struct domain *d)
{
    return d->is_privileged && d->domain_id == 0;
}
