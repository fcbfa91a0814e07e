/* tern-blkback's batched service of a ring (dom0-tools/blkback/serve.c) against a simulated
 * blkfront: the guest's pages, grant copies and the event channel are fakes defined here, the
 * image is a temporary file, the ring and request code are the daemon's own. Checks that a
 * batch of direct and indirect writes and reads moves the right bytes with one grant copy
 * ioctl per direction and one notification, that a bad grant fails only its own request
 * (also when the batched ioctl fails as a whole), that requests next to each other on the
 * image share one preadv/pwritev, that more requests than a batch holds are
 * all answered in ring order, and that an impossible req_prod stops the service. With
 * persistent grants (the guest's pages mapped again by a fake): data and segment lists move
 * without a grant copy, each grant is mapped once, a grant that cannot be mapped or does
 * not fit the table is copied (and fails alone if bad), a read-only disk still refuses
 * writes. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fake_grant_copy.h"
#include "queue.h"

/* ---------------------------------------------------------------- fakes */
#define GUEST_PAGES 64
#define BAD_REF     GUEST_PAGES /* never granted */
/* gref N is guest page N: a memfd, so that the persistent grants fake can map its pages
 * again elsewhere, as gntdev maps the guest's */
static uint8_t (*guest)[BLK_PAGE];
static int guest_fd = -1;
static unsigned copy_calls, notifies, marks, map_calls, maps, unmaps;
/* the fake refuses to map this ref (as gntdev does a grant made read-only), copies work */
#define READONLY_REF (GUEST_PAGES - 1)
static bool fail_whole; /* the ioctl fails (-1) when any segment names BAD_REF */

int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                         xengnttab_grant_copy_segment_t *segs)
{
    (void)xgt;
    copy_calls++;
    for (uint32_t i = 0; fail_whole && i < count; i++) {
        bool from_guest = segs[i].flags & GNTCOPY_source_gref;

        if ((from_guest ? segs[i].source.foreign.ref : segs[i].dest.foreign.ref) == BAD_REF)
            return -1;
    }
    fake_grant_copy(segs, count, &guest[0][0], GUEST_PAGES, BLK_PAGE, 7);
    return 0;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce;
    (void)port;
    notifies++;
    return 0;
}

void blk_stats_mark(struct blk_disk *disk)
{
    (void)disk;
    marks++;
}

/* Maps guest pages refs[0..n) on n new consecutive pages, all or none, as gntdev does. */
static void *fake_map(void *ctx, uint32_t domid, const grant_ref_t *refs, unsigned n)
{
    uint8_t *p;

    (void)ctx;
    map_calls++;
    for (unsigned i = 0; i < n; i++)
        if (domid != 7 || refs[i] >= GUEST_PAGES || refs[i] == READONLY_REF)
            return NULL;
    p = mmap(NULL, (size_t)n * BLK_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    for (unsigned i = 0; i < n; i++)
        ck_assert_ptr_ne(mmap(p + (size_t)i * BLK_PAGE, BLK_PAGE, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_FIXED, guest_fd, (off_t)refs[i] * BLK_PAGE),
                         MAP_FAILED);
    maps += n;
    return p;
}

static void fake_unmap(void *ctx, void *pages, unsigned n)
{
    (void)ctx;
    ck_assert_int_eq(munmap(pages, (size_t)n * BLK_PAGE), 0);
    unmaps += n;
}

static const struct blk_pgrant_ops fake_ops = {.map = fake_map, .unmap = fake_unmap};

/* ---------------------------------------------------------------- the simulated frontend */
static struct blk_disk disk;
static struct blk_queue q;
static blkif_front_ring_t front;
static void *sring_page;
static char image[] = "/tmp/check_blkback_serve.XXXXXX";

static void setup(void)
{
    int fd = mkstemp(image);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 2048 * BLK_SECTOR), 0);
    memset(&disk, 0, sizeof(disk));
    disk.fd = fd;
    disk.sectors = 2048;
    disk.discard = true;
    memset(&q, 0, sizeof(q));
    q.disk = &disk;
    q.domid = 7;
    q.pages = 1;
    snprintf(q.name, sizeof(q.name), "vbd 7/51712 queue 0");
    ck_assert_int_eq(blk_serve_alloc(&q), 0);
    ck_assert_int_eq(posix_memalign(&sring_page, BLK_PAGE, BLK_PAGE), 0);
    SHARED_RING_INIT((blkif_sring_t *)sring_page);
    FRONT_RING_INIT(&front, (blkif_sring_t *)sring_page, BLK_PAGE);
    BACK_RING_INIT(&q.ring, (blkif_sring_t *)sring_page, BLK_PAGE);
    guest_fd = memfd_create("guest", 0);
    ck_assert_int_ge(guest_fd, 0);
    ck_assert_int_eq(ftruncate(guest_fd, (off_t)GUEST_PAGES * BLK_PAGE), 0);
    guest =
        mmap(NULL, (size_t)GUEST_PAGES * BLK_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, guest_fd, 0);
    ck_assert_ptr_ne(guest, MAP_FAILED);
    copy_calls = notifies = marks = map_calls = maps = unmaps = 0;
    fail_whole = false;
}

static void teardown(void)
{
    blk_pgrants_free(&q.pg);
    ck_assert_uint_eq(unmaps, maps);
    munmap(guest, (size_t)GUEST_PAGES * BLK_PAGE);
    close(guest_fd);
    blk_serve_free(&q);
    free(sring_page);
    close(disk.fd);
    unlink(image);
    strcpy(image, "/tmp/check_blkback_serve.XXXXXX");
}

/* A direct request of nseg whole pages, grants first_ref, first_ref+1, ... */
static void put_rw(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg, grant_ref_t first_ref)
{
    struct blkif_request *r = RING_GET_REQUEST(&front, front.req_prod_pvt++);

    memset(r, 0, sizeof(*r));
    r->operation = op;
    r->id = id;
    r->sector_number = sector;
    r->nr_segments = (uint8_t)nseg;
    for (unsigned i = 0; i < nseg; i++) {
        r->seg[i].gref = first_ref + i;
        r->seg[i].first_sect = 0;
        r->seg[i].last_sect = 7;
    }
}

/* An indirect request of nseg whole pages (grants first_ref...), its segment list in guest
 * page list_ref. */
static void put_indirect(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg,
                         grant_ref_t first_ref, grant_ref_t list_ref)
{
    struct blkif_request_indirect *r = (void *)RING_GET_REQUEST(&front, front.req_prod_pvt++);
    struct blkif_request_segment *segs = (void *)guest[list_ref];

    memset(r, 0, sizeof(*r));
    r->operation = BLKIF_OP_INDIRECT;
    r->indirect_op = op;
    r->id = id;
    r->sector_number = sector;
    r->nr_segments = (uint16_t)nseg;
    r->indirect_grefs[0] = list_ref;
    for (unsigned i = 0; i < nseg; i++) {
        segs[i].gref = first_ref + i;
        segs[i].first_sect = 0;
        segs[i].last_sect = 7;
    }
}

static void push(void)
{
    RING_PUSH_REQUESTS(&front);
}

/* The status of the response to request id (each id answered exactly once). */
static int status_of(uint64_t id)
{
    int found = 0, st = 99;

    for (RING_IDX i = 0; i < q.ring.sring->rsp_prod; i++) {
        struct blkif_response *rsp = RING_GET_RESPONSE(&front, i);

        if (rsp->id == id) {
            found++;
            st = rsp->status;
        }
    }
    ck_assert_int_eq(found, 1);
    return st;
}

/* The responses to requests 1..n, in order, are want[0..n-1]. */
static void check_statuses(const int *want, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(status_of(i + 1), want[i]);
}

static void fill(grant_ref_t ref, uint8_t v)
{
    memset(guest[ref], v, BLK_PAGE);
}

static bool page_is(grant_ref_t ref, uint8_t v)
{
    for (unsigned i = 0; i < BLK_PAGE; i++)
        if (guest[ref][i] != v)
            return false;
    return true;
}

static bool file_page_is(uint64_t sector, uint8_t v)
{
    uint8_t b[BLK_PAGE];

    ck_assert_int_eq(pread(disk.fd, b, BLK_PAGE, (off_t)(sector * BLK_SECTOR)), BLK_PAGE);
    for (unsigned i = 0; i < BLK_PAGE; i++)
        if (b[i] != v)
            return false;
    return true;
}

/* One batch of each kind of request: a direct and an indirect write, a direct and an
 * indirect read (pages 1..6 hold the data written, 20..25 receive what is read), served in
 * one blk_serve(). */
static void serve_mixed_batch(void)
{
    fill(1, 0x11);
    fill(2, 0x22);
    for (unsigned i = 0; i < 4; i++)
        fill(3 + i, (uint8_t)(0x30 + i));
    put_rw(BLKIF_OP_WRITE, 1, 0, 2, 1);
    put_indirect(BLKIF_OP_WRITE, 2, 64, 4, 3, 10);
    put_rw(BLKIF_OP_READ, 3, 0, 2, 20);
    put_indirect(BLKIF_OP_READ, 4, 64, 4, 22, 11);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
}

/* What serve_mixed_batch() must leave: four OKAY responses, the written pages in the image,
 * the read pages filled from it. */
static void check_mixed_batch(void)
{
    for (uint64_t id = 1; id <= 4; id++)
        ck_assert_int_eq(status_of(id), BLKIF_RSP_OKAY);
    ck_assert(file_page_is(0, 0x11) && file_page_is(8, 0x22));
    for (unsigned i = 0; i < 4; i++) {
        ck_assert(file_page_is(64 + 8 * i, (uint8_t)(0x30 + i)));
        ck_assert(page_is(22 + i, (uint8_t)(0x30 + i)));
    }
    ck_assert(page_is(20, 0x11) && page_is(21, 0x22));
}

/* ---------------------------------------------------------------- tests */
START_TEST(test_batch_moves_data)
{
    serve_mixed_batch();
    ck_assert_uint_eq(q.ring.sring->rsp_prod, 4);
    check_mixed_batch();
    /* one ioctl each: segment lists, write data in, read data out; one event, one batch */
    ck_assert_uint_eq(copy_calls, 3);
    ck_assert_uint_eq(notifies, 1);
    ck_assert_uint_eq(q.time.batches, 1);
    ck_assert_uint_eq(q.time.reqs, 4);
    ck_assert_uint_eq(marks, 1);
}
END_TEST

static void bad_grant_fails_alone(void)
{
    fill(1, 0x11);
    fill(2, 0x22);
    put_rw(BLKIF_OP_WRITE, 1, 0, 1, 1);
    put_rw(BLKIF_OP_WRITE, 2, 8, 1, BAD_REF);
    put_rw(BLKIF_OP_WRITE, 3, 16, 1, 2);
    put_rw(BLKIF_OP_READ, 4, 0, 1, 30);
    put_rw(BLKIF_OP_READ, 5, 8, 1, BAD_REF);
    put_rw(BLKIF_OP_READ, 6, 16, 1, 31);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    check_statuses((const int[]){BLKIF_RSP_OKAY, BLKIF_RSP_ERROR, BLKIF_RSP_OKAY, BLKIF_RSP_OKAY,
                                 BLKIF_RSP_ERROR, BLKIF_RSP_OKAY},
                   6);
    ck_assert(file_page_is(0, 0x11) && file_page_is(8, 0) && file_page_is(16, 0x22));
    ck_assert(page_is(30, 0x11) && page_is(31, 0x22));
    ck_assert_uint_eq(disk.stats.errors, 2);
    ck_assert_uint_eq(disk.stats.wr_req, 3);
    ck_assert_uint_eq(disk.stats.rd_req, 3);
    ck_assert_uint_eq(disk.stats.wr_sect, 16);
    /* the failed write 2 parts writes 1 and 3; reads 4-6 join (5 fails only at its copy) */
    ck_assert_uint_eq(q.time.file_ops, 3);
}

START_TEST(test_bad_grant_fails_alone)
{
    bad_grant_fails_alone();
    ck_assert_uint_eq(copy_calls, 2);
}
END_TEST

START_TEST(test_whole_ioctl_failure_retried_per_request)
{
    fail_whole = true;
    bad_grant_fails_alone();
    /* in: the batch, then requests 1, 2, 3 alone; out: the batch, then 4, 5, 6 alone */
    ck_assert_uint_eq(copy_calls, 8);
}
END_TEST

START_TEST(test_contiguous_requests_join)
{
    for (unsigned i = 0; i < 4; i++)
        fill(1 + i, (uint8_t)(0x41 + i));
    put_rw(BLKIF_OP_WRITE, 1, 0, 1, 1);
    put_rw(BLKIF_OP_WRITE, 2, 8, 1, 2);
    put_indirect(BLKIF_OP_WRITE, 3, 16, 1, 3, 10);
    put_rw(BLKIF_OP_WRITE, 4, 100, 1, 4); /* not next to the others */
    put_rw(BLKIF_OP_READ, 5, 0, 1, 20);
    put_rw(BLKIF_OP_READ, 6, 8, 1, 21);
    put_rw(BLKIF_OP_READ, 7, 16, 1, 22);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    for (uint64_t id = 1; id <= 7; id++)
        ck_assert_int_eq(status_of(id), BLKIF_RSP_OKAY);
    ck_assert(file_page_is(0, 0x41) && file_page_is(8, 0x42) && file_page_is(16, 0x43));
    ck_assert(file_page_is(100, 0x44));
    ck_assert(page_is(20, 0x41) && page_is(21, 0x42) && page_is(22, 0x43));
    /* writes 1-3 in one pwritev, 4 alone, reads 5-7 in one preadv */
    ck_assert_uint_eq(q.time.file_ops, 3);
}
END_TEST

START_TEST(test_more_than_a_batch)
{
    unsigned n = BLK_BATCH_REQS + 5;

    for (unsigned i = 0; i < n; i++) {
        fill(i, (uint8_t)(i + 1));
        put_rw(BLKIF_OP_WRITE, 100 + i, 8 * i, 1, i);
    }
    /* a read of the first page, behind all the writes: served after them */
    put_rw(BLKIF_OP_READ, 999, 0, 1, 40);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_uint_eq(q.ring.sring->rsp_prod, n + 1);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_int_eq(status_of(100 + i), BLKIF_RSP_OKAY);
        ck_assert(file_page_is(8 * i, (uint8_t)(i + 1)));
    }
    ck_assert_int_eq(status_of(999), BLKIF_RSP_OKAY);
    ck_assert(page_is(40, 1));
    ck_assert_uint_eq(q.time.batches, 2);
    ck_assert_uint_eq(notifies, 1);
}
END_TEST

START_TEST(test_data_budget_splits_batches)
{
    /* three indirect reads of 256 pages: two fill BLK_BATCH_PAGES, the third waits */
    for (unsigned i = 0; i < 3; i++)
        put_indirect(BLKIF_OP_READ, 10 + i, 0, BLK_MAX_INDIRECT_SEGS, 100, 50 + i);
    /* (the segments name grants 100..355, never granted: each read fails at its copy) */
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_uint_eq(q.ring.sring->rsp_prod, 3);
    ck_assert_uint_eq(q.time.batches, 2);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_eq(status_of(10 + i), BLKIF_RSP_ERROR);
}
END_TEST

static void errors_without_data(void)
{
    struct blkif_request *r;

    put_rw(BLKIF_OP_READ, 1, 0, 0, 0); /* no segments */
    r = RING_GET_REQUEST(&front, front.req_prod_pvt++);
    memset(r, 0, sizeof(*r));
    r->operation = 0x7f;
    r->id = 2;
    put_rw(BLKIF_OP_FLUSH_DISKCACHE, 3, ~0ull, 0, 0); /* an empty flush */
    put_rw(BLKIF_OP_READ, 4, 2048 - 4, 1, 1);         /* straddles the end */
    /* an indirect read of 65535 segments: refused before any segment is looked at */
    {
        struct blkif_request_indirect *ind = (void *)RING_GET_REQUEST(&front, front.req_prod_pvt++);

        memset(ind, 0, sizeof(*ind));
        ind->operation = BLKIF_OP_INDIRECT;
        ind->indirect_op = BLKIF_OP_READ;
        ind->id = 5;
        ind->nr_segments = 65535;
    }
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_int_eq(status_of(1), BLKIF_RSP_ERROR);
    ck_assert_int_eq(status_of(2), BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(status_of(3), BLKIF_RSP_OKAY);
    ck_assert_int_eq(status_of(4), BLKIF_RSP_ERROR);
    ck_assert_int_eq(status_of(5), BLKIF_RSP_ERROR);
    ck_assert_uint_eq(copy_calls, 0);
}

START_TEST(test_errors_without_data)
{
    errors_without_data();
}
END_TEST

static void persistent(unsigned limit);

START_TEST(test_persistent_errors_without_data)
{
    persistent(BLK_PGRANT_MAX);
    errors_without_data();
    ck_assert_uint_eq(map_calls, 0);
}
END_TEST

START_TEST(test_impossible_req_prod)
{
    fill(1, 0x11);
    put_rw(BLKIF_OP_WRITE, 1, 0, 1, 1);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    q.ring.sring->req_prod += 1000;
    ck_assert_int_eq(blk_serve(&q), -1);
    ck_assert_uint_eq(q.ring.sring->rsp_prod, 1);
}
END_TEST

static void persistent(unsigned limit)
{
    q.persistent = true;
    ck_assert_int_eq(blk_pgrants_init(&q.pg, limit, 7, &fake_ops, NULL), 0);
}

START_TEST(test_persistent_in_place)
{
    persistent(BLK_PGRANT_MAX);
    serve_mixed_batch();
    check_mixed_batch();
    /* no grant copy at all; 2 segment lists, then 12 data grants, each in one call */
    ck_assert_uint_eq(copy_calls, 0);
    ck_assert_uint_eq(maps, 14);
    ck_assert_uint_eq(map_calls, 2);
    ck_assert_uint_eq(q.time.seg_inplace, 12);
    ck_assert_uint_eq(q.time.seg_copied, 0);
    /* the same grants again (blkfront reuses its persistent ones): no new mapping */
    fill(1, 0x55);
    put_rw(BLKIF_OP_WRITE, 5, 0, 1, 1);
    put_indirect(BLKIF_OP_READ, 6, 0, 1, 22, 11);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_int_eq(status_of(5), BLKIF_RSP_OKAY);
    ck_assert_int_eq(status_of(6), BLKIF_RSP_OKAY);
    ck_assert(page_is(22, 0x55));
    ck_assert_uint_eq(map_calls, 2);
    ck_assert_uint_eq(copy_calls, 0);
    /* the ring stops: every mapping goes */
    blk_pgrants_free(&q.pg);
    ck_assert_uint_eq(unmaps, 14);
    ck_assert(page_is(22, 0x55)); /* the guest's page, not ours */
}
END_TEST

START_TEST(test_persistent_bad_grants_copied)
{
    persistent(BLK_PGRANT_MAX);
    fill(1, 0x11);
    fill(READONLY_REF, 0x66);
    put_rw(BLKIF_OP_WRITE, 1, 0, 1, 1);
    put_rw(BLKIF_OP_WRITE, 2, 8, 1, BAD_REF);       /* never granted */
    put_rw(BLKIF_OP_WRITE, 3, 16, 1, READONLY_REF); /* read-only: copied from */
    put_rw(BLKIF_OP_READ, 4, 0, 1, 30);
    put_rw(BLKIF_OP_READ, 5, 0, 1, BAD_REF);
    put_indirect(BLKIF_OP_READ, 6, 0, 1, 31, BAD_REF); /* its segment list */
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    check_statuses((const int[]){BLKIF_RSP_OKAY, BLKIF_RSP_ERROR, BLKIF_RSP_OKAY, BLKIF_RSP_OKAY,
                                 BLKIF_RSP_ERROR, BLKIF_RSP_ERROR},
                   6);
    ck_assert(file_page_is(0, 0x11) && file_page_is(8, 0) && file_page_is(16, 0x66));
    ck_assert(page_is(30, 0x11));
    /* the list BAD_REF failed alone; then data 1, 30, READONLY_REF failed together, and
     * each on its own (BAD_REF, held as failed, was not tried again) */
    ck_assert_uint_eq(maps, 2);
    ck_assert_uint_eq(map_calls, 1 + 1 + 3);
    ck_assert_uint_eq(q.pg.fails, 2);
    ck_assert_uint_eq(q.pg.count, 4);
}
END_TEST

START_TEST(test_persistent_table_full)
{
    persistent(3);
    for (unsigned i = 0; i < 6; i++)
        fill(1 + i, (uint8_t)(0x71 + i));
    put_rw(BLKIF_OP_WRITE, 1, 0, 6, 1);
    put_rw(BLKIF_OP_READ, 2, 0, 6, 21);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_int_eq(status_of(1), BLKIF_RSP_OKAY);
    ck_assert_int_eq(status_of(2), BLKIF_RSP_OKAY);
    for (unsigned i = 0; i < 6; i++) {
        ck_assert(file_page_is(8 * i, (uint8_t)(0x71 + i)));
        ck_assert(page_is(21 + i, (uint8_t)(0x71 + i)));
    }
    /* three grants mapped, the other nine copied: one ioctl each way */
    ck_assert_uint_eq(maps, 3);
    ck_assert_uint_eq(q.pg.count, 3);
    ck_assert_uint_eq(q.pg.full, 9);
    ck_assert_uint_eq(copy_calls, 2);
    ck_assert_uint_eq(q.time.seg_inplace, 3);
    ck_assert_uint_eq(q.time.seg_copied, 9);
}
END_TEST

START_TEST(test_persistent_readonly_disk)
{
    persistent(BLK_PGRANT_MAX);
    disk.readonly = true;
    disk.discard = false;
    fill(1, 0x11);
    put_rw(BLKIF_OP_WRITE, 1, 0, 1, 1);
    put_indirect(BLKIF_OP_WRITE, 2, 8, 1, 1, 10);
    put_rw(BLKIF_OP_READ, 3, 0, 1, 2);
    push();
    ck_assert_int_eq(blk_serve(&q), 0);
    ck_assert_int_eq(status_of(1), BLKIF_RSP_ERROR);
    ck_assert_int_eq(status_of(2), BLKIF_RSP_ERROR);
    ck_assert_int_eq(status_of(3), BLKIF_RSP_OKAY);
    ck_assert(file_page_is(0, 0) && file_page_is(8, 0));
    ck_assert_uint_eq(maps, 1); /* only the read's grant */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blkback_serve");
    TCase *tc = tcase_create("serve");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_batch_moves_data);
    tcase_add_test(tc, test_bad_grant_fails_alone);
    tcase_add_test(tc, test_whole_ioctl_failure_retried_per_request);
    tcase_add_test(tc, test_contiguous_requests_join);
    tcase_add_test(tc, test_more_than_a_batch);
    tcase_add_test(tc, test_data_budget_splits_batches);
    tcase_add_test(tc, test_errors_without_data);
    tcase_add_test(tc, test_impossible_req_prod);
    tcase_add_test(tc, test_persistent_in_place);
    tcase_add_test(tc, test_persistent_bad_grants_copied);
    tcase_add_test(tc, test_persistent_table_full);
    tcase_add_test(tc, test_persistent_readonly_disk);
    tcase_add_test(tc, test_persistent_errors_without_data);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
