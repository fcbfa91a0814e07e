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
/* Fake gntdev: grant ref R of domain 9 "maps" to fake_pages[R % FAKE_PAGES] unless R is in
 * fake_refuse; each page's mapping count is tracked so that a double map or an unmap of
 * something never mapped is seen. */
#define FAKE_PAGES 4096
static uint8_t fake_pages[FAKE_PAGES][8];
static int fake_mapped[FAKE_PAGES];
static unsigned fake_maps, fake_unmaps, fake_bad;
static grant_ref_t fake_refuse = 0xdeadbeefu;

static void *fake_map(void *ctx, uint32_t domid, grant_ref_t ref)
{
    ck_assert_ptr_eq(ctx, fake_pages);
    if (domid != 9 || ref == fake_refuse)
        return NULL;
    fake_maps++;
    if (fake_mapped[ref % FAKE_PAGES]++)
        fake_bad++;
    return fake_pages[ref % FAKE_PAGES];
}

static void fake_unmap(void *ctx, void *page)
{
    size_t i = (size_t)((uint8_t(*)[8])page - fake_pages);

    ck_assert_ptr_eq(ctx, fake_pages);
    fake_unmaps++;
    if (i >= FAKE_PAGES || fake_mapped[i]-- != 1)
        fake_bad++;
}

static const struct blk_pgrant_ops fake_ops = {.map = fake_map, .unmap = fake_unmap};

static void fake_reset(void)
{
    memset(fake_mapped, 0, sizeof(fake_mapped));
    fake_maps = fake_unmaps = fake_bad = 0;
    fake_refuse = 0xdeadbeefu;
}

static unsigned fake_live(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < FAKE_PAGES; i++)
        n += fake_mapped[i] != 0;
    return n;
}

START_TEST(test_pgrant_lookup)
{
    struct blk_pgrants t;

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, 16, 9, &fake_ops, fake_pages), 0);
    /* first use maps, later uses find the same page without mapping again */
    ck_assert_ptr_eq(blk_pgrants_get(&t, 5), fake_pages[5]);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 6), fake_pages[6]);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 5), fake_pages[5]);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 6), fake_pages[6]);
    ck_assert_uint_eq(fake_maps, 2);
    ck_assert_uint_eq(t.maps, 2);
    ck_assert_uint_eq(t.hits, 2);
    ck_assert_uint_eq(t.count, 2);
    /* refs a hostile frontend may name are keys like any other (0, the top of the range) */
    ck_assert_ptr_eq(blk_pgrants_get(&t, 0), fake_pages[0]);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 0xffffffffu), fake_pages[0xffffffffu % FAKE_PAGES]);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 0), fake_pages[0]);
    ck_assert_uint_eq(t.count, 4);
    /* a grant that cannot be mapped is not kept: NULL (copy), and mapped once it can be */
    fake_refuse = 77;
    ck_assert_ptr_null(blk_pgrants_get(&t, 77));
    ck_assert_ptr_null(blk_pgrants_get(&t, 77));
    ck_assert_uint_eq(t.fails, 2);
    ck_assert_uint_eq(t.count, 4);
    fake_refuse = 0xdeadbeefu;
    ck_assert_ptr_eq(blk_pgrants_get(&t, 77), fake_pages[77]);
    ck_assert_uint_eq(t.count, 5);
    blk_pgrants_free(&t);
    ck_assert_uint_eq(fake_unmaps, 5);
    ck_assert_uint_eq(fake_live(), 0);
    ck_assert_uint_eq(fake_bad, 0);
}
END_TEST

/* Refs far apart (as a frontend may pick them) whose fake pages differ from 8..535's */
#define FAR(r) (0x10000800u + (r)*4097u)

START_TEST(test_pgrant_limit)
{
    struct blk_pgrants t;

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, BLK_PGRANT_MAX, 9, &fake_ops, fake_pages), 0);
    /* blkfront's pattern, consecutive refs, then far apart ones (a frontend picks them) */
    for (grant_ref_t r = 0; r < BLK_PGRANT_MAX / 2; r++)
        ck_assert_ptr_eq(blk_pgrants_get(&t, 8 + r), fake_pages[8 + r]);
    for (grant_ref_t r = 0; r < BLK_PGRANT_MAX - BLK_PGRANT_MAX / 2; r++)
        ck_assert_ptr_nonnull(blk_pgrants_get(&t, FAR(r)));
    ck_assert_uint_eq(t.count, BLK_PGRANT_MAX);
    /* full: a new grant is not mapped (the caller copies it), however many are asked */
    for (grant_ref_t r = 0; r < 10000; r++)
        ck_assert_ptr_null(blk_pgrants_get(&t, 0x20000000u + r));
    ck_assert_uint_eq(t.full, 10000);
    ck_assert_uint_eq(t.count, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_maps, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_live(), BLK_PGRANT_MAX);
    /* ... while every grant mapped before is still found */
    for (grant_ref_t r = 0; r < BLK_PGRANT_MAX / 2; r++)
        ck_assert_ptr_eq(blk_pgrants_get(&t, 8 + r), fake_pages[8 + r]);
    for (grant_ref_t r = 0; r < BLK_PGRANT_MAX - BLK_PGRANT_MAX / 2; r++)
        ck_assert_ptr_eq(blk_pgrants_get(&t, FAR(r)), fake_pages[(FAR(r)) % FAKE_PAGES]);
    ck_assert_uint_eq(t.hits, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_bad, 0);
    /* the ring stops: everything unmapped once; a new connection maps again on first use */
    blk_pgrants_clear(&t);
    ck_assert_uint_eq(fake_unmaps, BLK_PGRANT_MAX);
    ck_assert_uint_eq(fake_live(), 0);
    ck_assert_uint_eq(t.count, 0);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 8), fake_pages[8]);
    ck_assert_uint_eq(fake_maps, BLK_PGRANT_MAX + 1);
    blk_pgrants_free(&t);
    ck_assert_uint_eq(fake_live(), 0);
    ck_assert_uint_eq(fake_bad, 0);
}
END_TEST

START_TEST(test_pgrant_small_limit)
{
    struct blk_pgrants t;

    fake_reset();
    ck_assert_int_eq(blk_pgrants_init(&t, 1, 9, &fake_ops, fake_pages), 0);
    ck_assert_ptr_eq(blk_pgrants_get(&t, 3), fake_pages[3]);
    ck_assert_ptr_null(blk_pgrants_get(&t, 4));
    ck_assert_ptr_eq(blk_pgrants_get(&t, 3), fake_pages[3]);
    blk_pgrants_free(&t);
    blk_pgrants_free(&t); /* twice: nothing left to unmap */
    ck_assert_uint_eq(fake_unmaps, 1);
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
