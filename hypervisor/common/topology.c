/* SPDX-License-Identifier: MIT */
/*
 * XEN_SYSCTL_cputopoinfo and XEN_SYSCTL_numainfo (Xen: xen/common/sysctl.c, 4.17) for
 * the topology Xen on Arm reports without NUMA: every CPU core 0, socket 0, node 0;
 * one node spanning RAM, distance 20 to itself.  A NULL array asks for the count only;
 * a short array gets -ENOBUFS (cputopoinfo) or is filled to its length (numainfo), with
 * the count written back, as Xen.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <hv/arch_toolstack.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/string.h>
#include <hv/sysctl_ops.h>

#include <xen/sysctl.h>

#define ARM_NODE_DISTANCE 20 /* Xen on Arm without NUMA: __node_distance() */

long cputopoinfo(struct xen_sysctl_cputopoinfo *ti, bool *copyback)
{
    struct xen_sysctl_physinfo pi;
    struct xen_sysctl_cputopo t = {.core = 0, .socket = 0, .node = 0};
    uint32_t i, n;
    long rc = 0;

    memset(&pi, 0, sizeof(pi));
    arch_physinfo(&pi);
    n = pi.max_cpu_id + 1;
    i = n;
    if (ti->cputopo.q) {
        if (ti->num_cpus < n)
            rc = -ENOBUFS;
        else
            for (i = 0; i < n; i++)
                if (copy_to_guest_va(ti->cputopo.q + i * sizeof(t), &t, sizeof(t)))
                    return -EFAULT;
    }
    if (ti->num_cpus != i) {
        ti->num_cpus = i;
        *copyback = true;
    }
    return rc;
}

long numainfo(struct xen_sysctl_numainfo *ni, bool *copyback)
{
    struct xen_sysctl_physinfo pi;
    uint32_t i = 1, n = 1; /* one node */

    if (ni->meminfo.q || ni->distance.q) {
        if (n > ni->num_nodes)
            n = ni->num_nodes;
        memset(&pi, 0, sizeof(pi));
        arch_physinfo(&pi);
        for (i = 0; i < n; i++) {
            struct xen_sysctl_meminfo m = {.memsize = pi.total_pages << PAGE_SHIFT,
                                           .memfree = pi.free_pages << PAGE_SHIFT};
            uint32_t dist = ARM_NODE_DISTANCE;

            if (ni->meminfo.q && copy_to_guest_va(ni->meminfo.q + i * sizeof(m), &m, sizeof(m)))
                return -EFAULT;
            if (ni->distance.q &&
                copy_to_guest_va(ni->distance.q + i * n * sizeof(dist), &dist, sizeof(dist)))
                return -EFAULT;
        }
    }
    if (ni->num_nodes != i) {
        ni->num_nodes = i;
        *copyback = true;
    }
    return 0;
}

long nodeaffinity(bool set, struct xenctl_bitmap *nodemap)
{
    uint8_t byte = 0;

    if (!set)
        return xenctl_bitmap_put(nodemap, 1); /* {0}: the only node holds every page */
    /* As Xen on Arm (MAX_NUMNODES 1): only node 0's bit is read; the map must hold an
     * online node.  With one node the domain's affinity is {0} whatever was asked. */
    if (nodemap->nr_bits && copy_from_guest_va(&byte, nodemap->bitmap.q, 1))
        return -EFAULT;
    return byte & 1 ? 0 : -EINVAL;
}
