/*
 * tern.blk=hostile: requests and ring states a backend must refuse (issue 9).  One table
 * entry per attack; each says what a correct backend answers:
 *   error       the request's response is BLKIF_RSP_ERROR
 *   unsupported BLKIF_RSP_EOPNOTSUPP or BLKIF_RSP_ERROR (blkif.h: unknown operations)
 *   disconnect  the backend leaves Connected (Closing or Closed)
 *   refuse      a connection the frontend set up wrongly never reaches Connected
 *   okay        controls (a correct request must still work: the checks can fail)
 * For error/unsupported, a backend that disconnects instead is accepted too.  After each
 * attack the device is brought back (reconnected if needed) before the next one.
 */
#include <tg/console.h>
#include <tg/events.h>
#include <tg/format.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <xen/io/xenbus.h>
#include "blkfront.h"

#define WAIT_MS      20000
#define FLOOD_ROUNDS 64
#define NOTIFY_STORM 20000

enum want { W_OKAY, W_ERROR, W_UNSUPPORTED, W_DISCONNECT, W_REFUSE };
static const char *const want_name[] = {"okay", "error", "unsupported", "disconnect", "refuse"};

/* What an attack observed: a response status, or the backend's state. */
struct outcome {
    bool is_state;
    int v;
};

struct attack {
    const char *name;
    enum want want;
    struct outcome (*run)(struct blkfront *bf, const void *arg);
    const void *arg;
};

static struct outcome status(int st)
{
    return (struct outcome){false, st};
}

static struct outcome state(int s)
{
    return (struct outcome){true, s};
}

/* Pushes r; the response status, or the backend's state if none came. */
static struct outcome send(struct blkfront *bf, const struct blkif_request *r)
{
    int st;

    bf_push(bf, r);
    st = bf_wait(bf, r->id, WAIT_MS);
    return st == BF_TIMEOUT ? state(bf_backend_state(bf)) : status(st);
}

/* ---------------------------------------------------------------- single requests */

struct req_spec {
    uint8_t op;
    unsigned nseg;
    int sector_from_end; /* sector = sectors - this (0: sector field below) */
    uint64_t sector;
    int seg_first, seg_last; /* -1: whole page */
    long gref;               /* -1: our data pages; else this ref for segment 0 */
};

static struct outcome run_req(struct blkfront *bf, const void *arg)
{
    const struct req_spec *s = arg;
    struct blkif_request r;

    bf_req(bf, &r, s->op,
           s->sector_from_end ? bf->sectors - (unsigned)s->sector_from_end : s->sector, s->nseg);
    if (s->seg_first >= 0) {
        r.seg[0].first_sect = (uint8_t)s->seg_first;
        r.seg[0].last_sect = (uint8_t)s->seg_last;
    }
    if (s->gref >= 0)
        r.seg[s->nseg > 1 ? 1 : 0].gref = (grant_ref_t)s->gref;
    return send(bf, &r);
}

/* A segment page granted in a way the backend may not use for this request. */
enum grant_kind { G_READONLY, G_OTHER_DOMAIN, G_REVOKED };

static struct outcome run_grant(struct blkfront *bf, const void *arg)
{
    enum grant_kind kind = *(const enum grant_kind *)arg;
    static uint8_t *page;
    struct blkif_request r;
    struct outcome o;
    long ref;

    if (!page)
        page = alloc_page();
    if (!page)
        return status(BF_TIMEOUT);
    ref = gnttab_grant_access(kind == G_OTHER_DOMAIN ? DOMID_FIRST_RESERVED - 1 : bf->be_id,
                              virt_to_gfn(page), kind == G_READONLY);
    if (ref < 0)
        return status(BF_TIMEOUT);
    if (kind == G_REVOKED)
        gnttab_end_access((grant_ref_t)ref);
    /* a read makes the backend write into the page */
    bf_req(bf, &r, BLKIF_OP_READ, 0, 1);
    r.seg[0].gref = (grant_ref_t)ref;
    o = send(bf, &r);
    if (kind != G_REVOKED && !gnttab_end_access((grant_ref_t)ref))
        page = NULL; /* still in use by the backend: never reuse it */
    return o;
}

/* ---------------------------------------------------------------- discard, indirect */

struct discard_spec {
    int from_end; /* sector = sectors - from_end, or the sector below if 0 */
    uint64_t sector;
    uint64_t nr_sectors; /* 0: sectors + 1 */
};

static struct outcome run_discard(struct blkfront *bf, const void *arg)
{
    const struct discard_spec *s = arg;
    struct blkif_request r;
    struct blkif_request_discard *d = (void *)&r;

    memset(&r, 0, sizeof(r));
    d->operation = BLKIF_OP_DISCARD;
    d->id = bf->next_id++;
    d->sector_number = s->from_end ? bf->sectors - (unsigned)s->from_end : s->sector;
    d->nr_sectors = s->nr_sectors ? s->nr_sectors : bf->sectors + 1;
    return send(bf, &r);
}

struct indirect_spec {
    uint8_t indirect_op;
    uint16_t nseg;
    bool bad_page_ref; /* the segment list's page was never granted */
    int last_sect;     /* of segment 0 (-1: whole page) */
};

static struct outcome run_indirect(struct blkfront *bf, const void *arg)
{
    const struct indirect_spec *s = arg;
    static uint8_t *list;
    static long list_ref = -1;
    struct blkif_request r;
    struct blkif_request_indirect *ind = (void *)&r;
    struct blkif_request_segment *seg;

    if (!list) {
        list = alloc_page();
        list_ref = list ? gnttab_grant_access(bf->be_id, virt_to_gfn(list), true) : -1;
    }
    if (list_ref < 0)
        return status(BF_TIMEOUT);
    seg = (void *)list;
    for (unsigned i = 0; i < PAGE_SIZE / sizeof(*seg); i++) {
        seg[i].gref = bf->data_ref[i % BF_DATA_PAGES];
        seg[i].first_sect = 0;
        seg[i].last_sect = PAGE_SIZE / 512 - 1;
    }
    if (s->last_sect >= 0)
        seg[0].last_sect = (uint8_t)s->last_sect;
    wmb();
    memset(&r, 0, sizeof(r));
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = s->indirect_op;
    ind->nr_segments = s->nseg;
    ind->id = bf->next_id++;
    ind->sector_number = 0;
    ind->indirect_grefs[0] = s->bad_page_ref ? 400 : (grant_ref_t)list_ref;
    return send(bf, &r);
}

/* ---------------------------------------------------------------- the ring itself */

/* The ring kept full for FLOOD_ROUNDS rounds (good reads and unknown operations in turn)
 * and a storm of notifications: every answer must be right. got = wrong answers. */
static struct outcome run_flood(struct blkfront *bf, const void *arg)
{
    unsigned size = RING_SIZE(&bf->ring), wrong = 0;

    for (unsigned round = 0; round < FLOOD_ROUNDS; round++) {
        uint64_t base = bf->next_id;

        for (unsigned i = 0; i < size; i++) {
            struct blkif_request r;

            bf_req(bf, &r, i % 2 ? 0x7f : BLKIF_OP_READ, (uint64_t)i * 8, 1);
            memcpy(RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt), &r, sizeof(r));
            bf->ring.req_prod_pvt++;
        }
        wmb();
        bf->sring->req_prod = bf->ring.req_prod_pvt;
        mb();
        evtchn_send(bf->port);
        for (unsigned got = 0; got < size;) {
            uint64_t deadline = now_ms() + WAIT_MS;

            while (bf->ring.rsp_cons == bf->sring->rsp_prod && now_ms() <= deadline)
                xen_yield();
            if (bf->ring.rsp_cons == bf->sring->rsp_prod)
                return state(bf_backend_state(bf));
            rmb();
            struct blkif_response *rsp = RING_GET_RESPONSE(&bf->ring, bf->ring.rsp_cons);
            uint64_t k = rsp->id - base;
            bool good = k < size && (k % 2 ? rsp->status < 0 : rsp->status == BLKIF_RSP_OKAY);

            wrong += !good;
            bf->ring.rsp_cons++;
            got++;
        }
    }
    for (unsigned i = 0; i < NOTIFY_STORM; i++)
        evtchn_send(bf->port);
    if (wrong)
        return status(BLKIF_RSP_ERROR);
    /* still served after the storm */
    return status(bf_rw(bf, BLKIF_OP_READ, 0, 1, WAIT_MS));
}

enum ring_kind { R_OVERRUN, R_FAR, R_BEHIND };

/* req_prod set to what no frontend may write; got = the backend's state afterwards. */
static struct outcome run_ring(struct blkfront *bf, const void *arg)
{
    enum ring_kind k = *(const enum ring_kind *)arg;
    RING_IDX p = bf->ring.req_prod_pvt;

    if (k == R_OVERRUN)
        p = bf->ring.rsp_cons + RING_SIZE(&bf->ring) + 1;
    else if (k == R_FAR)
        p += 0x80000000u;
    else
        p -= 1;
    wmb();
    bf->sring->req_prod = p;
    mb();
    evtchn_send(bf->port);
    return state(bf_wait_backend(bf, XenbusStateClosing, XenbusStateClosed, WAIT_MS));
}

/* Reconnects with one node the way no frontend may write it; got = backend's state. */
static struct outcome run_connect(struct blkfront *bf, const void *arg)
{
    bf_close(bf, WAIT_MS);
    return state(bf_connect(bf, arg, WAIT_MS));
}

/* ---------------------------------------------------------------- the table */

static const struct req_spec r_ok_read = {BLKIF_OP_READ, 2, 0, 0, -1, 0, -1},
                             r_ok_write = {BLKIF_OP_WRITE, 3, 0, 8, -1, 0, -1},
                             r_unknown = {0x7f, 1, 0, 0, -1, 0, -1},
                             r_reserved = {BLKIF_OP_RESERVED_1, 1, 0, 0, -1, 0, -1},
                             r_barrier = {BLKIF_OP_WRITE_BARRIER, 1, 0, 0, -1, 0, -1},
                             r_at_end = {BLKIF_OP_READ, 1, 0, 0, -1, 0, -1}, /* sector set below */
    r_straddle = {BLKIF_OP_WRITE, 1, 4, 0, -1, 0, -1},
                             r_huge = {BLKIF_OP_READ, 1, 0, 0xfffffffffffffff8ull, -1, 0, -1},
                             r_nseg0 = {BLKIF_OP_READ, 0, 0, 0, -1, 0, -1},
                             r_nseg0_w = {BLKIF_OP_WRITE, 0, 0, 0, -1, 0, -1},
                             r_nseg12 = {BLKIF_OP_READ, 12, 0, 0, -1, 0, -1},
                             r_nseg255 = {BLKIF_OP_WRITE, 255, 0, 0, -1, 0, -1},
                             r_reversed = {BLKIF_OP_READ, 1, 0, 0, 5, 2, -1},
                             r_beyond_page = {BLKIF_OP_READ, 1, 0, 0, 0, 8, -1},
                             r_never = {BLKIF_OP_READ, 1, 0, 0, -1, 0, 400},
                             r_never_w = {BLKIF_OP_WRITE, 2, 0, 0, -1, 0, 401},
                             r_outside = {BLKIF_OP_READ, 1, 0, 0, -1, 0, 0x7ffffff0},
                             r_all_ones = {BLKIF_OP_WRITE, 1, 0, 0, -1, 0, 0xffffffffu};
static const enum grant_kind g_ro = G_READONLY, g_other = G_OTHER_DOMAIN, g_revoked = G_REVOKED;
static const struct discard_spec d_past = {8, 0, 16}, d_wrap = {0, 0xfffffffffffffff8ull, 16},
                                 d_too_long = {0, 0, 0};
static const struct indirect_spec i_ok = {BLKIF_OP_READ, 20, false, -1},
                                  i_nseg0 = {BLKIF_OP_READ, 0, false, -1},
                                  i_nseg_big = {BLKIF_OP_WRITE, 257, false, -1},
                                  i_nseg_max = {BLKIF_OP_READ, 0xffff, false, -1},
                                  i_op = {BLKIF_OP_FLUSH_DISKCACHE, 4, false, -1},
                                  i_op_ind = {BLKIF_OP_INDIRECT, 4, false, -1},
                                  i_page = {BLKIF_OP_READ, 4, true, -1},
                                  i_seg = {BLKIF_OP_WRITE, 4, false, 9};
static const enum ring_kind k_over = R_OVERRUN, k_far = R_FAR, k_behind = R_BEHIND;
static const struct bf_publish c_ref = {"400", NULL, NULL, NULL},
                               c_port = {NULL, "4000", NULL, NULL},
                               c_order = {NULL, NULL, "ring-page-order", "9"},
                               c_order2 = {NULL, NULL, "ring-page-order", "1"},
                               c_queues = {NULL, NULL, "multi-queue-num-queues", "99"},
                               c_queues0 = {NULL, NULL, "multi-queue-num-queues", "0"},
                               c_proto = {NULL, NULL, "protocol", "x86_32-abi"};

static const struct attack attacks[] = {
    {"control-read", W_OKAY, run_req, &r_ok_read},
    {"control-write", W_OKAY, run_req, &r_ok_write},
    {"control-indirect", W_OKAY, run_indirect, &i_ok},
    {"unknown-op", W_UNSUPPORTED, run_req, &r_unknown},
    {"reserved-op", W_UNSUPPORTED, run_req, &r_reserved},
    {"barrier-not-offered", W_UNSUPPORTED, run_req, &r_barrier},
    {"sector-at-end", W_ERROR, run_req, &r_at_end},
    {"sector-straddles-end", W_ERROR, run_req, &r_straddle},
    {"sector-huge", W_ERROR, run_req, &r_huge},
    {"nseg-0-read", W_ERROR, run_req, &r_nseg0},
    {"nseg-0-write", W_ERROR, run_req, &r_nseg0_w},
    {"nseg-12", W_ERROR, run_req, &r_nseg12},
    {"nseg-255", W_ERROR, run_req, &r_nseg255},
    {"first-after-last", W_ERROR, run_req, &r_reversed},
    {"last-beyond-page", W_ERROR, run_req, &r_beyond_page},
    {"gref-never-granted", W_ERROR, run_req, &r_never},
    {"gref-never-granted-write", W_ERROR, run_req, &r_never_w},
    {"gref-outside-table", W_ERROR, run_req, &r_outside},
    {"gref-all-ones", W_ERROR, run_req, &r_all_ones},
    {"gref-readonly-for-read", W_ERROR, run_grant, &g_ro},
    {"gref-other-domain", W_ERROR, run_grant, &g_other},
    {"gref-revoked", W_ERROR, run_grant, &g_revoked},
    {"discard-past-end", W_ERROR, run_discard, &d_past},
    {"discard-wraps", W_ERROR, run_discard, &d_wrap},
    {"discard-longer-than-disk", W_ERROR, run_discard, &d_too_long},
    {"indirect-nseg-0", W_ERROR, run_indirect, &i_nseg0},
    {"indirect-nseg-257", W_ERROR, run_indirect, &i_nseg_big},
    {"indirect-nseg-65535", W_ERROR, run_indirect, &i_nseg_max},
    {"indirect-op-flush", W_UNSUPPORTED, run_indirect, &i_op},
    {"indirect-op-indirect", W_UNSUPPORTED, run_indirect, &i_op_ind},
    {"indirect-list-never-granted", W_ERROR, run_indirect, &i_page},
    {"indirect-bad-segment", W_ERROR, run_indirect, &i_seg},
    {"flood", W_OKAY, run_flood, NULL},
    {"ring-overrun", W_DISCONNECT, run_ring, &k_over},
    {"ring-far-ahead", W_DISCONNECT, run_ring, &k_far},
    {"ring-behind", W_DISCONNECT, run_ring, &k_behind},
    {"connect-ring-ref-never-granted", W_REFUSE, run_connect, &c_ref},
    {"connect-unbound-event-channel", W_REFUSE, run_connect, &c_port},
    {"connect-ring-order-9", W_REFUSE, run_connect, &c_order},
    {"connect-ring-order-1-one-ref", W_REFUSE, run_connect, &c_order2},
    {"connect-99-queues", W_REFUSE, run_connect, &c_queues},
    {"connect-0-queues", W_REFUSE, run_connect, &c_queues0},
    {"connect-foreign-protocol", W_REFUSE, run_connect, &c_proto},
    {"control-after-all", W_OKAY, run_req, &r_ok_write},
};

static bool judge(enum want w, struct outcome o)
{
    bool gone = o.is_state && (o.v == XenbusStateClosing || o.v == XenbusStateClosed);

    switch (w) {
    case W_OKAY:
        return !o.is_state && o.v == BLKIF_RSP_OKAY;
    case W_ERROR:
        return gone || (!o.is_state && o.v == BLKIF_RSP_ERROR);
    case W_UNSUPPORTED:
        return gone || (!o.is_state && (o.v == BLKIF_RSP_ERROR || o.v == BLKIF_RSP_EOPNOTSUPP));
    case W_DISCONNECT:
        return gone;
    case W_REFUSE:
        return o.is_state && o.v != XenbusStateConnected;
    }
    return false;
}

unsigned blkfront_attacks(struct blkfront *bf, unsigned *count)
{
    struct req_spec at_end = r_at_end;
    unsigned bad = 0;

    at_end.sector = bf->sectors;
    *count = 0;
    for (unsigned i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        const struct attack *a = &attacks[i];
        struct outcome o;
        bool ok;

        if (!bf->connected) { /* the previous attack cost the device: bring it back */
            bf_close(bf, WAIT_MS);
            bf_connect(bf, NULL, WAIT_MS);
        }
        o = a->run(bf, a->arg == &r_at_end ? &at_end : a->arg);
        ok = judge(a->want, o);
        if (o.is_state || a->want == W_DISCONNECT || a->want == W_REFUSE)
            bf->connected = false; /* reconnect before the next one */
        printk("TERN-BLK attack=%s want=%s got=%s%d verdict=%s\n", a->name, want_name[a->want],
               o.is_state ? "state" : "status", o.v, ok ? "ok" : "BAD");
        bad += !ok;
        (*count)++;
    }
    return bad;
}
