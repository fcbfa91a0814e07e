/* tern-netback's rings (dom0-tools/netback/ring.c) against a simulated netfront: the guest's
 * pages and grant copies, the event channel and the switch are fakes defined here, the ring
 * code is the daemon's own. Good packets, spoofed source MACs, grants the guest does not own,
 * malformed packets, a hostile req_prod, an endless slot chain, the rate holding packets on
 * the ring, checksum completion, RX into posted buffers (with and without buffers), and the
 * RX rate holding frames in the queue; a second queue (TX from it, RX by flow); dom0's full port
 * holding a guest's frames for it on the TX ring (backpressure). */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "fake_grant_copy.h"
#include "csum.h"
#include "nb.h"

/* ---------------------------------------------------------------- fakes */
#define GUEST_PAGES 32
static uint8_t guest[GUEST_PAGES][NB_PAGE]; /* gref N is guest page N */
static unsigned notifies, delivered, last_len, copy_calls, last_gso;
static struct nb_offload last_off;
static const struct nb_offload PLAIN; /* a frame with complete, unchecked checksums */
/* a TCPv4 GSO frame as the switch hands it on (its checksum field at 34 + 16) */
static const struct nb_offload GSO1448 = {.gso_size = 1448,
                                          .gso_type = NB_GSO_TCPV4,
                                          .csum = NB_CSUM_PARTIAL,
                                          .csum_start = 34,
                                          .csum_offset = 16};
static uint8_t last_frame[NB_TX_MAX];
static uint64_t now_us;

int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                         xengnttab_grant_copy_segment_t *segs)
{
    (void)xgt;
    copy_calls++;
    fake_grant_copy(segs, count, &guest[0][0], GUEST_PAGES, NB_PAGE, -1);
    return 0;
}
int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce;
    (void)port;
    notifies++;
    return 0;
}
/* dom0's port as the switch sees it: port_room frames more for sure (UINT_MAX: no end). A
 * frame to MAC_DOM0 is for that port alone: with no room it is refused, held if the caller
 * may hold it, else lost (dom0_drops). Any other frame (broadcasts here) goes to other ports.
 * What went somewhere is delivered; marks[] has the byte at MARK of each, in order. */
#define MARK 20
static const uint8_t MAC_DOM0[6] = {0x02, 0, 0, 0, 0, 0x01};
static unsigned port_room, dom0_drops, nmarks;
static uint8_t marks[64];

static bool fake_switch(const uint8_t *frame, unsigned len, const struct nb_offload *off, bool hold)
{
    bool dom0 = len >= 6 && !memcmp(frame, MAC_DOM0, 6);

    if (dom0 && port_room == 0) {
        dom0_drops += !hold;
        return hold;
    }
    if (dom0 && port_room != UINT_MAX)
        port_room--;
    delivered++;
    last_len = len;
    last_gso = off->gso_size;
    last_off = *off;
    memcpy(last_frame, frame, len);
    if (nmarks < sizeof(marks) && len > MARK)
        marks[nmarks++] = frame[MARK];
    return false;
}
void nb_bridge_input(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                     unsigned len, struct nb_offload *off)
{
    (void)d, (void)br, (void)in_port;
    fake_switch(frame, len, off, false);
}
bool nb_bridge_input_or_hold(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                             unsigned len, struct nb_offload *off)
{
    (void)d, (void)br, (void)in_port;
    return fake_switch(frame, len, off, true);
}
unsigned nb_bridge_room(const struct nb_bridge *br, unsigned max)
{
    (void)br;
    return port_room < max ? port_room : max;
}
uint64_t nb_now_us(void)
{
    return now_us;
}
void nb_log(const char *fmt, ...)
{
    (void)fmt;
}
/* ring.c's mapping calls, not used here (the rings are set up by hand) */
void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot)
{
    (void)xgt, (void)domid, (void)ref, (void)prot;
    return NULL;
}
int xengnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
    (void)xgt, (void)start, (void)count;
    return 0;
}
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                                     evtchn_port_t port)
{
    (void)xce, (void)domid, (void)port;
    return -1;
}
int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce, (void)port;
    return 0;
}

/* ---------------------------------------------------------------- the simulated frontend */
static const uint8_t MAC[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x11};
static struct nb_daemon d;
static struct nb_vif v;
static struct nb_bridge br; /* its counters only (the switch is the fake above) */
static netif_tx_front_ring_t ftx;
static netif_rx_front_ring_t frx;
static void *txpage, *rxpage;

static void setup(void)
{
    memset(&d, 0, sizeof(d));
    memset(&v, 0, sizeof(v));
    memset(guest, 0, sizeof(guest));
    notifies = delivered = last_len = copy_calls = last_gso = 0;
    port_room = UINT_MAX;
    dom0_drops = nmarks = 0;
    memset(&br, 0, sizeof(br));
    memset(&last_off, 0, sizeof(last_off));
    now_us = 1000000;
    d.txbuf = malloc((size_t)NB_TX_BATCH * NB_TX_MAX);
    txpage = aligned_alloc(NB_PAGE, NB_PAGE);
    rxpage = aligned_alloc(NB_PAGE, NB_PAGE);
    SHARED_RING_INIT((netif_tx_sring_t *)txpage);
    SHARED_RING_INIT((netif_rx_sring_t *)rxpage);
    FRONT_RING_INIT(&ftx, (netif_tx_sring_t *)txpage, NB_PAGE);
    FRONT_RING_INIT(&frx, (netif_rx_sring_t *)rxpage, NB_PAGE);
    BACK_RING_INIT(&v.q[0].tx, (netif_tx_sring_t *)txpage, NB_PAGE);
    BACK_RING_INIT(&v.q[0].rx, (netif_rx_sring_t *)rxpage, NB_PAGE);
    memcpy(v.mac, MAC, 6);
    v.br = &br;
    v.fe_domid = 1;
    v.q[0].local_port = v.q[0].local_rx_port = 5;
    v.q[0].vif = &v;
    v.nq = 1;
    v.connected = true;
    v.rx_csum = true; /* netfront's default: no feature-no-csum-offload */
    v.q[0].rxq = calloc(NB_RXQ_LEN, sizeof(*v.q[0].rxq));
    nb_bucket_init(&v.bucket, &(struct nb_rate){0, NB_RATE_DEFAULT_INTERVAL_US}, now_us);
    v.rx_bucket = v.bucket;
}

static void teardown(void)
{
    for (unsigned i = 0; i < v.q[1].rxq_count; i++)
        free(v.q[1].rxq[(v.q[1].rxq_head + i) % NB_RXQ_LEN].data);
    free(v.q[1].rxq);
    for (unsigned i = 0; i < v.q[0].rxq_count; i++)
        free(v.q[0].rxq[(v.q[0].rxq_head + i) % NB_RXQ_LEN].data);
    free(d.txbuf);
    free(txpage);
    free(rxpage);
    free(v.q[0].rxq);
}

/* Writes an Ethernet frame from src into guest page gref (at offset off). */
static void frame_in(unsigned gref, unsigned off, const uint8_t src[6], unsigned len)
{
    uint8_t *f = guest[gref] + off;

    memset(f, 0xff, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    for (unsigned i = 14; i < len; i++)
        f[i] = (uint8_t)i;
}

static void tx_req(uint16_t id, grant_ref_t gref, uint16_t off, uint16_t size, uint16_t flags)
{
    netif_tx_request_t *r = RING_GET_REQUEST(&ftx, ftx.req_prod_pvt);

    r->gref = gref;
    r->offset = off;
    r->size = size;
    r->flags = flags;
    r->id = id;
    ftx.req_prod_pvt++;
}

static void tx_push(void)
{
    int n;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ftx, n);
    (void)n;
}

/* The next TX response (or -100 if there is none). */
static int tx_rsp(uint16_t *id)
{
    netif_tx_response_t *r;

    if (ftx.rsp_cons == ftx.sring->rsp_prod)
        return -100;
    r = RING_GET_RESPONSE(&ftx, ftx.rsp_cons++);
    if (id)
        *id = r->id;
    return r->status;
}

/* ---------------------------------------------------------------- TX */
START_TEST(test_tx_good_and_chain)
{
    uint16_t id;

    frame_in(1, 100, MAC, 60);
    tx_req(7, 1, 100, 60, 0);
    /* a 1514-byte frame across two pages (as netfront sends a linear buffer) */
    frame_in(2, 4000, MAC, 96);
    memset(guest[3], 0x5a, 1418);
    tx_req(8, 2, 4000, 1514, NETTXF_more_data);
    tx_req(9, 3, 0, 1418, 0);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 2);
    ck_assert_uint_eq(last_len, 1514);
    ck_assert_int_eq(memcmp(last_frame, guest[2] + 4000, 96), 0);
    ck_assert_uint_eq(last_frame[96], 0x5a);
    ck_assert_uint_eq(copy_calls, 1); /* one hypercall for the batch */
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 7);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 8);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 9);
    ck_assert_int_eq(tx_rsp(NULL), -100);
    ck_assert_uint_eq(v.st.tx_packets, 2);
    ck_assert_uint_eq(v.st.tx_bytes, 60 + 1514);
    ck_assert_uint_ge(notifies, 1);
}
END_TEST

START_TEST(test_tx_spoof_grant_malformed)
{
    static const uint8_t other[6] = {0x00, 0x16, 0x3e, 0x66, 0x66, 0x66};
    uint16_t id;

    frame_in(1, 0, other, 60);
    tx_req(1, 1, 0, 60, 0);    /* spoofed source MAC */
    tx_req(2, 99, 0, 60, 0);   /* a grant the guest does not own */
    tx_req(3, 1, 0, 5, 0);     /* shorter than an Ethernet header */
    tx_req(4, 1, 4090, 60, 0); /* crosses its page */
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 0);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY); /* taken, then dropped by the filter */
    ck_assert_uint_eq(id, 1);
    for (uint16_t want = 2; want <= 4; want++) {
        ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_ERROR);
        ck_assert_uint_eq(id, want);
    }
    ck_assert_uint_eq(v.st.tx_spoofed, 1);
    ck_assert_uint_eq(v.st.tx_drops, 3);
    ck_assert(!v.broken);
}
END_TEST

START_TEST(test_tx_hostile_indices)
{
    frame_in(1, 0, MAC, 60);
    tx_req(1, 1, 0, 60, 0);
    tx_push();
    ftx.sring->req_prod += 1000; /* claims more requests than the ring holds */
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(v.broken);
    ck_assert_uint_eq(delivered, 0);
    ck_assert_int_eq(tx_rsp(NULL), -100);
    ftx.sring->req_prod -= 1000;
    nb_ring_tx(&d, &v.q[0]); /* no more service, even once the index looks sane again */
    ck_assert_uint_eq(delivered, 0);
}
END_TEST

START_TEST(test_tx_endless_chain)
{
    for (unsigned i = 0; i < 40; i++)
        tx_req((uint16_t)i, 1, 0, 60, NETTXF_more_data);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(v.broken);
    ck_assert_uint_eq(delivered, 0);
}
END_TEST

START_TEST(test_tx_incomplete_waits)
{
    frame_in(1, 0, MAC, 60);
    tx_req(1, 1, 0, 100, NETTXF_more_data);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 0);
    ck_assert_int_eq(tx_rsp(NULL), -100); /* nothing answered: the chain goes on */
    tx_req(2, 2, 0, 40, 0);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(last_len, 100);
    ck_assert(!v.broken);
}
END_TEST

START_TEST(test_tx_rate_holds)
{
    struct nb_rate r = {.bytes_per_interval = 1000, .interval_us = 50000};

    nb_bucket_init(&v.bucket, &r, now_us);
    frame_in(1, 0, MAC, 800);
    tx_req(1, 1, 0, 800, 0);
    tx_req(2, 1, 0, 800, 0);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert(v.q[0].tx_held);
    ck_assert_int_eq(tx_rsp(NULL), NETIF_RSP_OKAY);
    ck_assert_int_eq(tx_rsp(NULL), -100); /* the second stays on the ring */
    now_us += 50000;
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 2);
    ck_assert(!v.q[0].tx_held);
    ck_assert_int_eq(tx_rsp(NULL), NETIF_RSP_OKAY);
}
END_TEST

/* A 60-byte frame in page gref, to dom0 (or broadcast), marked id at MARK, and its request. */
static void tx_frame(uint16_t id, grant_ref_t gref, bool to_dom0)
{
    frame_in(gref, 0, MAC, 60);
    if (to_dom0)
        memcpy(guest[gref], MAC_DOM0, 6);
    guest[gref][MARK] = (uint8_t)id;
    tx_req(id, gref, 0, 60, 0);
}

/* The next n TX responses are OKAY with the ids first, first + 1, ...; then none. */
static void tx_rsps_ok(uint16_t first, unsigned n)
{
    uint16_t id;

    for (unsigned i = 0; i < n; i++) {
        ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
        ck_assert_uint_eq(id, first + i);
    }
    ck_assert_int_eq(tx_rsp(NULL), -100);
}

/* dom0's port full: the guest's frames for it stay on its ring (not consumed, not answered,
 * not counted, not lost), one packet copied per try; with room for two, two go and the third
 * is held again; with room, the rest: each frame once, in the guest's order. */
START_TEST(test_tx_port_full_holds)
{
    port_room = 0;
    for (uint16_t id = 1; id <= 3; id++)
        tx_frame(id, id, true);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(v.q[0].tx_port_held);
    ck_assert_uint_eq(v.q[0].tx.req_cons, 0);
    ck_assert_int_eq(tx_rsp(NULL), -100);
    ck_assert_uint_eq(delivered + dom0_drops + v.st.tx_packets + v.st.tx_drops, 0);
    ck_assert_uint_eq(br.st.to_dom0_held, 1);
    ck_assert_uint_eq(copy_calls, 1);
    nb_ring_tx(&d, &v.q[0]); /* a notification while still full: the same hold */
    ck_assert_uint_eq(v.q[0].tx.req_cons, 0);
    ck_assert_uint_eq(br.st.to_dom0_held, 1);
    ck_assert_uint_eq(copy_calls, 2);
    port_room = 2;
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 2);
    ck_assert_uint_eq(v.q[0].tx.req_cons, 2);
    ck_assert(v.q[0].tx_port_held);
    tx_rsps_ok(1, 2);
    port_room = UINT_MAX;
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(!v.q[0].tx_port_held);
    tx_rsps_ok(3, 1);
    ck_assert_uint_eq(nmarks, 3);
    ck_assert_int_eq(memcmp(marks, "\1\2\3", 3), 0);
    ck_assert_uint_eq(v.st.tx_packets, 3);
    ck_assert_uint_eq(dom0_drops, 0);
    ck_assert_uint_eq(br.st.to_dom0_held, 2); /* the queue stopped twice */
}
END_TEST

/* A frame for other ports passes a full dom0 port; the first one for dom0 holds the queue
 * there (a bad packet behind it is neither answered nor counted yet); then all in order. */
START_TEST(test_tx_port_full_order)
{
    uint16_t id;

    port_room = 0;
    tx_frame(1, 1, false);
    tx_frame(2, 2, true);
    tx_req(3, 3, 0, 5, 0); /* bad: shorter than an Ethernet header */
    tx_frame(4, 4, false);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(v.q[0].tx.req_cons, 1);
    tx_rsps_ok(1, 1);
    ck_assert_uint_eq(v.st.tx_drops, 0);
    port_room = UINT_MAX;
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 2);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_ERROR);
    ck_assert_uint_eq(id, 3);
    tx_rsps_ok(4, 1);
    ck_assert_uint_eq(nmarks, 3);
    ck_assert_int_eq(memcmp(marks, "\1\2\4", 3), 0);
    ck_assert_uint_eq(v.st.tx_drops, 1);
    ck_assert_uint_eq(v.st.tx_packets, 3);
}
END_TEST

/* A held frame's rate is given back: it is charged once, when it goes. */
START_TEST(test_tx_port_full_rate)
{
    struct nb_rate r = {.bytes_per_interval = 1000, .interval_us = 50000};

    nb_bucket_init(&v.bucket, &r, now_us);
    port_room = 0;
    tx_frame(1, 1, true);
    RING_GET_REQUEST(&ftx, ftx.req_prod_pvt - 1)->size = 800;
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(v.q[0].tx_port_held);
    ck_assert_int_eq(v.bucket.credit, 1000);
    port_room = UINT_MAX;
    nb_ring_tx(&d, &v.q[0]); /* the same interval: the credit is still there */
    ck_assert(!v.q[0].tx_held && !v.q[0].tx_port_held);
    tx_rsps_ok(1, 1);
    ck_assert_int_eq(v.bucket.credit, 200);
}
END_TEST

/* A vif disconnected while dom0's port holds its queue: nothing is left held, nothing more is
 * taken off its ring, its queued RX frames are freed (the sanitizer build checks it). */
START_TEST(test_tx_port_full_teardown)
{
    uint8_t f[60] = {0};

    port_room = 0;
    tx_frame(1, 1, true);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert(v.q[0].tx_port_held);
    memcpy(f, MAC, 6);
    nb_ring_rx_push(&d, &v, f, sizeof(f), &PLAIN);
    ck_assert_uint_eq(v.q[0].rxq_count, 1);
    nb_ring_unmap(&d, &v);
    ck_assert(!v.connected);
    ck_assert(!v.q[0].tx_port_held);
    ck_assert_ptr_null(v.q[0].rxq);
    port_room = UINT_MAX;
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 0);
    ck_assert_uint_eq(copy_calls, 1);
    ck_assert_int_eq(tx_rsp(NULL), -100);
}
END_TEST

START_TEST(test_tx_csum_blank)
{
    /* IPv4 10.0.0.1 -> 10.0.0.2, UDP 1234 -> 5678, "hello"; checksum 0x8cff (see check_netback) */
    static const uint8_t pkt[33] = {0x45, 0,    0, 33, 0,    0,    0x40, 0,   64,  17,   0,
                                    0,    10,   0, 0,  1,    10,   0,    0,   2,   0x04, 0xd2,
                                    0x16, 0x2e, 0, 13, 0x12, 0x34, 'h',  'e', 'l', 'l',  'o'};

    frame_in(1, 0, MAC, 14);
    guest[1][12] = 0x08;
    guest[1][13] = 0x00;
    memcpy(guest[1] + 14, pkt, sizeof(pkt));
    tx_req(1, 1, 0, 47, NETTXF_csum_blank);
    frame_in(2, 0, MAC, 60); /* csum_blank on a frame that is not IP: dropped */
    tx_req(2, 2, 0, 60, NETTXF_csum_blank);
    guest[1][40] = 0xde; /* whatever the guest left in the field: the backend writes its own */
    guest[1][41] = 0xad;
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(v.st.tx_drops, 1);
    /* it enters the switch partial, UDP's field holding the pseudo-header sum (addresses,
     * protocol 17, UDP length 13: 0x0a00+0x0001+0x0a00+0x0002+0x0011+0x000d = 0x1421) */
    ck_assert_uint_eq(last_off.csum, NB_CSUM_PARTIAL);
    ck_assert_uint_eq(last_off.csum_start, 34);
    ck_assert_uint_eq(last_off.csum_offset, 6);
    ck_assert_uint_eq((unsigned)last_frame[40] << 8 | last_frame[41], 0x1421);
    /* which completes to the right checksum */
    ck_assert_int_eq(nb_offload_complete(last_frame, last_len, &last_off), 0);
    ck_assert_uint_eq((unsigned)last_frame[40] << 8 | last_frame[41], 0x8cff);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_VALID);
}
END_TEST

/* NETTXF_data_validated alone: the guest's stack checked the checksum; the switch is told. */
START_TEST(test_tx_data_validated)
{
    frame_in(1, 0, MAC, 60);
    tx_req(1, 1, 0, 60, NETTXF_data_validated);
    frame_in(2, 0, MAC, 60);
    tx_req(2, 2, 0, 60, 0);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 2);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_NONE); /* the second */
    frame_in(3, 0, MAC, 60);
    tx_req(3, 3, 0, 60, NETTXF_data_validated);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 3);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_VALID);
}
END_TEST

/* ---------------------------------------------------------------- RX */
static void rx_post(uint16_t id, grant_ref_t gref)
{
    netif_rx_request_t *r = RING_GET_REQUEST(&frx, frx.req_prod_pvt);
    int n;

    r->id = id;
    r->gref = gref;
    frx.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&frx, n);
    (void)n;
}

START_TEST(test_rx_posted_buffers)
{
    uint8_t f[100];
    netif_rx_response_t *rsp;

    memset(f, 0, sizeof(f));
    memcpy(f, MAC, 6);
    rx_post(10, 4);
    rx_post(11, 99); /* a buffer the guest does not own */
    for (unsigned i = 0; i < 3; i++) {
        f[20] = (uint8_t)i;
        nb_ring_rx_push(&d, &v, f, 60 + i, &PLAIN);
    }
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 2);
    rsp = RING_GET_RESPONSE(&frx, 0);
    ck_assert_uint_eq(rsp->id, 10);
    ck_assert_int_eq(rsp->status, 60);
    ck_assert_uint_eq(rsp->offset, 0);
    ck_assert_int_eq(memcmp(guest[4], f, 20), 0);
    ck_assert_uint_eq(guest[4][20], 0);
    rsp = RING_GET_RESPONSE(&frx, 1);
    ck_assert_uint_eq(rsp->id, 11);
    ck_assert_int_eq(rsp->status, NETIF_RSP_ERROR);
    ck_assert_uint_eq(v.q[0].rxq_count, 1);     /* the third waits for a buffer... */
    ck_assert_uint_eq(frx.sring->req_event, 3); /* ...and asked to be told of one */
    rx_post(12, 5);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 3);
    ck_assert_int_eq(RING_GET_RESPONSE(&frx, 2)->status, 62);
    ck_assert_uint_eq(guest[5][20], 2);
    ck_assert_uint_eq(v.st.rx_packets, 2);
    ck_assert_uint_eq(v.st.rx_drops, 1);
}
END_TEST

/* Frames a dom0 port lends are queued without a copy; settling before the port reuses its
 * buffer flushes them, and the one still waiting for a buffer gets a copy of its own. */
START_TEST(test_rx_lent_frames)
{
    static uint8_t port[2][100]; /* the port's buffer */

    memset(port, 0, sizeof(port));
    memcpy(port[0], MAC, 6);
    memcpy(port[1], MAC, 6);
    port[0][20] = 1;
    port[1][20] = 2;
    d.vifs = &v;
    rx_post(10, 4); /* one buffer */
    for (unsigned i = 0; i < 2; i++) {
        d.lent_frame = port[i];
        nb_ring_rx_push(&d, &v, port[i], 60 + i, &PLAIN);
    }
    ck_assert(v.q[0].rxq[v.q[0].rxq_head].lent);
    ck_assert_ptr_eq(v.q[0].rxq[v.q[0].rxq_head].data, port[0]);
    nb_ring_rx_settle(&d);
    ck_assert_ptr_null(d.lent_frame);
    ck_assert_uint_eq(frx.sring->rsp_prod, 1);
    ck_assert_uint_eq(guest[4][20], 1);
    ck_assert_uint_eq(v.q[0].rxq_count, 1); /* the second waits, in a copy of its own */
    ck_assert(!v.q[0].rxq[v.q[0].rxq_head].lent);
    ck_assert_ptr_ne(v.q[0].rxq[v.q[0].rxq_head].data, port[1]);
    memset(port, 0xee, sizeof(port)); /* the port reads into its buffer again */
    rx_post(11, 5);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 2);
    ck_assert_int_eq(RING_GET_RESPONSE(&frx, 1)->status, 61);
    ck_assert_uint_eq(guest[5][20], 2);
    ck_assert_uint_eq(v.st.rx_packets, 2);
    ck_assert_uint_eq(v.st.rx_drops, 0);
}
END_TEST

START_TEST(test_rx_queue_bounds)
{
    uint8_t big[NB_RXQ_FRAME + 1];

    memset(big, 0, sizeof(big));
    nb_ring_rx_push(&d, &v, big, sizeof(big), &PLAIN); /* cannot fit a posted page without SG */
    ck_assert_uint_eq(v.st.rx_drops, 1);
    for (unsigned i = 0; i < NB_RXQ_LEN + 5; i++)
        nb_ring_rx_push(&d, &v, big, 60, &PLAIN); /* no buffers posted: the queue fills */
    ck_assert_uint_eq(v.q[0].rxq_count, NB_RXQ_LEN);
    ck_assert_uint_eq(v.st.rx_drops, 1 + 5);
}
END_TEST

START_TEST(test_rx_rate_holds)
{
    struct nb_rate r = {.bytes_per_interval = 1000, .interval_us = 50000};
    uint8_t f[800];

    memset(f, 0, sizeof(f));
    memcpy(f, MAC, 6);
    nb_bucket_init(&v.rx_bucket, &r, now_us);
    for (uint16_t i = 0; i < 4; i++)
        rx_post(i, 4 + i);
    for (unsigned i = 0; i < 3; i++)
        nb_ring_rx_push(&d, &v, f, sizeof(f), &PLAIN);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 1); /* one frame's worth of credit */
    ck_assert(v.q[0].rx_held);
    ck_assert_uint_eq(v.q[0].rxq_count, 2); /* the others wait in the queue, not dropped */
    ck_assert_uint_eq(v.st.rx_drops, 0);
    nb_ring_rx_flush(&d, &v.q[0]); /* before the refill: nothing more */
    ck_assert_uint_eq(frx.sring->rsp_prod, 1);
    now_us += 50000;
    nb_ring_rx_flush(&d, &v.q[0]); /* 200 bytes left over + 1000: one more */
    ck_assert_uint_eq(frx.sring->rsp_prod, 2);
    now_us += 50000;
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 3);
    ck_assert_uint_eq(v.q[0].rxq_count, 0);
    ck_assert_uint_eq(v.st.rx_packets, 3);
    /* the TX bucket is separate: the guest's own sending is not charged for what it got */
    ck_assert_uint_eq(v.bucket.rate.bytes_per_interval, 0);
}
END_TEST

/* ---------------------------------------------------------------- GSO and scatter-gather */
/* A TCPv4 frame of 54 + payload bytes from MAC in guest pages gref, gref + 1, ... */
static unsigned tcp_frame_in(unsigned gref, unsigned payload)
{
    uint8_t f[3 * NB_PAGE];
    unsigned len = 54 + payload;

    memset(f, 0, sizeof(f));
    memcpy(f + 6, MAC, 6);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = (uint8_t)((len - 14) >> 8);
    f[17] = (uint8_t)(len - 14);
    f[22] = 64;
    f[23] = 6;
    f[26] = 10, f[29] = 2, f[30] = 10, f[33] = 1;
    f[46] = 0x50;
    f[47] = 0x18;
    for (unsigned i = 54; i < len; i++)
        f[i] = (uint8_t)(i * 3);
    for (unsigned p = 0; p * NB_PAGE < len; p++)
        memcpy(guest[gref + p], f + p * NB_PAGE, NB_PAGE);
    return len;
}

static void tx_gso_req_type(uint16_t id, grant_ref_t gref, uint16_t size, uint16_t mss,
                            uint8_t type)
{
    struct netif_extra_info x = {.type = XEN_NETIF_EXTRA_TYPE_GSO};

    tx_req(id, gref, 0, size, NETTXF_extra_info | NETTXF_more_data | NETTXF_csum_blank);
    x.u.gso.size = mss;
    x.u.gso.type = type;
    memcpy(RING_GET_REQUEST(&ftx, ftx.req_prod_pvt), &x, sizeof(x));
    ftx.req_prod_pvt++;
    tx_req((uint16_t)(id + 1), gref + 1, 0, (uint16_t)(size - NB_PAGE), 0);
}

static void tx_gso_req(uint16_t id, grant_ref_t gref, uint16_t size, uint16_t mss)
{
    tx_gso_req_type(id, gref, size, mss, XEN_NETIF_GSO_TYPE_TCPV4);
}

/* The TCP segment of tcp_frame_in over IPv6 (74 + payload bytes). */
static unsigned tcp6_frame_in(unsigned gref, unsigned payload)
{
    uint8_t f[3 * NB_PAGE];
    unsigned len = 74 + payload;

    memset(f, 0, sizeof(f));
    memcpy(f + 6, MAC, 6);
    f[12] = 0x86, f[13] = 0xdd;
    f[14] = 0x60;
    f[18] = (uint8_t)((len - 54) >> 8);
    f[19] = (uint8_t)(len - 54);
    f[20] = 6;
    f[21] = 64;
    f[22] = 0xfe, f[23] = 0x80, f[37] = 2, f[38] = 0xfe, f[39] = 0x80, f[53] = 1;
    f[66] = 0x50;
    f[67] = 0x18;
    for (unsigned i = 74; i < len; i++)
        f[i] = (uint8_t)(i * 3);
    for (unsigned p = 0; p * NB_PAGE < len; p++)
        memcpy(guest[gref + p], f + p * NB_PAGE, NB_PAGE);
    return len;
}

/* A TCPv6 GSO packet (feature-gso-tcpv6) enters the switch as one; one that says TCPv6 on an
 * IPv4 frame (or the other way round) is refused. */
START_TEST(test_tx_gso_v6)
{
    unsigned len = tcp6_frame_in(1, 6000), len4;

    tx_gso_req_type(1, 1, (uint16_t)len, 1428, XEN_NETIF_GSO_TYPE_TCPV6);
    len4 = tcp_frame_in(3, 6000);
    tx_gso_req_type(3, 3, (uint16_t)len4, 1448, XEN_NETIF_GSO_TYPE_TCPV6);
    tx_gso_req_type(5, 1, (uint16_t)len, 1428, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(last_len, len);
    ck_assert_uint_eq(last_off.gso_size, 1428);
    ck_assert_uint_eq(last_off.gso_type, NB_GSO_TCPV6);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_PARTIAL);
    ck_assert_uint_eq(last_off.csum_start, 54);
    ck_assert_uint_eq(last_off.csum_offset, 16);
    ck_assert_uint_eq(v.st.tx_drops, 2);
}
END_TEST

/* A TCPv6 GSO frame reaches only a frontend with feature-gso-tcpv6 (rx_gso6), with a GSO
 * extra-info slot of type TCPv6. */
START_TEST(test_rx_gso_v6)
{
    static uint8_t f[6000];
    struct nb_offload o = {.gso_size = 1428,
                           .gso_type = NB_GSO_TCPV6,
                           .csum = NB_CSUM_PARTIAL,
                           .csum_start = 54,
                           .csum_offset = 16};
    struct netif_extra_info x;

    memset(f, 0, sizeof(f));
    v.rx_sg = v.rx_gso = true;
    nb_ring_rx_push(&d, &v, f, sizeof(f), &o); /* a TCPv4 frontend only */
    ck_assert_uint_eq(v.q[0].rxq_count, 0);
    ck_assert_uint_eq(v.st.rx_drops, 1);
    v.rx_gso6 = true;
    nb_ring_rx_push(&d, &v, f, sizeof(f), &o);
    for (uint16_t i = 0; i < 3; i++)
        rx_post(i, 4 + i);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 3);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 0)->flags, NETRXF_extra_info | NETRXF_more_data |
                                                             NETRXF_csum_blank |
                                                             NETRXF_data_validated);
    memcpy(&x, RING_GET_RESPONSE(&frx, 1), sizeof(x));
    ck_assert_uint_eq(x.type, XEN_NETIF_EXTRA_TYPE_GSO);
    ck_assert_uint_eq(x.u.gso.size, 1428);
    ck_assert_uint_eq(x.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV6);
}
END_TEST

START_TEST(test_tx_gso)
{
    uint16_t id;
    unsigned len = tcp_frame_in(1, 6000);

    tx_gso_req(1, 1, (uint16_t)len, 1448);
    /* GSO on a frame that is not TCPv4 (an ARP-like frame) */
    frame_in(3, 0, MAC, NB_PAGE);
    frame_in(4, 0, MAC, 100);
    tx_gso_req(3, 3, NB_PAGE + 100, 1448);
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(last_len, len);
    ck_assert_uint_eq(last_gso, 1448);
    ck_assert_uint_eq(last_off.gso_type, NB_GSO_TCPV4);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_PARTIAL);
    ck_assert_uint_eq(last_off.csum_start, 34);
    ck_assert_uint_eq(last_off.csum_offset, 16);
    /* the TCP checksum is left partial: the pseudo-header sum, for whoever cuts it */
    ck_assert_uint_eq((unsigned)last_frame[50] << 8 | last_frame[51],
                      nb_csum_finish(nb_csum_add(0, last_frame + 26, 8) + 6 + len - 34) ^ 0xffff);
    ck_assert_int_eq(memcmp(last_frame + 54, guest[1] + 54, NB_PAGE - 54), 0);
    ck_assert_int_eq(memcmp(last_frame + NB_PAGE, guest[2], len - NB_PAGE), 0);
    /* data slots answered, the extra-info slot NETIF_RSP_NULL, in ring order */
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(tx_rsp(NULL), NETIF_RSP_NULL);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_OKAY);
    ck_assert_uint_eq(id, 2);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_ERROR);
    ck_assert_uint_eq(id, 3);
    ck_assert_int_eq(tx_rsp(NULL), NETIF_RSP_NULL);
    ck_assert_int_eq(tx_rsp(&id), NETIF_RSP_ERROR);
    ck_assert_uint_eq(id, 4);
    ck_assert_uint_eq(v.st.tx_drops, 1);
    ck_assert_uint_eq(v.st.tx_bytes, len);
}
END_TEST

/* A GSO frame whose payload fits one segment is an ordinary frame, its checksum partial. */
START_TEST(test_tx_gso_single_segment)
{
    unsigned len = tcp_frame_in(1, 1000);
    uint8_t f[NB_PAGE];

    tx_gso_req(1, 1, (uint16_t)len, 1448);
    /* the chain's second slot holds nothing useful: the first slot has it all */
    ftx.req_prod_pvt--;
    tx_req(2, 2, 0, 0, 0);
    RING_GET_REQUEST(&ftx, ftx.req_prod_pvt - 3)->size = (uint16_t)len;
    tx_push();
    nb_ring_tx(&d, &v.q[0]);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(last_gso, 0);
    ck_assert_uint_eq(last_off.csum, NB_CSUM_PARTIAL);
    ck_assert_int_eq(nb_offload_complete(last_frame, last_len, &last_off), 0);
    memcpy(f, guest[1], len);
    ck_assert_int_eq(nb_csum_fill(f, len), 0);
    ck_assert_uint_eq(last_frame[50], f[50]);
    ck_assert_uint_eq(last_frame[51], f[51]);
}
END_TEST

START_TEST(test_rx_gso_over_buffers)
{
    static uint8_t f[9000];
    netif_rx_response_t *rsp;
    struct netif_extra_info x;

    for (unsigned i = 0; i < sizeof(f); i++)
        f[i] = (uint8_t)(i * 5);
    v.rx_sg = v.rx_gso = true;
    nb_ring_rx_push(&d, &v, f, sizeof(f), &GSO1448);
    rx_post(20, 4);
    rx_post(21, 5);
    rx_post(22, 6);
    nb_ring_rx_flush(&d, &v.q[0]); /* 3 data slots + the GSO slot: one buffer short */
    ck_assert_uint_eq(frx.sring->rsp_prod, 0);
    ck_assert_uint_eq(frx.sring->req_event, 4); /* told when the fourth comes */
    rx_post(23, 7);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 4);
    rsp = RING_GET_RESPONSE(&frx, 0);
    ck_assert_uint_eq(rsp->id, 20);
    ck_assert_int_eq(rsp->status, NB_PAGE);
    ck_assert_uint_eq(rsp->flags, NETRXF_extra_info | NETRXF_more_data | NETRXF_csum_blank |
                                      NETRXF_data_validated);
    memcpy(&x, RING_GET_RESPONSE(&frx, 1), sizeof(x));
    ck_assert_uint_eq(x.type, XEN_NETIF_EXTRA_TYPE_GSO);
    ck_assert_uint_eq(x.flags, 0);
    ck_assert_uint_eq(x.u.gso.size, 1448);
    ck_assert_uint_eq(x.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
    rsp = RING_GET_RESPONSE(&frx, 2);
    ck_assert_uint_eq(rsp->id, 22); /* the extra-info slot used up buffer 21 */
    ck_assert_int_eq(rsp->status, NB_PAGE);
    ck_assert_uint_eq(rsp->flags, NETRXF_more_data);
    rsp = RING_GET_RESPONSE(&frx, 3);
    ck_assert_int_eq(rsp->status, 9000 - 2 * NB_PAGE);
    ck_assert_uint_eq(rsp->flags, 0);
    ck_assert_int_eq(memcmp(guest[4], f, NB_PAGE), 0);
    ck_assert_int_eq(memcmp(guest[6], f + NB_PAGE, NB_PAGE), 0);
    ck_assert_int_eq(memcmp(guest[7], f + 2 * NB_PAGE, 9000 - 2 * NB_PAGE), 0);
    ck_assert_uint_eq(v.st.rx_packets, 1);
    ck_assert_uint_eq(v.st.rx_bytes, 9000);
    ck_assert_uint_eq(v.q[0].rxq_count, 0);
    ck_assert_uint_eq(v.q[0].rxq_bytes, 0);
}
END_TEST

/* Without the frontend's feature-sg a frame must fit one buffer; without feature-gso-tcpv4
 * it gets no GSO frame (the switch cuts those before they come here). */
START_TEST(test_rx_without_sg_or_gso)
{
    static uint8_t f[5000];

    memset(f, 0, sizeof(f));
    nb_ring_rx_push(&d, &v, f, sizeof(f), &PLAIN);
    v.rx_sg = true;
    nb_ring_rx_push(&d, &v, f, sizeof(f), &GSO1448);
    ck_assert_uint_eq(v.q[0].rxq_count, 0);
    ck_assert_uint_eq(v.st.rx_drops, 2);
    nb_ring_rx_push(&d, &v, f, sizeof(f), &PLAIN); /* with sg: two buffers, no extra-info */
    rx_post(1, 4);
    rx_post(2, 5);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 2);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 0)->flags, NETRXF_more_data);
    ck_assert_int_eq(RING_GET_RESPONSE(&frx, 1)->status, 5000 - NB_PAGE);
}
END_TEST

/* ---------------------------------------------------------------- RX checksum flags */
/* An Ethernet frame of the UDP packet of test_tx_csum_blank over IPv4 (47 bytes) or the same
 * datagram over IPv6 (67 bytes), its checksum partial as the switch hands it on (*o). */
static unsigned udp_frame(uint8_t *f, bool ipv6, struct nb_offload *o)
{
    static const uint8_t udp[13] = {0x04, 0xd2, 0x16, 0x2e, 0, 13, 0, 0, 'h', 'e', 'l', 'l', 'o'};
    unsigned l4 = ipv6 ? 54 : 34;

    memset(f, 0, 128);
    memset(f, 0xff, 6);
    memcpy(f + 6, MAC, 6);
    if (ipv6) {
        f[12] = 0x86, f[13] = 0xdd;
        f[14] = 0x60;
        f[19] = 13;   /* payload length */
        f[20] = 17;   /* next header: UDP */
        f[21] = 64;   /* hop limit */
        f[22] = 0xfe; /* fe80::1 -> fe80::2 */
        f[23] = 0x80;
        f[37] = 1;
        f[38] = 0xfe;
        f[39] = 0x80;
        f[53] = 2;
    } else {
        static const uint8_t ip[20] = {0x45, 0, 0,  33, 0, 0, 0x40, 0, 64, 17,
                                       0,    0, 10, 0,  0, 1, 10,   0, 0,  2};

        f[12] = 0x08;
        memcpy(f + 14, ip, sizeof(ip));
    }
    memcpy(f + l4, udp, sizeof(udp));
    memset(o, 0, sizeof(*o));
    ck_assert_int_eq(nb_csum_set_partial(f, l4 + 13, o), 0);
    return l4 + 13;
}

/* A partial checksum goes to a frontend that takes it as it is, flagged csum_blank and
 * data_validated (netfront then needs no checksum either); a checked one data_validated; an
 * unchecked one no flag. */
START_TEST(test_rx_csum_flags)
{
    uint8_t f[128];
    struct nb_offload o, valid = {.csum = NB_CSUM_VALID};
    unsigned len = udp_frame(f, false, &o);

    nb_ring_rx_push(&d, &v, f, len, &o);
    nb_ring_rx_push(&d, &v, f, len, &valid);
    nb_ring_rx_push(&d, &v, f, len, &PLAIN);
    for (uint16_t i = 0; i < 3; i++)
        rx_post(i, 4 + i);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 3);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 0)->flags, NETRXF_csum_blank | NETRXF_data_validated);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 1)->flags, NETRXF_data_validated);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 2)->flags, 0);
    /* passed as it is: the field still holds the pseudo-header sum (no work for the backend) */
    ck_assert_int_eq(RING_GET_RESPONSE(&frx, 0)->status, (int)len);
    ck_assert_int_eq(memcmp(guest[4], f, len), 0);
    ck_assert_uint_eq(v.st.rx_packets, 3);
}
END_TEST

/* A frontend with feature-no-csum-offload=1 cannot take a partial checksum: it gets it
 * completed (and data_validated: we computed it). IPv6 ones likewise for a frontend without
 * feature-ipv6-csum-offload, as they are to one with it. */
START_TEST(test_rx_no_csum_offload)
{
    uint8_t f4[128], f6[128], want4[128], want6[128];
    struct nb_offload o4, o6;
    unsigned len4 = udp_frame(f4, false, &o4), len6 = udp_frame(f6, true, &o6);

    memcpy(want4, f4, len4);
    memcpy(want6, f6, len6);
    ck_assert_int_eq(nb_csum_fill(want4, len4), 0);
    ck_assert_int_eq(nb_csum_fill(want6, len6), 0);
    ck_assert_uint_eq((unsigned)want4[40] << 8 | want4[41], 0x8cff); /* as test_tx_csum_blank */
    v.rx_csum = false;
    nb_ring_rx_push(&d, &v, f4, len4, &o4);
    v.rx_csum = true; /* takes IPv4 ones, not IPv6 ones */
    nb_ring_rx_push(&d, &v, f6, len6, &o6);
    v.rx_csum6 = true;
    nb_ring_rx_push(&d, &v, f6, len6, &o6);
    for (uint16_t i = 0; i < 3; i++)
        rx_post(i, 4 + i);
    nb_ring_rx_flush(&d, &v.q[0]);
    ck_assert_uint_eq(frx.sring->rsp_prod, 3);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 0)->flags, NETRXF_data_validated);
    ck_assert_int_eq(memcmp(guest[4], want4, len4), 0);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 1)->flags, NETRXF_data_validated);
    ck_assert_int_eq(memcmp(guest[5], want6, len6), 0);
    ck_assert_uint_eq(RING_GET_RESPONSE(&frx, 2)->flags, NETRXF_csum_blank | NETRXF_data_validated);
    ck_assert_int_eq(memcmp(guest[6], f6, len6), 0);
    /* the caller's frame is not changed: another port may still take it partial */
    ck_assert_uint_ne(memcmp(f4, want4, len4), 0);
}
END_TEST

/* A partial checksum whose field is not within the frame is never passed on as blank (no one
 * could complete it): dropped and counted. */
START_TEST(test_rx_csum_outside_frame)
{
    uint8_t f[128];
    struct nb_offload o;
    unsigned len = udp_frame(f, false, &o);
    struct nb_offload bad[3] = {o, o, o};

    bad[0].csum_start = (uint16_t)len;             /* starts at the end */
    bad[1].csum_offset = (uint16_t)(len - 34 - 1); /* the field's second byte past the end */
    bad[2].csum_start = 0xffff;
    for (unsigned i = 0; i < 3; i++)
        nb_ring_rx_push(&d, &v, f, len, &bad[i]);
    ck_assert_uint_eq(v.q[0].rxq_count, 0);
    ck_assert_uint_eq(v.st.rx_drops, 3);
    bad[1].csum_offset = (uint16_t)(len - 34 - 2); /* the last two bytes: within */
    nb_ring_rx_push(&d, &v, f, len, &bad[1]);
    ck_assert_uint_eq(v.q[0].rxq_count, 1);
}
END_TEST

/* A second queue: its own rings in its own pages. TX is taken from it like from the first,
 * and counted as its own (and the vif's); frames for the guest go on the queue of their flow,
 * every frame of a flow on the same one. */
START_TEST(test_multi_queue)
{
    void *tx1 = aligned_alloc(NB_PAGE, NB_PAGE), *rx1 = aligned_alloc(NB_PAGE, NB_PAGE);
    netif_tx_front_ring_t ftx1;
    netif_rx_front_ring_t frx1;
    struct nb_queue *q1 = &v.q[1];
    uint8_t f[2][80];
    unsigned qa, qb;
    int n;

    SHARED_RING_INIT((netif_tx_sring_t *)tx1);
    SHARED_RING_INIT((netif_rx_sring_t *)rx1);
    FRONT_RING_INIT(&ftx1, (netif_tx_sring_t *)tx1, NB_PAGE);
    FRONT_RING_INIT(&frx1, (netif_rx_sring_t *)rx1, NB_PAGE);
    BACK_RING_INIT(&q1->tx, (netif_tx_sring_t *)tx1, NB_PAGE);
    BACK_RING_INIT(&q1->rx, (netif_rx_sring_t *)rx1, NB_PAGE);
    q1->vif = &v;
    q1->id = 1;
    q1->local_port = 6;
    q1->local_rx_port = 7;
    q1->rxq = calloc(NB_RXQ_LEN, sizeof(*q1->rxq));
    v.nq = 2;

    /* TX on queue 1 */
    frame_in(1, 0, MAC, 60);
    *RING_GET_REQUEST(&ftx1, ftx1.req_prod_pvt++) =
        (netif_tx_request_t){.gref = 1, .offset = 0, .size = 60, .id = 3};
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ftx1, n);
    nb_ring_tx(&d, q1);
    ck_assert_uint_eq(delivered, 1);
    ck_assert_uint_eq(ftx1.sring->rsp_prod, 1);
    ck_assert_int_eq(RING_GET_RESPONSE(&ftx1, 0)->status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(q1->tx_packets, 1);
    ck_assert_uint_eq(v.q[0].tx_packets, 0);
    ck_assert_uint_eq(v.st.tx_packets, 1);

    /* two TCPv4 flows to the guest that hash to different queues */
    memset(f, 0, sizeof(f));
    memcpy(f[0], MAC, 6);
    f[0][12] = 0x08, f[0][14] = 0x45, f[0][23] = 6;
    f[0][26] = 10, f[0][29] = 1, f[0][30] = 10, f[0][33] = 2;
    memcpy(f[1], f[0], sizeof(f[0]));
    qa = nb_flow_queue(f[0], sizeof(f[0]), 2);
    for (unsigned port = 1; port < 256; port++) {
        f[1][35] = (uint8_t)port;
        if (nb_flow_queue(f[1], sizeof(f[1]), 2) != qa)
            break;
    }
    qb = nb_flow_queue(f[1], sizeof(f[1]), 2);
    ck_assert_uint_ne(qa, qb);
    nb_ring_rx_push(&d, &v, f[0], sizeof(f[0]), &PLAIN);
    f[0][60] = 0x77; /* more data of the same flow */
    nb_ring_rx_push(&d, &v, f[0], sizeof(f[0]), &PLAIN);
    nb_ring_rx_push(&d, &v, f[1], sizeof(f[1]), &PLAIN);
    ck_assert_uint_eq(v.q[qa].rxq_count, 2);
    ck_assert_uint_eq(v.q[qb].rxq_count, 1);

    /* queue 1's frames go into queue 1's posted buffers */
    RING_GET_REQUEST(&frx1, frx1.req_prod_pvt)->id = 20;
    RING_GET_REQUEST(&frx1, frx1.req_prod_pvt++)->gref = 6;
    RING_GET_REQUEST(&frx1, frx1.req_prod_pvt)->id = 21;
    RING_GET_REQUEST(&frx1, frx1.req_prod_pvt++)->gref = 7;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&frx1, n);
    (void)n;
    nb_ring_rx_flush(&d, q1);
    ck_assert_uint_eq(q1->rxq_count, 0);
    ck_assert_uint_eq(frx1.sring->rsp_prod, qb == 1 ? 1 : 2);
    ck_assert_uint_eq(q1->rx_packets, qb == 1 ? 1 : 2);
    ck_assert_uint_eq(v.q[0].rx_packets, 0);
    ck_assert_uint_eq(v.q[0].rxq_count, qa == 0 ? 2 : 1);
    ck_assert_int_eq(memcmp(guest[6], qb == 1 ? f[1] : f[0], 60), 0);
    free(tx1);
    free(rx1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netback-ring");
    TCase *tc = tcase_create("ring");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tx_good_and_chain);
    tcase_add_test(tc, test_multi_queue);
    tcase_add_test(tc, test_tx_spoof_grant_malformed);
    tcase_add_test(tc, test_tx_hostile_indices);
    tcase_add_test(tc, test_tx_endless_chain);
    tcase_add_test(tc, test_tx_incomplete_waits);
    tcase_add_test(tc, test_tx_rate_holds);
    tcase_add_test(tc, test_tx_port_full_holds);
    tcase_add_test(tc, test_tx_port_full_order);
    tcase_add_test(tc, test_tx_port_full_rate);
    tcase_add_test(tc, test_tx_port_full_teardown);
    tcase_add_test(tc, test_tx_csum_blank);
    tcase_add_test(tc, test_rx_posted_buffers);
    tcase_add_test(tc, test_rx_lent_frames);
    tcase_add_test(tc, test_rx_queue_bounds);
    tcase_add_test(tc, test_rx_rate_holds);
    tcase_add_test(tc, test_tx_gso);
    tcase_add_test(tc, test_tx_gso_single_segment);
    tcase_add_test(tc, test_rx_gso_over_buffers);
    tcase_add_test(tc, test_rx_without_sg_or_gso);
    tcase_add_test(tc, test_tx_data_validated);
    tcase_add_test(tc, test_rx_csum_flags);
    tcase_add_test(tc, test_rx_no_csum_offload);
    tcase_add_test(tc, test_rx_csum_outside_frame);
    tcase_add_test(tc, test_tx_gso_v6);
    tcase_add_test(tc, test_rx_gso_v6);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
