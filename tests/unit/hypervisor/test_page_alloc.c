/*
 * The frame allocator's mapping counts (hypervisor/arch/arm64/page_alloc.c), compiled on the
 * host: a domain page that another domain maps by grant or foreign entry is not returned to
 * the pool when its owner releases it (decrease_reservation, death); it waits as an orphan
 * and goes back on its last unmap.  The RAM bank is a host buffer.
 */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/arch.h>
#include <hv/arch_hooks.h>
#include <hv/sched.h>

#define BANK_FRAMES 64
#define BANK_BASE   0x40000000UL

static unsigned char bank[BANK_FRAMES * PAGE_SIZE] __attribute__((aligned(4096)));

void *mfn_to_virt(mfn_t mfn)
{
    return bank + (mfn - (BANK_BASE >> PAGE_SHIFT)) * PAGE_SIZE;
}

mfn_t virt_to_mfn(const void *va)
{
    return (BANK_BASE >> PAGE_SHIFT) + (mfn_t)((const unsigned char *)va - bank) / PAGE_SIZE;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

void free_domain_frames(struct domain *d);

static struct domain d1 = {.domain_id = 1}, d2 = {.domain_id = 2};

static void setup(void)
{
    page_alloc_init(BANK_BASE, BANK_BASE + sizeof(bank));
}

START_TEST(released_while_mapped_waits_for_last_unmap)
{
    unsigned long free0 = page_alloc_free_pages();
    mfn_t m = alloc_domheap_page(&d1);

    ck_assert_uint_ne(m, INVALID_MFN);
    ck_assert(mfn_owned_by(&d1, m));
    frame_map_get(m); /* d2 maps it (grant) */
    frame_map_get(m); /* and dom0 (foreign) */
    free_domheap_page(&d1, m);
    ck_assert(!mfn_owned_by(&d1, m)); /* no longer d1's: it cannot map or free it again */
    ck_assert_uint_eq(page_alloc_free_pages(), free0 - 1);
    ck_assert_uint_eq(frame_orphans(), 1);
    frame_map_put(m);
    ck_assert_uint_eq(page_alloc_free_pages(), free0 - 1);
    frame_map_put(m);
    ck_assert_uint_eq(page_alloc_free_pages(), free0);
    ck_assert_uint_eq(frame_orphans(), 0);
}
END_TEST

START_TEST(unmapped_page_goes_back_at_once)
{
    unsigned long free0 = page_alloc_free_pages();
    mfn_t m = alloc_domheap_page(&d1);

    frame_map_get(m);
    frame_map_put(m); /* mapped and unmapped while d1 owned it */
    ck_assert(mfn_owned_by(&d1, m));
    free_domheap_page(&d1, m);
    ck_assert_uint_eq(page_alloc_free_pages(), free0);
    ck_assert_uint_eq(frame_orphans(), 0);
}
END_TEST

START_TEST(death_keeps_only_mapped_pages)
{
    unsigned long free0 = page_alloc_free_pages();
    mfn_t a = alloc_domheap_page(&d1), b = alloc_domheap_page(&d1), c = alloc_domheap_page(&d2);

    frame_map_get(b);
    free_domain_frames(&d1);
    ck_assert_uint_eq(page_alloc_free_pages(), free0 - 2); /* b (orphan) and d2's c */
    ck_assert(mfn_owned_by(&d2, c));
    ck_assert(!mfn_owned_by(&d1, a) && !mfn_owned_by(&d1, b));
    /* A new domain with the dead one's id owns none of the orphan's frame. */
    ck_assert(!mfn_owned_by(&d1, b));
    frame_map_put(b);
    ck_assert_uint_eq(page_alloc_free_pages(), free0 - 1);
    free_domain_frames(&d2);
    ck_assert_uint_eq(page_alloc_free_pages(), free0);
}
END_TEST

START_TEST(orphan_frame_is_not_handed_out)
{
    mfn_t m = alloc_domheap_page(&d1), n;

    frame_map_get(m);
    free_domheap_page(&d1, m);
    /* Take every free frame: none of them may be the orphan. */
    while ((n = alloc_domheap_page(&d2)) != INVALID_MFN)
        ck_assert_uint_ne(n, m);
    frame_map_put(m);
    ck_assert_uint_eq(alloc_domheap_page(&d2), m);
}
END_TEST

START_TEST(mapping_outside_the_bank_is_not_counted)
{
    frame_map_get(1); /* MMIO or a frame the allocator does not manage */
    frame_map_put(1);
    ck_assert_uint_eq(frame_orphans(), 0);
}
END_TEST

START_TEST(unbalanced_put_is_a_bug)
{
    mfn_t m = alloc_domheap_page(&d1);

    frame_map_put(m); /* BUG_ON: our own invariant, not a guest's fault */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("page_alloc");
    TCase *tc = tcase_create("mapping counts");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, released_while_mapped_waits_for_last_unmap);
    tcase_add_test(tc, unmapped_page_goes_back_at_once);
    tcase_add_test(tc, death_keeps_only_mapped_pages);
    tcase_add_test(tc, orphan_frame_is_not_handed_out);
    tcase_add_test(tc, mapping_outside_the_bank_is_not_counted);
    tcase_add_test_raise_signal(tc, unbalanced_put_is_a_bug, SIGABRT);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
