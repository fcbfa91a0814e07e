/*
 * Grant mapping within one domain: grant a page to ourselves, map it (GNTMAP_host_map) at a
 * ballooned-out gfn, read and write through the mapping, watch GTF_reading/GTF_writing,
 * unmap, unmap again.  Hostile: refs beyond the table, ungranted refs, bad domains (map
 * looks the granting domain up by id, so DOMID_SELF is one), write map of a read-only
 * grant, bogus handles.  On Arm host_addr is a guest physical address.
 * Xen: xen/common/grant_table.c map_grant_ref / unmap_common.
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>

static int16_t map(uint64_t addr, uint32_t flags, grant_ref_t ref, domid_t dom,
                   grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {.host_addr = addr, .flags = flags, .ref = ref, .dom = dom};
    long rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

    if (rc)
        return (int16_t)-1000;
    *handle = m.handle;
    return m.status;
}

static int16_t unmap(uint64_t addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {.host_addr = addr, .dev_bus_addr = 0, .handle = handle};
    long rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

    return rc ? (int16_t)-1000 : u.status;
}

static void run(void)
{
    domid_t self = tg_env.self;
    grant_handle_t h = 0, h2 = 0;

    if (!gnttab_table || !tg_env.self_known) {
        tg_skip("needs the grant table and the own domid");
        return;
    }
    uint64_t *src = alloc_page(), *hole = alloc_page();
    if (!src || !hole) {
        tg_error("no pages");
        return;
    }
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        src[i] = 0x7465726e00000000UL | i;
    uint64_t hole_addr = (uint64_t)(uintptr_t)hole;
    if (!tg_expect_rc("balloon_out", balloon_out(virt_to_gfn(hole)), 1))
        return;
    long ref = gnttab_grant_access(self, virt_to_gfn(src), false);
    long ro_ref = gnttab_grant_access(self, virt_to_gfn(src), true);

    tg_expect_rc("map", map(hole_addr, GNTMAP_host_map, (grant_ref_t)ref, self, &h), GNTST_okay);
    tg_value("flags_mapped", gnttab_table[ref].flags);
    uint64_t v = 0;
    tg_check(probe_read(&hole[5], &v) && v == src[5], "read through mapping: %#lx", v);
    tg_check(probe_write(&hole[7], 0xabcdef), "write through the mapping faulted");
    tg_check(src[7] == 0xabcdef, "write through mapping not seen in the granted page");
    tg_expect_rc("end_access_while_mapped", gnttab_end_access((grant_ref_t)ref), 0);
    tg_expect_rc("unmap", unmap(hole_addr, h), GNTST_okay);
    tg_value("flags_unmapped", gnttab_table[ref].flags);
    tg_expect_rc("unmap_twice", unmap(hole_addr, h), GNTST_bad_handle);
    tg_check(!probe_read(&hole[5], &v), "unmapped gfn still readable");
    tg_expect_rc("unmap_bad_handle", unmap(hole_addr, 0xdead), GNTST_bad_handle);

    /* read-only grant: a writable map is refused, a read-only one works */
    tg_expect_rc("map_ro_grant_rw", map(hole_addr, GNTMAP_host_map, (grant_ref_t)ro_ref, self, &h2),
                 GNTST_general_error);
    if (tg_expect_rc(
            "map_ro_grant_ro",
            map(hole_addr, GNTMAP_host_map | GNTMAP_readonly, (grant_ref_t)ro_ref, self, &h2),
            GNTST_okay)) {
        tg_check(probe_read(&hole[5], &v) && v == src[5], "read through ro mapping");
        /* No write probe here: see gnttab_ro_write.c (Xen 4.17 never returns from it). */
        tg_expect_rc("unmap_ro", unmap(hole_addr, h2), GNTST_okay);
    }

    tg_expect_rc("map_domid_self",
                 map(hole_addr, GNTMAP_host_map, (grant_ref_t)ref, DOMID_SELF, &h2),
                 GNTST_bad_domain);
    tg_expect_rc("map_ref_beyond_table", map(hole_addr, GNTMAP_host_map, 0xfffff, self, &h2),
                 GNTST_bad_gntref);
    tg_expect_rc("map_ungranted_ref", map(hole_addr, GNTMAP_host_map, 300, self, &h2),
                 GNTST_general_error);
    tg_expect_rc("map_bad_domain",
                 map(hole_addr, GNTMAP_host_map, (grant_ref_t)ref, DOMID_INVALID, &h2),
                 GNTST_bad_domain);
    tg_expect_rc("map_no_flags", map(hole_addr, 0, (grant_ref_t)ref, self, &h2), GNTST_bad_gntref);
    tg_value("map_unaligned_addr",
             map(hole_addr + 8, GNTMAP_host_map, (grant_ref_t)ref, self, &h2));
    if (gnttab_table[ref].flags & (GTF_reading | GTF_writing))
        unmap(hole_addr, h2);
    tg_expect_rc("map_unmapped_arg",
                 hyp_grant_table_op(GNTTABOP_map_grant_ref, (void *)0xC0000000UL, 1),
                 XEN_ERR(EFAULT));

    tg_expect_rc("end_access", gnttab_end_access((grant_ref_t)ref), 1);
    tg_expect_rc("end_access_ro", gnttab_end_access((grant_ref_t)ro_ref), 1);
    tg_expect_rc("balloon_in", balloon_in(virt_to_gfn(hole)), 1);
    free_page(hole);
    free_page(src);
}
TG_CASE(gnttab_map, "map/unmap of an own grant at a ballooned gfn; hostile refs and handles", run);
