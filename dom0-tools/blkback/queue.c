/* tern-blkback: serving one ring (see queue.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include "queue.h"

int blk_broken_fd = -1;
int blk_stats_fd = -1;

void blk_stats_mark(struct blk_disk *disk)
{
    uint64_t one = 1;

    if (!__atomic_exchange_n(&disk->stats_dirty, true, __ATOMIC_ACQ_REL) && blk_stats_fd >= 0 &&
        write(blk_stats_fd, &one, sizeof(one)) < 0)
        fprintf(stderr, "tern-blkback: cannot tell the main loop of new counters\n");
}

void blk_stats_snapshot(const struct blk_disk *disk, struct blk_vbd_stats *out)
{
    const struct blk_vbd_stats *s = &disk->stats;

    out->rd_req = __atomic_load_n(&s->rd_req, __ATOMIC_RELAXED);
    out->wr_req = __atomic_load_n(&s->wr_req, __ATOMIC_RELAXED);
    out->f_req = __atomic_load_n(&s->f_req, __ATOMIC_RELAXED);
    out->ds_req = __atomic_load_n(&s->ds_req, __ATOMIC_RELAXED);
    out->rd_sect = __atomic_load_n(&s->rd_sect, __ATOMIC_RELAXED);
    out->wr_sect = __atomic_load_n(&s->wr_sect, __ATOMIC_RELAXED);
    out->errors = __atomic_load_n(&s->errors, __ATOMIC_RELAXED);
    out->oo_req = __atomic_load_n(&s->oo_req, __ATOMIC_RELAXED);
}

static void bump(uint64_t *c, uint64_t n)
{
    __atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* One answered request in the device's counters (stats.h): its operation (the response's,
 * an indirect request's inner one), an error, or the sectors moved. */
static void count(struct blk_queue *q, uint8_t op, int st)
{
    struct blk_vbd_stats *s = &q->disk->stats;
    const struct blk_plan *p = q->plan;

    switch (op) {
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

static void qlog(struct blk_queue *q, const char *what)
{
    fprintf(stderr, "tern-blkback: %s: %s\n", q->name, what);
}

/* Grant copy of count segments; all must succeed. */
static int copy_all(struct blk_queue *q, unsigned count)
{
    if (xengnttab_grant_copy(q->xgt, count, q->copy) < 0)
        return -1;
    for (unsigned i = 0; i < count; i++)
        if (q->copy[i].status != GNTST_okay)
            return -1;
    return 0;
}

/* Between the guest's segment pages and our buffer (segment i at page i, same offset). */
static int copy_segments(struct blk_queue *q, const struct blk_plan *p, bool to_guest)
{
    for (unsigned i = 0; i < p->nseg; i++) {
        xengnttab_grant_copy_segment_t *c = &q->copy[i];
        void *local = q->buf + (size_t)i * BLK_PAGE + p->seg[i].offset;

        memset(c, 0, sizeof(*c));
        c->len = p->seg[i].len;
        if (to_guest) {
            c->source.virt = local;
            c->dest.foreign.ref = p->seg[i].gref;
            c->dest.foreign.offset = p->seg[i].offset;
            c->dest.foreign.domid = (uint16_t)q->domid;
            c->flags = GNTCOPY_dest_gref;
        } else {
            c->dest.virt = local;
            c->source.foreign.ref = p->seg[i].gref;
            c->source.foreign.offset = p->seg[i].offset;
            c->source.foreign.domid = (uint16_t)q->domid;
            c->flags = GNTCOPY_source_gref;
        }
    }
    return copy_all(q, p->nseg);
}

/* Fetches an indirect request's segment pages into q->ind. */
static int fetch_indirect(struct blk_queue *q, const struct blk_plan *p)
{
    for (unsigned i = 0; i < p->nr_indirect; i++) {
        xengnttab_grant_copy_segment_t *c = &q->copy[i];

        memset(c, 0, sizeof(*c));
        c->source.foreign.ref = p->indirect[i];
        c->source.foreign.domid = (uint16_t)q->domid;
        c->dest.virt = (uint8_t *)q->ind + (size_t)i * BLK_PAGE;
        c->len = BLK_PAGE;
        c->flags = GNTCOPY_source_gref;
    }
    return copy_all(q, p->nr_indirect);
}

/* preadv/pwritev of the whole plan, continuing after short transfers; a read past the end
 * of the file (an image shorter than its size) gives zeros. */
static int file_io(struct blk_queue *q, const struct blk_plan *p, bool write)
{
    struct iovec iov[BLK_MAX_INDIRECT_SEGS];
    unsigned n = p->nseg, first = 0;
    off_t off = (off_t)(p->sector * BLK_SECTOR);

    for (unsigned i = 0; i < n; i++) {
        iov[i].iov_base = q->buf + (size_t)i * BLK_PAGE + p->seg[i].offset;
        iov[i].iov_len = p->seg[i].len;
    }
    while (first < n) {
        ssize_t r = write ? pwritev(q->disk->fd, iov + first, (int)(n - first), off)
                          : preadv(q->disk->fd, iov + first, (int)(n - first), off);

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

static int do_discard(struct blk_queue *q, const struct blk_plan *p)
{
    if (!p->nr_sectors)
        return BLKIF_RSP_OKAY;
    if (fallocate(q->disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(p->sector * BLK_SECTOR), (off_t)(p->nr_sectors * BLK_SECTOR)) < 0)
        return errno == EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

/* Carries out a checked plan. A write is answered only after pwritev returned (the data is
 * in dom0's page cache or, with O_DIRECT, on the disk); a flush only after fdatasync. */
static int execute(struct blk_queue *q, const struct blk_plan *p)
{
    switch (p->kind) {
    case BLK_READ:
        if (file_io(q, p, false) < 0 || copy_segments(q, p, true) < 0)
            return BLKIF_RSP_ERROR;
        return BLKIF_RSP_OKAY;
    case BLK_FLUSH:
    case BLK_WRITE:
        if (p->nseg && (copy_segments(q, p, false) < 0 || file_io(q, p, true) < 0))
            return BLKIF_RSP_ERROR;
        if (p->kind == BLK_FLUSH && fdatasync(q->disk->fd) < 0)
            return BLKIF_RSP_ERROR;
        return BLKIF_RSP_OKAY;
    case BLK_DISCARD:
        return do_discard(q, p);
    }
    return BLKIF_RSP_ERROR;
}

static int handle(struct blk_queue *q, const struct blkif_request *req, uint8_t *rsp_op)
{
    struct blk_limits lim = {
        .sectors = __atomic_load_n(&q->disk->sectors, __ATOMIC_ACQUIRE),
        .readonly = q->disk->readonly,
        .discard = q->disk->discard,
    };
    struct blk_plan *p = q->plan;
    int st = blk_plan_decode(req, &lim, p);

    *rsp_op = p->rsp_op;
    if (st != BLKIF_RSP_OKAY || p->kind == BLK_DISCARD)
        return st == BLKIF_RSP_OKAY ? execute(q, p) : st;
    if (p->nr_indirect && fetch_indirect(q, p) < 0)
        return BLKIF_RSP_ERROR;
    st = blk_plan_segments(p, p->nr_indirect ? q->ind : req->seg, &lim);
    return st == BLKIF_RSP_OKAY ? execute(q, p) : st;
}

/* Answers everything on the ring; -1 if the frontend's indices are impossible. Each response
 * is pushed as soon as it is written (a frontend already in its interrupt handler takes it),
 * but the frontend is notified once per batch: blkfront splits a 1 MiB request into several
 * ring requests, and an event per answer cost it (and us) an interrupt per answer. */
static int serve(struct blk_queue *q)
{
    blkif_back_ring_t *r = &q->ring;
    int more, notify_any = 0, rc = 0;
    RING_IDX first = r->rsp_prod_pvt;

    do {
        RING_IDX rp = r->sring->req_prod;

        __atomic_thread_fence(__ATOMIC_ACQUIRE); /* requests after the index */
        if (blk_ring_pending(rp, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r)) < 0) {
            qlog(q, "the frontend's req_prod is beyond the ring: ring no longer served");
            rc = -1;
            break;
        }
        /* Every slot holds a request not yet answered: the frontend's next one waits. */
        if (rp - r->rsp_prod_pvt >= RING_SIZE(r))
            bump(&q->disk->stats.oo_req, 1);
        while (r->req_cons != rp) {
            struct blkif_request req;
            struct blkif_response *rsp;
            uint8_t op;
            int st, notify;

            RING_COPY_REQUEST(r, r->req_cons, &req);
            r->req_cons++;
            st = handle(q, &req, &op);
            count(q, op, st);
            rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
            rsp->id = req.id;
            rsp->operation = op;
            rsp->status = (int16_t)st;
            r->rsp_prod_pvt++;
            RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
            notify_any |= notify;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(r, more);
    } while (more);
    /* also when the ring broke: what was answered before is delivered */
    if (notify_any)
        xenevtchn_notify(q->xce, q->local_port);
    if (r->rsp_prod_pvt != first)
        blk_stats_mark(q->disk);
    return rc;
}

static void *worker(void *arg)
{
    struct blk_queue *q = arg;

    for (;;) {
        struct pollfd pfd[2] = {{.fd = xenevtchn_fd(q->xce), .events = POLLIN},
                                {.fd = q->stop_fd, .events = POLLIN}};

        if (!__atomic_load_n(&q->broken, __ATOMIC_ACQUIRE) && serve(q) < 0) {
            uint64_t one = 1;

            __atomic_store_n(&q->broken, true, __ATOMIC_RELEASE);
            if (blk_broken_fd >= 0 && write(blk_broken_fd, &one, sizeof(one)) < 0)
                qlog(q, "cannot tell the main loop");
        }
        if (poll(pfd, 2, -1) < 0 && errno != EINTR)
            break;
        if (pfd[1].revents)
            break;
        if (pfd[0].revents & POLLIN) {
            int port = xenevtchn_pending(q->xce);

            if (port >= 0)
                xenevtchn_unmask(q->xce, (evtchn_port_t)port);
        }
    }
    return NULL;
}

static void release(struct blk_queue *q)
{
    if (q->sring)
        xengnttab_unmap(q->xgt, q->sring, q->pages);
    q->sring = NULL;
    if (q->xce) {
        if (q->local_port)
            xenevtchn_unbind(q->xce, q->local_port);
        xenevtchn_close(q->xce);
    }
    q->xce = NULL;
    q->local_port = 0;
    xengnttab_close(q->xgt);
    q->xgt = NULL;
    if (q->stop_fd >= 0)
        close(q->stop_fd);
    q->stop_fd = -1;
    free(q->buf);
    free(q->ind);
    free(q->copy);
    free(q->plan);
    q->buf = NULL;
    q->ind = NULL;
    q->copy = NULL;
    q->plan = NULL;
}

int blk_queue_start(struct blk_queue *q, char *err, size_t errlen)
{
    const char *step;
    int lp;

    q->stop_fd = -1;
    q->broken = false;
    step = "allocate buffers";
    if (posix_memalign((void **)&q->buf, BLK_PAGE, (size_t)BLK_MAX_INDIRECT_SEGS * BLK_PAGE) ||
        posix_memalign((void **)&q->ind, BLK_PAGE, (size_t)BLK_MAX_INDIRECT_PAGES * BLK_PAGE))
        goto fail;
    q->copy = calloc(BLK_MAX_INDIRECT_SEGS, sizeof(*q->copy));
    q->plan = calloc(1, sizeof(*q->plan));
    q->stop_fd = eventfd(0, EFD_CLOEXEC);
    if (!q->copy || !q->plan || q->stop_fd < 0)
        goto fail;
    step = "open /dev/xen/gntdev";
    q->xgt = xengnttab_open(NULL, 0);
    if (!q->xgt)
        goto fail;
    step = "map the ring's grant references";
    q->sring = xengnttab_map_domain_grant_refs(q->xgt, q->pages, q->domid, q->refs,
                                               PROT_READ | PROT_WRITE);
    if (!q->sring)
        goto fail;
    step = "open /dev/xen/evtchn";
    q->xce = xenevtchn_open(NULL, 0);
    if (!q->xce)
        goto fail;
    step = "bind the event channel";
    lp = xenevtchn_bind_interdomain(q->xce, q->domid, q->remote_port);
    if (lp < 0)
        goto fail;
    q->local_port = (evtchn_port_t)lp;
    /* Continue from what was last answered: 0 on a fresh ring, the answered requests of a
     * previous daemon after a restart (unanswered ones are served again). */
    {
        blkif_sring_t *s = q->sring;

        BACK_RING_ATTACH(&q->ring, s, s->rsp_prod, (size_t)q->pages * BLK_PAGE);
        /* A previous daemon may have died between pushing responses and notifying the
         * frontend: notify once, or the guest could wait for them forever. (Extra events
         * are harmless to blkfront.) */
        if (s->rsp_prod)
            xenevtchn_notify(q->xce, q->local_port);
    }
    step = "start the worker thread";
    if ((errno = pthread_create(&q->thread, NULL, worker, q)))
        goto fail;
    q->running = true;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s: %s", q->name, step, strerror(errno ? errno : ENOMEM));
    release(q);
    return -1;
}

void blk_queue_stop(struct blk_queue *q)
{
    if (q->running) {
        uint64_t one = 1;

        if (write(q->stop_fd, &one, sizeof(one)) < 0)
            qlog(q, "cannot wake the worker");
        pthread_join(q->thread, NULL);
        q->running = false;
    }
    release(q);
}
