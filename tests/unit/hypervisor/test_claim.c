/* SPDX-License-Identifier: MIT */
/* XENMEM_claim_pages (common/claim.c): argument checks as Xen 4.17, a claim keeping
 * pages from other domains, shrinking as the claimant is given pages, reported by
 * physinfo and getdomaininfo, cancelled by 0 and by the domain's death.  Also the
 * memory_op sub-ops Xen on Arm refuses (exchange, get_vnumainfo) or answers trivially
 * (reserved_device_memory_map, the sharing counters). */
#include "th.h"

#include <hv/claim.h>

#define MEMOP __HYPERVISOR_memory_op

static long claim_as(struct vcpu *v, domid_t dom, unsigned long pages)
{
    struct xen_memory_reservation r = {.nr_extents = pages, .domid = dom};

    gput(v->domain, SCRATCH(v->domain), &r, sizeof(r));
    return hc(v, MEMOP, XENMEM_claim_pages, SCRATCH(v->domain), 0);
}

static long claim(domid_t dom, unsigned long pages)
{
    return claim_as(dom0->vcpu[0], dom, pages);
}

/* populate_physmap of n single pages at gfn.. as v on its own domain: extents done. */
static long populate(struct vcpu *v, gfn_t gfn, unsigned long n)
{
    struct domain *d = v->domain;
    struct xen_memory_reservation r = {.nr_extents = n, .domid = DOMID_SELF};
    unsigned long i;

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(d) + 256));
    gput(d, SCRATCH(d), &r, sizeof(r));
    for (i = 0; i < n; i++) {
        xen_pfn_t g = gfn + i;

        gput(d, SCRATCH(d) + 256 + i * sizeof(g), &g, sizeof(g));
    }
    return hc(v, MEMOP, XENMEM_populate_physmap, SCRATCH(d), 0);
}

static long decrease(struct vcpu *v, gfn_t gfn)
{
    struct domain *d = v->domain;
    struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
    xen_pfn_t g = gfn;

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(d) + 256));
    gput(d, SCRATCH(d), &r, sizeof(r));
    gput(d, SCRATCH(d) + 256, &g, sizeof(g));
    return hc(v, MEMOP, XENMEM_decrease_reservation, SCRATCH(d), 0);
}

static uint64_t physinfo_outstanding(void)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo,
                            .interface_version = XEN_SYSCTL_INTERFACE_VERSION};

    gput(dom0, SCRATCH(dom0) + 2048, &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(dom0) + 2048, 0, 0), 0);
    gget(dom0, SCRATCH(dom0) + 2048, &op, sizeof(op));
    return op.u.physinfo.outstanding_pages;
}

static uint64_t domaininfo_outstanding(domid_t dom)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo,
                            .domain = dom,
                            .interface_version = XEN_DOMCTL_INTERFACE_VERSION};

    gput(dom0, SCRATCH(dom0) + 2048, &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_domctl, SCRATCH(dom0) + 2048, 0, 0), 0);
    gget(dom0, SCRATCH(dom0) + 2048, &op, sizeof(op));
    ck_assert_uint_eq(op.u.getdomaininfo.domain, dom);
    return op.u.getdomaininfo.outstanding_pages;
}

START_TEST(claim_arguments)
{
    struct vcpu *d0 = dom0->vcpu[0];
    struct xen_memory_reservation r = {.nr_extents = RAM_PAGES + 4, .domid = 1};

    domu->max_pages = RAM_PAGES + 64;
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_claim_pages | (1 << 6), SCRATCH(dom0), 0), -EINVAL);
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_claim_pages, BAD_GVA, 0), -EFAULT);
    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(dom0) + 256));
    gput(dom0, SCRATCH(dom0), &r, sizeof(r));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_claim_pages, SCRATCH(dom0), 0), -EINVAL);
    r.extent_start.q = 0;
    r.extent_order = 1;
    gput(dom0, SCRATCH(dom0), &r, sizeof(r));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_claim_pages, SCRATCH(dom0), 0), -EINVAL);
    r.extent_order = 0;
    r.mem_flags = XENMEMF_address_bits(32);
    gput(dom0, SCRATCH(dom0), &r, sizeof(r));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_claim_pages, SCRATCH(dom0), 0), -EINVAL);
    /* Domains by id only: DOMID_SELF and unknown ids are -EINVAL (not -ESRCH). */
    ck_assert_int_eq(claim(99, RAM_PAGES + 4), -EINVAL);
    ck_assert_int_eq(claim(DOMID_SELF, RAM_PAGES + 4), -EINVAL);
    ck_assert_int_eq(claim_as(domu->vcpu[0], 1, RAM_PAGES + 4), -EPERM);
    ck_assert_int_eq(claim_as(domu->vcpu[0], 99, RAM_PAGES + 4), -EINVAL);
    /* Not above what it owns, not above max_pages, not more than is free. */
    ck_assert_int_eq(claim(1, RAM_PAGES), -EINVAL);
    ck_assert_int_eq(claim(1, RAM_PAGES + 65), -EINVAL);
    domu->max_pages = RAM_PAGES + FAKE_FRAMES;
    ck_assert_int_eq(claim(1, RAM_PAGES + fake_free_frames() + 1), -ENOMEM);
    ck_assert_int_eq(claim(1, RAM_PAGES + fake_free_frames()), 0);
    ck_assert_uint_eq(domu->outstanding_pages, fake_free_frames());
    /* One claim at a time; 0 cancels (also when there is none). */
    ck_assert_int_eq(claim(1, RAM_PAGES + 1), -EINVAL);
    ck_assert_int_eq(claim(1, 0), 0);
    ck_assert_int_eq(claim(1, 0), 0);
    ck_assert_uint_eq(claim_outstanding_total(), 0);
    ck_assert_int_eq(claim(1, RAM_PAGES + 1), 0);
    ck_assert_uint_eq(domu->outstanding_pages, 1);
    /* dom0 may claim for itself too. */
    dom0->max_pages = RAM_PAGES + 8;
    ck_assert_int_eq(claim(0, RAM_PAGES + 2), 0);
    ck_assert_uint_eq(claim_outstanding_total(), 3);
}
END_TEST

START_TEST(claim_reserves_pages)
{
    struct domain *d2 = domain_create(2, false, 1);
    struct vcpu *v2, *u0 = domu->vcpu[0];
    unsigned long free;

    ck_assert_ptr_nonnull(d2);
    v2 = vcpu_create(d2, 0);
    ck_assert_ptr_nonnull(v2);
    fake_populate(d2, DOMU_RAM_GFN, 4);
    d2->max_pages = FAKE_FRAMES;
    domu->max_pages = FAKE_FRAMES;
    free = fake_free_frames();

    /* domU claims all but 4 free pages: domain 2 gets those 4 and no more. */
    ck_assert_int_eq(claim(1, RAM_PAGES + free - 4), 0);
    ck_assert_uint_eq(physinfo_outstanding(), free - 4);
    ck_assert_uint_eq(domaininfo_outstanding(1), free - 4);
    ck_assert_uint_eq(domaininfo_outstanding(2), 0);
    ck_assert_int_eq(populate(v2, 0x800, 6), 4);
    ck_assert_uint_eq(d2->tot_pages, 8);
    ck_assert_int_eq(populate(v2, 0x810, 1), 0);
    /* The claimant is served from its claim, which shrinks with every page. */
    ck_assert_int_eq(populate(u0, 0x800, 3), 3);
    ck_assert_uint_eq(domaininfo_outstanding(1), free - 7);
    ck_assert_uint_eq(physinfo_outstanding(), free - 7);
    /* A page given back grows the claim again (as Xen's domain_adjust_tot_pages). */
    ck_assert_int_eq(decrease(u0, 0x800), 1);
    ck_assert_uint_eq(domaininfo_outstanding(1), free - 6);
    ck_assert_int_eq(populate(v2, 0x810, 1), 0);
    /* Cancelled: domain 2 allocates again. */
    ck_assert_int_eq(claim(1, 0), 0);
    ck_assert_uint_eq(physinfo_outstanding(), 0);
    ck_assert_int_eq(populate(v2, 0x810, 1), 1);

    /* A claim used up expires, and allocation goes on from the pool. */
    ck_assert_int_eq(claim(1, domu->tot_pages + 2), 0);
    ck_assert_int_eq(populate(u0, 0x900, 3), 3);
    ck_assert_uint_eq(domu->outstanding_pages, 0);
    ck_assert_uint_eq(physinfo_outstanding(), 0);

    /* A dying domain's claim goes back to the pool. */
    ck_assert_int_eq(claim(2, d2->tot_pages + 10), 0);
    ck_assert_uint_eq(physinfo_outstanding(), 10);
    ck_assert_int_eq(domain_destroy(d2), 0);
    ck_assert_uint_eq(physinfo_outstanding(), 0);
    ck_assert_int_eq(decrease(u0, 0x801), 1);
    ck_assert_int_eq(decrease(u0, 0x802), 1);
    ck_assert_int_eq(decrease(u0, 0x900), 1);
    ck_assert_int_eq(decrease(u0, 0x901), 1);
    ck_assert_int_eq(decrease(u0, 0x902), 1);
}
END_TEST

START_TEST(refused_memory_ops)
{
    struct vcpu *u0 = domu->vcpu[0], *d0 = dom0->vcpu[0];
    struct xen_memory_exchange x = {0};
    struct xen_vnuma_topology_info t = {.domid = DOMID_SELF};
    struct xen_reserved_device_memory_map m = {.flags = XENMEM_RDM_ALL, .nr_entries = 5};
    xen_pfn_t in = DOMU_RAM_GFN + 3;
    uint64_t at = SCRATCH(domu) + 512;

    /* exchange: Xen's checks in its order, then steal_page's -EOPNOTSUPP. */
    x.in.nr_extents = 1;
    x.out.nr_extents = 1;
    x.in.domid = x.out.domid = DOMID_SELF;
    set_xen_guest_handle(x.in.extent_start, (xen_pfn_t *)(SCRATCH(domu) + 256));
    set_xen_guest_handle(x.out.extent_start, (xen_pfn_t *)(SCRATCH(domu) + 384));
    gput(domu, SCRATCH(domu) + 256, &in, sizeof(in));
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EOPNOTSUPP);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, BAD_GVA, 0), -EFAULT);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange | (1 << 6), at, 0), -EINVAL);
    x.out.extent_order = 10; /* above a domU's 9 */
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EPERM);
    x.out.extent_order = 1; /* 1 page in, 2 out */
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EINVAL);
    x.out.extent_order = 0;
    x.out.domid = 0;
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EINVAL);
    x.out.domid = DOMID_SELF;
    x.nr_exchanged = 1; /* all done already */
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), 0);
    x.nr_exchanged = 0;
    x.in.domid = x.out.domid = 0;
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EPERM);
    x.in.domid = x.out.domid = 77;
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -ESRCH);
    x.in.domid = x.out.domid = DOMID_SELF;
    x.out.mem_flags = XENMEMF_exact_node(0);
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EINVAL);
    x.out.mem_flags = XENMEMF_node(0); /* a hint, fine */
    in = 0x7777;                       /* a hole */
    gput(domu, SCRATCH(domu) + 256, &in, sizeof(in));
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EINVAL);
    x.in.extent_start.q = BAD_GVA;
    gput(domu, at, &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_exchange, at, 0), -EFAULT);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);

    /* get_vnumainfo: no vNUMA anywhere. */
    gput(domu, at, &t, sizeof(t));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_vnumainfo, at, 0), -EOPNOTSUPP);
    t.domid = 0;
    gput(domu, at, &t, sizeof(t));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_vnumainfo, at, 0), -EPERM);
    t.domid = 77;
    gput(domu, at, &t, sizeof(t));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_vnumainfo, at, 0), -ESRCH);
    t.domid = DOMID_SELF;
    t.pad = 1;
    gput(domu, at, &t, sizeof(t));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_vnumainfo, at, 0), -EINVAL);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_vnumainfo, BAD_GVA, 0), -EFAULT);

    /* reserved_device_memory_map: nothing reserved, for anyone. */
    gput(domu, at, &m, sizeof(m));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_reserved_device_memory_map, at, 0), 0);
    gget(domu, at, &m, sizeof(m));
    ck_assert_uint_eq(m.nr_entries, 0);
    m.flags = 2;
    gput(domu, at, &m, sizeof(m));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_reserved_device_memory_map, at, 0), -EINVAL);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_reserved_device_memory_map, BAD_GVA, 0), -EFAULT);

    /* Sharing counters: 0 on Arm, but only for the bare command. */
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_sharing_freed_pages, 0, 0), 0);
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_get_sharing_shared_pages, 0, 0), 0);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_sharing_shared_pages | (1 << 6), 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_pod_target, at, 0), -ENOSYS);
}
END_TEST

TCase *tcase_claim(void)
{
    TCase *tc = tcase_create("claim");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, claim_arguments);
    tcase_add_test(tc, claim_reserves_pages);
    tcase_add_test(tc, refused_memory_ops);
    return tc;
}
