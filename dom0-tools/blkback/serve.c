/* tern-blkback: serving one ring's requests in batches (see queue.h, docs/blkback.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "queue.h"

/* The copy array holds a batch's data pages and its indirect pages; one request fits. */
_Static_assert(BLK_BATCH_PAGES >= BLK_BATCH_REQS * BLK_MAX_INDIRECT_PAGES &&
                   BLK_BATCH_PAGES >= BLK_MAX_INDIRECT_SEGS,
               "batch buffers too small");

static void bump(uint64_t *c, uint64_t n)
{
    __atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* One answered request in the device's counters (stats.h): its operation (the response's,
 * an indirect request's inner one), an error, or the sectors moved. */
static void count(struct blk_queue *q, const struct blk_plan *p, int st)
{
    struct blk_vbd_stats *s = &q->disk->stats;

    switch (p->rsp_op) {
    case BLKIF_OP_READ:
        bump(&s->rd_req, 1);
        break;
    case BLKIF_OP_WRITE:
        bump(&s->wr_req, 1);
        break;
    case BLKIF_OP_FLUSH_DISKCACHE:
        bump(&s->f_req, 1);
        break;
    case BLKIF_OP_DISCARD:
        bump(&s->ds_req, 1);
        break;
    default:
        break;
    }
    if (st != BLKIF_RSP_OKAY)
        bump(&s->errors, 1);
    else if (p->kind == BLK_READ)
        bump(&s->rd_sect, p->nr_sectors);
    else if (p->kind == BLK_WRITE || p->kind == BLK_FLUSH)
        bump(&s->wr_sect, p->nr_sectors);
}

static bool moves_data(const struct blk_item *it)
{
    return it->st == BLKIF_RSP_OKAY && it->plan.kind != BLK_DISCARD && it->plan.nseg;
}

/* Where segment seg of it is read or written: the guest's page mapped for its grant
 * (persistent grants), else the item's page of the batch buffer (grant copied). */
static void *item_page(struct blk_queue *q, const struct blk_item *it, unsigned seg)
{
    uint8_t *page =
        it->mapped[seg] ? it->mapped[seg] : q->buf + (size_t)(it->page + seg) * BLK_PAGE;

    return page + it->plan.seg[seg].offset;
}

/* Persistent grants: the page of each data segment of the batch (NULL: copied). The grants
 * not mapped yet are mapped together, in one call if all of them can be, as far as the
 * ring's table has room. Every segment is copied when the ring does not use them. */
static void map_segments(struct blk_queue *q, unsigned n)
{
    unsigned nmiss = 0;

    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];

        /* (only a checked request's nseg is within its segments) */
        for (unsigned k = 0; moves_data(it) && k < it->plan.nseg; k++) {
            it->mapped[k] = q->persistent ? blk_pgrants_find(&q->pg, it->plan.seg[k].gref) : NULL;
            if (q->persistent && !it->mapped[k])
                q->miss[nmiss++] = it->plan.seg[k].gref;
        }
    }
    if (!nmiss)
        return;
    blk_pgrants_add(&q->pg, q->miss, nmiss);
    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];

        for (unsigned k = 0; moves_data(it) && k < it->plan.nseg; k++)
            if (!it->mapped[k])
                it->mapped[k] = blk_pgrants_find(&q->pg, it->plan.seg[k].gref);
    }
}

/* Persistent grants: maps the indirect segment lists' grants of the batch not mapped yet. */
static void map_indirect(struct blk_queue *q, unsigned n)
{
    unsigned nmiss = 0;

    for (unsigned i = 0; i < n; i++) {
        const struct blk_item *it = &q->items[i];

        for (unsigned k = 0; it->st == BLKIF_RSP_OKAY && k < it->plan.nr_indirect; k++)
            if (!blk_pgrants_find(&q->pg, it->plan.indirect[k]))
                q->miss[nmiss++] = it->plan.indirect[k];
    }
    blk_pgrants_add(&q->pg, q->miss, nmiss);
}

/* Runs the count grant copies set up in q->copy, item i of the batch owning
 * [copy, copy + ncopy): a failed copy fails its request. If the ioctl fails as a whole, each
 * request's copies run again on their own, so that one bad request fails alone. */
static void run_copies(struct blk_queue *q, unsigned n, unsigned count)
{
    bool whole;

    if (!count)
        return;
    whole = xengnttab_grant_copy(q->xgt, count, q->copy) == 0;
    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];

        if (!it->ncopy)
            continue;
        if (!whole && xengnttab_grant_copy(q->xgt, it->ncopy, q->copy + it->copy) < 0) {
            it->st = BLKIF_RSP_ERROR;
            continue;
        }
        for (unsigned k = 0; k < it->ncopy; k++)
            if (q->copy[it->copy + k].status != GNTST_okay)
                it->st = BLKIF_RSP_ERROR;
    }
}

/* Fetches the indirect requests' segment lists (item i's into its own pages of q->ind) and
 * checks their segments. */
static void fetch_indirect(struct blk_queue *q, unsigned n, const struct blk_limits *lim)
{
    unsigned c = 0;

    if (q->persistent)
        map_indirect(q, n);
    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];
        uint8_t *pages = (uint8_t *)q->ind + (size_t)i * BLK_MAX_INDIRECT_PAGES * BLK_PAGE;

        unsigned nr = it->st == BLKIF_RSP_OKAY ? it->plan.nr_indirect : 0;

        it->ncopy = 0;
        it->copy = c;
        for (unsigned k = 0; k < nr; k++) {
            uint8_t *dst = pages + (size_t)k * BLK_PAGE;
            const void *mapped =
                q->persistent ? blk_pgrants_find(&q->pg, it->plan.indirect[k]) : NULL;
            xengnttab_grant_copy_segment_t *cp;

            if (mapped) { /* copied all the same: the guest may change it while we check */
                memcpy(dst, mapped, BLK_PAGE);
                continue;
            }
            cp = &q->copy[c++];
            it->ncopy++;
            memset(cp, 0, sizeof(*cp));
            cp->source.foreign.ref = it->plan.indirect[k];
            cp->source.foreign.domid = (uint16_t)q->domid;
            cp->dest.virt = dst;
            cp->len = BLK_PAGE;
            cp->flags = GNTCOPY_source_gref;
        }
    }
    run_copies(q, n, c);
    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];

        if (it->plan.nr_indirect && it->st == BLKIF_RSP_OKAY)
            it->st = blk_plan_segments(
                &it->plan,
                (const void *)((uint8_t *)q->ind + (size_t)i * BLK_MAX_INDIRECT_PAGES * BLK_PAGE),
                lim);
    }
}

/* One grant copy ioctl for the data of every request of the batch that moves data in the
 * given direction: reads to the guest (after the file reads), writes from it (before). */
static void copy_data(struct blk_queue *q, unsigned n, bool to_guest)
{
    unsigned c = 0;

    for (unsigned i = 0; i < n; i++) {
        struct blk_item *it = &q->items[i];
        const struct blk_plan *p = &it->plan;

        it->ncopy = 0;
        it->copy = c;
        if (!moves_data(it) || (p->kind == BLK_READ) != to_guest)
            continue;
        for (unsigned k = 0; k < p->nseg; k++) {
            xengnttab_grant_copy_segment_t *cp;

            if (it->mapped[k]) {
                q->time.seg_inplace++; /* read or written in place */
                continue;
            }
            q->time.seg_copied++;
            cp = &q->copy[c++];
            it->ncopy++;
            memset(cp, 0, sizeof(*cp));
            cp->len = p->seg[k].len;
            if (to_guest) {
                cp->source.virt = item_page(q, it, k);
                cp->dest.foreign.ref = p->seg[k].gref;
                cp->dest.foreign.offset = p->seg[k].offset;
                cp->dest.foreign.domid = (uint16_t)q->domid;
                cp->flags = GNTCOPY_dest_gref;
            } else {
                cp->dest.virt = item_page(q, it, k);
                cp->source.foreign.ref = p->seg[k].gref;
                cp->source.foreign.offset = p->seg[k].offset;
                cp->source.foreign.domid = (uint16_t)q->domid;
                cp->flags = GNTCOPY_source_gref;
            }
        }
    }
    run_copies(q, n, c);
}

/* One preadv/pwritev for the data of items [a, b) (contiguous on the image, see joins()),
 * continuing after short transfers; a read past the end of the file (an image shorter than
 * its size) gives zeros. */
static int file_io(struct blk_queue *q, unsigned a, unsigned b, bool write)
{
    struct iovec iov[BLK_BATCH_PAGES];
    unsigned n = 0, first = 0;
    off_t off = (off_t)(q->items[a].plan.sector * BLK_SECTOR);

    for (unsigned k = a; k < b; k++) {
        const struct blk_item *it = &q->items[k];

        for (unsigned i = 0; i < it->plan.nseg; i++, n++) {
            iov[n].iov_base = item_page(q, it, i);
            iov[n].iov_len = it->plan.seg[i].len;
        }
    }
    while (first < n) {
        ssize_t r = write ? pwritev(q->disk->fd, iov + first, (int)(n - first), off)
                          : preadv(q->disk->fd, iov + first, (int)(n - first), off);

        q->time.file_ops++;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || (r == 0 && write))
            return -1;
        if (r == 0) {
            for (unsigned i = first; i < n; i++)
                memset(iov[i].iov_base, 0, iov[i].iov_len);
            return 0;
        }
        off += r;
        while (first < n && (size_t)r >= iov[first].iov_len)
            r -= (ssize_t)iov[first++].iov_len;
        if (first < n) {
            iov[first].iov_base = (uint8_t *)iov[first].iov_base + r;
            iov[first].iov_len -= (size_t)r;
        }
    }
    return 0;
}

/* Whether item b's data follows item a's on the image with the same operation (a read or a
 * plain write), so that one system call moves both: blkfront sends a 1 MiB request as 8
 * ring requests of consecutive sectors. */
static bool joins(const struct blk_item *a, const struct blk_item *b)
{
    return b->st == BLKIF_RSP_OKAY && b->plan.kind == a->plan.kind &&
           (a->plan.kind == BLK_READ || a->plan.kind == BLK_WRITE) &&
           b->plan.sector == a->plan.sector + a->plan.nr_sectors;
}

static int do_discard(struct blk_queue *q, const struct blk_plan *p)
{
    if (!p->nr_sectors)
        return BLKIF_RSP_OKAY;
    if (fallocate(q->disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(p->sector * BLK_SECTOR), (off_t)(p->nr_sectors * BLK_SECTOR)) < 0)
        return errno == EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

/* The image side of checked requests [a, b) (one request, or reads or writes that join), in
 * ring order. A write is answered only after pwritev returned (the data is in dom0's page
 * cache or, with O_DIRECT, on the disk); a flush only after fdatasync (which also covers the
 * writes before it in the batch). */
static int execute(struct blk_queue *q, unsigned a, unsigned b)
{
    const struct blk_plan *p = &q->items[a].plan;

    switch (p->kind) {
    case BLK_READ:
        return file_io(q, a, b, false) < 0 ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
    case BLK_FLUSH:
    case BLK_WRITE:
        if (p->nseg && file_io(q, a, b, true) < 0)
            return BLKIF_RSP_ERROR;
        if (p->kind == BLK_FLUSH && fdatasync(q->disk->fd) < 0)
            return BLKIF_RSP_ERROR;
        return BLKIF_RSP_OKAY;
    case BLK_DISCARD:
        return do_discard(q, p);
    }
    return BLKIF_RSP_ERROR;
}

/* Runs the image operations of a batch's checked requests, joining neighbours (joins()). */
static void execute_all(struct blk_queue *q, unsigned n)
{
    for (unsigned a = 0, b; a < n; a = b) {
        int st;

        b = a + 1;
        if (q->items[a].st != BLKIF_RSP_OKAY)
            continue;
        while (b < n && joins(&q->items[b - 1], &q->items[b]))
            b++;
        st = execute(q, a, b);
        for (unsigned k = a; k < b; k++)
            q->items[k].st = st;
    }
}

/* Takes requests off the ring into q->items (decoded; direct ones' segments checked) until rp,
 * BLK_BATCH_REQS requests or BLK_BATCH_PAGES pages of data. Returns how many. */
static unsigned gather(struct blk_queue *q, RING_IDX rp, const struct blk_limits *lim)
{
    blkif_back_ring_t *r = &q->ring;
    unsigned n = 0, pages = 0;

    while (r->req_cons != rp && n < BLK_BATCH_REQS) {
        struct blk_item *it = &q->items[n];
        struct blkif_request req;
        unsigned need;

        RING_COPY_REQUEST(r, r->req_cons, &req);
        it->st = blk_plan_decode(&req, lim, &it->plan);
        need = it->st == BLKIF_RSP_OKAY && it->plan.kind != BLK_DISCARD ? it->plan.nseg : 0;
        if (n && pages + need > BLK_BATCH_PAGES)
            break; /* taken again (and decoded anew) by the next batch */
        r->req_cons++;
        it->page = pages;
        pages += need;
        if (it->st == BLKIF_RSP_OKAY && it->plan.kind != BLK_DISCARD && !it->plan.nr_indirect)
            it->st = blk_plan_segments(&it->plan, req.seg, lim);
        n++;
    }
    return n;
}

/* Carries out a batch: segment lists, the data segments' mapped pages (persistent grants),
 * write data in, the file operations in ring order, read data out, then the responses
 * (pushed; the caller notifies). */
static int run_batch(struct blk_queue *q, unsigned n, const struct blk_limits *lim)
{
    blkif_back_ring_t *r = &q->ring;
    int notify_any = 0;
    uint64_t t = blk_now_ns();

    fetch_indirect(q, n, lim);
    blk_lap(&q->time.copy_ns, &t);
    map_segments(q, n);
    blk_lap(&q->time.map_ns, &t);
    copy_data(q, n, false);
    blk_lap(&q->time.copy_ns, &t);
    execute_all(q, n);
    blk_lap(&q->time.file_ns, &t);
    copy_data(q, n, true);
    blk_lap(&q->time.copy_ns, &t);
    q->time.batches++;
    q->time.reqs += n;
    for (unsigned i = 0; i < n; i++) {
        const struct blk_item *it = &q->items[i];
        struct blkif_response *rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
        int notify;

        count(q, &it->plan, it->st);
        rsp->id = it->plan.id;
        rsp->operation = it->plan.rsp_op;
        rsp->status = (int16_t)it->st;
        r->rsp_prod_pvt++;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
        notify_any |= notify;
    }
    return notify_any;
}

/* Answers everything on the ring; -1 if the frontend's indices are impossible. The frontend
 * is notified once, after the last batch: blkfront splits a 1 MiB request into several ring
 * requests, and an event per answer cost it (and us) an interrupt per answer. */
int blk_serve(struct blk_queue *q)
{
    blkif_back_ring_t *r = &q->ring;
    int more, notify_any = 0, rc = 0;
    RING_IDX first = r->rsp_prod_pvt;

    do {
        RING_IDX rp = r->sring->req_prod;
        struct blk_limits lim = {
            .sectors = __atomic_load_n(&q->disk->sectors, __ATOMIC_ACQUIRE),
            .readonly = q->disk->readonly,
            .discard = q->disk->discard,
        };

        __atomic_thread_fence(__ATOMIC_ACQUIRE); /* requests after the index */
        if (blk_ring_pending(rp, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r)) < 0) {
            fprintf(stderr,
                    "tern-blkback: %s: the frontend's req_prod is beyond the ring: ring no "
                    "longer served\n",
                    q->name);
            rc = -1;
            break;
        }
        /* Every slot holds a request not yet answered: the frontend's next one waits. */
        if (rp - r->rsp_prod_pvt >= RING_SIZE(r))
            bump(&q->disk->stats.oo_req, 1);
        while (r->req_cons != rp)
            notify_any |= run_batch(q, gather(q, rp, &lim), &lim);
        RING_FINAL_CHECK_FOR_REQUESTS(r, more);
    } while (more);
    /* also when the ring broke: what was answered before is delivered */
    if (notify_any) {
        uint64_t t = blk_now_ns();

        xenevtchn_notify(q->xce, q->local_port);
        blk_lap(&q->time.notify_ns, &t);
    }
    if (r->rsp_prod_pvt != first)
        blk_stats_mark(q->disk);
    return rc;
}

int blk_serve_alloc(struct blk_queue *q)
{
    void *buf = NULL, *ind = NULL;

    /* (posix_memalign leaves the pointer unspecified when it fails) */
    q->buf = posix_memalign(&buf, BLK_PAGE, (size_t)BLK_BATCH_PAGES * BLK_PAGE) ? NULL : buf;
    q->ind =
        posix_memalign(&ind, BLK_PAGE, (size_t)BLK_BATCH_REQS * BLK_MAX_INDIRECT_PAGES * BLK_PAGE)
            ? NULL
            : ind;
    q->copy = calloc(BLK_BATCH_PAGES, sizeof(*q->copy));
    q->miss = calloc(BLK_BATCH_PAGES, sizeof(*q->miss));
    q->items = calloc(BLK_BATCH_REQS, sizeof(*q->items));
    memset(&q->time, 0, sizeof(q->time));
    if (!q->buf || !q->ind || !q->copy || !q->miss || !q->items) {
        blk_serve_free(q);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void blk_serve_free(struct blk_queue *q)
{
    free(q->buf);
    free(q->ind);
    free(q->copy);
    free(q->miss);
    free(q->items);
    q->buf = NULL;
    q->ind = NULL;
    q->copy = NULL;
    q->miss = NULL;
    q->items = NULL;
}
