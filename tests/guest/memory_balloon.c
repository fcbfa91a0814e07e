/*
 * Ballooning: decrease_reservation of a page makes its gfn a hole (an access faults), the
 * reservation drops by one, a second release of the hole does nothing; populate_physmap
 * backs it again.  increase_reservation; hostile extent lists (unmapped, huge counts, huge
 * orders, gfns beyond the physical address space), foreign domains.
 * Xen: xen/common/memory.c decrease_reservation / populate_physmap / increase_reservation.
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/mm.h>
#include <tg/test.h>

static long reservation(void)
{
    domid_t self = DOMID_SELF;
    return hyp_memory_op(XENMEM_current_reservation, &self);
}

static void run(void)
{
    uint64_t *page = alloc_page();
    uint64_t v;

    if (!page) {
        tg_error("no page");
        return;
    }
    xen_pfn_t gfn = virt_to_gfn(page);
    long before = reservation();

    page[0] = 0x1234;
    tg_expect_rc("decrease", balloon_out(gfn), 1);
    tg_expect_rc("reservation_delta", reservation() - before, -1);
    tg_check(!probe_read(page, &v), "ballooned-out page still readable (%#lx)", v);
    tg_expect_rc("decrease_hole_again", balloon_out(gfn), 0);
    tg_expect_rc("populate", balloon_in(gfn), 1);
    tg_expect_rc("reservation_back", reservation() - before, 0);
    tg_check(probe_write(page, 0x5678) && probe_read(page, &v) && v == 0x5678,
             "repopulated page not usable");

    /* a gfn in RAM bank 0 beyond the populated memory, then release it again */
    xen_pfn_t high = (mm_ram_base + mm_ram_size + (8UL << 20)) >> PAGE_SHIFT;
    tg_expect_rc("populate_beyond_ram", balloon_in(high), 1);
    tg_expect_rc("decrease_beyond_ram", balloon_out(high), 1);

    /* order-1 extent (2 pages) at an aligned gfn above RAM */
    xen_pfn_t pair = high & ~1UL;
    tg_expect_rc("populate_order1",
                 memory_reservation(XENMEM_populate_physmap, &pair, 1, 1, DOMID_SELF), 1);
    tg_expect_rc("decrease_order1",
                 memory_reservation(XENMEM_decrease_reservation, &pair, 1, 1, DOMID_SELF), 1);

    /* hostile */
    xen_pfn_t huge_gfn = 1UL << 40;
    tg_expect_rc("populate_beyond_ipa", balloon_in(huge_gfn), 0);
    /* a failed populate must not leave pages charged to the domain */
    tg_value("delta_after_beyond_ipa", reservation() - before);
    tg_expect_rc(
        "populate_unmapped_list",
        memory_reservation(XENMEM_populate_physmap, (xen_pfn_t *)0xC0000000UL, 1, 0, DOMID_SELF),
        0);
    tg_expect_rc("decrease_unmapped_list",
                 memory_reservation(XENMEM_decrease_reservation, (xen_pfn_t *)0xC0000000UL, 1, 0,
                                    DOMID_SELF),
                 0);
    tg_value("populate_huge_count",
             memory_reservation(XENMEM_populate_physmap, (xen_pfn_t *)0xC0000000UL, 1UL << 40, 0,
                                DOMID_SELF));
    tg_value("populate_huge_order",
             memory_reservation(XENMEM_populate_physmap, &pair, 1, 30, DOMID_SELF));
    tg_value("delta_after_hostile", reservation() - before);
    /* Reservation ops report failures as "0 extents done", even for a refused or missing
     * domain (memory.c do_memory_op returns start_extent). */
    tg_expect_rc("populate_dom0", memory_reservation(XENMEM_populate_physmap, &pair, 1, 0, 0), 0);
    tg_expect_rc("decrease_dom0", memory_reservation(XENMEM_decrease_reservation, &pair, 1, 0, 0),
                 0);
    tg_expect_rc("populate_bad_dom",
                 memory_reservation(XENMEM_populate_physmap, &pair, 1, 0, DOMID_INVALID), 0);

    /* increase_reservation: on an auto-translated guest the pages get no gfn; give them
     * back by count is impossible, so only one page is asked for (maxmem has 1 MiB slack). */
    long before_inc = reservation();
    long inc = memory_reservation(XENMEM_increase_reservation, NULL, 1, 0, DOMID_SELF);
    tg_value("increase_no_list", inc);
    long inc_delta = reservation() - before_inc;
    tg_value("increase_delta", inc_delta);
    /* What stays charged: the increase_reservation page, plus whatever the hostile calls
     * above left (recorded, compared by the oracle). */
    tg_value("reservation_final_delta", reservation() - before);
    free_page(page);
}
TG_CASE(memory_balloon, "decrease_reservation/populate_physmap/increase_reservation", run);
