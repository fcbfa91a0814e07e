/* tern-blkback's checks that need no hypervisor: request decoding and validation (req.c)
 * against hostile values, ring index sanity, watch event routing (paths.c), the
 * per-device counters files and their pacing (stats.c), and the persistent grants table
 * (pgrant.c: lookup, first-use mapping, the limit, teardown) over fake mappings. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "paths.h"
#include "pgrant.h"
#include "req.h"
#include "stats.h"

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
    /* the backend's own nodes coming back: nothing to do; the toolstack's are device events */
    ck_assert_int_eq(
        blk_watch_target(BLK_BACKEND_ROOT "/3/51712/feature-persistent", BLK_TOKEN_BACKEND, &d, &n),
        -1);
    ck_assert_int_eq(
        blk_watch_target(BLK_BACKEND_ROOT "/3/51712/sectors", BLK_TOKEN_BACKEND, &d, &n), -1);
    ck_assert_int_eq(blk_watch_target(BLK_BACKEND_ROOT "/3/51712/discard-granularity",
                                      BLK_TOKEN_BACKEND, &d, &n),
                     -1);
    ck_assert_int_eq(
        blk_watch_target(BLK_BACKEND_ROOT "/3/51712/tern-resize", BLK_TOKEN_BACKEND, &d, &n), 1);
    ck_assert_int_eq(
        blk_watch_target(BLK_BACKEND_ROOT "/3/51712/online", BLK_TOKEN_BACKEND, &d, &n), 1);
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

static const struct blk_vbd_stats sample = {.rd_req = 1,
                                            .wr_req = 22,
                                            .f_req = 333,
                                            .ds_req = 4444,
                                            .rd_sect = 55555,
                                            .wr_sect = UINT64_MAX,
                                            .errors = 7,
                                            .oo_req = 8};

START_TEST(test_stats_json)
{
    char buf[512];
    struct blk_vbd_stats st, keep = {.rd_req = 99};
    unsigned dom = 0, dev = 0;
    int n = blk_stats_json(buf, sizeof(buf), 3, 51712, &sample);

    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq((size_t)n, strlen(buf));
    ck_assert_str_eq(buf, "{\"domid\":3,\"devid\":51712,\"rd_req\":1,\"wr_req\":22,\"f_req\":333,"
                          "\"ds_req\":4444,\"rd_sect\":55555,\"wr_sect\":18446744073709551615,"
                          "\"errors\":7,\"oo_req\":8}");
    ck_assert_int_eq(blk_stats_parse(buf, &dom, &dev, &st), 0);
    ck_assert_uint_eq(dom, 3);
    ck_assert_uint_eq(dev, 51712);
    ck_assert_mem_eq(&st, &sample, sizeof(st));
    /* too small a buffer: -1 and nothing partial, at every size */
    for (size_t len = 0; len <= (size_t)n; len++) {
        char small[512];

        memset(small, 'x', sizeof(small));
        ck_assert_int_eq(blk_stats_json(small, len, 3, 51712, &sample), -1);
        if (len)
            ck_assert_int_eq(small[0], '\0');
    }
    /* keys in another order, white space, a final newline */
    ck_assert_int_eq(blk_stats_parse(" { \"oo_req\" : 8, \"errors\":7,\"wr_sect\":6,\"rd_sect\":5,"
                                     "\"ds_req\":4,\"f_req\":3,\"wr_req\":2,\"rd_req\":1,"
                                     "\"devid\":9,\"domid\":1}\n",
                                     &dom, &dev, &st),
                     0);
    ck_assert_uint_eq(st.rd_req + st.wr_req + st.f_req + st.ds_req, 10);
    ck_assert_uint_eq(st.rd_sect * 10 + st.wr_sect, 56);
    ck_assert_uint_eq(st.oo_req, 8);
    ck_assert_uint_eq(dev, 9);
    /* a counter missing, not a number, negative, out of range; no object: refused, unchanged */
    st = keep;
    ck_assert_int_eq(blk_stats_parse("{\"domid\":1,\"devid\":2,\"rd_req\":1}", &dom, &dev, &st),
                     -1);
    strcpy(buf, "{\"domid\":1,\"devid\":2,\"rd_req\":x,\"wr_req\":0,\"f_req\":0,\"ds_req\":0,"
                "\"rd_sect\":0,\"wr_sect\":0,\"errors\":0,\"oo_req\":0}");
    ck_assert_int_eq(blk_stats_parse(buf, &dom, &dev, &st), -1);
    buf[strlen("{\"domid\":1,\"devid\":2,\"rd_req\":")] = '-';
    ck_assert_int_eq(blk_stats_parse(buf, &dom, &dev, &st), -1);
    buf[strlen("{\"domid\":1,\"devid\":2,\"rd_req\":")] = '0';
    ck_assert_int_eq(blk_stats_parse(buf, &dom, &dev, &st), 0);
    st = keep;
    ck_assert_int_eq(blk_stats_parse("{\"domid\":1,\"devid\":2,\"rd_req\":99999999999999999999,"
                                     "\"wr_req\":0,\"f_req\":0,\"ds_req\":0,\"rd_sect\":0,"
                                     "\"wr_sect\":0,\"errors\":0,\"oo_req\":0}",
                                     &dom, &dev, &st),
                     -1);
    ck_assert_int_eq(blk_stats_parse("{\"domid\":4294967296,\"devid\":2,\"rd_req\":0,"
                                     "\"wr_req\":0,\"f_req\":0,\"ds_req\":0,\"rd_sect\":0,"
                                     "\"wr_sect\":0,\"errors\":0,\"oo_req\":0}",
                                     &dom, &dev, &st),
                     -1);
    ck_assert_int_eq(blk_stats_parse("", &dom, &dev, &st), -1);
    ck_assert_int_eq(blk_stats_parse(NULL, &dom, &dev, &st), -1);
    ck_assert_int_eq(blk_stats_parse("{\"domid\":1", &dom, &dev, &st), -1);
    ck_assert_uint_eq(st.rd_req, 99);
}
END_TEST

START_TEST(test_stats_file)
{
    char dir[] = "/tmp/check_blkback.XXXXXX", sub[64], path[128], text[512];
    struct blk_vbd_stats st, sum = {0};
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/run/blkback", dir); /* missing directories are made */
    ck_assert_int_eq(blk_stats_read(sub, 3, 51712, &st), -1);
    ck_assert_int_eq(blk_stats_write(sub, 3, 51712, &sample), 0);
    blk_stats_path(path, sizeof(path), sub, 3, 51712);
    ck_assert_str_eq(path + strlen(sub), "/3-51712.json");
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(text, sizeof(text), f));
    fclose(f);
    ck_assert_int_eq(text[strlen(text) - 1], '\n');
    ck_assert_int_eq(blk_stats_read(sub, 3, 51712, &st), 0);
    ck_assert_mem_eq(&st, &sample, sizeof(st));
    /* no temporary file left; another device's file is not this one's */
    snprintf(text, sizeof(text), "%s.tmp", path);
    ck_assert_int_eq(access(text, F_OK), -1);
    ck_assert_int_eq(blk_stats_read(sub, 3, 51728, &st), -1);
    ck_assert_int_eq(rename(path, text), 0);
    blk_stats_path(path, sizeof(path), sub, 3, 51728);
    ck_assert_int_eq(rename(text, path), 0);
    ck_assert_int_eq(blk_stats_read(sub, 3, 51728, &st), -1); /* says 51712 inside */
    /* a restarted backend goes on from the file: counts add up */
    ck_assert_int_eq(blk_stats_write(sub, 3, 51728, &(struct blk_vbd_stats){.wr_req = 5}), 0);
    ck_assert_int_eq(blk_stats_read(sub, 3, 51728, &st), 0);
    st.wr_req += 2;
    ck_assert_int_eq(blk_stats_write(sub, 3, 51728, &st), 0);
    ck_assert_int_eq(blk_stats_read(sub, 3, 51728, &st), 0);
    ck_assert_uint_eq(st.wr_req, 7);
    /* a damaged file reads as none */
    f = fopen(path, "w");
    fputs("{\"domid\":3,\"devid\":51728,\"rd_", f);
    fclose(f);
    ck_assert_int_eq(blk_stats_read(sub, 3, 51728, &st), -1);
    blk_stats_add(&sum, &sample);
    blk_stats_add(&sum, &(struct blk_vbd_stats){.rd_req = 1, .oo_req = 2, .wr_sect = 1});
    ck_assert_uint_eq(sum.rd_req, 2);
    ck_assert_uint_eq(sum.oo_req, 10);
    ck_assert_uint_eq(sum.wr_sect, 0); /* wraps as the counters do */
    unlink(path);
    blk_stats_path(path, sizeof(path), sub, 3, 51712);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/run", dir);
    rmdir(sub);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_stats_pace)
{
    struct blk_stats_pace p = {0};

    ck_assert_int_eq(blk_stats_due_in(&p, 1000), -1); /* nothing changed */
    blk_stats_changed(&p);
    ck_assert_int_eq(blk_stats_due_in(&p, 1000), 0); /* the first write at once */
    blk_stats_written(&p, 1000);
    ck_assert_int_eq(blk_stats_due_in(&p, 1001), -1);
    blk_stats_changed(&p);
    ck_assert_int_eq(blk_stats_due_in(&p, 1001), BLK_STATS_PERIOD_MS - 1);
    ck_assert_int_eq(blk_stats_due_in(&p, 1000 + BLK_STATS_PERIOD_MS - 1), 1);
    ck_assert_int_eq(blk_stats_due_in(&p, 1000 + BLK_STATS_PERIOD_MS), 0);
    blk_stats_changed(&p); /* more changes in the same period: still one write */
    blk_stats_written(&p, 1000 + BLK_STATS_PERIOD_MS);
    ck_assert_int_eq(blk_stats_due_in(&p, 5000), -1);
    blk_stats_changed(&p);
    ck_assert_int_eq(blk_stats_due_in(&p, 5000), 0); /* idle for long: at once */
    /* writes 250 ms apart at most: a change every ms for 2 s gives at most 9 writes */
    {
        unsigned writes = 0;

        p = (struct blk_stats_pace){0};
        for (uint64_t t = 0; t < 2000; t++) {
            blk_stats_changed(&p);
            if (blk_stats_due_in(&p, t) == 0) {
                blk_stats_written(&p, t);
                writes++;
            }
        }
        ck_assert_uint_eq(writes, 2000 / BLK_STATS_PERIOD_MS);
    }
}
END_TEST

/* ---------------------------------------------------------------- persistent grants table */
/* Fake gntdev: a map call gets n fresh pages, each stamped with its grant ref, or nothing if
 * one of the refs is "bad" (at or above FAKE_BAD: never granted, say), all or none as with
 * gntdev. Every live mapping is recorded, so that a leak, a double unmap or an unmap of the
 * wrong size shows in fake_bad. */
#define FAKE_BAD     0x80000000u
#define FAKE_REGIONS 4096
static struct {
    void *pages;
    unsigned n;
} fake_region[FAKE_REGIONS];
static unsigned fake_calls, fake_grants, fake_bad;

static void *fake_map(void *ctx, uint32_t domid, const grant_ref_t *refs, unsigned n)
{
    uint8_t *p;

    ck_assert_ptr_eq(ctx, &fake_calls);
    fake_calls++;
    if (domid != 9 || !n)
        return NULL;
    for (unsigned i = 0; i < n; i++)
        if (refs[i] >= FAKE_BAD)
            return NULL;
    p = calloc(n, BLK_PAGE);
    ck_assert_ptr_nonnull(p);
    for (unsigned i = 0; i < n; i++)
        memcpy(p + (size_t)i * BLK_PAGE, &refs[i], sizeof(refs[i]));
    for (unsigned i = 0; i < FAKE_REGIONS; i++)
        if (!fake_region[i].pages) {
            fake_region[i].pages = p;
            fake_region[i].n = n;
            fake_grants += n;
            return p;
        }
    ck_abort_msg("too many fake regions");
    return NULL;
}

static void fake_unmap(void *ctx, void *pages, unsigned n)
{
    ck_assert_ptr_eq(ctx, &fake_calls);
    for (unsigned i = 0; i < FAKE_REGIONS; i++)
        if (fake_region[i].pages == pages) {
            if (fake_region[i].n != n)
                fake_bad++;
            fake_grants -= fake_region[i].n;
            fake_region[i].pages = NULL;
            free(pages);
            return;
        }
    fake_bad++;
}

static const struct blk_pgrant_ops fake_ops = {.map = fake_map, .unmap = fake_unmap};

static void fake_reset(void)
{
    memset(fake_region, 0, sizeof(fake_region));
    fake_calls = fake_grants = fake_bad = 0;
}

/* Whether the table maps ref to a page stamped ref. */
static bool found(const struct blk_pgrants *t, grant_ref_t ref)
{
    const uint8_t *page = blk_pgrants_find(t, ref);
    grant_ref_t stamp;

    if (!page)
        return false;
    memcpy(&stamp, page, sizeof(stamp));
    return stamp == ref;
}

static void add(struct blk_pgrants *t, const grant_ref_t *refs, unsigned n)
{
    grant_ref_t scratch[512];

    ck_assert_uint_le(n, 512);
    memcpy(scratch, refs, n * sizeof(*refs));
    blk_pgrants_add(t, scratch, n);
}

START_TEST(test_pgrant_lookup)
{
    struct blk_pgrants t;
    const grant_ref_t a[] = {6, 5, 5, 6}, b[] = {0, 0xffffffffu, 0x7fffffffu};
    const grant_ref_t c[] = {FAKE_BAD + 77, 78, 79};

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, 16, 9, &fake_ops, &fake_calls), 0);
    ck_assert_ptr_null(blk_pgrants_find(&t, 5));
    /* the new grants of a batch, in one map call, each once */
    add(&t, a, 4);
    ck_assert(found(&t, 5) && found(&t, 6));
    ck_assert_uint_eq(fake_calls, 1);
    ck_assert_uint_eq(fake_grants, 2);
    ck_assert_uint_eq(t.count, 2);
    /* mapped already: no call */
    add(&t, a, 2);
    ck_assert_uint_eq(fake_calls, 1);
    /* refs a hostile frontend may name are keys like any other; a bad one fails the batch's
     * call, then alone, while the good ones of the batch are mapped on their own */
    add(&t, b, 3);
    ck_assert(found(&t, 0) && found(&t, 0x7fffffffu));
    ck_assert_ptr_null(blk_pgrants_find(&t, 0xffffffffu));
    ck_assert_uint_eq(fake_calls, 1 + 1 + 3);
    add(&t, c, 3);
    ck_assert(found(&t, 78) && found(&t, 79));
    ck_assert_ptr_null(blk_pgrants_find(&t, FAKE_BAD + 77));
    ck_assert_uint_eq(fake_calls, 5 + 1 + 3);
    ck_assert_uint_eq(t.maps, 6);
    ck_assert_uint_eq(t.fails, 2);
    ck_assert_uint_eq(t.count, 8); /* the failed ones are held too (copied from now on) */
    /* ... and never tried again */
    add(&t, c, 3);
    add(&t, b, 3);
    ck_assert_uint_eq(fake_calls, 9);
    ck_assert_uint_eq(fake_grants, 6);
    blk_pgrants_free(&t);
    ck_assert_uint_eq(fake_grants, 0);
    ck_assert_uint_eq(fake_bad, 0);
}
END_TEST

/* Refs far apart (as a frontend may pick them) */
#define FAR(r) (0x10000800u + (r)*4097u)

START_TEST(test_pgrant_limit)
{
    struct blk_pgrants t;
    grant_ref_t refs[512];
    unsigned calls;

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, BLK_PGRANT_MAX, 9, &fake_ops, &fake_calls), 0);
    /* blkfront's pattern, consecutive refs, then far apart ones, 264 a batch */
    for (unsigned b = 0; b < 2; b++) {
        for (unsigned r = 0; r < 264; r++)
            refs[r] = 8 + b * 264 + r;
        add(&t, refs, 264);
        for (unsigned r = 0; r < 264; r++)
            refs[r] = FAR(b * 264 + r);
        add(&t, refs, 264);
    }
    ck_assert_uint_eq(t.count, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_calls, 4);
    /* full: new grants are not mapped (the caller copies them), however many come */
    for (unsigned b = 0; b < 20; b++) {
        for (unsigned r = 0; r < 500; r++)
            refs[r] = 0x20000000u + b * 500 + r;
        add(&t, refs, 500);
    }
    ck_assert_uint_eq(t.full, 10000);
    ck_assert_uint_eq(t.count, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_calls, 4);
    ck_assert_uint_eq(fake_grants, BLK_PGRANT_MAX);
    ck_assert_ptr_null(blk_pgrants_find(&t, 0x20000000u));
    /* ... while every grant mapped before is still found */
    for (unsigned r = 0; r < 528; r++)
        ck_assert(found(&t, 8 + r) && found(&t, FAR(r)));
    /* the ring stops: everything unmapped once; a new connection maps again on first use */
    blk_pgrants_clear(&t);
    ck_assert_uint_eq(fake_grants, 0);
    ck_assert_uint_eq(t.count, 0);
    ck_assert_ptr_null(blk_pgrants_find(&t, 8));
    refs[0] = 8;
    add(&t, refs, 1);
    ck_assert(found(&t, 8));
    blk_pgrants_free(&t);
    ck_assert_uint_eq(fake_grants, 0);
    ck_assert_uint_eq(fake_bad, 0);
    /* a frontend naming only bad grants: each costs at most its batch's call and its own,
     * once per connection, and no call at all once the table is full */
    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, 8, 9, &fake_ops, &fake_calls), 0);
    for (unsigned b = 0; b < 100; b++) {
        for (unsigned r = 0; r < 4; r++)
            refs[r] = FAKE_BAD + b * 4 + r;
        calls = fake_calls;
        add(&t, refs, 4);
        ck_assert_uint_le(fake_calls - calls, b < 2 ? 5 : 0);
    }
    ck_assert_uint_eq(t.count, 8);
    ck_assert_uint_eq(t.fails, 8);
    ck_assert_uint_eq(fake_grants, 0);
    blk_pgrants_free(&t);
    ck_assert_uint_eq(fake_bad, 0);
}
END_TEST

START_TEST(test_pgrant_small_limit)
{
    struct blk_pgrants t;
    const grant_ref_t r[] = {4, 3};

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, 1, 9, &fake_ops, &fake_calls), 0);
    add(&t, r, 2);
    ck_assert(found(&t, 3)); /* the lowest ref first */
    ck_assert_ptr_null(blk_pgrants_find(&t, 4));
    ck_assert_uint_eq(t.full, 1);
    blk_pgrants_free(&t);
    blk_pgrants_free(&t); /* twice: nothing left to unmap */
    ck_assert_uint_eq(fake_grants, 0);
    ck_assert_ptr_null(blk_pgrants_find(&t, 3));
    /* limits out of range, missing operations */
    ck_assert_int_eq(blk_pgrants_init(&t, 0, 9, &fake_ops, NULL), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(blk_pgrants_init(&t, BLK_PGRANT_MAX + 1, 9, &fake_ops, NULL), -1);
    ck_assert_int_eq(blk_pgrants_init(&t, 8, 9, NULL, NULL), -1);
    blk_pgrants_free(&t); /* after a failed init: harmless */
    ck_assert_uint_eq(fake_bad, 0);
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
    tcase_add_test(tc, test_stats_json);
    tcase_add_test(tc, test_stats_file);
    tcase_add_test(tc, test_stats_pace);
    tcase_add_test(tc, test_pgrant_lookup);
    tcase_add_test(tc, test_pgrant_limit);
    tcase_add_test(tc, test_pgrant_small_limit);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
