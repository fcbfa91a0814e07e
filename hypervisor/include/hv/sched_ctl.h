/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's toolstack operations (common/sched_ctl.c), called by common/domctl.c
 * and common/sysctl.c with the toolstack lock held: XEN_DOMCTL_scheduler_op (credit
 * weight and cap), XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity, XEN_SYSCTL_scheduler_op
 * (credit's global parameters).  Each one checks everything before it changes anything.
 */
#ifndef HV_SCHED_CTL_H
#define HV_SCHED_CTL_H

#include <hv/types.h>

struct domain;
struct vcpu;
struct xen_domctl_scheduler_op;
struct xen_domctl_vcpuaffinity;
struct xen_sysctl_scheduler_op;

/* XEN_DOMCTL_scheduler_op on d; *copyback: op holds an answer for the caller. */
long sched_ctl_adjust(struct domain *d, struct xen_domctl_scheduler_op *op, bool *copyback);
/* XEN_DOMCTL_setvcpuaffinity (set) or getvcpuaffinity on a vCPU of d. */
long sched_ctl_affinity(struct domain *d, bool set, struct xen_domctl_vcpuaffinity *a,
                        bool *copyback);
/* XEN_SYSCTL_scheduler_op (cpupool 0: the only one). */
long sched_ctl_global(struct xen_sysctl_scheduler_op *op, bool *copyback);

/* A CPU mask from a toolstack bitmap of nr_bits bits (bytes, little-endian bit order):
 * bits at or beyond nr_bits and nr_cpus dropped.  Pure (tests). */
uint64_t sched_mask_from_bytes(const uint8_t *bytes, uint32_t nr_bits, unsigned int nr_cpus);

#endif /* HV_SCHED_CTL_H */
