/* tern-blkback's checks that need no hypervisor: request decoding and validation (req.c)
 * against hostile values, ring index sanity, and watch event routing (paths.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "req.h"

static const struct blk_limits rw_disk = {.sectors = 2048, .readonly = false, .discard = true};
static const struct blk_limits ro_disk = {.sectors = 2048, .readonly = true, .discard = false};

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned nseg)
{
    struct blkif_request r;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)nseg;
    r.id = 0x1234;
    r.sector_number = sector;
    for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = 100 + i;
        r.seg[i].first_sect = 0;
        r.seg[i].last_sect = 7;
    }
    return r;
}

static struct blk_plan plan;

START_TEST(test_read_write)
{
    struct blkif_request r = rw(BLKIF_OP_WRITE, 8, 2);

    r.seg[1].first_sect = 2;
    r.seg[1].last_sect = 3;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(plan.kind, BLK_WRITE);
    ck_assert_int_eq(plan.rsp_op, BLKIF_OP_WRITE);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_OKAY);
    ck_assert_uint_eq(plan.nr_sectors, 10);
    ck_assert_uint_eq(plan.seg[1].offset, 1024);
    ck_assert_uint_eq(plan.seg[1].len, 1024);
    ck_assert_uint_eq(plan.seg[1].gref, 101);
    /* the last sectors of the disk: fine; one beyond: refused */
    r = rw(BLKIF_OP_READ, 2040, 1);
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_READ, 2041, 1);
    blk_plan_decode(&r, &rw_disk, &plan);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_ERROR);
    /* a sector number that wraps around */
    r = rw(BLKIF_OP_READ, UINT64_MAX - 3, 1);
    blk_plan_decode(&r, &rw_disk, &plan);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(test_bad_segments)
{
    struct blkif_request r = rw(BLKIF_OP_READ, 0, 1);

    r.seg[0].first_sect = 4;
    r.seg[0].last_sect = 3;
    blk_plan_decode(&r, &rw_disk, &plan);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 0, 1);
    r.seg[0].last_sect = 8; /* beyond the page */
    blk_plan_decode(&r, &rw_disk, &plan);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 0, BLKIF_MAX_SEGMENTS_PER_REQUEST);
    r.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, 0, 0);
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(test_ops)
{
    struct blkif_request r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    struct blkif_request_discard *d = (void *)&r;

    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(plan.kind, BLK_FLUSH);
    r = rw(BLKIF_OP_WRITE_BARRIER, 0, 1); /* not published */
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(plan.rsp_op, BLKIF_OP_WRITE_BARRIER);
    ck_assert_uint_eq(plan.id, 0x1234);
    r = rw(99, 0, 1);
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_EOPNOTSUPP);
    memset(&r, 0, sizeof(r));
    d->operation = BLKIF_OP_DISCARD;
    d->sector_number = 8;
    d->nr_sectors = 2040;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(plan.kind, BLK_DISCARD);
    ck_assert_uint_eq(plan.nr_sectors, 2040);
    d->nr_sectors = 2041;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
    d->nr_sectors = UINT64_MAX;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
    d->nr_sectors = 1;
    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_EOPNOTSUPP);
}
END_TEST

/* An empty flush, as Linux's blkfront sends for an empty REQ_PREFLUSH: no segments and the
 * sector number of a request without one (2^64-1). It must be answered OKAY (after
 * fdatasync), or blkfront turns its flushes off ("empty flush op failed"). */
START_TEST(test_empty_flush)
{
    static const uint64_t sectors[] = {0, 2047, 2048, 2049, UINT64_MAX - 3, UINT64_MAX};

    for (unsigned i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
        struct blkif_request r = rw(BLKIF_OP_FLUSH_DISKCACHE, sectors[i], 0);

        ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
        ck_assert_int_eq(plan.kind, BLK_FLUSH);
        ck_assert_int_eq(plan.rsp_op, BLKIF_OP_FLUSH_DISKCACHE);
        ck_assert_uint_eq(plan.nseg, 0);
        ck_assert_uint_eq(plan.nr_indirect, 0);
        ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_OKAY);
        ck_assert_uint_eq(plan.nr_sectors, 0);
        /* a read-only disk too (a flush of nothing changes nothing) */
        ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_OKAY);
        ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &ro_disk), BLKIF_RSP_OKAY);
    }
    /* a flush carrying data still has its range checked */
    struct blkif_request r = rw(BLKIF_OP_FLUSH_DISKCACHE, UINT64_MAX, 1);

    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 2040, 1);
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(blk_plan_segments(&plan, r.seg, &rw_disk), BLKIF_RSP_OKAY);
    ck_assert_uint_eq(plan.nr_sectors, 8);
    /* empty reads and writes stay errors */
    r = rw(BLKIF_OP_READ, 0, 0);
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(test_readonly)
{
    struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 1);
    struct blkif_request_indirect *ind = (void *)&r;

    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 0, 1);
    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 1);
    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_ERROR);
    memset(&r, 0, sizeof(r));
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_WRITE;
    ind->nr_segments = 4;
    ck_assert_int_eq(blk_plan_decode(&r, &ro_disk, &plan), BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(test_indirect)
{
    struct blkif_request r;
    struct blkif_request_indirect *ind = (void *)&r;
    struct blkif_request_segment *segs = calloc(BLK_MAX_INDIRECT_SEGS, sizeof(*segs));

    memset(&r, 0, sizeof(r));
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = BLKIF_OP_READ;
    ind->nr_segments = 256;
    ind->indirect_grefs[0] = 7;
    ind->sector_number = 0;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_OKAY);
    ck_assert_int_eq(plan.rsp_op, BLKIF_OP_READ); /* blkfront checks the inner operation */
    ck_assert_uint_eq(plan.nr_indirect, 1);
    ck_assert_uint_eq(plan.indirect[0], 7);
    for (unsigned i = 0; i < 256; i++)
        segs[i] = (struct blkif_request_segment){.gref = i, .first_sect = 0, .last_sect = 7};
    ck_assert_int_eq(blk_plan_segments(&plan, segs, &rw_disk), BLKIF_RSP_OKAY);
    ck_assert_uint_eq(plan.nr_sectors, 2048);
    ind->sector_number = 1;
    blk_plan_decode(&r, &rw_disk, &plan);
    ck_assert_int_eq(blk_plan_segments(&plan, segs, &rw_disk), BLKIF_RSP_ERROR);
    ind->nr_segments = 257;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
    ind->nr_segments = 0;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_ERROR);
    ind->nr_segments = 4;
    ind->indirect_op = BLKIF_OP_DISCARD;
    ck_assert_int_eq(blk_plan_decode(&r, &rw_disk, &plan), BLKIF_RSP_EOPNOTSUPP);
    free(segs);
}
END_TEST

START_TEST(test_ring_indices)
{
    unsigned n = blk_ring_size(1);

    ck_assert_uint_eq(n, 32);
    ck_assert_uint_eq(blk_ring_size(16), 512);
    ck_assert_int_eq(blk_ring_pending(5, 2, 2, n), 3);
    ck_assert_int_eq(blk_ring_pending(2, 2, 2, n), 0);
    ck_assert_int_eq(blk_ring_pending(2 + 32, 2, 2, n), 32);
    ck_assert_int_eq(blk_ring_pending(2 + 33, 2, 2, n), -1); /* more than the ring holds */
    ck_assert_int_eq(blk_ring_pending(1, 2, 2, n), -1);      /* producer went backwards */
    /* wrap-around of the free-running indices is fine */
    ck_assert_int_eq(blk_ring_pending(3, 0xfffffffeu, 0xfffffffeu, n), 5);
}
END_TEST

START_TEST(test_watch_target)
{
    uint32_t d = 0, n = 0;
    char tok[64];

    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "/3/51712/state", BLK_TOKEN_BACKEND, &d, &n),
                     1);
    ck_assert_uint_eq(d, 3);
    ck_assert_uint_eq(n, 51712);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "/3/51728", BLK_TOKEN_BACKEND, &d, &n), 1);
    ck_assert_uint_eq(n, 51728);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT, BLK_TOKEN_BACKEND, &d, &n), 0);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "/3", BLK_TOKEN_BACKEND, &d, &n), 0);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "/x/1", BLK_TOKEN_BACKEND, &d, &n), -1);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "x", BLK_TOKEN_BACKEND, &d, &n), -1);
    ck_assert_int_eq(blk_watch_target("/local/domain/0/backend/vif/3/0", BLK_TOKEN_BACKEND, &d, &n),
                     -1);
    blk_frontend_token(5, 51712, tok, sizeof(tok));
    ck_assert_int_eq(blk_watch_target("/local/domain/5/device/vbd/51712/state", tok, &d, &n), 1);
    ck_assert_uint_eq(d, 5);
    ck_assert_uint_eq(n, 51712);
    ck_assert_int_eq(blk_watch_target("/x", BLK_TOKEN_FRONTEND "5", &d, &n), -1);
    ck_assert_int_eq(blk_watch_target("/x", "other", &d, &n), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blkback");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_read_write);
    tcase_add_test(tc, test_bad_segments);
    tcase_add_test(tc, test_ops);
    tcase_add_test(tc, test_empty_flush);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_indirect);
    tcase_add_test(tc, test_ring_indices);
    tcase_add_test(tc, test_watch_target);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
