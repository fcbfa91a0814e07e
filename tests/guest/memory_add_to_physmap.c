/*
 * XENMEM_add_to_physmap: shared_info at a second gfn (refused while it is mapped: -EBUSY),
 * grant frames beyond the current size (growth), removal with remove_from_physmap, beyond
 * the maximum, unsupported and unknown spaces (-ENOSYS on Arm), foreign domains.  Xen:
 * xen/common/memory.c xenmem_add_to_physmap, xen/arch/arm/mm.c xenmem_add_to_physmap_one.
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/events.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/test.h>

static long add(domid_t dom, unsigned space, unsigned long idx, xen_pfn_t gpfn)
{
    struct xen_add_to_physmap x = {.domid = dom, .space = space, .idx = idx, .gpfn = gpfn};
    return hyp_memory_op(XENMEM_add_to_physmap, &x);
}

static long remove(xen_pfn_t gpfn)
{
    struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = gpfn};
    return hyp_memory_op(XENMEM_remove_from_physmap, &r);
}

static void run(void)
{
    volatile uint64_t *hole = alloc_page();
    uint64_t v;

    if (!hole || !shared_info) {
        tg_error("no page or no shared_info");
        return;
    }
    xen_pfn_t gfn = virt_to_gfn((void *)hole);
    if (!tg_expect_rc("balloon_out", balloon_out(gfn), 1))
        return;

    long rc = add(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn);
    tg_expect_rc("shared_info_again", rc, XEN_ERR(EBUSY));
    if (rc == 0) {
        /* same page: the mask word written through one address shows at the other */
        volatile xen_ulong_t *mask2 =
            (xen_ulong_t *)((uintptr_t)hole + offsetof(struct shared_info, evtchn_mask));
        xen_ulong_t saved = shared_info->evtchn_mask[63];
        shared_info->evtchn_mask[63] = 0x5a5a;
        tg_check(mask2[63] == 0x5a5a, "second shared_info mapping shows other data");
        shared_info->evtchn_mask[63] = saved;
        tg_expect_rc("remove_from_physmap", remove(gfn), 0);
        tg_check(!probe_read(hole, &v), "removed gfn still readable");
    }
    tg_expect_rc("shared_info_idx1", add(DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn),
                 XEN_ERR(EINVAL));

    /* grant frames: idx beyond the current size grows the table (up to max_nr_frames) */
    if (gnttab_table && gnttab_max_frames > 1) {
        tg_expect_rc("grant_frame_1", add(DOMID_SELF, XENMAPSPACE_grant_table, 1, gfn), 0);
        struct gnttab_query_size q = {.dom = DOMID_SELF};
        hyp_grant_table_op(GNTTABOP_query_size, &q, 1);
        tg_expect_rc("nr_frames_after_growth", q.nr_frames, 2);
        tg_expect_rc("remove_grant_frame", remove(gfn), 0);
        tg_expect_rc("grant_frame_max",
                     add(DOMID_SELF, XENMAPSPACE_grant_table, gnttab_max_frames, gfn),
                     XEN_ERR(EINVAL));
    }
    /* XENMAPSPACE_gmfn moves a RAM page (x86 semantics): use a page of our own as source
     * and undo the move if Xen did it. */
    void *src = alloc_page();
    if (src) {
        long rc = add(DOMID_SELF, XENMAPSPACE_gmfn, virt_to_gfn(src), gfn);
        tg_value("gmfn_space", rc);
        if (rc == 0) {
            remove(gfn);
            balloon_in(virt_to_gfn(src));
        }
        free_page(src);
    }
    tg_value("gmfn_foreign_space", add(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, gfn));
    tg_expect_rc("unknown_space", add(DOMID_SELF, 99, 0, gfn), XEN_ERR(ENOSYS));
    tg_expect_rc("dom0_shared_info", add(0, XENMAPSPACE_shared_info, 0, gfn), XEN_ERR(EPERM));
    tg_expect_rc("bad_dom", add(DOMID_INVALID, XENMAPSPACE_shared_info, 0, gfn), XEN_ERR(ESRCH));
    tg_value("gpfn_beyond_ipa", add(DOMID_SELF, XENMAPSPACE_shared_info, 0, 1UL << 40));
    tg_expect_rc("remove_hole", remove(gfn), XEN_ERR(ENOENT));
    tg_expect_rc("unmapped_arg", hyp_memory_op(XENMEM_add_to_physmap, (void *)0xC0000000UL),
                 XEN_ERR(EFAULT));

    tg_expect_rc("balloon_in", balloon_in(gfn), 1);
    free_page((void *)hole);
}
TG_CASE(memory_add_to_physmap, "add_to_physmap: shared_info twice, grant frames, bad spaces", run);
