/* SPDX-License-Identifier: MIT */
/* The sysctl sub-ops that live in their own files (common/sysctl.c dispatches). */
#ifndef HV_SYSCTL_OPS_H
#define HV_SYSCTL_OPS_H

#include <hv/types.h>

struct xenctl_bitmap;
struct xen_sysctl_cpupool_op;
struct xen_sysctl_cputopoinfo;
struct xen_sysctl_numainfo;
struct xen_sysctl_debug_keys;

/* Write a CPU map with CPUs 0..nr_set-1 set into the guest's bitmap, to its nr_bits. */
int xenctl_bitmap_put(struct xenctl_bitmap *b, unsigned int nr_set);
/* common/cpupool.c: Pool-0 only. */
long cpupool_op(struct xen_sysctl_cpupool_op *op);
/* common/topology.c: one socket, one core per CPU, one NUMA node.  -ENOBUFS (with the
 * count written back, *copyback set) when the caller's array is too short. */
long cputopoinfo(struct xen_sysctl_cputopoinfo *ti, bool *copyback);
long numainfo(struct xen_sysctl_numainfo *ni, bool *copyback);
/* XEN_DOMCTL_setnodeaffinity (set: the map must hold node 0, else -EINVAL) and
 * getnodeaffinity (writes {0}) for the one node (common/topology.c). */
long nodeaffinity(bool set, struct xenctl_bitmap *nodemap);
/* common/keyhandler.c: the debug keys Tern handles. */
long debug_keys(const struct xen_sysctl_debug_keys *k);

#endif /* HV_SYSCTL_OPS_H */
