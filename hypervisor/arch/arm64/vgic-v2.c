/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv2: the distributor frame trapped (register semantics in vgic-v2-dist.c), the
 * CPU interface the hardware's virtual one (GICV) mapped in stage 2 where the guest's
 * GICC is, SGIs from GICD_SGIR writes.  dom0 sees the host's layout (as on Xen), a domU
 * Xen's guest layout (GUEST_GICD_BASE, GUEST_GICC_BASE).  Delivery is common (vgic.c).
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_DOMCTL_CONFIG_GIC_V2 */
#endif
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/p2m.h>
#include <hv/arch_hooks.h>
#include <asm/vgic.h>
#include "vgic-internal.h"
#include "vgic-v2-dist.h"

#include <xen/arch-arm.h>
#include <xen/domctl.h>

static void hw_enable(void *opaque, uint32_t changed, unsigned int word, bool enable)
{
    vgic_hw_spi_enable(opaque, changed, word, enable);
}

static void hw_route(void *opaque, unsigned int intid)
{
    vgic_hw_spi_route(opaque, intid);
}

static void hw_edge(void *opaque, unsigned int intid, bool edge)
{
    if (!irq_hv_owned(intid))
        gic_spi_set_edge(intid, edge);
}

static const struct vgic_v2_hw host_spis = {hw_enable, hw_route, hw_edge};

static struct vgic_v2_access access_of(struct vcpu *v)
{
    struct domain *d = v->domain;

    return (struct vgic_v2_access){
        .dist = &d->arch.vgic,
        .cpu = &v->arch.vgic,
        .vcpu_id = v->vcpu_id,
        .nr_vcpus = d->max_vcpus,
        .hw = d->arch.vgic.hw_spis ? &host_spis : NULL,
        .opaque = d,
    };
}

static bool dist_read(struct vcpu *v, paddr_t off, unsigned int size, uint64_t *val)
{
    struct vgic_v2_access a = access_of(v);
    uint32_t v32;
    bool ok;

    spin_lock(&a.dist->lock);
    ok = vgic_v2_dist_read(&a, off, size, &v32);
    spin_unlock(&a.dist->lock);
    *val = v32;
    return ok;
}

static bool dist_write(struct vcpu *v, paddr_t off, unsigned int size, uint64_t val)
{
    struct domain *d = v->domain;
    struct vgic_v2_access a = access_of(v);
    bool ok;

    spin_lock(&a.dist->lock);
    ok = vgic_v2_dist_write(&a, off, size, (uint32_t)val);
    spin_unlock(&a.dist->lock);
    for (unsigned int i = 0; i < d->max_vcpus && i < VGIC_V2_MAX_VCPUS; i++)
        if ((a.sgi_targets & (1u << i)) && d->vcpu[i])
            vgic_inject_irq(d->vcpu[i], a.sgi_id, false);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vgic_kick(d->vcpu[i]);
    return ok;
}

static int v2_domain_init(struct domain *d, bool hwdom)
{
    struct vgic_dist *dist = &d->arch.vgic;
    paddr_t cbase = hwdom ? host_gic.cpu : GUEST_GICC_BASE;

    dist->nr_irqs = hwdom ? host_gic.nr_irqs : VGIC_GUEST_NR_IRQS;
    dist->hw_spis = hwdom;
    dist->dbase = hwdom ? host_gic.dist : GUEST_GICD_BASE;
    if (dist->nr_irqs > VGIC_MAX_IRQS || dist->nr_irqs % 32 || d->max_vcpus > VGIC_V2_MAX_VCPUS)
        return -1;
    for (unsigned int i = 32; i < dist->nr_irqs; i++)
        dist->irouter[i] = 1; /* ITARGETSR: CPU 0, as dist->target */
    /* The guest's CPU interface is the hardware's virtual one. */
    if (p2m_map_range(d, cbase, host_gic.vcpu, GUEST_GICC_SIZE, P2M_MMIO))
        return -1;
    mmio_register(d, dist->dbase, GUEST_GICD_SIZE, dist_read, dist_write);
    return 0;
}

const struct vgic_ops vgic_v2_ops = {
    .xen_gic_version = XEN_DOMCTL_CONFIG_GIC_V2,
    .domain_init = v2_domain_init,
    .sysreg_sgi = NULL,
};
