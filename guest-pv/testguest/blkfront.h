/*
 * The test guest's small blkfront (xen/io/blkif.h over the xenbus handshake of
 * xen/io/xenbus.h), for tern-blkback's hostile-frontend tests (issue 9).  One device, one
 * single-page ring, requests built by hand so that they can also be wrong on purpose.
 *
 * Selected with tern.blk=MODE on the guest's command line (instead of the cases):
 *   good     writes a pattern, reads it back and compares, round after round, until dom0
 *            writes 1 to data/blk-stop; then re-reads every block it wrote.
 *   hostile  every attack of blkfront_attacks.c, one TERN-BLK line each.
 * tern.blkdev=N names the device (default 51712, xvda).  Output lines (docs/blkback.md):
 *   TERN-BLK connected sectors=S ring=R
 *   TERN-BLK good rounds=N errors=E                    (progress, every 32 rounds)
 *   TERN-BLK-GOOD rounds=N errors=E verified=V bad=B   (the end of good mode)
 *   TERN-BLK attack=NAME want=WANT got=GOT verdict=ok|BAD
 *   TERN-BLK-HOSTILE-DONE attacks=N bad=B
 */
#ifndef TG_BLKFRONT_H
#define TG_BLKFRONT_H

#include <tg/arch.h>
#include <tg/types.h>
#include <tg/xen.h>
#include <tg/lib.h>
/* ring.h needs the barriers (here, from tg/arch.h) and memset/memcpy (tg/lib.h) */
#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#include <xen/io/blkif.h>

#define BF_DATA_PAGES BLKIF_MAX_SEGMENTS_PER_REQUEST
/* bf_wait's answer when no response came (not a BLKIF_RSP_* value) */
#define BF_TIMEOUT (-100)

struct blkfront {
    char fe[40]; /* device/vbd/N */
    char be[96]; /* the backend's directory */
    domid_t be_id;
    blkif_sring_t *sring;
    blkif_front_ring_t ring;
    grant_ref_t ring_ref;
    evtchn_port_t port;
    bool connected;
    const char *extra_key; /* bf_publish.key of the last connect, removed by bf_close */
    unsigned long sectors;
    uint64_t next_id;
    /* data pages, granted read-write to the backend for the whole life of the guest */
    uint8_t *data[BF_DATA_PAGES];
    grant_ref_t data_ref[BF_DATA_PAGES];
};

/* Frontend state wanted by bf_connect's tests of the backend: what the frontend publishes
 * before it says Initialised.  NULL fields are written as a well-behaved frontend would. */
struct bf_publish {
    const char *ring_ref;      /* e.g. a reference never granted */
    const char *event_channel; /* e.g. an unbound port */
    const char *key, *val;     /* one more node, written last (e.g. ring-page-order) */
};

/* Sets the device up (directory, backend, data pages); 0 or a negative value. */
int bf_init(struct blkfront *bf, unsigned long devid);
/* The handshake up to Connected (ms: how long to wait for each backend state). Returns the
 * backend's state at the end (XenbusStateConnected when it worked). */
int bf_connect(struct blkfront *bf, const struct bf_publish *pub, unsigned ms);
/* Closed, waits for the backend to close, takes the ring back; true if the backend closed. */
bool bf_close(struct blkfront *bf, unsigned ms);
/* The backend's state (-1 if unreadable). */
int bf_backend_state(const struct blkfront *bf);
/* Waits until the backend's state is one of [lo, hi]; returns the last state seen. */
int bf_wait_backend(const struct blkfront *bf, int lo, int hi, unsigned ms);

/* Puts one request on the ring (its 112 bytes as given) and notifies if the backend asks. */
void bf_push(struct blkfront *bf, const void *req);
/* Waits for the response to `id` (earlier responses are consumed); BLKIF_RSP_* or
 * BF_TIMEOUT. */
int bf_wait(struct blkfront *bf, uint64_t id, unsigned ms);
/* A direct read or write of `pages` data pages (8 sectors each) at `sector`. */
int bf_rw(struct blkfront *bf, uint8_t op, uint64_t sector, unsigned pages, unsigned ms);
/* A request template: op, a fresh id, `nseg` whole-page segments over the data pages. */
void bf_req(struct blkfront *bf, struct blkif_request *r, uint8_t op, uint64_t sector,
            unsigned nseg);

/* Modes (blkfront_modes.c). */
void blkfront_run(const char *mode, unsigned long devid);
/* The attacks (blkfront_attacks.c): returns the number of attacks that were not refused. */
unsigned blkfront_attacks(struct blkfront *bf, unsigned *count);

#endif
