/*
 * Cross-domain GNTTABOP_copy: a copies b's granted page into its own memory (source gref)
 * and writes a block into b's page (destination gref); b checks the block.  Hostile: a copy
 * through a ref b did not grant.
 */
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/pair.h>
#include <tg/test.h>

static int16_t copy(struct gnttab_copy *op)
{
    if (hyp_grant_table_op(GNTTABOP_copy, op, 1))
        return -1000;
    return op->status;
}

static void copier(void)
{
    uint8_t *local = alloc_page();
    struct gnttab_copy op;

    if (!local) {
        tg_error("no page");
        return;
    }
    memset(&op, 0, sizeof(op));
    op.source.u.ref = tg_pair.gref;
    op.source.domid = tg_pair.peer;
    op.dest.u.gmfn = virt_to_gfn(local);
    op.dest.domid = DOMID_SELF;
    op.len = PAGE_SIZE;
    op.flags = GNTCOPY_source_gref;
    tg_expect_rc("copy_from_peer", copy(&op), GNTST_okay);
    unsigned bad = 0;
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        if (pair_pattern_byte(i))
            bad += local[i] != PAIR_PATTERN(i);
    tg_expect_rc("bytes_wrong", bad, 0);

    memset(local, 0xc3, PAGE_SIZE);
    memset(&op, 0, sizeof(op));
    op.source.u.gmfn = virt_to_gfn(local);
    op.source.domid = DOMID_SELF;
    op.dest.u.ref = tg_pair.gref;
    op.dest.domid = tg_pair.peer;
    op.dest.offset = 1024;
    op.len = 512;
    op.flags = GNTCOPY_dest_gref;
    tg_expect_rc("copy_to_peer", copy(&op), GNTST_okay);
    op.dest.u.ref = tg_pair.gref + 1;
    tg_expect_rc("copy_to_ungranted", copy(&op), GNTST_general_error);
    free_page(local);
    pair_post(3);
    tg_check(pair_wait_peer(3, 60000), "no acknowledgement from the granting guest");
}

static void granter(void)
{
    if (!tg_check(pair_wait_peer(3, 120000), "copier never posted"))
        return;
    unsigned bad = 0;
    for (unsigned i = 0; i < PAGE_SIZE; i++) {
        if (!pair_pattern_byte(i))
            continue;
        uint8_t want = (i >= 1024 && i < 1536) ? 0xc3 : PAIR_PATTERN(i);
        bad += tg_pair.page[i] != want;
    }
    tg_expect_rc("bytes_wrong", bad, 0);
    pair_post(3);
}

static void run(void)
{
    if (!pair_ready())
        return;
    if (tg_env.role == 'a')
        copier();
    else
        granter();
}
TG_CASE_FLAGS(pair_3_grant_copy, "grant copy from and into a peer's page", run, TG_NEEDS_PEER);
