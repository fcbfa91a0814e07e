/* SPDX-License-Identifier: MIT */
/*
 * What the toolstack hypercalls (common/domctl.c, common/sysctl.c) need from the arch,
 * on top of hv/arch_hooks.h.  One line of contract each.  Until the arch implements
 * them, the build links common/toolstack_none.c instead (domctl and sysctl answer
 * -ENOSYS); see HV_COMMON_TOOLSTACK in hypervisor/common/local.mk.
 */
#ifndef HV_ARCH_TOOLSTACK_H
#define HV_ARCH_TOOLSTACK_H

#include <hv/types.h>

struct domain;
struct vcpu;
struct vcpu_guest_context;
struct xen_sysctl_physinfo;

/* Stop every vCPU of d (never the caller's domain) and return once none of them runs;
 * nested with domain_unpause() by common code's pause count (called on 0 -> 1).  A
 * domain made by XEN_DOMCTL_createdomain gets it right after creation, before it has
 * vCPUs: it must not run before domain_unpause(). */
void domain_pause(struct domain *d);
/* Let d's online vCPUs run again (called on pause count 1 -> 0; first time for a domain
 * made by XEN_DOMCTL_createdomain, which starts paused). */
void domain_unpause(struct domain *d);

/* Stop v alone (never current) and return once it does not run; v->pause_count is
 * already > 0 (Xen's vcpu_pause, for XEN_DOMCTL_getvcpucontext on a vCPU of the caller's
 * own domain).  vcpu_unpause() lets it run again once the count is back to 0. */
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);

/* Load c into v (d paused): Arm 64-bit EL1/EL0 PSR only, else -EINVAL; x0..x30, pc,
 * sp_el0/el1, elr_el1, spsr_el1, sctlr, ttbr0/1, ttbcr.  Common code sets v->online from
 * VGCF_online afterwards. */
int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c);
/* Read v's state (v paused, never current) into c (zeroed by the caller). */
void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c);

/* The physical CPU v runs on (or last ran on / is queued on): getvcpuinfo's cpu. */
unsigned int arch_vcpu_pcpu(const struct vcpu *v);

/* v's hard or soft affinity (v->sched) changed: its pCPU re-schedules at once, moving
 * it to a pCPU it may run on (common/sched_ctl.c). */
void vcpu_sched_affinity_changed(struct vcpu *v);

/* Time v has spent running, in ns (getvcpuinfo / getdomaininfo cpu_time). */
uint64_t arch_vcpu_runtime_ns(const struct vcpu *v);

/* Fill the host figures of XEN_SYSCTL_physinfo: nr_cpus, max_cpu_id, cpu_khz,
 * total_pages, free_pages, max_mfn (the rest is zeroed/set by common code). */
void arch_physinfo(struct xen_sysctl_physinfo *pi);

#endif /* HV_ARCH_TOOLSTACK_H */
