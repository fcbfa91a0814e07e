/*
 * Grant sub-ops Xen 4.17 on Arm answers though it implements them partly or not at all:
 * unmap_and_replace (no replacement address on Arm: replace_grant_host_mapping), swap_grant_ref
 * (own entries; a mapped one is busy), transfer (x86 PV only), dump_table (gone).
 * Xen: xen/common/grant_table.c, xen/arch/arm/mm.c.
 */
#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>

static int16_t map(uint64_t addr, grant_ref_t ref, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = addr, .flags = GNTMAP_host_map, .ref = ref, .dom = tg_env.self};

    if (hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1))
        return (int16_t)-1000;
    *handle = m.handle;
    return m.status;
}

static int16_t replace(uint64_t addr, uint64_t new_addr, grant_handle_t handle)
{
    struct gnttab_unmap_and_replace r = {.host_addr = addr, .new_addr = new_addr, .handle = handle};

    return hyp_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1) ? (int16_t)-1000 : r.status;
}

static int16_t swap(grant_ref_t a, grant_ref_t b)
{
    struct gnttab_swap_grant_ref s = {.ref_a = a, .ref_b = b, .status = 99};

    return hyp_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1) ? (int16_t)-1000 : s.status;
}

static void run(void)
{
    uint64_t *src = alloc_page(), *other = alloc_page(), *hole = alloc_page();
    uint64_t hole_addr = (uint64_t)(uintptr_t)hole;
    struct gnttab_transfer t = {0};
    grant_handle_t h = 0;

    if (!gnttab_table || !tg_env.self_known) {
        tg_skip("needs the grant table and the own domid");
        return;
    }
    if (!src || !other || !hole) {
        tg_error("no pages");
        return;
    }
    if (!tg_expect_rc("balloon_out", balloon_out(virt_to_gfn(hole)), 1))
        return;
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), false);
    long ref2 = gnttab_grant_access(tg_env.self, virt_to_gfn(other), true);

    /* swap_grant_ref: the two entries change places. */
    tg_expect_rc("swap", swap((grant_ref_t)ref, (grant_ref_t)ref2), GNTST_okay);
    tg_value("swapped_frame_is_other", gnttab_table[ref].frame == virt_to_gfn(other));
    tg_value("swapped_flags_ro", (gnttab_table[ref].flags & GTF_readonly) != 0);
    tg_expect_rc("swap_back", swap((grant_ref_t)ref2, (grant_ref_t)ref), GNTST_okay);
    tg_expect_rc("swap_same", swap((grant_ref_t)ref, (grant_ref_t)ref), GNTST_okay);
    tg_expect_rc("swap_ref_beyond", swap((grant_ref_t)ref, 0xfffff), GNTST_bad_gntref);
    tg_expect_rc("swap_both_beyond", swap(0xfffff, 0xfffff), GNTST_bad_gntref);

    /* unmap_and_replace: a replacement address is refused on Arm, 0 unmaps. */
    tg_expect_rc("map", map(hole_addr, (grant_ref_t)ref, &h), GNTST_okay);
    tg_expect_rc("swap_mapped", swap((grant_ref_t)ref2, (grant_ref_t)ref), GNTST_eagain);
    tg_expect_rc("replace_bad_handle", replace(hole_addr, 0, 0xdead), GNTST_bad_handle);
    tg_expect_rc("replace_new_addr", replace(hole_addr, (uint64_t)(uintptr_t)other, h),
                 GNTST_general_error);
    tg_value("flags_still_mapped", gnttab_table[ref].flags);
    tg_expect_rc("replace_no_new_addr", replace(hole_addr, 0, h), GNTST_okay);
    tg_value("flags_unmapped", gnttab_table[ref].flags);
    tg_expect_rc("replace_twice", replace(hole_addr, 0, h), GNTST_bad_handle);

    tg_expect_rc("transfer", hyp_grant_table_op(GNTTABOP_transfer, &t, 1), XEN_ERR(EOPNOTSUPP));
    tg_expect_rc("dump_table", hyp_grant_table_op(GNTTABOP_dump_table, &t, 1), XEN_ERR(ENOSYS));

    tg_expect_rc("end_access", gnttab_end_access((grant_ref_t)ref), 1);
    tg_expect_rc("end_access2", gnttab_end_access((grant_ref_t)ref2), 1);
    tg_expect_rc("balloon_in", balloon_in(virt_to_gfn(hole)), 1);
    free_page(hole);
    free_page(other);
    free_page(src);
}

TG_CASE(abi_grant_ops, "grant unmap_and_replace, swap_grant_ref, transfer, dump_table", run);
