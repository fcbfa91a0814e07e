/*
 * The test guest's blkfront: xenbus handshake and the ring (see blkfront.h).  Everything
 * is polled: the guest yields while it waits for the backend's state or its responses.
 */
#include <tg/console.h>
#include <tg/events.h>
#include <tg/format.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/xenstore.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>
#include "blkfront.h"
#include "xenbus_fe.h"

static long fe_write(const struct blkfront *bf, const char *key, const char *val)
{
    return xbfe_write(bf->fe, key, val);
}

static long fe_write_ulong(const struct blkfront *bf, const char *key, unsigned long v)
{
    return xbfe_write_ulong(bf->fe, key, v);
}

int bf_backend_state(const struct blkfront *bf)
{
    return xbfe_backend_state(bf->be);
}

int bf_wait_backend(const struct blkfront *bf, int lo, int hi, unsigned ms)
{
    return xbfe_wait_backend(bf->be, lo, hi, ms, 0);
}

int bf_init(struct blkfront *bf, unsigned long devid)
{
    unsigned long id;

    memset(bf, 0, sizeof(*bf));
    tg_snprintf(bf->fe, sizeof(bf->fe), "device/vbd/%lu", devid);
    {
        char path[64];

        tg_snprintf(path, sizeof(path), "%s/backend", bf->fe);
        if (xs_read(path, bf->be, sizeof(bf->be)) <= 0)
            return -1;
        tg_snprintf(path, sizeof(path), "%s/backend-id", bf->fe);
        if (!xs_read_ulong(path, &id) || id >= DOMID_FIRST_RESERVED)
            return -2;
        bf->be_id = (domid_t)id;
    }
    for (unsigned i = 0; i < BF_DATA_PAGES; i++) {
        long ref;

        bf->data[i] = alloc_page();
        if (!bf->data[i])
            return -3;
        ref = gnttab_grant_access(bf->be_id, virt_to_gfn(bf->data[i]), false);
        if (ref < 0)
            return -4;
        bf->data_ref[i] = (grant_ref_t)ref;
    }
    bf->next_id = 1;
    return 0;
}

int bf_connect(struct blkfront *bf, const struct bf_publish *pub, unsigned ms)
{
    static const struct bf_publish plain;
    long ref;
    int s;

    if (!pub)
        pub = &plain;
    s = bf_wait_backend(bf, XenbusStateInitWait, XenbusStateInitWait, ms);
    if (s != XenbusStateInitWait)
        return s;
    if (!bf->sring) {
        bf->sring = alloc_page();
        if (!bf->sring)
            return -1;
    }
    memset(bf->sring, 0, PAGE_SIZE);
    SHARED_RING_INIT(bf->sring);
    FRONT_RING_INIT(&bf->ring, bf->sring, PAGE_SIZE);
    ref = gnttab_grant_access(bf->be_id, virt_to_gfn(bf->sring), false);
    if (ref < 0 || evtchn_alloc_unbound(bf->be_id, &bf->port))
        return -1;
    bf->ring_ref = (grant_ref_t)ref;
    if (pub->ring_ref)
        fe_write(bf, "ring-ref", pub->ring_ref);
    else
        fe_write_ulong(bf, "ring-ref", bf->ring_ref);
    if (pub->event_channel)
        fe_write(bf, "event-channel", pub->event_channel);
    else
        fe_write_ulong(bf, "event-channel", bf->port);
    fe_write(bf, "protocol", XEN_IO_PROTO_ABI_NATIVE);
    bf->extra_key = pub->key;
    if (pub->key)
        fe_write(bf, pub->key, pub->val);
    fe_write_ulong(bf, "state", XenbusStateInitialised);
    s = bf_wait_backend(bf, XenbusStateConnected, XenbusStateClosed, ms);
    if (s != XenbusStateConnected)
        return s;
    if (!xbfe_read_ulong(bf->be, "sectors", &bf->sectors))
        bf->sectors = 0;
    fe_write_ulong(bf, "state", XenbusStateConnected);
    bf->connected = true;
    return s;
}

bool bf_close(struct blkfront *bf, unsigned ms)
{
    int s;

    fe_write_ulong(bf, "state", XenbusStateClosed);
    s = bf_wait_backend(bf, XenbusStateClosed, XenbusStateClosed, ms);
    bf->connected = false;
    if (bf->port)
        evtchn_close(bf->port);
    bf->port = 0;
    if (bf->ring_ref && gnttab_end_access(bf->ring_ref))
        bf->ring_ref = 0;
    /* a ring the backend still maps stays granted (and its page is not reused) */
    if (bf->ring_ref)
        bf->sring = NULL;
    bf->ring_ref = 0;
    if (bf->extra_key) {
        char path[96];

        tg_snprintf(path, sizeof(path), "%s/%s", bf->fe, bf->extra_key);
        xs_rm(path);
        bf->extra_key = NULL;
    }
    /* start over: the backend answers Initialising with InitWait */
    fe_write_ulong(bf, "state", XenbusStateInitialising);
    return s == XenbusStateClosed;
}

void bf_push(struct blkfront *bf, const void *req)
{
    int notify;

    memcpy(RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt), req, sizeof(struct blkif_request));
    bf->ring.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->ring, notify);
    if (notify)
        evtchn_send(bf->port);
}

int bf_wait(struct blkfront *bf, uint64_t id, unsigned ms)
{
    uint64_t deadline = now_ms() + ms;

    for (;;) {
        RING_IDX rp = bf->sring->rsp_prod;

        rmb(); /* responses after the index */
        while (bf->ring.rsp_cons != rp) {
            struct blkif_response *r = RING_GET_RESPONSE(&bf->ring, bf->ring.rsp_cons);
            uint64_t rid = r->id;
            int16_t st = r->status;

            bf->ring.rsp_cons++;
            if (rid == id)
                return st;
        }
        bf->sring->rsp_event = bf->ring.rsp_cons + 1;
        mb();
        if (now_ms() > deadline)
            return BF_TIMEOUT;
        xen_yield();
    }
}

void bf_req(struct blkfront *bf, struct blkif_request *r, uint8_t op, uint64_t sector,
            unsigned nseg)
{
    memset(r, 0, sizeof(*r));
    r->operation = op;
    r->id = bf->next_id++;
    r->sector_number = sector;
    r->handle = 0;
    r->nr_segments = (uint8_t)nseg;
    for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r->seg[i].gref = bf->data_ref[i % BF_DATA_PAGES];
        r->seg[i].first_sect = 0;
        r->seg[i].last_sect = PAGE_SIZE / 512 - 1;
    }
}

int bf_rw(struct blkfront *bf, uint8_t op, uint64_t sector, unsigned pages, unsigned ms)
{
    struct blkif_request r;

    bf_req(bf, &r, op, sector, pages);
    bf_push(bf, &r);
    return bf_wait(bf, r.id, ms);
}
