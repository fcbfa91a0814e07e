/* SPDX-License-Identifier: MIT */
/*
 * XEN_SYSCTL_cpupool_op (Xen: xen/common/sched/cpupool.c, cpupool_do_sysctl, 4.17).
 * Tern has one pool, Pool-0 (id 0), holding every physical CPU and every domain; no CPU
 * is free.  Queries answer as Xen's would for that configuration; operations that would
 * change it fail with the error Xen gives for the same state where there is one, and
 * -EOPNOTSUPP where Xen would succeed (making a second pool: see docs/hypervisor/
 * hypercalls.md).  Called from common/sysctl.c with the toolstack lock held.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <hv/arch_toolstack.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/scheduler.h>
#include <hv/string.h>
#include <hv/sysctl_ops.h>

#include <xen/sysctl.h>

static unsigned int host_cpus(void)
{
    struct xen_sysctl_physinfo pi;

    memset(&pi, 0, sizeof(pi));
    arch_physinfo(&pi);
    return pi.nr_cpus;
}

int xenctl_bitmap_put(struct xenctl_bitmap *b, unsigned int nr_set)
{
    uint8_t buf[64];
    uint32_t bytes = (b->nr_bits + 7) / 8, i;

    /* As Xen's cpumask_to_xenctl_bitmap: the guest's buffer is filled to its size,
     * bits beyond the host's CPUs zero. */
    for (i = 0; i < bytes; i += sizeof(buf)) {
        uint32_t n = bytes - i < sizeof(buf) ? bytes - i : sizeof(buf), j;

        for (j = 0; j < n; j++) {
            uint32_t bit = (i + j) * 8, k;

            buf[j] = 0;
            for (k = 0; k < 8; k++)
                if (bit + k < nr_set && bit + k < b->nr_bits)
                    buf[j] |= 1u << k;
        }
        if (copy_to_guest_va(b->bitmap.q + i, buf, n))
            return -EFAULT;
    }
    return 0;
}

static unsigned int pool0_domains(void)
{
    unsigned int n = 0;

    for (struct domain *d = domain_first(); d; d = domain_next(d))
        n++;
    return n;
}

long cpupool_op(struct xen_sysctl_cpupool_op *op)
{
    unsigned int ncpus = host_cpus();

    switch (op->op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* The first pool at or above the id asked for (PAR_ANY: from 0). */
        if (op->cpupool_id != 0 && op->cpupool_id != XEN_SYSCTL_CPUPOOL_PAR_ANY)
            return -ENOENT;
        op->cpupool_id = 0;
        op->sched_id = scheduler->sched_id;
        op->n_dom = pool0_domains();
        return xenctl_bitmap_put(&op->cpumap, ncpus);
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        return xenctl_bitmap_put(&op->cpumap, 0);
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        if (op->cpupool_id == 0)
            return -EEXIST;
        return -EOPNOTSUPP; /* one pool only */
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
        /* Pool-0 holds domains and CPUs. */
        return op->cpupool_id == 0 ? -EBUSY : -ENOENT;
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
        if (op->cpupool_id != 0)
            return -ENOENT;
        if (op->cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
            return -ENODEV; /* no free CPU */
        return op->cpu >= ncpus ? -EINVAL : -ENODEV;
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
        if (op->cpupool_id != 0)
            return -ENOENT;
        if (op->cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
            op->cpu = ncpus - 1;
        if (op->cpu >= ncpus)
            return -EINVAL;
        return -EBUSY; /* a free CPU would have no pool to go to */
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: {
        struct domain *d = domain_lookup(op->domid);

        if (!d)
            return -ESRCH;
        return op->cpupool_id == 0 ? 0 : -ENOENT;
    }
    default:
        return -ENOSYS;
    }
}
