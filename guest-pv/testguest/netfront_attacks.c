/*
 * tern.net=hostile: TX packets, RX buffers, ring indices and connections a backend must
 * refuse (issue 10).  One table entry per attack; each says what a correct backend does:
 *   error       the packet's (or RX buffer's) response is NETIF_RSP_ERROR
 *   dropped     the frame never reaches dom0 (dom0 does not answer it; a good frame sent
 *               after it is answered, so the check can fail)
 *   disconnect  the backend leaves Connected (Closing or Closed)
 *   refuse      a connection the frontend set up wrongly never reaches Connected
 *   okay        controls (an ARP request to dom0 is answered; the flood is answered right)
 * For error and dropped, a backend that disconnects instead is accepted too.  After each
 * attack that cost the device it is brought back (closed, connected again).
 */
#include <tg/console.h>
#include <tg/events.h>
#include <tg/format.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <xen/io/xenbus.h>
#include "netfront.h"

#define WAIT_MS      20000
#define FLOOD_ROUNDS 32
#define NOTIFY_STORM 20000
#define NEVER_REF    500         /* inside our one grant frame, never granted */
#define SPOOF_IP     0x0a000062u /* 10.0.0.98: the address spoofed frames ask for */

enum want { W_OKAY, W_ERROR, W_DROPPED, W_DISCONNECT, W_REFUSE };
static const char *const want_name[] = {"okay", "error", "dropped", "disconnect", "refuse"};

/* What an attack observed: a response status, the backend's state, or (dropped) whether
 * dom0 answered the frame. */
enum okind { O_STATUS, O_STATE, O_DELIVERED };
static const char *const okind_name[] = {"status", "state", "delivered"};

struct outcome {
    enum okind kind;
    int v;
};

struct attack {
    const char *name;
    enum want want;
    struct outcome (*run)(struct netfront *nf, const void *arg);
    const void *arg;
};

static struct outcome status(int st)
{
    return (struct outcome){O_STATUS, st};
}

static struct outcome state(int s)
{
    return (struct outcome){O_STATE, s};
}

/* Waits for the response to `id`, or for the backend to leave Connected. */
static struct outcome wait_tx(struct netfront *nf, int id)
{
    uint64_t deadline = now_ms() + WAIT_MS;

    for (;;) {
        int st = nf_poll(nf, id, 200), s;

        if (st != NF_TIMEOUT)
            return status(st);
        s = nf_backend_state(nf);
        if (s != XenbusStateConnected || now_ms() > deadline)
            return state(s);
    }
}

/* ---------------------------------------------------------------- controls */

static struct outcome run_arp(struct netfront *nf, const void *arg)
{
    if (nf_arp_ping(nf, NF_SELF_IP, WAIT_MS))
        return status(NETIF_RSP_OKAY);
    return nf_backend_state(nf) == XenbusStateConnected ? status(NF_TIMEOUT)
                                                        : state(nf_backend_state(nf));
}

/* ---------------------------------------------------------------- malformed TX packets */

enum tx_kind {
    T_ZERO,           /* size 0 */
    T_SHORT,          /* 10 bytes: less than an Ethernet header */
    T_SIZE_OVER_SLOT, /* one slot of 6000 bytes */
    T_OFFSET_CROSSES, /* offset 4000, size 200 */
    T_FRAG_CROSSES,   /* a follow-on slot at offset 4000, size 200 */
    T_FRAGS_LARGER,   /* follow-on slots carry more than the packet's size */
    T_OVER_64K,       /* 65535 in the first slot plus 17 pages after it */
    T_19_SLOTS,       /* a chain of 19 slots that ends (more than XEN_NETIF_NR_SLOTS_MIN) */
    T_ENDLESS,        /* 40 slots of NETTXF_more_data, no end */
    T_RING_OF_MORE,   /* the whole ring NETTXF_more_data */
    T_EXTRA_UNKNOWN,  /* an extra-info slot of type 0x7f */
    T_EXTRA_GSO,      /* a GSO extra-info slot (no GSO is offered) */
    T_EXTRA_ENDLESS,  /* extra-info slots that all say XEN_NETIF_EXTRA_FLAG_MORE */
    T_GREF_NEVER,     /* a grant reference never granted */
    T_GREF_OUTSIDE,   /* beyond the grant table */
    T_GREF_ALL_ONES,
    T_GREF_FRAG_NEVER, /* the second slot's reference never granted */
    T_GREF_OTHER_DOM,  /* a page granted to another domain */
    T_GREF_REVOKED,    /* a page granted, then revoked */
};

/* Up to a full ring of requests for one attack. */
static netif_tx_request_t reqs[256]; /* a single-page TX ring holds 256 */

/* A page granted in a way the backend may not use (kept if the backend still holds it). */
static long odd_grant(struct netfront *nf, domid_t to, bool readonly, bool revoke)
{
    static uint8_t *page;
    long ref;

    if (!page)
        page = alloc_page();
    if (!page)
        return -1;
    nf_arp_frame(nf, 0, nf->mac, NF_SELF_IP, NF_DOM0_IP);
    memcpy(page, nf->txd[0], 64);
    ref = gnttab_grant_access(to, virt_to_gfn(page), readonly);
    /* revoked in the table but kept reserved, so that no later grant (a ring) reuses the
     * number; end_odd_grant releases it */
    if (ref >= 0 && revoke)
        __atomic_store_n(&gnttab_table[ref].flags, 0, __ATOMIC_SEQ_CST);
    return ref;
}

static void end_odd_grant(long ref)
{
    if (ref >= 0)
        gnttab_end_access((grant_ref_t)ref);
}

/* n slots of `each` bytes, all NETTXF_more_data but the last (unless endless). */
static unsigned chain(struct netfront *nf, unsigned n, unsigned each, bool endless)
{
    for (unsigned i = 0; i < n; i++) {
        reqs[i] = nf_tx_req(nf, i, each);
        reqs[i].flags = (i + 1 < n || endless) ? NETTXF_more_data : 0;
    }
    reqs[0].size = (uint16_t)(n * each);
    return n;
}

static unsigned extra(struct netfront *nf, uint8_t type, uint8_t flags, unsigned nextra)
{
    reqs[0] = nf_tx_req(nf, 0, 60);
    reqs[0].flags = NETTXF_extra_info;
    for (unsigned i = 1; i <= nextra; i++) {
        struct netif_extra_info *x = (void *)&reqs[i];

        memset(x, 0, sizeof(*x));
        x->type = type;
        x->flags = flags;
        if (type == XEN_NETIF_EXTRA_TYPE_GSO) {
            x->u.gso.size = 1400;
            x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
        }
    }
    return 1 + nextra;
}

static struct outcome run_tx(struct netfront *nf, const void *arg)
{
    enum tx_kind k = *(const enum tx_kind *)arg;
    unsigned n = 1;
    long odd = -1;
    struct outcome o;

    nf_arp_frame(nf, 0, nf->mac, NF_SELF_IP, NF_DOM0_IP);
    reqs[0] = nf_tx_req(nf, 0, 60);
    switch (k) {
    case T_ZERO:
        reqs[0].size = 0;
        break;
    case T_SHORT:
        reqs[0].size = 10;
        break;
    case T_SIZE_OVER_SLOT:
        reqs[0].size = 6000;
        break;
    case T_OFFSET_CROSSES:
        reqs[0].offset = 4000;
        reqs[0].size = 200;
        break;
    case T_FRAG_CROSSES:
        n = chain(nf, 2, 200, false);
        reqs[1].offset = 4000;
        break;
    case T_FRAGS_LARGER:
        n = chain(nf, 2, 4096, false);
        reqs[0].size = 100;
        break;
    case T_OVER_64K:
        n = chain(nf, 18, 4096, false);
        reqs[0].size = 65535; /* plus 17 x 4096 after it: 135167 bytes in all */
        break;
    case T_19_SLOTS:
        n = chain(nf, 19, 100, false);
        break;
    case T_ENDLESS:
        n = chain(nf, 40, 100, true);
        break;
    case T_RING_OF_MORE:
        n = chain(nf, RING_SIZE(&nf->tx), 16, true);
        break;
    case T_EXTRA_UNKNOWN:
        n = extra(nf, 0x7f, 0, 1);
        break;
    case T_EXTRA_GSO:
        n = extra(nf, XEN_NETIF_EXTRA_TYPE_GSO, 0, 1);
        break;
    case T_EXTRA_ENDLESS:
        n = extra(nf, XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 40);
        break;
    case T_GREF_NEVER:
        reqs[0].gref = NEVER_REF;
        break;
    case T_GREF_OUTSIDE:
        reqs[0].gref = 0x7ffffff0;
        break;
    case T_GREF_ALL_ONES:
        reqs[0].gref = 0xffffffffu;
        break;
    case T_GREF_FRAG_NEVER:
        n = chain(nf, 2, 100, false);
        reqs[1].gref = NEVER_REF;
        break;
    case T_GREF_OTHER_DOM:
        odd = odd_grant(nf, DOMID_FIRST_RESERVED - 1, true, false);
        reqs[0].gref = (grant_ref_t)odd;
        break;
    case T_GREF_REVOKED:
        odd = odd_grant(nf, nf->be_id, true, true);
        reqs[0].gref = (grant_ref_t)odd;
        break;
    }
    nf_tx_push(nf, reqs, n);
    o = wait_tx(nf, reqs[0].id);
    end_odd_grant(odd);
    return o;
}

/* ---------------------------------------------------------------- spoofed source MAC */

/* An ARP request for SPOOF_IP from another MAC; then a good one from ours as a marker.
 * Delivered (1) if dom0 answered the spoofed one, 0 if it answered only the marker. */
static struct outcome run_spoof(struct netfront *nf, const void *arg)
{
    const uint8_t *src = arg;
    unsigned long before = nf->arp_replies[SPOOF_IP & 0xff];
    netif_tx_request_t r = nf_tx_req(nf, 1, nf_arp_frame(nf, 1, src, SPOOF_IP, NF_DOM0_IP));
    struct outcome o;

    nf_tx_push(nf, &r, 1);
    o = wait_tx(nf, r.id);
    if (o.kind == O_STATE)
        return o;
    if (!nf_arp_ping(nf, NF_SELF_IP, WAIT_MS))
        return state(nf_backend_state(nf));
    nf_poll(nf, -1, 0);
    return (struct outcome){O_DELIVERED, nf->arp_replies[SPOOF_IP & 0xff] != before};
}

/* ---------------------------------------------------------------- bad RX buffers */

enum rx_kind { X_NEVER, X_READONLY, X_OTHER_DOM, X_REVOKED };

/* The device reconnected with a bad buffer posted first; a frame for us (dom0's ARP reply,
 * or anything broadcast) lands in it.  got = that buffer's response status. */
static struct outcome run_rx(struct netfront *nf, const void *arg)
{
    enum rx_kind k = *(const enum rx_kind *)arg;
    uint64_t deadline;
    long ref = NEVER_REF;
    int s;

    nf_close(nf, WAIT_MS);
    if (k == X_READONLY)
        ref = odd_grant(nf, nf->be_id, true, false);
    else if (k == X_OTHER_DOM)
        ref = odd_grant(nf, DOMID_FIRST_RESERVED - 1, false, false);
    else if (k == X_REVOKED)
        ref = odd_grant(nf, nf->be_id, false, true);
    nf->rx_first_gref = ref;
    s = nf_connect(nf, NULL, WAIT_MS);
    nf->rx_first_gref = -1;
    if (s != XenbusStateConnected)
        return state(s);
    deadline = now_ms() + WAIT_MS;
    while (!nf->rx_first_answered && now_ms() < deadline &&
           nf_backend_state(nf) == XenbusStateConnected)
        nf_arp_ping(nf, NF_SELF_IP, 1000);
    if (k != X_NEVER)
        end_odd_grant(ref);
    if (!nf->rx_first_answered)
        return state(nf_backend_state(nf));
    return status(nf->rx_first_status);
}

/* ---------------------------------------------------------------- the rings themselves */

/* The TX ring kept full for FLOOD_ROUNDS rounds (frames to dom0's MAC that dom0 ignores, and
 * zero-size packets, in turn) and a storm of notifications: every answer must be right.
 * got = wrong answers, or the control's result after the storm. */
static struct outcome run_flood(struct netfront *nf, const void *arg)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    unsigned size = RING_SIZE(&nf->tx), wrong = 0;
    uint8_t *f = nf->txd[2];

    /* an ethertype of local experiments, which dom0's stack drops */
    memset(f, 0, 64);
    memcpy(f, nf->dom0_mac_known ? nf->dom0_mac : bcast, 6);
    memcpy(f + 6, nf->mac, 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    wmb();
    for (unsigned round = 0; round < FLOOD_ROUNDS; round++) {
        uint16_t base = nf->next_id;

        for (unsigned i = 0; i < size; i++) {
            reqs[i] = nf_tx_req(nf, 2, i % 2 ? 0 : 60);
        }
        nf_tx_push(nf, reqs, size);
        for (unsigned got = 0; got < size;) {
            uint64_t deadline = now_ms() + WAIT_MS;
            netif_tx_response_t *rsp;
            uint16_t k;

            while (nf->tx.rsp_cons == nf->tx_sring->rsp_prod && now_ms() <= deadline) {
                nf_rx_poll(nf);
                xen_yield();
            }
            if (nf->tx.rsp_cons == nf->tx_sring->rsp_prod)
                return state(nf_backend_state(nf));
            rmb();
            rsp = RING_GET_RESPONSE(&nf->tx, nf->tx.rsp_cons);
            k = (uint16_t)(rsp->id - base);
            wrong += !(k < size &&
                       (k % 2 ? rsp->status == NETIF_RSP_ERROR : rsp->status == NETIF_RSP_OKAY));
            nf->tx.rsp_cons++;
            got++;
        }
    }
    for (unsigned i = 0; i < NOTIFY_STORM; i++)
        evtchn_send(nf->port);
    if (wrong)
        return status(-1000 - (int)wrong);
    return run_arp(nf, NULL); /* still served after the storm */
}

enum ring_kind { R_TX_OVERRUN, R_TX_FAR, R_TX_BEHIND, R_RX_OVERRUN, R_RX_FAR, R_RX_BEHIND };

/* req_prod set to what no frontend may write (for RX, a frame for us makes the backend look
 * at it); got = the backend's state afterwards. */
static struct outcome run_ring(struct netfront *nf, const void *arg)
{
    enum ring_kind k = *(const enum ring_kind *)arg;
    bool rx = k >= R_RX_OVERRUN;
    RING_IDX p, rsp, posted;
    RING_IDX size = rx ? RING_SIZE(&nf->rx) : RING_SIZE(&nf->tx);
    uint64_t deadline = now_ms() + WAIT_MS;
    int s;

    nf_poll(nf, -1, 100); /* everything answered so far consumed */
    rsp = rx ? nf->rx_sring->rsp_prod : nf->tx_sring->rsp_prod;
    posted = rx ? nf->rx.req_prod_pvt : nf->tx.req_prod_pvt;
    switch (k) {
    case R_TX_OVERRUN:
    case R_RX_OVERRUN:
        /* One past a full ring counted from what we posted, not from rsp_prod: a broadcast
         * answered into a posted RX buffer after rsp_prod was read (dom0's or the other
         * guest's ARP) moves rsp_prod on, and rsp + size + 1 became a full ring the
         * backend rightly served (a CI run, 7 Dec).  The backend answers no more than was
         * posted, so this is more than size ahead of any rsp_prod it can have written. */
        p = posted + size + 1;
        break;
    case R_TX_FAR:
    case R_RX_FAR:
        p = rsp + 0x80000000u;
        break;
    default:
        p = rsp - 1;
        break;
    }
    wmb();
    if (rx)
        nf->rx_sring->req_prod = p;
    else
        nf->tx_sring->req_prod = p;
    mb();
    evtchn_send(nf->port);
    for (;;) {
        s = nf_wait_backend(nf, XenbusStateClosing, XenbusStateClosed, 1000);
        if (s == XenbusStateClosing || s == XenbusStateClosed || now_ms() > deadline)
            return state(s);
        if (rx) { /* a frame for us: dom0's answer (pushed on TX by hand: RX is broken) */
            netif_tx_request_t r =
                nf_tx_req(nf, 0, nf_arp_frame(nf, 0, nf->mac, NF_SELF_IP, NF_DOM0_IP));

            nf_tx_push(nf, &r, 1);
        }
    }
}

/* Reconnects with one node the way no frontend may write it; got = backend's state. */
static struct outcome run_connect(struct netfront *nf, const void *arg)
{
    nf_close(nf, WAIT_MS);
    return state(nf_connect(nf, arg, WAIT_MS));
}

/* ---------------------------------------------------------------- the table */

static const enum tx_kind t_zero = T_ZERO, t_short = T_SHORT, t_over_slot = T_SIZE_OVER_SLOT,
                          t_off = T_OFFSET_CROSSES, t_frag_off = T_FRAG_CROSSES,
                          t_frags = T_FRAGS_LARGER, t_64k = T_OVER_64K, t_19 = T_19_SLOTS,
                          t_endless = T_ENDLESS, t_ring = T_RING_OF_MORE,
                          t_x_unknown = T_EXTRA_UNKNOWN, t_x_gso = T_EXTRA_GSO,
                          t_x_endless = T_EXTRA_ENDLESS, t_never = T_GREF_NEVER,
                          t_outside = T_GREF_OUTSIDE, t_ones = T_GREF_ALL_ONES,
                          t_frag_never = T_GREF_FRAG_NEVER, t_other = T_GREF_OTHER_DOM,
                          t_revoked = T_GREF_REVOKED;
static const uint8_t s_other[6] = {0x00, 0x16, 0x3e, 0x66, 0x66, 0x66},
                     s_local[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const enum rx_kind x_never = X_NEVER, x_ro = X_READONLY, x_other = X_OTHER_DOM,
                          x_revoked = X_REVOKED;
static const enum ring_kind k_tx_over = R_TX_OVERRUN, k_tx_far = R_TX_FAR,
                            k_tx_behind = R_TX_BEHIND, k_rx_over = R_RX_OVERRUN,
                            k_rx_far = R_RX_FAR, k_rx_behind = R_RX_BEHIND;
static const struct nf_publish c_ref = {"500", NULL, NULL, NULL},
                               c_rx_ref = {NULL, NULL, "rx-ring-ref", "4294967295"},
                               c_port = {NULL, "4000", NULL, NULL},
                               c_nocopy = {NULL, NULL, "request-rx-copy", "0"},
                               /* 2 queues asked for, but the nodes at the top level: no
                                * queue-0/ or queue-1/ directory */
    c_queues = {NULL, NULL, "multi-queue-num-queues", "2"},
                               c_queues0 = {NULL, NULL, "multi-queue-num-queues", "0"},
                               c_queues1000 = {NULL, NULL, "multi-queue-num-queues", "1000"},
                               /* event-channel and half of the split pair at once */
    c_split_half = {NULL, NULL, "event-channel-tx", "5"};

static const struct attack attacks[] = {
    {"control-arp", W_OKAY, run_arp, NULL},
    {"tx-size-0", W_ERROR, run_tx, &t_zero},
    {"tx-shorter-than-ethernet", W_ERROR, run_tx, &t_short},
    {"tx-size-over-its-slot", W_ERROR, run_tx, &t_over_slot},
    {"tx-offset-crosses-page", W_ERROR, run_tx, &t_off},
    {"tx-frag-crosses-page", W_ERROR, run_tx, &t_frag_off},
    {"tx-frags-larger-than-packet", W_ERROR, run_tx, &t_frags},
    {"tx-over-64k", W_ERROR, run_tx, &t_64k},
    {"tx-19-slots", W_ERROR, run_tx, &t_19},
    {"tx-extra-info-unknown-type", W_ERROR, run_tx, &t_x_unknown},
    {"tx-extra-info-gso-not-offered", W_ERROR, run_tx, &t_x_gso},
    {"tx-extra-info-endless", W_ERROR, run_tx, &t_x_endless},
    {"tx-gref-never-granted", W_ERROR, run_tx, &t_never},
    {"tx-gref-outside-table", W_ERROR, run_tx, &t_outside},
    {"tx-gref-all-ones", W_ERROR, run_tx, &t_ones},
    {"tx-gref-frag-never-granted", W_ERROR, run_tx, &t_frag_never},
    {"tx-gref-other-domain", W_ERROR, run_tx, &t_other},
    {"tx-gref-revoked", W_ERROR, run_tx, &t_revoked},
    {"spoof-src-mac", W_DROPPED, run_spoof, s_other},
    {"spoof-src-mac-local", W_DROPPED, run_spoof, s_local},
    {"control-arp-2", W_OKAY, run_arp, NULL},
    {"flood", W_OKAY, run_flood, NULL},
    {"rx-gref-never-granted", W_ERROR, run_rx, &x_never},
    {"rx-gref-readonly", W_ERROR, run_rx, &x_ro},
    {"rx-gref-other-domain", W_ERROR, run_rx, &x_other},
    {"rx-gref-revoked", W_ERROR, run_rx, &x_revoked},
    {"tx-chain-endless", W_ERROR, run_tx, &t_endless},
    {"tx-chain-fills-ring", W_ERROR, run_tx, &t_ring},
    {"tx-req-prod-overrun", W_DISCONNECT, run_ring, &k_tx_over},
    {"tx-req-prod-far-ahead", W_DISCONNECT, run_ring, &k_tx_far},
    {"tx-req-prod-behind", W_DISCONNECT, run_ring, &k_tx_behind},
    {"rx-req-prod-overrun", W_DISCONNECT, run_ring, &k_rx_over},
    {"rx-req-prod-far-ahead", W_DISCONNECT, run_ring, &k_rx_far},
    {"rx-req-prod-behind", W_DISCONNECT, run_ring, &k_rx_behind},
    {"connect-tx-ring-ref-never-granted", W_REFUSE, run_connect, &c_ref},
    {"connect-rx-ring-ref-all-ones", W_REFUSE, run_connect, &c_rx_ref},
    {"connect-unbound-event-channel", W_REFUSE, run_connect, &c_port},
    {"connect-no-rx-copy", W_REFUSE, run_connect, &c_nocopy},
    {"connect-2-queues-nodes-missing", W_REFUSE, run_connect, &c_queues},
    {"connect-0-queues", W_REFUSE, run_connect, &c_queues0},
    {"connect-1000-queues", W_REFUSE, run_connect, &c_queues1000},
    {"connect-event-channel-and-tx", W_REFUSE, run_connect, &c_split_half},
    {"control-after-all", W_OKAY, run_arp, NULL},
};

static bool judge(enum want w, struct outcome o)
{
    bool gone = o.kind == O_STATE && (o.v == XenbusStateClosing || o.v == XenbusStateClosed);

    switch (w) {
    case W_OKAY:
        return o.kind == O_STATUS && o.v == NETIF_RSP_OKAY;
    case W_ERROR:
        return gone || (o.kind == O_STATUS && o.v == NETIF_RSP_ERROR);
    case W_DROPPED:
        return gone || (o.kind == O_DELIVERED && o.v == 0);
    case W_DISCONNECT:
        return gone;
    case W_REFUSE:
        return o.kind == O_STATE && o.v != XenbusStateConnected;
    }
    return false;
}

unsigned netfront_attacks(struct netfront *nf, unsigned *count)
{
    unsigned bad = 0;
    uint64_t start;

    *count = 0;
    for (unsigned i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        const struct attack *a = &attacks[i];
        struct outcome o;
        bool ok;

        if (!nf->connected) { /* the previous attack cost the device: bring it back */
            nf_close(nf, WAIT_MS);
            nf_connect(nf, NULL, WAIT_MS);
        }
        start = now_ms();
        o = a->run(nf, a->arg);
        ok = judge(a->want, o);
        if (o.kind == O_STATE || a->want == W_DISCONNECT || a->want == W_REFUSE || a->run == run_rx)
            nf->connected = false; /* reconnect before the next one */
        printk("TERN-NET attack=%s want=%s got=%s%d verdict=%s ms=%lu at=%lu\n", a->name,
               a->want <= W_REFUSE ? want_name[a->want] : "?", okind_name[o.kind], o.v,
               ok ? "ok" : "BAD", (unsigned long)(now_ms() - start), (unsigned long)start);
        bad += !ok;
        (*count)++;
    }
    return bad;
}

void netfront_run(const char *mode, unsigned long devid)
{
    static struct netfront nf;
    int rc = nf_init(&nf, devid), s;
    unsigned n, bad;

    if (rc) {
        printk("TERN-NET-ERROR no usable device/vif/%lu (%d)\n", devid, rc);
        return;
    }
    if (strcmp(mode, "hostile")) {
        printk("TERN-NET-ERROR unknown mode tern.net=%s (hostile)\n", mode);
        return;
    }
    s = nf_connect(&nf, NULL, 60000);
    if (s != XenbusStateConnected) {
        printk("TERN-NET-ERROR the backend %s did not connect (state %d)\n", nf.be, s);
        return;
    }
    printk("TERN-NET connected mac=%02x:%02x:%02x:%02x:%02x:%02x tx=%u rx=%u backend=%s\n",
           nf.mac[0], nf.mac[1], nf.mac[2], nf.mac[3], nf.mac[4], nf.mac[5],
           (unsigned)RING_SIZE(&nf.tx), (unsigned)RING_SIZE(&nf.rx), nf.be);
    bad = netfront_attacks(&nf, &n);
    printk("TERN-NET-HOSTILE-DONE attacks=%u bad=%u rx_frames=%lu rx_errors=%lu\n", n, bad,
           nf.rx_frames, nf.rx_errors);
    nf_close(&nf, WAIT_MS);
}
