/* SPDX-License-Identifier: MIT */
/* The scheduler's domctls and sysctl (common/sched_ctl.c): credit weight and cap, vCPU
 * affinity, credit's global parameters; every bad request changes nothing. */
#include "th.h"

#include <hv/sched_ctl.h>
#include <hv/scheduler.h>

#define MAPS (SCRATCH(dom0) + 2048) /* bitmaps: hard at +0, soft at +64 */

static long domctl(struct xen_domctl *op)
{
    long rc;

    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    gput(dom0, SCRATCH(dom0) + 3072, op, sizeof(*op));
    rc = hc(dom0->vcpu[0], __HYPERVISOR_domctl, SCRATCH(dom0) + 3072, 0, 0);
    gget(dom0, SCRATCH(dom0) + 3072, op, sizeof(*op));
    return rc;
}

static long credit_op(domid_t dom, uint32_t cmd, uint16_t weight, uint16_t cap,
                      struct xen_domctl_sched_credit *out)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_scheduler_op, .domain = dom};
    long rc;

    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = cmd;
    op.u.scheduler_op.u.credit.weight = weight;
    op.u.scheduler_op.u.credit.cap = cap;
    rc = domctl(&op);
    if (out)
        *out = op.u.scheduler_op.u.credit;
    return rc;
}

START_TEST(credit_weight_and_cap)
{
    struct xen_domctl_sched_credit c;
    struct xen_domctl op = {.cmd = XEN_DOMCTL_scheduler_op, .domain = 1};

    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, &c), 0);
    ck_assert_uint_eq(c.weight, 256); /* the default */
    ck_assert_uint_eq(c.cap, 0);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_putinfo, 512, 25, NULL), 0);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, &c), 0);
    ck_assert_uint_eq(c.weight, 512);
    ck_assert_uint_eq(c.cap, 25);
    ck_assert_uint_eq(domu->sched_params.weight, 512); /* what the policy reads */
    /* weight 0 and cap 0xffff leave each alone; 65535 and cap 0 are valid */
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0xffff, NULL), 0);
    ck_assert_uint_eq(domu->sched_params.weight, 512);
    ck_assert_uint_eq(domu->sched_params.cap, 25);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_putinfo, 65535, 0, NULL), 0);
    ck_assert_uint_eq(domu->sched_params.weight, 65535);
    ck_assert_uint_eq(domu->sched_params.cap, 0);

    /* Refused, nothing changed: another scheduler's id, per-vCPU commands, unknown
     * command, unknown domain. */
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit2.weight = 7;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_putvcpuinfo, 7, 7, NULL), -EINVAL);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_getvcpuinfo, 7, 7, NULL), -EINVAL);
    ck_assert_int_eq(credit_op(1, 99, 7, 7, NULL), -EINVAL);
    ck_assert_int_eq(credit_op(77, XEN_DOMCTL_SCHEDOP_putinfo, 7, 7, NULL), -ESRCH);
    ck_assert_uint_eq(domu->sched_params.weight, 65535);
    ck_assert_uint_eq(domu->sched_params.cap, 0);

    /* Under round-robin there is no credit parameter to read or set. */
    ck_assert_int_eq(sched_select("rr", 2), 0);
    ck_assert_int_eq(credit_op(1, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, NULL), -EINVAL);
    op.u.scheduler_op.sched_id = TERN_SCHEDULER_RR;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    ck_assert_int_eq(sched_select("credit", 6), 0);
}
END_TEST

static long affinity(uint32_t cmd, domid_t dom, uint32_t vcpu, uint32_t flags, uint8_t hard,
                     uint8_t soft, uint32_t nr_bits, struct xen_domctl_vcpuaffinity *out)
{
    struct xen_domctl op = {.cmd = cmd, .domain = dom};
    uint8_t maps[128];
    long rc;

    memset(maps, 0xee, sizeof(maps)); /* the answer overwrites the buffer to nr_bits */
    maps[0] = hard;
    maps[64] = soft;
    gput(dom0, MAPS, maps, sizeof(maps));
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = flags;
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)MAPS);
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, (uint8_t *)(MAPS + 64));
    op.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
    op.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
    rc = domctl(&op);
    if (out)
        *out = op.u.vcpuaffinity;
    return rc;
}

static uint8_t map_byte(unsigned int offset)
{
    uint8_t b;

    gget(dom0, MAPS + offset, &b, 1);
    return b;
}

#define BOTH (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)

START_TEST(vcpu_affinity)
{
    struct vcpu *v = domu->vcpu[1];
    unsigned int kicks;

    v->sched.hard_affinity = 3;
    v->sched.soft_affinity = ~0UL;
    kicks = v->arch.kicks;

    /* Pin vCPU 1 to pCPU 1, prefer pCPU 0 (outside the hard mask: effective soft 0).
     * Bits beyond the host's two pCPUs are dropped; the answer fills the buffer. */
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, BOTH, 0xf2, 0x01, 16, NULL), 0);
    ck_assert_uint_eq(v->sched.hard_affinity, 2);
    ck_assert_uint_eq(v->sched.soft_affinity, 1);
    ck_assert_uint_eq(v->arch.kicks, kicks + 1); /* its pCPU re-schedules */
    ck_assert_uint_eq(map_byte(0), 2);
    ck_assert_uint_eq(map_byte(1), 0);
    ck_assert_uint_eq(map_byte(2), 0xee); /* nr_bits 16: two bytes */
    ck_assert_uint_eq(map_byte(64), 0);   /* soft & hard & online */

    /* get answers the masks as set */
    ck_assert_int_eq(affinity(XEN_DOMCTL_getvcpuaffinity, 1, 1, BOTH, 0, 0, 8, NULL), 0);
    ck_assert_uint_eq(map_byte(0), 2);
    ck_assert_uint_eq(map_byte(64), 1);

    /* Soft alone leaves hard; nr_bits 1 reads pCPU 0 only. */
    ck_assert_int_eq(
        affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, XEN_VCPUAFFINITY_SOFT, 0, 0x03, 1, NULL), 0);
    ck_assert_uint_eq(v->sched.hard_affinity, 2);
    ck_assert_uint_eq(v->sched.soft_affinity, 1);

    /* Refused before anything changes: */
    kicks = v->arch.kicks;
    /* a hard mask with no host pCPU (also when the soft one is fine) */
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, BOTH, 0x04, 0x02, 8, NULL),
                     -EINVAL);
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, BOTH, 0x01, 0x02, 0, NULL),
                     -EINVAL);
    /* no flag, a flag without its bitmap, a vCPU out of range or missing, no domain */
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, 0, 1, 1, 8, NULL), -EINVAL);
    ck_assert_int_eq(
        affinity(XEN_DOMCTL_setvcpuaffinity, 1, 1, XEN_VCPUAFFINITY_FORCE, 1, 1, 8, NULL), -EINVAL);
    {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_setvcpuaffinity, .domain = 1};

        op.u.vcpuaffinity.vcpu = 1;
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
        ck_assert_int_eq(domctl(&op), -EINVAL);
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)BAD_GVA);
        ck_assert_int_eq(domctl(&op), -EFAULT);
    }
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 1, 2, BOTH, 1, 1, 8, NULL), -EINVAL);
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 9, 0, BOTH, 1, 1, 8, NULL), -ESRCH);
    /* dom0's vCPU n stays on pCPU n; its soft affinity may change */
    dom0->vcpu[1]->sched.hard_affinity = 2;
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 0, 1, BOTH, 0x01, 0x01, 8, NULL), -EBUSY);
    ck_assert_uint_eq(dom0->vcpu[1]->sched.soft_affinity, 0);
    ck_assert_int_eq(affinity(XEN_DOMCTL_setvcpuaffinity, 0, 1, BOTH, 0x02, 0x03, 8, NULL), 0);
    ck_assert_uint_eq(dom0->vcpu[1]->sched.soft_affinity, 3);
    ck_assert_uint_eq(v->sched.hard_affinity, 2);
    ck_assert_uint_eq(v->sched.soft_affinity, 1);
    ck_assert_uint_eq(v->arch.kicks, kicks);
}
END_TEST

START_TEST(mask_bytes)
{
    uint8_t b[9] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    ck_assert_uint_eq(sched_mask_from_bytes(b, 3, 2), 3);
    ck_assert_uint_eq(sched_mask_from_bytes(b, 3, 8), 7);
    ck_assert_uint_eq(sched_mask_from_bytes(b, 72, 64), ~0UL);
    ck_assert_uint_eq(sched_mask_from_bytes(b, 0, 8), 0);
    b[1] = 0x01;
    ck_assert_uint_eq(sched_mask_from_bytes(b, 16, 12), 0x1ff);
}
END_TEST

static long sysctl(struct xen_sysctl *s)
{
    long rc;

    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    gput(dom0, SCRATCH(dom0), s, sizeof(*s));
    rc = hc(dom0->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(dom0), 0, 0);
    gget(dom0, SCRATCH(dom0), s, sizeof(*s));
    return rc;
}

START_TEST(credit_global_params)
{
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_scheduler_op};
    struct xen_sysctl_scheduler_op *o = &s.u.scheduler_op;

    o->sched_id = XEN_SCHEDULER_CREDIT;
    o->cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(o->u.sched_credit.tslice_ms, 30);
    ck_assert_uint_eq(o->u.sched_credit.ratelimit_us, 1000);
    ck_assert_uint_eq(o->u.sched_credit.vcpu_migr_delay_us, 0);
    o->cmd = XEN_SYSCTL_SCHEDOP_putinfo; /* the same values: accepted */
    ck_assert_int_eq(sysctl(&s), 0);
    o->u.sched_credit.tslice_ms = 2000; /* out of Xen's range */
    ck_assert_int_eq(sysctl(&s), -EINVAL);
    o->u.sched_credit.tslice_ms = 10; /* taken, and read back */
    o->u.sched_credit.ratelimit_us = 0;
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(sched_credit_tslice_ms, 10);
    ck_assert_uint_eq(sched_credit_ratelimit_us, 0);
    o->cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    memset(&o->u.sched_credit, 0, sizeof(o->u.sched_credit));
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(o->u.sched_credit.tslice_ms, 10);
    ck_assert_uint_eq(o->u.sched_credit.ratelimit_us, 0);
    o->cmd = XEN_SYSCTL_SCHEDOP_putinfo;
    o->u.sched_credit.vcpu_migr_delay_us = 100; /* valid, but Tern has no delay */
    ck_assert_int_eq(sysctl(&s), -EOPNOTSUPP);
    o->u.sched_credit.vcpu_migr_delay_us = 0;
    o->u.sched_credit.tslice_ms = 1; /* rate limit above the slice: nothing changes */
    o->u.sched_credit.ratelimit_us = 2000;
    ck_assert_int_eq(sysctl(&s), -EINVAL);
    ck_assert_uint_eq(sched_credit_tslice_ms, 10);
    o->u.sched_credit.tslice_ms = 30; /* back to the defaults */
    o->u.sched_credit.ratelimit_us = 1000;
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(sched_credit_tslice_ms, 30);
    ck_assert_uint_eq(sched_credit_ratelimit_us, 1000);
    o->cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    o->cpupool_id = 1;
    ck_assert_int_eq(sysctl(&s), -ESRCH);
    o->cpupool_id = 0;
    o->sched_id = XEN_SCHEDULER_CREDIT2;
    ck_assert_int_eq(sysctl(&s), -EINVAL);
    o->sched_id = XEN_SCHEDULER_CREDIT;
    o->cmd = 5;
    ck_assert_int_eq(sysctl(&s), -EINVAL);
}
END_TEST

TCase *tcase_sched_ctl(void)
{
    TCase *tc = tcase_create("sched_ctl");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, credit_weight_and_cap);
    tcase_add_test(tc, vcpu_affinity);
    tcase_add_test(tc, mask_bytes);
    tcase_add_test(tc, credit_global_params);
    return tc;
}
