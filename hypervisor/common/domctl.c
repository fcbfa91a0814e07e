/* SPDX-License-Identifier: MIT */
/*
 * domctl: the toolstack's control of other domains (Xen: xen/common/domctl.c and
 * xen/arch/arm/domctl.c, 4.17, interface version 0x15).  dom0 only (hypercall table).
 *
 * Domains made here start paused (controller pause count 1) and run from the first
 * XEN_DOMCTL_unpausedomain.  destroydomain of a domain whose grants are still mapped by
 * a backend leaves it dying (Xen's zombie); it is freed by a later domctl or sysctl once
 * nothing maps it any more.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* domctl.h is the toolstack's interface */
#endif

#include <hv/arch_hooks.h>
#include <hv/arch_toolstack.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched_ctl.h>
#include <hv/string.h>
#include <hv/sysctl_ops.h>
#include <hv/toolstack.h>

#include <xen/domctl.h>

#define ARM_MAX_ORDER 18 /* cacheflush limit (Xen on Arm: 1 << MAX_ORDER pages) */

/* One toolstack operation at a time (Xen's domctl_lock): dom0's vCPUs may issue domctls
 * and sysctls concurrently.  Whoever holds it may wait for a vCPU of its own domain to
 * stop (getvcpucontext, vcpu_pause), so it is never spun on: a caller that finds it
 * taken re-issues its hypercall (-ERESTART, Xen's continuation in domctl_lock_acquire),
 * passing through the scheduler where a paused vCPU stops. */
spinlock_t toolstack_lock = SPINLOCK_INIT;

bool toolstack_lock_acquire(void)
{
    return spin_trylock(&toolstack_lock);
}

void domain_pause_get(struct domain *d)
{
    if (d->pause_count++ == 0)
        domain_pause(d);
}

void domain_pause_put(struct domain *d)
{
    if (d->pause_count && --d->pause_count == 0)
        domain_unpause(d);
}

void domains_reap(void)
{
    struct domain *d, *next;

    domain_graveyard_reap();
    for (d = domain_first(); d; d = next) {
        next = domain_next(d);
        if (d->is_dying && !grant_table_in_use(d))
            domain_destroy(d);
    }
}

void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    unsigned int i;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        info->max_vcpu_id = i;
        info->cpu_time += arch_vcpu_runtime_ns(v);
        if (!v->online)
            continue;
        info->nr_online_vcpus++;
        if (!v->blocked) {
            flags &= ~XEN_DOMINF_blocked;
            /* A shut-down domain's vCPUs are paused for good (Xen's domain_shutdown). */
            if (!d->pause_count && !d->is_shutting_down)
                flags |= XEN_DOMINF_running;
        }
    }
    info->flags = (info->nr_online_vcpus ? flags : 0) | (d->is_dying ? XEN_DOMINF_dying : 0) |
                  (d->is_shutting_down ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pause_count ? XEN_DOMINF_paused : 0) | XEN_DOMINF_hvm_guest |
                  XEN_DOMINF_hap | ((uint32_t)d->shutdown_code << XEN_DOMINF_shutdownshift);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->outstanding_pages = d->outstanding_pages; /* XENMEM_claim_pages (common/claim.c) */
    info->shared_info_frame = d->shared_info_mfn;   /* Arm: mfn_to_gmfn is the identity */
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->gpaddr_bits = d->gpaddr_bits ? d->gpaddr_bits : 40;
}

/* ------------------------------------------------------------------ createdomain */

static int check_config(const struct xen_domctl_createdomain *c, struct domain_limits *lim)
{
    const uint32_t required = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    const uint32_t optional = XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_vpmu;

    /* Xen on Arm: every guest is HVM with HAP. */
    if ((c->flags & ~optional) != required)
        return -EINVAL;
    if (c->iommu_opts || c->vmtrace_size)
        return -EINVAL;
    if (c->max_vcpus == 0 || c->max_vcpus > MAX_VIRT_CPUS)
        return -EINVAL;
    if (c->grant_opts != 1) /* grant-table version 1 only, no other option */
        return -EINVAL;
    if (c->max_grant_frames != -1 &&
        (c->max_grant_frames < 1 || c->max_grant_frames > DEFAULT_MAX_GRANT_FRAMES))
        return -EINVAL;
    if (c->max_maptrack_frames != -1 &&
        (c->max_maptrack_frames < 0 || c->max_maptrack_frames > DEFAULT_MAX_MAPTRACK_FRAMES))
        return -EINVAL;
    if (c->cpupool_id != 0)
        return -ENOENT;
    lim->max_grant_frames =
        c->max_grant_frames < 0 ? DEFAULT_MAX_GRANT_FRAMES : (unsigned int)c->max_grant_frames;
    lim->max_maptrack_frames = c->max_maptrack_frames < 0 ? DEFAULT_MAX_MAPTRACK_FRAMES
                                                          : (unsigned int)c->max_maptrack_frames;
    lim->max_evtchn_port =
        c->max_evtchn_port < EVTCHN_2L_PORTS - 1 ? c->max_evtchn_port : EVTCHN_2L_PORTS - 1;
    return 0;
}

static long createdomain(struct xen_domctl *op)
{
    static domid_t rover;
    struct domain_limits lim;
    struct domain *d;
    domid_t dom = op->domain;
    int rc = check_config(&op->u.createdomain, &lim);

    if (rc)
        return rc;
    if (dom > 0 && dom < DOMID_FIRST_RESERVED) {
        if (domid_in_use(dom))
            return -EEXIST;
    } else {
        /* The next free id after the last one handed out, as Xen. */
        for (dom = rover + 1; dom != rover; dom++) {
            if (dom >= DOMID_FIRST_RESERVED)
                dom = 1;
            if (!domid_in_use(dom))
                break;
        }
        if (dom == rover)
            return -ENOMEM;
        rover = dom;
    }
    d = domain_create_limits(dom, false, op->u.createdomain.max_vcpus, &lim, &op->u.createdomain,
                             &rc);
    if (!d)
        return rc;
    memcpy(d->handle, op->u.createdomain.handle, sizeof(d->handle));
    d->controller_pause_count = 1; /* created paused, until the first unpausedomain */
    domain_pause_get(d);
    op->domain = d->domain_id;
    return 0;
}

/* ------------------------------------------------------------------ per-domain ops */

static long max_vcpus(struct vcpu *cur, struct domain *d, uint32_t max)
{
    unsigned int i;
    long rc = 0;

    if (d == cur->domain || max != d->max_vcpus)
        return -EINVAL;
    domain_pause_get(d);
    for (i = 0; i < max && !rc; i++)
        if (!d->vcpu[i] && !vcpu_create(d, i))
            rc = -ENOMEM;
    domain_pause_put(d);
    return rc;
}

static long setvcpucontext(struct vcpu *cur, struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context c;
    struct vcpu *v;
    int rc;

    if (d == cur->domain || vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]))
        return -EINVAL;
    if (!vc->ctxt.q)
        return -EINVAL; /* vcpu_reset: not in Tern yet */
    if (copy_from_guest_va(&c, vc->ctxt.q, sizeof(c)))
        return -EFAULT;
    domain_pause_get(d);
    rc = arch_set_info_guest(v, &c);
    if (!rc)
        v->online = c.flags & VGCF_online;
    domain_pause_put(d);
    return rc;
}

static long getvcpucontext(struct vcpu *cur, struct domain *d, struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context c;
    struct vcpu *v;

    /* As Xen 4.17: only the vCPU read is paused (never the caller itself), so dom0 may
     * read its own other vCPUs; pausing the whole domain would pause the caller too. */
    if (vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]) || v == cur)
        return -EINVAL;
    memset(&c, 0, sizeof(c));
    if (v->pause_count++ == 0)
        vcpu_pause(v);
    arch_get_info_guest(v, &c);
    if (--v->pause_count == 0)
        vcpu_unpause(v);
    if (v->online)
        c.flags |= VGCF_online;
    return copy_to_guest_va(vc->ctxt.q, &c, sizeof(c)) ? -EFAULT : 0;
}

static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu *v;

    if (vi->vcpu >= d->max_vcpus)
        return -EINVAL;
    v = d->vcpu[vi->vcpu];
    if (!v)
        return -ESRCH;
    vi->online = v->online;
    vi->blocked = v->blocked;
    vi->running = v->online && !v->blocked && !d->pause_count && !d->is_shutting_down;
    vi->cpu_time = arch_vcpu_runtime_ns(v);
    vi->cpu = arch_vcpu_pcpu(v);
    return 0;
}

static long cacheflush(struct domain *d, const struct xen_domctl_cacheflush *cf)
{
    xen_pfn_t gfn;

    if (cf->nr_pfns > (1UL << ARM_MAX_ORDER) || cf->start_pfn + cf->nr_pfns < cf->start_pfn)
        return -EINVAL;
    /* Clean and invalidate what the toolstack wrote through its foreign mappings, so the
     * guest sees it with its MMU off (xen-arm-abi.md pitfall 25); holes are skipped. */
    for (gfn = cf->start_pfn; gfn < cf->start_pfn + cf->nr_pfns; gfn++) {
        void *va = map_guest_frame(d, gfn);

        if (!va)
            continue;
        arch_flush_dcache(va, PAGE_SIZE, true);
        unmap_guest_frame(va);
    }
    return 0;
}

static long domctl_on(struct vcpu *cur, struct domain *d, struct xen_domctl *op, bool *copyback)
{
    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain:
        if (d == cur->domain)
            return -EINVAL;
        /* None of its vCPUs may run (or sit in a hypercall) while it is torn down; it
         * stays paused for good.  -EBUSY: it stays dying until its grants are unmapped. */
        if (!d->is_dying)
            domain_pause_get(d);
        domain_destroy(d);
        return 0;
    case XEN_DOMCTL_pausedomain:
        if (d == cur->domain)
            return -EINVAL;
        if (d->controller_pause_count == 255)
            return -EOVERFLOW;
        d->controller_pause_count++;
        domain_pause_get(d);
        return 0;
    case XEN_DOMCTL_unpausedomain:
        if (!d->controller_pause_count)
            return -EINVAL;
        d->controller_pause_count--;
        domain_pause_put(d);
        return 0;
    case XEN_DOMCTL_getdomaininfo:
        getdomaininfo(d, &op->u.getdomaininfo);
        op->domain = d->domain_id;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_max_mem:
        d->max_pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
        return 0;
    case XEN_DOMCTL_max_vcpus:
        return max_vcpus(cur, d, op->u.max_vcpus.max);
    case XEN_DOMCTL_setvcpucontext:
        return setvcpucontext(cur, d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpucontext:
        *copyback = true;
        return getvcpucontext(cur, d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpuinfo:
        *copyback = true;
        return getvcpuinfo(d, &op->u.getvcpuinfo);
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_settimeoffset:
        d->time_offset_s = op->u.settimeoffset.time_offset_seconds;
        return 0;
    case XEN_DOMCTL_set_address_size:
        /* 64-bit guests only (no AArch32 EL1 support in Tern). */
        return op->u.address_size.size == 64 ? 0 : -EINVAL;
    case XEN_DOMCTL_get_address_size:
        op->u.address_size.size = 64;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_cacheflush:
        return cacheflush(d, &op->u.cacheflush);
    case XEN_DOMCTL_setnodeaffinity: /* common/topology.c */
    case XEN_DOMCTL_getnodeaffinity:
        return nodeaffinity(op->cmd == XEN_DOMCTL_setnodeaffinity, &op->u.nodeaffinity.nodemap);
    case XEN_DOMCTL_set_paging_mempool_size:
        /* Tern takes stage-2 tables from the hypervisor heap as needed (no per-domain
         * pool to fill): the size is checked as Xen does and recorded for the getter. */
        if (op->u.paging_mempool.size & (PAGE_SIZE - 1))
            return -EINVAL;
        d->paging_mempool_size = op->u.paging_mempool.size;
        return 0;
    case XEN_DOMCTL_get_paging_mempool_size:
        op->u.paging_mempool.size = d->paging_mempool_size;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_scheduler_op: /* common/sched_ctl.c */
        return sched_ctl_adjust(d, &op->u.scheduler_op, copyback);
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        return sched_ctl_affinity(d, op->cmd == XEN_DOMCTL_setvcpuaffinity, &op->u.vcpuaffinity,
                                  copyback);
    default:
        return -ENOSYS;
    }
}

long hc_domctl(struct vcpu *v, const uint64_t a[5])
{
    struct xen_domctl op;
    struct domain *d;
    bool copyback = false;
    long rc;

    if (copy_from_guest_va(&op, a[0], sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!toolstack_lock_acquire())
        return -ERESTART;
    domains_reap();
    if (op.cmd == XEN_DOMCTL_createdomain) {
        rc = createdomain(&op);
        copyback = rc == 0;
    } else if (op.cmd == XEN_DOMCTL_getdomaininfo && !domain_lookup(op.domain)) {
        /* The first domain at or above the id asked for (xc_domain_getinfo walks so). */
        rc = -ESRCH;
        if (op.domain >= DOMID_FIRST_RESERVED)
            rc = -EINVAL;
        for (d = domain_first(); d && rc == -ESRCH; d = domain_next(d))
            if (d->domain_id >= op.domain)
                rc = domctl_on(v, d, &op, &copyback);
    } else {
        d = domain_lookup(op.domain);
        rc = d ? domctl_on(v, d, &op, &copyback) : -ESRCH;
    }
    spin_unlock(&toolstack_lock);
    if (copyback && copy_to_guest_va(a[0], &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
