/* SPDX-License-Identifier: MIT */
/* memory_op: shared_info mapping, reservations with exact accounting, hostile input. */
#include "th.h"

#define MEMOP __HYPERVISOR_memory_op

/* Flags of domU's grant entry ref as the hypervisor sees it (through setup_table's frame 0). */
static uint16_t shared_entry_flags(struct domain *d, uint32_t ref)
{
    xen_pfn_t mfn;

    ck_assert_int_eq(gnttab_acquire_frames(d, XENMEM_resource_grant_table_id_shared, 0, 1, &mfn),
                     1);
    return ((grant_entry_v1_t *)mfn_to_virt(mfn))[ref].flags;
}

static long reservation(struct vcpu *v, int op, const xen_pfn_t *gfns, unsigned long n,
                        unsigned int order, domid_t dom)
{
    struct xen_memory_reservation r = {.nr_extents = n, .extent_order = order, .domid = dom};
    struct domain *d = v->domain;

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(d) + 256));
    gput(d, SCRATCH(d), &r, sizeof(r));
    if (n && gfns)
        gput(d, SCRATCH(d) + 256, gfns, n * sizeof(*gfns));
    return hc(v, MEMOP, op, SCRATCH(d), 0);
}

START_TEST(shared_info_map)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = DOMU_RAM_GFN + 9};
    struct xen_remove_from_physmap rm = {.domid = DOMID_SELF, .gpfn = DOMU_RAM_GFN + 9};
    struct vcpu *u0 = domu->vcpu[0];

    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), 0);
    ck_assert_ptr_eq(fake_gpa(domu, (DOMU_RAM_GFN + 9) << PAGE_SHIFT), domu->shared_info);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), -EBUSY);
    x.idx = 1;
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), -EINVAL);
    x.idx = 0;
    x.space = XENMAPSPACE_gmfn;
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), -ENOSYS);
    x.space = XENMAPSPACE_shared_info;
    x.domid = 0;
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), -EPERM);
    x.domid = 55;
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), -ESRCH);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, BAD_GVA, 0), -EFAULT);
    /* Remove, then it may be mapped again elsewhere. */
    gput(domu, SCRATCH(domu), &rm, sizeof(rm));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_remove_from_physmap, SCRATCH(domu), 0), 0);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_remove_from_physmap, SCRATCH(domu), 0), -ENOENT);
    x = (struct xen_add_to_physmap){
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = 0x5000};
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_add_to_physmap, SCRATCH(domu), 0), 0);
}
END_TEST

START_TEST(balloon_accounting)
{
    struct vcpu *u0 = domu->vcpu[0];
    xen_pfn_t gfns[4] = {DOMU_RAM_GFN + 10, DOMU_RAM_GFN + 11, DOMU_RAM_GFN + 12, 0x9999};
    domid_t self = DOMID_SELF;
    unsigned int free0 = fake_free_frames();

    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    gput(domu, SCRATCH(domu) + 64, &self, sizeof(self));
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_current_reservation, SCRATCH(domu) + 64, 0), RAM_PAGES);
    /* Balloon down 3 pages; the 4th gfn is not populated: stop there. */
    ck_assert_int_eq(reservation(u0, XENMEM_decrease_reservation, gfns, 4, 0, DOMID_SELF), 3);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES - 3);
    ck_assert_uint_eq(fake_free_frames(), free0 + 3);
    ck_assert_uint_eq(p2m_lookup(domu, DOMU_RAM_GFN + 10, NULL), INVALID_MFN);
    /* Twice: nothing left there. */
    ck_assert_int_eq(reservation(u0, XENMEM_decrease_reservation, gfns, 1, 0, DOMID_SELF), 0);
    /* Balloon up again: limited by max_pages. */
    ck_assert_int_eq(reservation(u0, XENMEM_populate_physmap, gfns, 3, 0, DOMID_SELF), 3);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    ck_assert_int_eq(reservation(u0, XENMEM_populate_physmap, &gfns[3], 1, 0, DOMID_SELF), 0);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    /* Out of memory halfway through an order-1 extent: all or nothing. */
    domu->max_pages += 8;
    fake_alloc_fail_after = 1;
    ck_assert_int_eq(reservation(u0, XENMEM_populate_physmap, &gfns[3], 1, 1, DOMID_SELF), 0);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    fake_alloc_fail_after = -1;
    /* Hostile: huge count, huge order, foreign domain, bad list pointer. */
    ck_assert_int_eq(reservation(u0, XENMEM_populate_physmap, NULL, 1UL << 40, 0, DOMID_SELF), 0);
    ck_assert_int_eq(reservation(u0, XENMEM_populate_physmap, gfns, 1, 30, DOMID_SELF), 0);
    ck_assert_int_eq(reservation(u0, XENMEM_decrease_reservation, gfns, 1, 0, 0), 0);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_populate_physmap, BAD_GVA, 0), 0);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_maximum_ram_page, 0, 0), FAKE_MFN_BASE + FAKE_FRAMES);
    {
        /* maximum_gpfn: the highest gfn ever mapped; self or dom0 acting, not foreign. */
        domid_t self = DOMID_SELF, zero = 0;

        gput(domu, SCRATCH(domu), &self, sizeof(self));
        ck_assert_int_eq(hc(u0, MEMOP, XENMEM_maximum_gpfn, SCRATCH(domu), 0),
                         (long)p2m_max_mapped_gfn(domu));
        ck_assert_int_ge(p2m_max_mapped_gfn(domu), DOMU_RAM_GFN + RAM_PAGES - 1);
        gput(domu, SCRATCH(domu), &zero, sizeof(zero));
        ck_assert_int_eq(hc(u0, MEMOP, XENMEM_maximum_gpfn, SCRATCH(domu), 0), -EPERM);
    }
    ck_assert_int_eq(hc(u0, MEMOP, XENMEM_get_pod_target, SCRATCH(domu), 0), -ENOSYS); /* x86 */
}
END_TEST

START_TEST(direct_mapped_dom0_balloon)
{
    struct vcpu *d0 = dom0->vcpu[0];
    xen_pfn_t g = DOM0_RAM_GFN + 7, other = p2m_lookup(domu, DOMU_RAM_GFN + 1, NULL);
    unsigned int free0 = fake_free_frames();

    /* Decrease keeps the frame (gfn == mfn must come back), and the count. */
    ck_assert_int_eq(reservation(d0, XENMEM_decrease_reservation, &g, 1, 0, DOMID_SELF), 1);
    ck_assert_uint_eq(fake_free_frames(), free0);
    ck_assert_uint_eq(dom0->tot_pages, RAM_PAGES);
    ck_assert_int_eq(reservation(d0, XENMEM_populate_physmap, &g, 1, 0, DOMID_SELF), 1);
    ck_assert_uint_eq(p2m_lookup(dom0, g, NULL), g);
    /* A frame dom0 does not own cannot be populated 1:1. */
    ck_assert_int_eq(reservation(d0, XENMEM_populate_physmap, &other, 1, 0, DOMID_SELF), 0);
}
END_TEST

START_TEST(foreign_batch)
{
    struct vcpu *d0 = dom0->vcpu[0];
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 2};
    xen_ulong_t idxs[2] = {DOMU_RAM_GFN + 4, 0x7777};
    xen_pfn_t gpfns[2] = {DOM0_RAM_GFN + 30, DOM0_RAM_GFN + 31};
    int errs[2];

    b.u.foreign_domid = 1;
    set_xen_guest_handle(b.idxs, (xen_ulong_t *)(SCRATCH(dom0) + 256));
    set_xen_guest_handle(b.gpfns, (xen_pfn_t *)(SCRATCH(dom0) + 512));
    set_xen_guest_handle(b.errs, (int *)(SCRATCH(dom0) + 768));
    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    gput(dom0, SCRATCH(dom0) + 256, idxs, sizeof(idxs));
    gput(dom0, SCRATCH(dom0) + 512, gpfns, sizeof(gpfns));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_add_to_physmap_batch, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0) + 768, errs, sizeof(errs));
    ck_assert_int_eq(errs[0], 0);
    ck_assert_int_eq(errs[1], -EINVAL);
    ck_assert_uint_eq(p2m_lookup(dom0, DOM0_RAM_GFN + 30, NULL),
                      p2m_lookup(domu, DOMU_RAM_GFN + 4, NULL));
    /* A domU may not map foreign memory. */
    b.domid = DOMID_SELF;
    b.u.foreign_domid = 0;
    set_xen_guest_handle(b.idxs, (xen_ulong_t *)(SCRATCH(domu) + 256));
    set_xen_guest_handle(b.gpfns, (xen_pfn_t *)(SCRATCH(domu) + 512));
    set_xen_guest_handle(b.errs, (int *)(SCRATCH(domu) + 768));
    gput(domu, SCRATCH(domu), &b, sizeof(b));
    gput(domu, SCRATCH(domu) + 256, idxs, sizeof(idxs));
    gput(domu, SCRATCH(domu) + 512, gpfns, sizeof(gpfns));
    ck_assert_int_eq(hc(domu->vcpu[0], MEMOP, XENMEM_add_to_physmap_batch, SCRATCH(domu), 0), 0);
    gget(domu, SCRATCH(domu) + 768, errs, sizeof(errs));
    ck_assert_int_eq(errs[0], -EPERM);
}
END_TEST

START_TEST(acquire_grant_frames)
{
    struct vcpu *d0 = dom0->vcpu[0];
    struct xen_mem_acquire_resource x = {.domid = 1,
                                         .type = XENMEM_resource_grant_table,
                                         .id = XENMEM_resource_grant_table_id_shared};
    xen_pfn_t gfns[2] = {DOM0_RAM_GFN + 40, DOM0_RAM_GFN + 41};
    grant_entry_v1_t *e;

    /* Size query (NULL frame_list). */
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_uint_eq(x.nr_frames, DEFAULT_MAX_GRANT_FRAMES);
    /* Map domU's frames 0-1 into dom0 (the toolstack seeds entries 0/1 this way). */
    x.nr_frames = 2;
    set_xen_guest_handle(x.frame_list, (xen_pfn_t *)(SCRATCH(dom0) + 256));
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    gput(dom0, SCRATCH(dom0) + 256, gfns, sizeof(gfns));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), 0);
    e = fake_gpa(dom0, gfns[0] << PAGE_SHIFT);
    e[1].flags = GTF_permit_access; /* dom0 writes domU's entry 1 */
    ck_assert_uint_eq(shared_entry_flags(domu, 1), GTF_permit_access);
    /* Hostile: beyond max frames, own domain, domU caller, bad type, pad set. */
    x.frame = DEFAULT_MAX_GRANT_FRAMES - 1;
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), -EINVAL);
    x.frame = 0;
    x.domid = 0;
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), -EPERM);
    x.domid = 1;
    x.type = XENMEM_resource_ioreq_server;
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), -EOPNOTSUPP);
    x.type = XENMEM_resource_grant_table;
    x.pad = 1;
    gput(dom0, SCRATCH(dom0), &x, sizeof(x));
    ck_assert_int_eq(hc(d0, MEMOP, XENMEM_acquire_resource, SCRATCH(dom0), 0), -EINVAL);
    x.pad = 0;
    x.domid = 0;
    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(hc(domu->vcpu[0], MEMOP, XENMEM_acquire_resource, SCRATCH(domu), 0), -EPERM);
}
END_TEST

TCase *tcase_memory(void)
{
    TCase *tc = tcase_create("memory_op");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, shared_info_map);
    tcase_add_test(tc, balloon_accounting);
    tcase_add_test(tc, direct_mapped_dom0_balloon);
    tcase_add_test(tc, foreign_batch);
    tcase_add_test(tc, acquire_grant_frames);
    return tc;
}
