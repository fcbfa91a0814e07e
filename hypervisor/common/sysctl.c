/* SPDX-License-Identifier: MIT */
/*
 * sysctl: host-wide queries for the toolstack (Xen: xen/common/sysctl.c, 4.17,
 * interface version 0x15).  dom0 only (hypercall table).
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* sysctl.h is the toolstack's interface */
#endif

#include <hv/arch_toolstack.h>
#include <hv/claim.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched_ctl.h>
#include <hv/scheduler.h>
#include <hv/string.h>
#include <hv/sysctl_ops.h>
#include <hv/toolstack.h>

#include <xen/sysctl.h>

static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct domain *d;
    uint32_t n = 0;

    for (d = domain_first(); d; d = domain_next(d)) {
        struct xen_domctl_getdomaininfo info;

        if (d->domain_id < l->first_domain)
            continue;
        if (n == l->max_domains)
            break;
        getdomaininfo(d, &info);
        if (copy_to_guest_va(l->buffer.q + n * sizeof(info), &info, sizeof(info)))
            return -EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

long hc_sysctl(struct vcpu *v, const uint64_t a[5])
{
    struct xen_sysctl op;
    bool copyback = false; /* written back even on failure (-ENOBUFS with the count) */
    long rc;

    if (copy_from_guest_va(&op, a[0], sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!toolstack_lock_acquire())
        return -ERESTART; /* re-issued (domctl.c) */
    domains_reap();
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        memset(&op.u.physinfo, 0, sizeof(op.u.physinfo));
        op.u.physinfo.threads_per_core = 1;
        op.u.physinfo.nr_nodes = 1;
        /* Xen on Arm: HVM guests with HAP only; grant tables v1 (opt_gnttab_max_version
         * 1 on Arm), which libxl checks before it asks createdomain for version 1. */
        op.u.physinfo.capabilities =
            XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1;
        arch_physinfo(&op.u.physinfo);
        op.u.physinfo.outstanding_pages = claim_outstanding_total(); /* common/claim.c */
        /* Xen on Arm: CPU 0's core mask holds CPU 0 only, so 1 (xl info on Xen 4.17). */
        op.u.physinfo.cores_per_socket = 1;
        rc = 0;
        break;
    case XEN_SYSCTL_readconsole:
        rc = conring_read(&op.u.readconsole);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = scheduler->sched_id; /* hv/scheduler.h */
        rc = 0;
        break;
    case XEN_SYSCTL_cpupool_op:
        rc = cpupool_op(&op.u.cpupool_op);
        break;
    case XEN_SYSCTL_cputopoinfo:
        rc = cputopoinfo(&op.u.cputopoinfo, &copyback);
        break;
    case XEN_SYSCTL_numainfo:
        rc = numainfo(&op.u.numainfo, &copyback);
        break;
    case XEN_SYSCTL_debug_keys:
        rc = debug_keys(&op.u.debug_keys);
        break;
    case XEN_SYSCTL_scheduler_op: /* common/sched_ctl.c */
        rc = sched_ctl_global(&op.u.scheduler_op, &copyback);
        break;
    default:
        /* pcitopoinfo, livepatch, ...: not in Tern. */
        rc = -ENOSYS;
    }
    spin_unlock(&toolstack_lock);
    if ((rc == 0 || copyback) && copy_to_guest_va(a[0], &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
