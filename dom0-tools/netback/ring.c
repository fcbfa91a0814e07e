/* tern-netback: the TX and RX rings of one connected vif (see nb.h). TX: the guest's packets
 * are checked (txcheck.c), grant-copied into a local buffer (copyplan.c), their checksum
 * completed if the guest left it blank (csum.c), their source MAC checked, and switched.
 * RX: frames for the guest wait in a small queue until it posts buffers, then are
 * grant-copied into them in batches. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "copyplan.h"
#include "csum.h"
#include "nb.h"
#include "ringidx.h"
#include "txcheck.h"

static void vlog(const struct nb_vif *v, const char *what)
{
    nb_log("vif %u/%u: %s", v->domid, v->devid, what);
}

static void notify(struct nb_daemon *d, struct nb_vif *v)
{
    xenevtchn_notify(d->xce, v->local_port);
}

/* A frontend that broke the ring protocol gets no more service (the other guests are
 * unaffected); the main loop then disconnects the vif (nb_vif_close_broken). */
static void set_broken(struct nb_vif *v, const char *why)
{
    if (!v->broken)
        vlog(v, why);
    v->broken = true;
}

int nb_ring_map(struct nb_daemon *d, struct nb_vif *v, grant_ref_t tx_ref, grant_ref_t rx_ref,
                bool adopt, char *err, size_t errlen)
{
    const char *step = "allocate the RX queue";
    int lp;

    v->rxq = calloc(NB_RXQ_LEN, sizeof(*v->rxq));
    if (!v->rxq)
        goto fail;
    step = "map tx-ring-ref";
    v->tx_sring = xengnttab_map_grant_ref(d->xgt, v->fe_domid, tx_ref, PROT_READ | PROT_WRITE);
    if (!v->tx_sring)
        goto fail;
    step = "map rx-ring-ref";
    v->rx_sring = xengnttab_map_grant_ref(d->xgt, v->fe_domid, rx_ref, PROT_READ | PROT_WRITE);
    if (!v->rx_sring)
        goto fail;
    step = "bind event-channel";
    lp = xenevtchn_bind_interdomain(d->xce, v->fe_domid, v->remote_port);
    if (lp < 0)
        goto fail;
    v->local_port = (evtchn_port_t)lp;
    {
        netif_tx_sring_t *ts = v->tx_sring;
        netif_rx_sring_t *rs = v->rx_sring;

        /* A re-adopted ring continues after what the previous backend answered. */
        BACK_RING_ATTACH(&v->tx, ts, adopt ? ts->rsp_prod : 0, NB_PAGE);
        BACK_RING_ATTACH(&v->rx, rs, adopt ? rs->rsp_prod : 0, NB_PAGE);
    }
    v->rxq_head = v->rxq_count = 0;
    v->broken = v->tx_held = v->rx_held = false;
    v->connected = true;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", step, strerror(errno ? errno : ENOMEM));
    nb_ring_unmap(d, v);
    return -1;
}

void nb_ring_unmap(struct nb_daemon *d, struct nb_vif *v)
{
    if (v->local_port)
        xenevtchn_unbind(d->xce, v->local_port);
    v->local_port = 0;
    if (v->tx_sring)
        xengnttab_unmap(d->xgt, v->tx_sring, 1);
    if (v->rx_sring)
        xengnttab_unmap(d->xgt, v->rx_sring, 1);
    v->tx_sring = v->rx_sring = NULL;
    free(v->rxq);
    v->rxq = NULL;
    v->rxq_count = 0;
    v->connected = false;
}

static void tx_respond(struct nb_vif *v, const netif_tx_request_t *req, unsigned used, int16_t st)
{
    for (unsigned i = 0; i < used; i++) {
        netif_tx_response_t *rsp = RING_GET_RESPONSE(&v->tx, v->tx.rsp_prod_pvt);

        rsp->id = req[i].id;
        rsp->status = st;
        v->tx.rsp_prod_pvt++;
    }
}

/* Packets taken off the ring whose data one grant-copy hypercall fetches together. */
struct tx_batch {
    unsigned npkt, nseg;
    struct {
        unsigned seg, used, len;
        uint16_t flags;
    } pkt[NB_TX_BATCH];
    netif_tx_request_t req[NB_TX_BATCH][XEN_NETIF_NR_SLOTS_MIN];
};

/* One packet whose data arrived: checksum, source MAC, into the switch. */
static void tx_deliver(struct nb_daemon *d, struct nb_vif *v, uint8_t *frame, unsigned len,
                       uint16_t flags)
{
    v->st_dirty = true;
    if ((flags & NETTXF_csum_blank) && nb_csum_fill(frame, len) < 0) {
        v->st.tx_drops++; /* not TCP/UDP over IP: the checksum cannot be completed */
        return;
    }
    if (!nb_frame_src_ok(frame, len, v->mac)) {
        v->st.tx_spoofed++; /* dropped, as a switch port with a MAC filter does */
        return;
    }
    v->st.tx_packets++;
    v->st.tx_bytes += len;
    nb_bridge_input(d, v->br, v->port, frame, len);
}

/* Copies the batch's data out of the guest, answers its requests and switches its packets
 * (answers first: the switch may copy into other guests, which does not need these). */
static void tx_flush(struct nb_daemon *d, struct nb_vif *v, struct tx_batch *b)
{
    bool ok[NB_TX_BATCH];

    if (!b->npkt)
        return;
    if (xengnttab_grant_copy(d->xgt, b->nseg, d->txseg) < 0)
        for (unsigned i = 0; i < b->nseg; i++)
            d->txseg[i].status = GNTST_general_error;
    for (unsigned p = 0; p < b->npkt; p++) {
        ok[p] = true;
        for (unsigned i = 0; i < b->pkt[p].used; i++)
            if (d->txseg[b->pkt[p].seg + i].status != GNTST_okay)
                ok[p] = false; /* e.g. a grant reference the guest does not own */
        if (!ok[p]) {
            v->st.tx_drops++;
            v->st_dirty = true;
        }
        tx_respond(v, b->req[p], b->pkt[p].used, ok[p] ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
    }
    for (unsigned p = 0; p < b->npkt; p++)
        if (ok[p])
            tx_deliver(d, v, d->txbuf + (size_t)p * NB_TX_MAX, b->pkt[p].len, b->pkt[p].flags);
    b->npkt = b->nseg = 0;
}

void nb_ring_tx(struct nb_daemon *d, struct nb_vif *v)
{
    netif_tx_back_ring_t *r = &v->tx;
    netif_tx_request_t req[XEN_NETIF_NR_SLOTS_MIN + 1];
    struct tx_batch *b = calloc(1, sizeof(*b));
    bool incomplete = false;
    int more, notify_fe;

    if (!v->connected || v->broken || !b) {
        free(b);
        return;
    }
    v->tx_held = false;
    do {
        RING_IDX rp = r->sring->req_prod;
        long avail;

        xen_rmb(); /* the requests after the index */
        avail = nb_ring_pending(rp, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r));
        if (avail < 0) {
            set_broken(v, "the frontend's TX req_prod is beyond the ring: vif no longer served");
            goto out;
        }
        while (r->req_cons != rp) {
            unsigned n = (unsigned)(rp - r->req_cons), used = 0;
            const char *why = NULL;
            enum nb_tx_verdict verdict;

            if (n > XEN_NETIF_NR_SLOTS_MIN + 1)
                n = XEN_NETIF_NR_SLOTS_MIN + 1;
            for (unsigned i = 0; i < n; i++)
                RING_COPY_REQUEST(r, r->req_cons + i, &req[i]);
            verdict = nb_tx_check(req, n, &used, &why);
            if (verdict == NB_TX_INCOMPLETE) {
                if (n == XEN_NETIF_NR_SLOTS_MIN + 1) {
                    set_broken(v, "a TX packet chain longer than the slot limit");
                    goto out;
                }
                incomplete = true; /* the rest of the chain is not produced yet */
                break;
            }
            if (verdict == NB_TX_OK && !nb_bucket_take(&v->bucket, req[0].size, nb_now_us())) {
                v->tx_held = true; /* over its rate: stays on the ring until the refill */
                goto push;
            }
            r->req_cons += used;
            if (verdict == NB_TX_BAD) {
                unsigned quiet;

                if (nb_log_allow(&v->bad_log, nb_now_us(), &quiet)) {
                    char msg[200];

                    snprintf(msg, sizeof(msg),
                             "bad TX packet (%s): answered with an error (%u more not logged)", why,
                             quiet);
                    vlog(v, msg);
                }
                v->st.tx_drops++;
                v->st_dirty = true;
                tx_flush(d, v, b); /* answers stay in ring order */
                {
                    /* extra-info slots are answered NETIF_RSP_NULL (netif.h) */
                    unsigned x = nb_tx_extras(req, used);

                    tx_respond(v, req, 1, NETIF_RSP_ERROR);
                    for (unsigned k = 1; k <= x && k < used; k++)
                        tx_respond(v, &req[k], 1, NETIF_RSP_NULL);
                    if (used > 1 + x)
                        tx_respond(v, req + 1 + x, used - 1 - x, NETIF_RSP_ERROR);
                }
                continue;
            }
            {
                unsigned p = b->npkt++;

                b->pkt[p].seg = b->nseg;
                b->pkt[p].used = used;
                b->pkt[p].flags = req[0].flags;
                memcpy(b->req[p], req, used * sizeof(req[0]));
                b->pkt[p].len =
                    nb_tx_copy_plan(req, used, (uint16_t)v->fe_domid,
                                    d->txbuf + (size_t)p * NB_TX_MAX, d->txseg + b->nseg);
                b->nseg += used;
            }
            if (b->npkt == NB_TX_BATCH)
                tx_flush(d, v, b);
        }
        tx_flush(d, v, b);
        if (incomplete) {
            /* be told when more requests come (not on the same ones again) */
            r->sring->req_event = rp + 1;
            xen_mb();
            more = r->sring->req_prod != rp;
            incomplete = false;
        } else {
            RING_FINAL_CHECK_FOR_REQUESTS(r, more);
        }
    } while (more);
push:
    tx_flush(d, v, b);
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify_fe);
    if (notify_fe)
        notify(d, v);
out:
    free(b);
}

void nb_ring_rx_push(struct nb_daemon *d, struct nb_vif *v, const uint8_t *frame, unsigned len)
{
    struct nb_rxq_frame *f;

    if (!v->connected || v->broken)
        return;
    v->st_dirty = true;
    if (len > NB_RXQ_FRAME || v->rxq_count == NB_RXQ_LEN) {
        v->st.rx_drops++;
        return;
    }
    f = &v->rxq[(v->rxq_head + v->rxq_count) % NB_RXQ_LEN];
    memcpy(f->data, frame, len);
    f->len = (uint16_t)len;
    v->rxq_count++;
    if (v->rxq_count >= NB_RX_BATCH)
        nb_ring_rx_flush(d, v);
}

/* Copies up to n queued frames into the guest's next n posted buffers and answers them. */
static void rx_batch(struct nb_daemon *d, struct nb_vif *v, unsigned n)
{
    netif_rx_back_ring_t *r = &v->rx;
    netif_rx_response_t rsp[NB_RX_BATCH];

    for (unsigned i = 0; i < n; i++) {
        struct nb_rxq_frame *f = &v->rxq[(v->rxq_head + i) % NB_RXQ_LEN];
        netif_rx_request_t rq;

        RING_COPY_REQUEST(r, r->req_cons + i, &rq);
        /* frames are at most NB_RXQ_FRAME bytes, so they always fit one page */
        nb_rx_copy_plan(f->data, f->len, &rq, (uint16_t)v->fe_domid, 0, &d->rxseg[i], &rsp[i]);
    }
    if (xengnttab_grant_copy(d->xgt, n, d->rxseg) < 0)
        for (unsigned i = 0; i < n; i++)
            d->rxseg[i].status = GNTST_general_error;
    for (unsigned i = 0; i < n; i++) {
        struct nb_rxq_frame *f = &v->rxq[(v->rxq_head + i) % NB_RXQ_LEN];

        if (d->rxseg[i].status != GNTST_okay) {
            rsp[i].status = NETIF_RSP_ERROR; /* a buffer the guest does not own */
            v->st.rx_drops++;
        } else {
            v->st.rx_packets++;
            v->st.rx_bytes += f->len;
        }
        *RING_GET_RESPONSE(r, r->rsp_prod_pvt) = rsp[i];
        r->rsp_prod_pvt++;
    }
    r->req_cons += n;
    v->rxq_head = (v->rxq_head + n) % NB_RXQ_LEN;
    v->rxq_count -= n;
}

/* How many of the next n queued frames the vif's RX rate lets through now (their credit
 * taken). */
static unsigned rx_allowed(struct nb_vif *v, unsigned n)
{
    uint64_t now = nb_now_us();

    for (unsigned i = 0; i < n; i++)
        if (!nb_bucket_take(&v->rx_bucket, v->rxq[(v->rxq_head + i) % NB_RXQ_LEN].len, now))
            return i;
    return n;
}

void nb_ring_rx_flush(struct nb_daemon *d, struct nb_vif *v)
{
    netif_rx_back_ring_t *r = &v->rx;
    int notify_fe;
    bool answered = false;

    if (!v->connected || v->broken)
        return;
    v->rx_held = false;
    while (v->rxq_count) {
        RING_IDX rp = r->sring->req_prod;
        long avail;
        unsigned n;

        xen_rmb();
        avail = nb_ring_pending(rp, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r));
        if (avail < 0) {
            set_broken(v, "the frontend's RX req_prod is beyond the ring: vif no longer served");
            return;
        }
        if (avail == 0) {
            /* no posted buffer: ask for an event when the guest posts more */
            r->sring->req_event = r->req_cons + 1;
            xen_mb();
            if (r->sring->req_prod == rp)
                break;
            continue;
        }
        n = (unsigned)avail;
        if (n > v->rxq_count)
            n = v->rxq_count;
        if (n > NB_RX_BATCH)
            n = NB_RX_BATCH;
        n = rx_allowed(v, n);
        if (n == 0) {
            v->rx_held = true; /* over its rate: the frames wait in the queue for the refill */
            break;
        }
        rx_batch(d, v, n);
        answered = true;
    }
    if (!answered)
        return;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify_fe);
    if (notify_fe)
        notify(d, v);
}
