/*
 * GNTTABOP_copy within one domain: from a granted page (by ref) to a local frame (by gfn),
 * between two local frames, and hostile copies: lengths and offsets that leave the page,
 * refs beyond the table, ungranted refs, bad domains, unpopulated frames.
 * Xen: xen/common/grant_table.c gnttab_copy / gnttab_copy_claim_buf.
 */
#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>

static struct gnttab_copy op;

static int16_t copy(void)
{
    long rc = hyp_grant_table_op(GNTTABOP_copy, &op, 1);
    return rc ? (int16_t)-1000 : op.status;
}

static void from_ref(grant_ref_t ref, domid_t dom, uint16_t off)
{
    op.source.u.ref = ref;
    op.source.domid = dom;
    op.source.offset = off;
    op.flags = GNTCOPY_source_gref;
}

static void to_gfn(uint64_t gfn, uint16_t off)
{
    op.dest.u.gmfn = gfn;
    op.dest.domid = DOMID_SELF;
    op.dest.offset = off;
}

static void run(void)
{
    uint8_t *src = alloc_page(), *dst = alloc_page(), *hole = alloc_page();

    if (!gnttab_table || !tg_env.self_known) {
        tg_skip("needs the grant table and the own domid");
        return;
    }
    if (!src || !dst || !hole) {
        tg_error("no pages");
        return;
    }
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        src[i] = (uint8_t)(i * 7 + 3);
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), true);

    from_ref((grant_ref_t)ref, DOMID_SELF, 0);
    to_gfn(virt_to_gfn(dst), 0);
    op.len = PAGE_SIZE;
    tg_expect_rc("copy_page", copy(), GNTST_okay);
    tg_check(!memcmp(src, dst, PAGE_SIZE), "copied page differs");

    memset(dst, 0, PAGE_SIZE);
    from_ref((grant_ref_t)ref, DOMID_SELF, 100);
    to_gfn(virt_to_gfn(dst), 3000);
    op.len = 1000;
    tg_expect_rc("copy_offsets", copy(), GNTST_okay);
    tg_check(!memcmp(src + 100, dst + 3000, 1000) && dst[2999] == 0 && dst[4000 - 1] == src[1099],
             "offset copy wrong");

    op.source.u.gmfn = virt_to_gfn(src);
    op.source.domid = DOMID_SELF;
    op.source.offset = 0;
    op.flags = 0;
    to_gfn(virt_to_gfn(dst), 0);
    op.len = 64;
    tg_expect_rc("copy_gfn_to_gfn", copy(), GNTST_okay);

    from_ref((grant_ref_t)ref, DOMID_SELF, 0);
    op.len = PAGE_SIZE + 1;
    tg_expect_rc("len_beyond_page", copy(), GNTST_bad_copy_arg);
    from_ref((grant_ref_t)ref, DOMID_SELF, 4000);
    op.len = 200;
    tg_expect_rc("offset_plus_len_beyond", copy(), GNTST_bad_copy_arg);
    from_ref((grant_ref_t)ref, DOMID_SELF, 0);
    to_gfn(virt_to_gfn(dst), 4095);
    op.len = 2;
    tg_expect_rc("dest_beyond", copy(), GNTST_bad_copy_arg);
    to_gfn(virt_to_gfn(dst), 0);
    from_ref(0xfffff, DOMID_SELF, 0);
    op.len = 16;
    tg_expect_rc("ref_beyond_table", copy(), GNTST_bad_gntref);
    from_ref(300, DOMID_SELF, 0);
    tg_expect_rc("ref_ungranted", copy(), GNTST_general_error);
    from_ref((grant_ref_t)ref, DOMID_INVALID, 0);
    tg_expect_rc("bad_domain", copy(), GNTST_bad_domain);

    /* destination frame not populated */
    if (balloon_out(virt_to_gfn(hole)) == 1) {
        from_ref((grant_ref_t)ref, DOMID_SELF, 0);
        to_gfn(virt_to_gfn(hole), 0);
        tg_value("dest_unpopulated", copy());
        /* to a read-only grant: refused */
        balloon_in(virt_to_gfn(hole));
    }
    op.source.u.gmfn = virt_to_gfn(dst);
    op.source.domid = DOMID_SELF;
    op.source.offset = 0;
    op.flags = GNTCOPY_dest_gref;
    op.dest.u.ref = (grant_ref_t)ref;
    op.dest.domid = DOMID_SELF;
    op.dest.offset = 0;
    op.len = 16;
    tg_expect_rc("dest_readonly_grant", copy(), GNTST_general_error);

    tg_expect_rc("copy_unmapped_arg", hyp_grant_table_op(GNTTABOP_copy, (void *)0xC0000000UL, 1),
                 XEN_ERR(EFAULT));
    tg_expect_rc("end_access", gnttab_end_access((grant_ref_t)ref), 1);
    free_page(hole);
    free_page(dst);
    free_page(src);
}
TG_CASE(gnttab_copy, "GNTTABOP_copy: ref to gfn, gfn to gfn, offsets; hostile lengths and refs",
        run);
