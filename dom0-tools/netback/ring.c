/* tern-netback: the TX and RX rings of one connected vif (see nb.h). TX: the guest's packets
 * (up to 18 slots with feature-sg, 64 KiB TCPv4 GSO frames with feature-gso-tcpv4) are
 * checked (txcheck.c), grant-copied into a local buffer (copyplan.c), their checksum
 * completed if the guest left it blank (csum.c; a GSO frame's is left to whoever cuts it),
 * their source MAC checked, and switched; the answers of each batch are pushed with one
 * notification. A frame for dom0 alone that dom0's full port refuses stays on the ring, with
 * everything after it, until the port has room (backpressure, as the rate holds). RX: frames for
 * the guest wait in a queue until it posts buffers, then are grant-copied into them in batches, a
 * frame over several buffers (the frontend's feature-sg) after a GSO extra-info slot if it is a GSO
 * frame. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "copyplan.h"
#include "csum.h"
#include "gso.h"
#include "nb.h"
#include "ringidx.h"
#include "txcheck.h"

static void vlog(const struct nb_vif *v, const char *what)
{
    nb_log("vif %u/%u: %s", v->domid, v->devid, what);
}

static void notify(struct nb_daemon *d, evtchn_port_t port)
{
    d->prof.notifies++;
    xenevtchn_notify(d->xce, port);
}

/* A frontend that broke the ring protocol gets no more service (the other guests are
 * unaffected); the main loop then disconnects the vif (nb_vif_close_broken). */
static void set_broken(struct nb_vif *v, const char *why)
{
    if (!v->broken)
        vlog(v, why);
    v->broken = true;
}

static void unmap_queue(struct nb_daemon *d, struct nb_queue *q);

int nb_ring_map(struct nb_daemon *d, struct nb_queue *q, grant_ref_t tx_ref, grant_ref_t rx_ref,
                bool adopt, char *err, size_t errlen)
{
    const struct nb_vif *v = q->vif;
    const char *step = "allocate the RX queue";
    int lp;

    q->rxq = calloc(NB_RXQ_LEN, sizeof(*q->rxq));
    if (!q->rxq)
        goto fail;
    step = "map tx-ring-ref";
    q->tx_sring = xengnttab_map_grant_ref(d->xgt, v->fe_domid, tx_ref, PROT_READ | PROT_WRITE);
    if (!q->tx_sring)
        goto fail;
    step = "map rx-ring-ref";
    q->rx_sring = xengnttab_map_grant_ref(d->xgt, v->fe_domid, rx_ref, PROT_READ | PROT_WRITE);
    if (!q->rx_sring)
        goto fail;
    step = q->remote_rx_port != q->remote_port ? "bind event-channel-tx" : "bind event-channel";
    lp = xenevtchn_bind_interdomain(d->xce, v->fe_domid, q->remote_port);
    if (lp < 0)
        goto fail;
    q->local_port = q->local_rx_port = (evtchn_port_t)lp;
    if (q->remote_rx_port != q->remote_port) {
        step = "bind event-channel-rx";
        lp = xenevtchn_bind_interdomain(d->xce, v->fe_domid, q->remote_rx_port);
        if (lp < 0)
            goto fail;
        q->local_rx_port = (evtchn_port_t)lp;
    }
    {
        netif_tx_sring_t *ts = q->tx_sring;
        netif_rx_sring_t *rs = q->rx_sring;

        /* A re-adopted ring continues after what the previous backend answered. */
        BACK_RING_ATTACH(&q->tx, ts, adopt ? ts->rsp_prod : 0, NB_PAGE);
        BACK_RING_ATTACH(&q->rx, rs, adopt ? rs->rsp_prod : 0, NB_PAGE);
    }
    q->rxq_head = q->rxq_count = 0;
    q->rxq_bytes = 0;
    q->tx_held = q->rx_held = q->tx_port_held = false;
    q->tx_packets = q->rx_packets = 0;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", step, strerror(errno ? errno : ENOMEM));
    unmap_queue(d, q);
    return -1;
}

static void unmap_queue(struct nb_daemon *d, struct nb_queue *q)
{
    if (q->local_rx_port && q->local_rx_port != q->local_port)
        xenevtchn_unbind(d->xce, q->local_rx_port);
    if (q->local_port)
        xenevtchn_unbind(d->xce, q->local_port);
    q->local_port = q->local_rx_port = 0;
    if (q->tx_sring)
        xengnttab_unmap(d->xgt, q->tx_sring, 1);
    if (q->rx_sring)
        xengnttab_unmap(d->xgt, q->rx_sring, 1);
    q->tx_sring = q->rx_sring = NULL;
    for (unsigned i = 0; q->rxq && i < q->rxq_count; i++)
        if (!q->rxq[(q->rxq_head + i) % NB_RXQ_LEN].lent)
            free(q->rxq[(q->rxq_head + i) % NB_RXQ_LEN].data);
    free(q->rxq);
    q->rxq = NULL;
    q->rxq_count = 0;
    q->rxq_bytes = 0;
    q->tx_held = q->rx_held = q->tx_port_held = false;
}

void nb_ring_unmap(struct nb_daemon *d, struct nb_vif *v)
{
    for (unsigned i = 0; i < NB_MAX_QUEUES; i++)
        unmap_queue(d, &v->q[i]);
    v->connected = false;
}

static void tx_respond(struct nb_queue *q, const netif_tx_request_t *req, unsigned used, int16_t st)
{
    for (unsigned i = 0; i < used; i++) {
        netif_tx_response_t *rsp = RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);

        rsp->id = req[i].id;
        rsp->status = st;
        q->tx.rsp_prod_pvt++;
    }
}

/* Answers one packet's slots: its data slots with st, its extra-info slots (after the first)
 * with NETIF_RSP_NULL, as netif.h wants. */
static void tx_respond_packet(struct nb_queue *q, const netif_tx_request_t *req, unsigned used,
                              int16_t st)
{
    unsigned x = nb_tx_extras(req, used);

    tx_respond(q, req, 1, st);
    for (unsigned k = 1; k <= x && k < used; k++)
        tx_respond(q, &req[k], 1, NETIF_RSP_NULL);
    if (used > 1 + x)
        tx_respond(q, req + 1 + x, used - 1 - x, st);
}

/* Pushes the answers given so far and notifies the guest if it asked: once per batch, so the
 * guest frees its buffers (and its TCP sends more) while the next batch is copied. */
static void tx_push(struct nb_daemon *d, struct nb_queue *q)
{
    int notify_fe;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify_fe);
    if (notify_fe)
        notify(d, q->local_port);
}

/* Packets taken off the ring whose data one grant-copy hypercall fetches together. room: the
 * frames dom0's port took for sure when the batch began (nb_bridge_room); a batch within it
 * is answered before it is switched, one beyond it (the port full) packet by packet. */
struct tx_batch {
    unsigned npkt, nseg, room;
    struct {
        RING_IDX cons; /* its first request: where the ring is taken up again if it is held */
        unsigned seg, nseg, used, len;
        uint16_t flags, gso_size;
        uint8_t gso_type; /* NB_GSO_* */
    } pkt[NB_TX_BATCH];
    netif_tx_request_t req[NB_TX_BATCH][NB_TX_WINDOW];
};

/* One packet whose data arrived: checksum, source MAC, into the switch. A csum_blank
 * checksum stays partial (its pseudo-header sum rewritten from the frame's own headers, so a
 * receiver that takes it as it is gets it right whatever the guest put there), for the port
 * that takes it to leave to its receiver or the switch to complete. With hold, a frame dom0's
 * full port refuses stays on the ring: true is returned and nothing counted (it is copied and
 * checked again when the ring is taken up again). */
static bool tx_deliver(struct nb_daemon *d, struct nb_queue *q, uint8_t *frame, unsigned len,
                       uint16_t flags, struct nb_offload *off, bool hold)
{
    struct nb_vif *v = q->vif;

    v->st_dirty = true;
    if (!off->gso_size && (flags & NETTXF_csum_blank) && off->csum != NB_CSUM_PARTIAL &&
        nb_csum_set_partial(frame, len, off) < 0) {
        v->st.tx_drops++; /* not TCP/UDP over IP: the checksum cannot be completed */
        return false;
    }
    if (off->csum == NB_CSUM_NONE && (flags & NETTXF_data_validated))
        off->csum = NB_CSUM_VALID; /* the guest's stack checked it */
    if (!nb_frame_src_ok(frame, len, v->mac)) {
        v->st.tx_spoofed++; /* dropped, as a switch port with a MAC filter does */
        return false;
    }
    if (hold && nb_bridge_input_or_hold(d, v->br, v->port, frame, len, off))
        return true;
    if (!hold)
        nb_bridge_input(d, v->br, v->port, frame, len, off);
    v->st.tx_packets++;
    v->st.tx_bytes += len;
    q->tx_packets++;
    return false;
}

/* Answers packet p of the batch: done (switched, or dropped on the way) or refused. */
static void tx_answer(struct nb_queue *q, const struct tx_batch *b, unsigned p, bool ok)
{
    if (!ok) {
        q->vif->st.tx_drops++;
        q->vif->st_dirty = true;
    }
    tx_respond_packet(q, b->req[p], b->pkt[p].used, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
}

/* dom0's port refused packet p for being full: it and the batch's packets after it go back
 * on the ring, unanswered (the guest's ring holds them, as the rate does), their rate given
 * back; the loop takes the queue up again when the port has room. */
static void tx_hold(struct nb_queue *q, const struct tx_batch *b, unsigned p)
{
    struct nb_vif *v = q->vif;

    q->tx.req_cons = b->pkt[p].cons;
    for (unsigned k = p; k < b->npkt; k++)
        nb_bucket_give(&v->bucket, b->req[k][0].size);
    if (!q->tx_port_held && v->br) { /* a hold counted once, however often it is retried */
        v->br->st.to_dom0_held++;
        v->br->st_dirty = true;
    }
    q->tx_port_held = true;
}

/* Whether packet p's data arrived whole (the grant copies) and, for a GSO packet, is the TCP
 * frame it claims to be; *off is its offload state. */
static bool tx_arrived(struct nb_daemon *d, const struct tx_batch *b, unsigned p,
                       struct nb_offload *off)
{
    bool ok = true;

    for (unsigned i = 0; i < b->pkt[p].nseg; i++)
        if (d->txseg[b->pkt[p].seg + i].status != GNTST_okay)
            ok = false; /* e.g. a grant reference the guest does not own */
    memset(off, 0, sizeof(*off));
    if (ok && b->pkt[p].gso_size) /* GSO asked for a frame that is not TCPv4: refused */
        ok = nb_gso_frame(d->txbuf + (size_t)p * NB_TX_MAX, b->pkt[p].len, b->pkt[p].gso_size,
                          b->pkt[p].gso_type, off) == 0;
    return ok;
}

/* Copies the batch's data out of the guest, answers its requests and switches its packets.
 * Within the room dom0's port had, answers first (the switch may copy into other guests,
 * which does not need these), and nothing is held. Beyond it, each packet is answered once
 * switched, and the first one the full port refuses is held with those after it. Returns
 * true if held. */
static bool tx_flush(struct nb_daemon *d, struct nb_queue *q, struct tx_batch *b)
{
    struct nb_offload off[NB_TX_BATCH];
    bool good[NB_TX_BATCH], first = b->npkt <= b->room, held = false;
    uint64_t t0 = d->profile ? nb_now_us() : 0;

    if (!b->npkt)
        return false;
    if (xengnttab_grant_copy(d->xgt, b->nseg, d->txseg) < 0)
        for (unsigned i = 0; i < b->nseg; i++)
            d->txseg[i].status = GNTST_general_error;
    d->prof.tx_copies++;
    d->prof.tx_pkts += b->npkt;
    if (d->profile)
        d->prof.tx_copy_us += nb_now_us() - t0;
    for (unsigned p = 0; p < b->npkt; p++) {
        good[p] = tx_arrived(d, b, p, &off[p]);
        if (first)
            tx_answer(q, b, p, good[p]);
    }
    tx_push(d, q);
    for (unsigned p = 0; p < b->npkt && !held; p++) {
        held = good[p] && tx_deliver(d, q, d->txbuf + (size_t)p * NB_TX_MAX, b->pkt[p].len,
                                     b->pkt[p].flags, &off[p], !first);
        if (held)
            tx_hold(q, b, p);
        else if (!first)
            tx_answer(q, b, p, good[p]);
    }
    if (!held)
        q->tx_port_held = false; /* what was held went on */
    b->npkt = b->nseg = 0;
    return held;
}

/* Answers a bad packet, after the batch before it; returns true (and answers nothing) if
 * that batch was held. */
static bool tx_bad(struct nb_daemon *d, struct nb_queue *q, struct tx_batch *b,
                   const netif_tx_request_t *req, unsigned used, const char *why)
{
    struct nb_vif *v = q->vif;
    unsigned quiet;

    if (tx_flush(d, q, b)) /* answers stay in ring order */
        return true;
    if (nb_log_allow(&v->bad_log, nb_now_us(), &quiet)) {
        char msg[200];

        snprintf(msg, sizeof(msg),
                 "bad TX packet (%s): answered with an error (%u more not logged)", why, quiet);
        vlog(v, msg);
    }
    v->st.tx_drops++;
    v->st_dirty = true;
    tx_respond_packet(q, req, used, NETIF_RSP_ERROR);
    return false;
}

/* Adds a packet (its requests from cons on) to the batch, and copies the batch when it is
 * full: at NB_TX_BATCH packets, or at the room dom0's port had (one packet when it had none,
 * so a held packet costs one packet's copy). Returns true if that batch was held. */
static bool tx_add(struct nb_daemon *d, struct nb_queue *q, struct tx_batch *b, RING_IDX cons,
                   const netif_tx_request_t *req, unsigned used, const struct nb_tx_gso *gso)
{
    netif_tx_request_t data[XEN_NETIF_NR_SLOTS_MIN];
    unsigned p = b->npkt++, nd = nb_tx_data_slots(req, used, data);

    if (p == 0)
        b->room = d->no_hold ? NB_TX_BATCH : nb_bridge_room(q->vif->br, NB_TX_BATCH);
    b->pkt[p].cons = cons;
    b->pkt[p].seg = b->nseg;
    b->pkt[p].nseg = nd;
    b->pkt[p].used = used;
    b->pkt[p].flags = req[0].flags;
    b->pkt[p].gso_size = gso->size;
    b->pkt[p].gso_type = gso->type == XEN_NETIF_GSO_TYPE_TCPV6 ? NB_GSO_TCPV6 : NB_GSO_TCPV4;
    memcpy(b->req[p], req, used * sizeof(req[0]));
    b->pkt[p].len = nb_tx_copy_plan(data, nd, (uint16_t)q->vif->fe_domid,
                                    d->txbuf + (size_t)p * NB_TX_MAX, d->txseg + b->nseg);
    b->nseg += nd;
    if (b->npkt == NB_TX_BATCH || b->npkt >= b->room)
        return tx_flush(d, q, b);
    return false;
}

void nb_ring_tx(struct nb_daemon *d, struct nb_queue *q)
{
    struct nb_vif *v = q->vif;
    netif_tx_back_ring_t *r = &q->tx;
    netif_tx_request_t req[NB_TX_WINDOW];
    struct tx_batch *b = calloc(1, sizeof(*b));
    bool incomplete = false;
    int more;

    if (!v->connected || v->broken || !b) {
        free(b);
        return;
    }
    q->tx_held = false;
    d->prof.tx_calls++;
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
            struct nb_tx_gso gso;
            enum nb_tx_verdict verdict;

            if (n > NB_TX_WINDOW)
                n = NB_TX_WINDOW;
            for (unsigned i = 0; i < n; i++)
                RING_COPY_REQUEST(r, r->req_cons + i, &req[i]);
            verdict = nb_tx_check(req, n, &used, &gso, &why);
            if (verdict == NB_TX_INCOMPLETE) {
                if (n == NB_TX_WINDOW) {
                    set_broken(v, "a TX packet chain longer than the slot limit");
                    goto out;
                }
                incomplete = true; /* the rest of the chain is not produced yet */
                break;
            }
            if (verdict == NB_TX_OK && !nb_bucket_take(&v->bucket, req[0].size, nb_now_us())) {
                q->tx_held = true; /* over its rate: stays on the ring until the refill */
                goto push;
            }
            r->req_cons += used;
            if (verdict == NB_TX_BAD ? tx_bad(d, q, b, req, used, why)
                                     : tx_add(d, q, b, r->req_cons - used, req, used, &gso))
                goto push; /* dom0's port is full: the rest stays on the ring */
        }
        if (tx_flush(d, q, b))
            goto push;
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
    tx_flush(d, q, b);
    tx_push(d, q);
out:
    free(b);
}

/* True if the guest takes this frame's partial checksum as it is (NETRXF_csum_blank): netfront
 * finds the field itself (IPv4 or IPv6 by the ethertype nb_csum_locate also reads). */
static bool rx_takes_partial(const struct nb_vif *v, const uint8_t *frame, unsigned len)
{
    bool ipv6 = len >= 14 && frame[12] == 0x86 && frame[13] == 0xdd;

    return ipv6 ? v->rx_csum6 : v->rx_csum;
}

void nb_ring_rx_push(struct nb_daemon *d, struct nb_vif *v, const uint8_t *frame, unsigned len,
                     const struct nb_offload *off)
{
    struct nb_queue *q = &v->q[v->nq > 1 ? nb_flow_queue(frame, len, v->nq) : 0];
    struct nb_rxq_frame *f;
    uint8_t *copy = NULL;
    bool partial = off->csum == NB_CSUM_PARTIAL;
    /* a checksum completed for this guest only is completed in its own copy */
    bool complete = partial && !off->gso_size && !rx_takes_partial(v, frame, len);
    bool lend = frame == d->lent_frame && !complete;

    if (!v->connected || v->broken)
        return;
    v->st_dirty = true;
    /* without the frontend's feature-sg a frame must fit one posted page; a partial checksum
     * whose field is not in the frame can be completed by no one */
    if (len == 0 || len > (v->rx_sg ? NB_RXQ_FRAME : NB_PAGE) ||
        (off->gso_size && !(off->gso_type == NB_GSO_TCPV6 ? v->rx_gso6 : v->rx_gso)) ||
        (partial && !nb_csum_partial_fits(off, len)) || q->rxq_count == NB_RXQ_LEN ||
        q->rxq_bytes + len > NB_RXQ_BYTES || (!lend && !(copy = malloc(len)))) {
        v->st.rx_drops++;
        return;
    }
    if (!lend)
        memcpy(copy, frame, len);
    f = &q->rxq[(q->rxq_head + q->rxq_count) % NB_RXQ_LEN];
    f->data = lend ? (uint8_t *)(uintptr_t)frame : copy;
    f->lent = lend;
    f->len = len;
    f->off = *off;
    /* a frontend with feature-no-csum-offload (or an IPv6 one without ipv6-csum-offload) gets
     * it complete (GSO frames reach only those that take partial IPv4 ones: rx_gso) */
    if (complete)
        nb_offload_complete(copy, len, &f->off);
    q->rxq_count++;
    q->rxq_bytes += len;
    if (q->rxq_count >= NB_RX_BATCH)
        nb_ring_rx_flush(d, q);
}

/* The ring slots a frame takes: one per page of data, and a GSO frame's extra-info slot. */
static unsigned rx_slots(const struct nb_rxq_frame *f)
{
    return (f->len + NB_PAGE - 1) / NB_PAGE + (f->off.gso_size ? 1 : 0);
}

/* Frames planned into one grant-copy hypercall: where their answers are in the ring. */
struct rx_batch {
    unsigned nframe, nseg;
    struct {
        RING_IDX first; /* its first response */
        unsigned seg, nseg;
    } fr[NB_RX_BATCH];
};

/* The first slot's flags: a partial checksum is left to netfront (csum_blank; data_validated
 * too, as Linux's netback says it, since nothing needs checking), a checked one is said to be. */
static uint16_t rx_flags(const struct nb_offload *off)
{
    uint16_t flags = off->gso_size ? NETRXF_extra_info : 0;

    if (off->csum == NB_CSUM_PARTIAL)
        flags |= NETRXF_csum_blank | NETRXF_data_validated;
    else if (off->csum == NB_CSUM_VALID)
        flags |= NETRXF_data_validated;
    return flags;
}

/* Plans the copy of queued frame f into the guest's next posted buffers and writes
 * its responses (published only by the push, after the copy: rx_finish fixes their status). */
static void rx_plan(struct nb_daemon *d, struct nb_queue *q, struct rx_batch *b,
                    const struct nb_rxq_frame *f)
{
    netif_rx_back_ring_t *r = &q->rx;
    unsigned k = b->nframe++, off = 0, slot = 0;

    b->fr[k].first = r->rsp_prod_pvt;
    b->fr[k].seg = b->nseg;
    b->fr[k].nseg = 0;
    while (off < f->len || slot == 0) {
        unsigned chunk = f->len - off < NB_PAGE ? f->len - off : NB_PAGE;
        uint16_t flags = 0;
        netif_rx_request_t rq;
        netif_rx_response_t rsp;

        RING_COPY_REQUEST(r, r->req_cons, &rq);
        if (slot == 0)
            flags = rx_flags(&f->off);
        if (off + chunk < f->len)
            flags |= NETRXF_more_data;
        nb_rx_copy_plan(f->data + off, chunk, &rq, (uint16_t)q->vif->fe_domid, flags,
                        &d->rxseg[b->nseg++], &rsp);
        b->fr[k].nseg++;
        *RING_GET_RESPONSE(r, r->rsp_prod_pvt) = rsp;
        r->rsp_prod_pvt++;
        r->req_cons++;
        off += chunk;
        if (slot++ == 0 && f->off.gso_size) {
            /* the extra-info slot follows the first data slot and uses up its buffer */
            struct netif_extra_info x = {.type = XEN_NETIF_EXTRA_TYPE_GSO};

            x.u.gso.size = f->off.gso_size;
            x.u.gso.type = f->off.gso_type == NB_GSO_TCPV6 ? XEN_NETIF_GSO_TYPE_TCPV6
                                                           : XEN_NETIF_GSO_TYPE_TCPV4;
            memcpy(RING_GET_RESPONSE(r, r->rsp_prod_pvt), &x, sizeof(x));
            r->rsp_prod_pvt++;
            r->req_cons++;
        }
    }
}

/* Runs the batch's grant copies, marks the frames that failed, frees the queue's copies. */
static void rx_finish(struct nb_daemon *d, struct nb_queue *q, struct rx_batch *b)
{
    struct nb_vif *v = q->vif;
    netif_rx_back_ring_t *r = &q->rx;

    uint64_t t0;

    if (!b->nframe)
        return;
    t0 = d->profile ? nb_now_us() : 0;
    if (xengnttab_grant_copy(d->xgt, b->nseg, d->rxseg) < 0)
        for (unsigned i = 0; i < b->nseg; i++)
            d->rxseg[i].status = GNTST_general_error;
    if (d->profile)
        d->prof.rx_copy_us += nb_now_us() - t0;
    d->prof.rx_copies++;
    d->prof.rx_frames += b->nframe;
    for (unsigned k = 0; k < b->nframe; k++) {
        struct nb_rxq_frame *f = &q->rxq[q->rxq_head];
        bool ok = true;

        for (unsigned i = 0; i < b->fr[k].nseg; i++)
            if (d->rxseg[b->fr[k].seg + i].status != GNTST_okay)
                ok = false; /* a buffer the guest does not own */
        if (!ok) {
            RING_IDX idx = b->fr[k].first;

            for (unsigned i = 0; i < b->fr[k].nseg; i++, idx++) {
                if (i == 1 && f->off.gso_size)
                    idx++; /* the extra-info slot */
                RING_GET_RESPONSE(r, idx)->status = NETIF_RSP_ERROR;
            }
            v->st.rx_drops++;
        } else {
            v->st.rx_packets++;
            v->st.rx_bytes += f->len;
            q->rx_packets++;
            d->prof.rx_bytes += f->len;
        }
        q->rxq_bytes -= f->len;
        if (!f->lent)
            free(f->data);
        f->data = NULL;
        q->rxq_head = (q->rxq_head + 1) % NB_RXQ_LEN;
        q->rxq_count--;
    }
    b->nframe = b->nseg = 0;
}

void nb_ring_rx_flush(struct nb_daemon *d, struct nb_queue *q)
{
    struct nb_vif *v = q->vif;
    netif_rx_back_ring_t *r = &q->rx;
    struct rx_batch b = {0};
    int notify_fe;
    bool answered = false;

    if (!v->connected || v->broken)
        return;
    q->rx_held = false;
    while (q->rxq_count > b.nframe) {
        RING_IDX rp = r->sring->req_prod;
        const struct nb_rxq_frame *f = &q->rxq[(q->rxq_head + b.nframe) % NB_RXQ_LEN];
        unsigned need = rx_slots(f);
        long avail;

        xen_rmb();
        avail = nb_ring_pending(rp, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r));
        if (avail < 0) {
            set_broken(v, "the frontend's RX req_prod is beyond the ring: vif no longer served");
            return;
        }
        if ((unsigned long)avail < need) {
            /* not enough posted buffers: ask for an event when the guest posts more */
            d->prof.rx_nobufs++;
            r->sring->req_event = r->req_cons + need;
            xen_mb();
            if (r->sring->req_prod == rp)
                break;
            continue;
        }
        if (!nb_bucket_take(&v->rx_bucket, f->len, nb_now_us())) {
            q->rx_held = true; /* over its rate: the frames wait in the queue for the refill */
            break;
        }
        if (b.nframe == NB_RX_BATCH || b.nseg + need > NB_RX_SEGS)
            rx_finish(d, q, &b);
        rx_plan(d, q, &b, f); /* planned frames stay queued until rx_finish */
        answered = true;
    }
    rx_finish(d, q, &b);
    if (!answered)
        return;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify_fe);
    if (notify_fe)
        notify(d, q->local_rx_port);
}

/* A lent frame still queued becomes the queue's own copy; one that cannot (no memory) is
 * dropped, and the queue closes up behind it (w <= r: nothing unread is overwritten). */
static void rx_own(struct nb_queue *q)
{
    unsigned w = 0;

    for (unsigned r = 0; r < q->rxq_count; r++) {
        struct nb_rxq_frame f = q->rxq[(q->rxq_head + r) % NB_RXQ_LEN];

        if (f.lent) {
            uint8_t *copy = malloc(f.len);

            if (!copy) {
                q->rxq_bytes -= f.len;
                q->vif->st.rx_drops++;
                continue;
            }
            memcpy(copy, f.data, f.len);
            f.data = copy;
            f.lent = false;
        }
        q->rxq[(q->rxq_head + w++) % NB_RXQ_LEN] = f;
    }
    q->rxq_count = w;
}

void nb_ring_rx_settle(struct nb_daemon *d)
{
    d->lent_frame = NULL;
    for (struct nb_vif *v = d->vifs; v; v = v->next)
        for (unsigned i = 0; i < v->nq; i++) {
            struct nb_queue *q = &v->q[i];

            if (!q->rxq_count)
                continue;
            nb_ring_rx_flush(d, q);
            if (q->rxq_count)
                rx_own(q);
        }
}
