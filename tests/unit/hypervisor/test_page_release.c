/* SPDX-License-Identifier: MIT */
/* Batched decrease_reservation (common/page_release.c): one VMID-wide TLB flush per batch
 * of up to 512 unmapped entries, frames freed only after that flush, and a bad extent
 * still flushes and frees what was unmapped before it. */
#include <hv/page_release.h>

#include "th.h"

#define MEMOP     __HYPERVISOR_memory_op
#define EXTRA_GFN (DOMU_RAM_GFN + RAM_PAGES) /* pages the tests add to domU */
#define LIST_GPA  (SCRATCH(domu) + 256)      /* extent list in domU's first pages */

static void reset_counters(void)
{
    fake_page_tlb_flushes = 0;
    fake_vmid_flushes = 0;
    fake_stale_frees = 0;
}

/* decrease_reservation of domU, by itself, of n order-`order` extents at gfns. */
static long decrease(const xen_pfn_t *gfns, unsigned long n, unsigned int order)
{
    struct xen_memory_reservation r = {.nr_extents = n, .extent_order = order, .domid = DOMID_SELF};

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)LIST_GPA);
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    gput(domu, LIST_GPA, gfns, n * sizeof(*gfns));
    return hc(domu->vcpu[0], MEMOP, XENMEM_decrease_reservation, SCRATCH(domu), 0);
}

START_TEST(page_release_frees_after_flush)
{
    struct page_release r;
    mfn_t m[3];
    unsigned int i, free0 = fake_free_frames();

    reset_counters();
    page_release_init(&r, domu);
    page_release_flush(&r); /* nothing unmapped: no flush */
    ck_assert_uint_eq(fake_vmid_flushes, 0);
    for (i = 0; i < 3; i++) {
        m[i] = p2m_lookup(domu, DOMU_RAM_GFN + 10 + i, NULL);
        ck_assert_int_eq(page_release_add(&r, DOMU_RAM_GFN + 10 + i, m[i], true), 0);
        /* Unmapped at once, the frame still d's and counted until the flush. */
        ck_assert_uint_eq(p2m_lookup(domu, DOMU_RAM_GFN + 10 + i, NULL), INVALID_MFN);
        ck_assert(mfn_owned_by(domu, m[i]));
    }
    ck_assert_uint_eq(fake_free_frames(), free0);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    ck_assert_uint_eq(fake_vmid_flushes, 0);
    page_release_flush(&r);
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_free_frames(), free0 + 3);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES - 3);
    for (i = 0; i < 3; i++)
        ck_assert(!mfn_owned_by(domu, m[i]));
    page_release_flush(&r); /* empty again */
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_page_tlb_flushes, 0);
    ck_assert_uint_eq(fake_stale_frees, 0);
}
END_TEST

START_TEST(decrease_one_flush_per_batch)
{
    enum { N = PAGE_RELEASE_BATCH + 88 };
    static xen_pfn_t gfns[N];
    unsigned int i, free0;

    fake_populate(domu, EXTRA_GFN, N);
    free0 = fake_free_frames();
    for (i = 0; i < N; i++)
        gfns[i] = EXTRA_GFN + i;
    reset_counters();
    /* 600 pages in one call: two batches (512 + 88), two flushes, none per page. */
    ck_assert_int_eq(decrease(gfns, N, 0), N);
    ck_assert_uint_eq(fake_vmid_flushes, 2);
    ck_assert_uint_eq(fake_page_tlb_flushes, 0);
    ck_assert_uint_eq(fake_stale_frees, 0);
    ck_assert_uint_eq(fake_free_frames(), free0 + N);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    for (i = 0; i < N; i++)
        ck_assert_uint_eq(p2m_lookup(domu, gfns[i], NULL), INVALID_MFN);
}
END_TEST

START_TEST(decrease_order9_extent_one_flush)
{
    xen_pfn_t g = EXTRA_GFN;
    unsigned int free0;

    fake_populate(domu, EXTRA_GFN, 512);
    free0 = fake_free_frames();
    reset_counters();
    ck_assert_int_eq(decrease(&g, 1, 9), 1);
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_stale_frees, 0);
    ck_assert_uint_eq(fake_free_frames(), free0 + 512);
}
END_TEST

START_TEST(decrease_bad_extent_flushes_partial_batch)
{
    xen_pfn_t gfns[8];
    unsigned int i, free0;

    fake_populate(domu, EXTRA_GFN, 8);
    free0 = fake_free_frames();
    for (i = 0; i < 8; i++)
        gfns[i] = EXTRA_GFN + i;
    gfns[5] = 0x9999; /* not populated: the call stops there */
    reset_counters();
    ck_assert_int_eq(decrease(gfns, 8, 0), 5);
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_stale_frees, 0);
    ck_assert_uint_eq(fake_free_frames(), free0 + 5);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES + 3);
    for (i = 0; i < 5; i++)
        ck_assert_uint_eq(p2m_lookup(domu, gfns[i], NULL), INVALID_MFN);
    for (i = 6; i < 8; i++)
        ck_assert_uint_ne(p2m_lookup(domu, gfns[i], NULL), INVALID_MFN);

    /* Order 1: extent {6,7} done; extent {5,6} unmaps 5, then 6 is gone: 1 extent done,
     * and page 5 of the failed extent is flushed and freed too (Xen also removes page by
     * page and reports whole extents). */
    gfns[0] = EXTRA_GFN + 6;
    gfns[1] = EXTRA_GFN + 5;
    reset_counters();
    ck_assert_int_eq(decrease(gfns, 2, 1), 1);
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_stale_frees, 0);
    ck_assert_uint_eq(domu->tot_pages, RAM_PAGES);
    ck_assert_uint_eq(fake_free_frames(), free0 + 8);

    /* Nothing removed (first extent bad): no flush at all. */
    reset_counters();
    ck_assert_int_eq(decrease(gfns + 1, 1, 0), 0);
    ck_assert_uint_eq(fake_vmid_flushes, 0);
}
END_TEST

START_TEST(decrease_dom0_unmaps_with_one_flush)
{
    xen_pfn_t g[2] = {DOM0_RAM_GFN + 7, DOM0_RAM_GFN + 8};
    struct xen_memory_reservation r = {.nr_extents = 2, .domid = DOMID_SELF};
    unsigned int free0 = fake_free_frames();

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(dom0) + 256));
    gput(dom0, SCRATCH(dom0), &r, sizeof(r));
    gput(dom0, SCRATCH(dom0) + 256, g, sizeof(g));
    reset_counters();
    ck_assert_int_eq(hc(dom0->vcpu[0], MEMOP, XENMEM_decrease_reservation, SCRATCH(dom0), 0), 2);
    /* Direct-mapped: unmapped and flushed, the frames kept. */
    ck_assert_uint_eq(fake_vmid_flushes, 1);
    ck_assert_uint_eq(fake_free_frames(), free0);
    ck_assert_uint_eq(p2m_lookup(dom0, g[0], NULL), INVALID_MFN);
}
END_TEST

TCase *tcase_page_release(void)
{
    TCase *tc = tcase_create("page_release");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, page_release_frees_after_flush);
    tcase_add_test(tc, decrease_one_flush_per_batch);
    tcase_add_test(tc, decrease_order9_extent_one_flush);
    tcase_add_test(tc, decrease_bad_extent_flushes_partial_batch);
    tcase_add_test(tc, decrease_dom0_unmaps_with_one_flush);
    return tc;
}
