/* tern-blkback: serving one ring (see queue.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
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

static void qlog(struct blk_queue *q, const char *what)
{
    fprintf(stderr, "tern-blkback: %s: %s\n", q->name, what);
}

static void *worker(void *arg)
{
    struct blk_queue *q = arg;

    for (;;) {
        struct pollfd pfd[2] = {{.fd = xenevtchn_fd(q->xce), .events = POLLIN},
                                {.fd = q->stop_fd, .events = POLLIN}};

        if (!__atomic_load_n(&q->broken, __ATOMIC_ACQUIRE) && blk_serve(q) < 0) {
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
            uint64_t t = blk_now_ns();
            int port = xenevtchn_pending(q->xce);

            if (port >= 0)
                xenevtchn_unmask(q->xce, (evtchn_port_t)port);
            q->time.wakes++;
            blk_lap(&q->time.evt_ns, &t);
        }
    }
    return NULL;
}

/* Persistent grants through gntdev: a batch of new grants in one mapping (one ioctl, one
 * mmap, one hypercall), both directions, since a grant serves reads (written in place) and
 * writes alike. */
static void *gnt_map(void *ctx, uint32_t domid, const grant_ref_t *refs, unsigned n)
{
    return xengnttab_map_domain_grant_refs(ctx, n, domid, (uint32_t *)refs, PROT_READ | PROT_WRITE);
}

static void gnt_unmap(void *ctx, void *pages, unsigned n)
{
    if (xengnttab_unmap(ctx, pages, n) < 0)
        fprintf(stderr, "tern-blkback: unmap %u persistent grants: %s\n", n, strerror(errno));
}

static const struct blk_pgrant_ops gnt_ops = {.map = gnt_map, .unmap = gnt_unmap};

static void release(struct blk_queue *q)
{
    blk_pgrants_free(&q->pg); /* before gntdev closes: the mappings outlive its fd */
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
    blk_serve_free(q);
}

int blk_queue_start(struct blk_queue *q, char *err, size_t errlen)
{
    const char *step;
    int lp;

    q->stop_fd = -1;
    q->broken = false;
    step = "allocate buffers";
    q->stop_fd = eventfd(0, EFD_CLOEXEC);
    if (blk_serve_alloc(q) < 0 || q->stop_fd < 0)
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
    /* Without a table the ring copies, as with a frontend that has no persistent grants
     * (blkfront's grants stay valid for grant copy either way). */
    if (q->persistent && blk_pgrants_init(&q->pg, BLK_PGRANT_MAX, q->domid, &gnt_ops, q->xgt) < 0) {
        qlog(q, "no persistent grants table: grant copy instead");
        q->persistent = false;
    }
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

static void log_time(const struct blk_queue *q)
{
    const struct blk_qtime *t = &q->time;

    fprintf(stderr,
            "tern-blkback: %s: %" PRIu64 " wake-ups, %" PRIu64 " batches, %" PRIu64
            " requests, %" PRIu64 " preadv/pwritev; ms in event channel %" PRIu64
            ", grant copy %" PRIu64 ", image %" PRIu64 ", notify %" PRIu64 "\n",
            q->name, t->wakes, t->batches, t->reqs, t->file_ops, t->evt_ns / 1000000,
            t->copy_ns / 1000000, t->file_ns / 1000000, t->notify_ns / 1000000);
    if (q->persistent)
        fprintf(stderr,
                "tern-blkback: %s: persistent grants: %" PRIu64 " mapped in %" PRIu64
                " calls, %" PRIu64 " failed to map, %" PRIu64
                " left unmapped (table full); %" PRIu64 " segments in place, %" PRIu64
                " copied; ms looking up and mapping %" PRIu64 "\n",
                q->name, q->pg.maps, q->pg.map_calls, q->pg.fails, q->pg.full, t->seg_inplace,
                t->seg_copied, t->map_ns / 1000000);
}

void blk_queue_stop(struct blk_queue *q)
{
    if (q->running) {
        uint64_t one = 1;

        if (write(q->stop_fd, &one, sizeof(one)) < 0)
            qlog(q, "cannot wake the worker");
        pthread_join(q->thread, NULL);
        q->running = false;
        log_time(q);
    }
    release(q);
}
