/* tern-blkback: one shared ring (a "queue") served by its own thread: requests are copied
 * off the ring, checked (req.c), carried out on the image with grant copies between the
 * guest's pages and a local buffer, and answered. */
#ifndef TERN_BLKBACK_QUEUE_H
#define TERN_BLKBACK_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>
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

    uint8_t *buf;                      /* BLK_MAX_INDIRECT_SEGS pages, page aligned */
    struct blkif_request_segment *ind; /* BLK_MAX_INDIRECT_PAGES pages of segments */
    xengnttab_grant_copy_segment_t *copy;
    struct blk_plan *plan;
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

/* Maps the ring, binds the event channel and starts serving from the ring's current
 * response index (so a restarted daemon continues where the last one answered). Returns 0,
 * or -1 with err filled and nothing left behind. */
int blk_queue_start(struct blk_queue *q, char *err, size_t errlen);
/* Stops the worker, unmaps the ring and unbinds the event channel. */
void blk_queue_stop(struct blk_queue *q);

#endif
