/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's toolstack operations (hv/sched_ctl.h), with Xen 4.17's semantics
 * (xen/common/sched/core.c sched_adjust, vcpu_affinity_domctl; credit.c dom_cntl):
 *
 * - XEN_DOMCTL_scheduler_op: sched_id must be the running scheduler's (-EINVAL else).
 *   Credit getinfo answers the domain's weight (default 256) and cap (0 = none);
 *   putinfo sets the weight unless it is 0 (unchanged) and the cap unless it is 0xffff
 *   (unchanged).  Per-vCPU parameters are not credit's (-EINVAL); round-robin has no
 *   parameters (-EINVAL for every command).
 * - XEN_DOMCTL_setvcpuaffinity: flags name hard and/or soft affinity, each with its
 *   bitmap; the hard mask must contain an online pCPU (-EINVAL).  Both masks are read
 *   and checked before either is applied (Xen applies hard first and rolls it back), and
 *   the effective masks are returned: hard & online, soft & hard & online.  dom0's vCPU n
 *   stays on pCPU n (its physical interrupts are routed there): changing its hard mask
 *   is -EBUSY.  The vCPU's pCPU is poked, so it moves at once (arch).
 * - XEN_DOMCTL_getvcpuaffinity: the masks as set.
 * - XEN_SYSCTL_scheduler_op: credit's time slice (30 ms), rate limit (1000 us) and
 *   migration delay (0); they are fixed in Tern, so putinfo validates as Xen does and
 *   then accepts only those values (-EOPNOTSUPP for others).
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <hv/arch_hooks.h>
#include <hv/arch_toolstack.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/sched.h>
#include <hv/sched_ctl.h>
#include <hv/string.h>

#include <xen/domctl.h>
#include <xen/sysctl.h>

#define MASK_BYTES    8 /* Tern's CPU masks are 64 bits */
#define NO_CAP_CHANGE 0xffffu

static unsigned int host_cpus(void)
{
    struct xen_sysctl_physinfo pi;

    memset(&pi, 0, sizeof(pi));
    arch_physinfo(&pi);
    return pi.nr_cpus > 64 ? 64 : pi.nr_cpus;
}

static uint64_t online_mask(unsigned int nr_cpus)
{
    return nr_cpus >= 64 ? ~0UL : (1UL << nr_cpus) - 1;
}

/* ------------------------------------------------------------------ scheduler_op */

long sched_ctl_adjust(struct domain *d, struct xen_domctl_scheduler_op *op, bool *copyback)
{
    struct xen_domctl_sched_credit *c = &op->u.credit;
    struct sched_params *sp = &d->sched_params;

    if (op->sched_id != scheduler->sched_id || scheduler != &sched_credit)
        return -EINVAL;
    switch (op->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        c->weight = sp->weight ? sp->weight : SCHED_WEIGHT_DEFAULT;
        c->cap = sp->cap;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* Every uint16 weight but 0 is valid (1..65535); 0 and cap 0xffff: unchanged. */
        if (c->weight)
            sp->weight = c->weight;
        if (c->cap != NO_CAP_CHANGE)
            sp->cap = c->cap;
        return 0;
    default:
        return -EINVAL; /* put/getvcpuinfo: credit's parameters are per domain */
    }
}

/* ------------------------------------------------------------------ affinity */

uint64_t sched_mask_from_bytes(const uint8_t *bytes, uint32_t nr_bits, unsigned int nr_cpus)
{
    uint32_t n = (nr_bits + 7) / 8;
    uint64_t m = 0;

    for (uint32_t i = 0; i < n && i < MASK_BYTES; i++)
        m |= (uint64_t)bytes[i] << (8 * i);
    if (nr_bits < 64)
        m &= (1UL << nr_bits) - 1;
    return m & online_mask(nr_cpus);
}

static int mask_get(const struct xenctl_bitmap *b, unsigned int nr_cpus, uint64_t *mask)
{
    uint8_t buf[MASK_BYTES] = {0};
    uint32_t n = (b->nr_bits + 7) / 8;

    if (n > (nr_cpus + 7) / 8)
        n = (nr_cpus + 7) / 8; /* as Xen: what lies beyond the host's CPUs is not read */
    if (n && copy_from_guest_va(buf, b->bitmap.q, n))
        return -EFAULT;
    *mask = sched_mask_from_bytes(buf, b->nr_bits, nr_cpus);
    return 0;
}

/* The caller's buffer is filled to its size: the mask's bytes, then zeros. */
static int mask_put(const struct xenctl_bitmap *b, uint64_t mask)
{
    uint32_t n = (b->nr_bits + 7) / 8;

    for (uint32_t i = 0; i < n; i++) {
        uint8_t byte = i < MASK_BYTES ? (uint8_t)(mask >> (8 * i)) : 0;

        if (copy_to_guest_va(b->bitmap.q + i, &byte, 1))
            return -EFAULT;
    }
    return 0;
}

static bool params_invalid(const struct xen_domctl_vcpuaffinity *a)
{
    return !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) ||
           ((a->flags & XEN_VCPUAFFINITY_HARD) && !a->cpumap_hard.bitmap.q) ||
           ((a->flags & XEN_VCPUAFFINITY_SOFT) && !a->cpumap_soft.bitmap.q);
}

long sched_ctl_affinity(struct domain *d, bool set, struct xen_domctl_vcpuaffinity *a,
                        bool *copyback)
{
    const unsigned int nr_cpus = host_cpus();
    const uint64_t online = online_mask(nr_cpus);
    bool hard = a->flags & XEN_VCPUAFFINITY_HARD, soft = a->flags & XEN_VCPUAFFINITY_SOFT;
    uint64_t new_hard, new_soft;
    struct vcpu *v;
    int rc;

    if (a->vcpu >= d->max_vcpus)
        return -EINVAL;
    if (!(v = d->vcpu[a->vcpu]))
        return -ESRCH;
    if (params_invalid(a))
        return -EINVAL;
    if (!set) {
        rc = hard ? mask_put(&a->cpumap_hard, v->sched.hard_affinity) : 0;
        if (!rc && soft)
            rc = mask_put(&a->cpumap_soft, v->sched.soft_affinity);
        return rc;
    }

    new_hard = v->sched.hard_affinity;
    new_soft = v->sched.soft_affinity;
    if (hard && (rc = mask_get(&a->cpumap_hard, nr_cpus, &new_hard)))
        return rc;
    if (soft && (rc = mask_get(&a->cpumap_soft, nr_cpus, &new_soft)))
        return rc;
    if (hard && !(new_hard & online))
        return -EINVAL;
    if (hard && new_hard != v->sched.hard_affinity && is_domain_direct_mapped(d))
        return -EBUSY;
    /* Checked: apply, then tell the caller what is in effect. */
    __atomic_store_n(&v->sched.hard_affinity, new_hard, __ATOMIC_RELEASE);
    __atomic_store_n(&v->sched.soft_affinity, new_soft, __ATOMIC_RELEASE);
    vcpu_sched_affinity_changed(v);
    rc = hard ? mask_put(&a->cpumap_hard, new_hard & online) : 0;
    if (!rc && soft)
        rc = mask_put(&a->cpumap_soft, new_soft & new_hard & online);
    *copyback = true;
    return rc;
}

/* ------------------------------------------------------------------ sysctl */

long sched_ctl_global(struct xen_sysctl_scheduler_op *op, bool *copyback)
{
    struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;

    if (op->cmd != XEN_SYSCTL_SCHEDOP_putinfo && op->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return -EINVAL;
    if (op->cpupool_id != 0)
        return -ESRCH; /* Pool-0 only (common/cpupool.c) */
    if (op->sched_id != scheduler->sched_id || scheduler != &sched_credit)
        return -EINVAL;
    if (op->cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
        if (p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX ||
            p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
            (p->ratelimit_us && (p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX ||
                                 p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN)) ||
            p->ratelimit_us > p->tslice_ms * 1000UL ||
            p->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US)
            return -EINVAL;
        if (p->vcpu_migr_delay_us)
            return -EOPNOTSUPP; /* Tern migrates without delay */
        /* As Xen's csched_sys_cntl: both are taken, the slice also being the accounting
         * period; the next pass of each pCPU's policy uses them. */
        __atomic_store_n(&sched_credit_tslice_ms, p->tslice_ms, __ATOMIC_RELAXED);
        __atomic_store_n(&sched_credit_ratelimit_us, p->ratelimit_us, __ATOMIC_RELAXED);
    }
    p->tslice_ms = __atomic_load_n(&sched_credit_tslice_ms, __ATOMIC_RELAXED);
    p->ratelimit_us = __atomic_load_n(&sched_credit_ratelimit_us, __ATOMIC_RELAXED);
    p->vcpu_migr_delay_us = 0;
    *copyback = true;
    return 0;
}
