/* tern-blkback: one shared ring (a "queue") served by its own thread: requests are copied
 * off the ring, checked (req.c), carried out on the image with grant copies between the
 * guest's pages and a local buffer, and answered. */
#ifndef TERN_BLKBACK_QUEUE_H
#define TERN_BLKBACK_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include "pgrant.h"
#include "req.h"
#include "stats.h"

/* ring.h's barriers: xenctrl.h defines them for tools; this file does not need xenctrl. */
#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/* max-ring-page-order we publish: rings of up to 16 pages. */
#define BLK_MAX_RING_ORDER 4
#define BLK_MAX_RING_PAGES (1u << BLK_MAX_RING_ORDER)
/* multi-queue-max-queues we publish. */
#define BLK_MAX_QUEUES 4

/* A batch: every request the ring holds, up to BLK_BATCH_REQS requests and BLK_BATCH_PAGES
 * pages of data, is carried out with one grant copy ioctl per direction (and one for the
 * indirect segment lists) instead of one or two per request. */
#define BLK_BATCH_REQS  16u
#define BLK_BATCH_PAGES (2u * BLK_MAX_INDIRECT_SEGS)

/* One request of a batch. */
struct blk_item {
    struct blk_plan plan;
    int st;         /* BLKIF_RSP_* so far */
    unsigned page;  /* its data's first page in the queue's buf */
    unsigned copy;  /* its grant copies in the queue's copy array (this step) */
    unsigned ncopy; /* how many (0: none this step) */
    /* persistent grants: the page mapped for each data segment, NULL for one copied */
    uint8_t *mapped[BLK_MAX_INDIRECT_SEGS];
};

/* The image one device serves; shared by its queues. sectors changes on resize. */
struct blk_disk {
    int fd;
    uint64_t sectors; /* read and written with __atomic */
    bool readonly;
    bool discard;
    /* The device's counters (stats.h): the queues' workers add with __atomic, the main
     * thread reads them (blk_stats_snapshot) and writes the file when stats_dirty is set. */
    struct blk_vbd_stats stats;
    bool stats_dirty; /* __atomic */
};

/* Where a queue's worker spent its time (CLOCK_MONOTONIC ns), logged when the queue stops:
 * what bounds the guest's I/O through this backend (bench/block). */
struct blk_qtime {
    uint64_t wakes, batches, reqs;
    uint64_t file_ops;                /* preadv/pwritev calls (joined neighbours share one) */
    uint64_t evt_ns;                  /* reading and unmasking the event channel after a wake-up */
    uint64_t copy_ns;                 /* grant copies (segment lists, data both ways) */
    uint64_t file_ns;                 /* the image: preadv, pwritev, fdatasync, fallocate */
    uint64_t notify_ns;               /* notifying the frontend */
    uint64_t map_ns;                  /* persistent grants: looking segments up, mapping new ones */
    uint64_t seg_inplace, seg_copied; /* data segments read/written in place, copied */
};

static inline uint64_t blk_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Adds the time since *t to *acc and restarts *t. */
static inline void blk_lap(uint64_t *acc, uint64_t *t)
{
    uint64_t n = blk_now_ns();

    *acc += n - *t;
    *t = n;
}

struct blk_queue {
    struct blk_disk *disk;
    uint32_t domid;
    unsigned index;
    unsigned pages;
    grant_ref_t refs[BLK_MAX_RING_PAGES];
    evtchn_port_t remote_port;
    char name[48]; /* for messages: "vbd D/N queue Q" */

    xengnttab_handle *xgt;
    xenevtchn_handle *xce;
    evtchn_port_t local_port;
    void *sring;
    blkif_back_ring_t ring;
    int stop_fd; /* eventfd: the main thread asks the worker to end */
    pthread_t thread;
    bool running;
    bool broken; /* the frontend broke the ring protocol: no more service (__atomic) */

    uint8_t *buf; /* BLK_BATCH_PAGES pages, page aligned */
    /* BLK_MAX_INDIRECT_PAGES pages of segments for each item of a batch */
    struct blkif_request_segment *ind;
    xengnttab_grant_copy_segment_t *copy; /* BLK_BATCH_PAGES entries */
    grant_ref_t *miss;      /* BLK_BATCH_PAGES: a batch's grants not mapped yet (persistent) */
    struct blk_item *items; /* BLK_BATCH_REQS */
    struct blk_qtime time;
    /* Persistent grants (both ends offered feature-persistent and the option is on): the
     * grants this ring mapped, used in place of grant copies (pgrant.h). */
    bool persistent;
    struct blk_pgrants pg;
};

/* An eventfd the main loop polls (or -1): a worker that stops serving a ring the frontend
 * broke writes to it, so that the device is disconnected (blk_vbd_scan). */
extern int blk_broken_fd;

/* An eventfd the main loop polls (or -1): written when a device's counters change while
 * its stats_dirty was clear (blk_stats_mark), so that the main loop writes the file. */
extern int blk_stats_fd;
/* Sets disk->stats_dirty and, if it was clear, tells the main loop. */
void blk_stats_mark(struct blk_disk *disk);
/* A consistent-enough copy of disk->stats (each counter read atomically). */
void blk_stats_snapshot(const struct blk_disk *disk, struct blk_vbd_stats *out);

/* Answers every request on q's ring (serve.c), batch after batch, and notifies the frontend
 * once at the end. Returns 0, or -1 if the frontend's ring indices are impossible (what was
 * answered before is still delivered). */
int blk_serve(struct blk_queue *q);
/* The buffers blk_serve needs (q->buf, ind, copy, miss, items) and zeroed q->time; 0, or -1 with
 * errno ENOMEM and nothing allocated. blk_serve_free releases them (also after a failure). */
int blk_serve_alloc(struct blk_queue *q);
void blk_serve_free(struct blk_queue *q);

/* Maps the ring, binds the event channel and starts serving from the ring's current
 * response index (so a restarted daemon continues where the last one answered). Returns 0,
 * or -1 with err filled and nothing left behind. */
int blk_queue_start(struct blk_queue *q, char *err, size_t errlen);
/* Stops the worker, unmaps the ring and unbinds the event channel. */
void blk_queue_stop(struct blk_queue *q);

#endif
