/*
 * The test guest's netfront: xenbus handshake, the TX and RX rings, ARP with dom0 (see
 * netfront.h).  Everything is polled: the guest yields while it waits.
 */
#include <tg/console.h>
#include <tg/events.h>
#include <tg/format.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/xenstore.h>
#include <xen/io/xenbus.h>
#include "netfront.h"
#include "xenbus_fe.h"

#define ETH_HLEN  14
#define ARP_LEN   (ETH_HLEN + 28)
#define MIN_FRAME 60
/* how often the backend's state is read while waiting for it: the attacks are on the vif,
 * not on xenstored (a read per yield would also load the xenstored every guest needs) */
#define STATE_POLL_MS 10

static long fe_write(const struct netfront *nf, const char *key, const char *val)
{
    return xbfe_write(nf->fe, key, val);
}

static long fe_write_ulong(const struct netfront *nf, const char *key, unsigned long v)
{
    return xbfe_write_ulong(nf->fe, key, v);
}

int nf_backend_state(const struct netfront *nf)
{
    return xbfe_backend_state(nf->be);
}

int nf_wait_backend(const struct netfront *nf, int lo, int hi, unsigned ms)
{
    return xbfe_wait_backend(nf->be, lo, hi, ms, STATE_POLL_MS);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "aa:bb:cc:dd:ee:ff" */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++, s += 3) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

        if (lo < 0 || (i < 5 && s[2] != ':') || (i == 5 && s[2] != '\0'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

int nf_init(struct netfront *nf, unsigned long devid)
{
    char path[64], mac[32];
    unsigned long id;

    memset(nf, 0, sizeof(*nf));
    tg_snprintf(nf->fe, sizeof(nf->fe), "device/vif/%lu", devid);
    tg_snprintf(path, sizeof(path), "%s/backend", nf->fe);
    if (xs_read(path, nf->be, sizeof(nf->be)) <= 0)
        return -1;
    tg_snprintf(path, sizeof(path), "%s/backend-id", nf->fe);
    if (!xs_read_ulong(path, &id) || id >= DOMID_FIRST_RESERVED)
        return -2;
    nf->be_id = (domid_t)id;
    tg_snprintf(path, sizeof(path), "%s/mac", nf->fe);
    if (xs_read(path, mac, sizeof(mac)) <= 0 || !parse_mac(mac, nf->mac))
        return -3;
    for (unsigned i = 0; i < NF_TX_PAGES; i++) {
        long ref;

        nf->txd[i] = alloc_page();
        ref = nf->txd[i] ? gnttab_grant_access(nf->be_id, virt_to_gfn(nf->txd[i]), true) : -1;
        if (ref < 0)
            return -4;
        nf->txd_ref[i] = (grant_ref_t)ref;
    }
    for (unsigned i = 0; i < NF_RX_BUFS; i++) {
        long ref;

        nf->rxb[i] = alloc_page();
        ref = nf->rxb[i] ? gnttab_grant_access(nf->be_id, virt_to_gfn(nf->rxb[i]), false) : -1;
        if (ref < 0)
            return -5;
        nf->rxb_ref[i] = (grant_ref_t)ref;
    }
    nf->next_id = 1;
    nf->rx_first_gref = -1;
    return 0;
}

/* A ring page granted to the backend (a fresh one if the old one is still granted). */
static void *ring_page(void *old, grant_ref_t *ref, domid_t be)
{
    void *p = old ? old : alloc_page();
    long r;

    if (!p)
        return NULL;
    memset(p, 0, PAGE_SIZE);
    r = gnttab_grant_access(be, virt_to_gfn(p), false);
    if (r < 0)
        return NULL;
    *ref = (grant_ref_t)r;
    return p;
}

static void rx_post(struct netfront *nf, uint16_t id, grant_ref_t gref)
{
    netif_rx_request_t *r = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);

    r->id = id;
    r->gref = gref;
    nf->rx.req_prod_pvt++;
}

int nf_connect(struct netfront *nf, const struct nf_publish *pub, unsigned ms)
{
    static const struct nf_publish plain;
    int s, notify;

    if (!pub)
        pub = &plain;
    s = nf_wait_backend(nf, XenbusStateInitWait, XenbusStateInitWait, ms);
    if (s != XenbusStateInitWait)
        return s;
    nf->tx_sring = ring_page(nf->tx_sring, &nf->tx_ref, nf->be_id);
    nf->rx_sring = ring_page(nf->rx_sring, &nf->rx_ref, nf->be_id);
    if (!nf->tx_sring || !nf->rx_sring || evtchn_alloc_unbound(nf->be_id, &nf->port))
        return -1;
    SHARED_RING_INIT(nf->tx_sring);
    FRONT_RING_INIT(&nf->tx, nf->tx_sring, PAGE_SIZE);
    SHARED_RING_INIT(nf->rx_sring);
    FRONT_RING_INIT(&nf->rx, nf->rx_sring, PAGE_SIZE);
    nf->rx_first_answered = false;
    if (nf->rx_first_gref >= 0) /* an attack's bad buffer, before the good ones */
        rx_post(nf, NF_RX_BUFS, (grant_ref_t)nf->rx_first_gref);
    for (unsigned i = 0; i < NF_RX_BUFS; i++) {
        rx_post(nf, (uint16_t)i, nf->rxb_ref[i]);
        nf->rx_status[i] = 0;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    (void)notify; /* nothing is bound yet: the backend reads the ring when it connects */
    if (pub->tx_ring_ref)
        fe_write(nf, "tx-ring-ref", pub->tx_ring_ref);
    else
        fe_write_ulong(nf, "tx-ring-ref", nf->tx_ref);
    fe_write_ulong(nf, "rx-ring-ref", nf->rx_ref);
    if (pub->event_channel)
        fe_write(nf, "event-channel", pub->event_channel);
    else
        fe_write_ulong(nf, "event-channel", nf->port);
    fe_write(nf, "request-rx-copy", "1");
    fe_write(nf, "feature-rx-notify", "1");
    nf->extra_key = pub->key;
    if (pub->key)
        fe_write(nf, pub->key, pub->val);
    fe_write_ulong(nf, "state", XenbusStateConnected);
    s = nf_wait_backend(nf, XenbusStateConnected, XenbusStateClosed, ms);
    nf->connected = s == XenbusStateConnected;
    return s;
}

bool nf_close(struct netfront *nf, unsigned ms)
{
    int s;

    fe_write_ulong(nf, "state", XenbusStateClosed);
    s = nf_wait_backend(nf, XenbusStateClosed, XenbusStateClosed, ms);
    nf->connected = false;
    if (nf->port)
        evtchn_close(nf->port);
    nf->port = 0;
    /* a ring the backend still maps stays granted (and its page is not reused) */
    if (nf->tx_ref && !gnttab_end_access(nf->tx_ref))
        nf->tx_sring = NULL;
    if (nf->rx_ref && !gnttab_end_access(nf->rx_ref))
        nf->rx_sring = NULL;
    nf->tx_ref = nf->rx_ref = 0;
    if (nf->extra_key) {
        char path[96];

        tg_snprintf(path, sizeof(path), "%s/%s", nf->fe, nf->extra_key);
        xs_rm(path);
        nf->extra_key = NULL;
    }
    /* start over: the backend answers Initialising with InitWait */
    fe_write_ulong(nf, "state", XenbusStateInitialising);
    return s == XenbusStateClosed;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One received frame: counts dom0's ARP replies (by their target address). */
static void rx_frame(struct netfront *nf, const uint8_t *f, unsigned len)
{
    nf->rx_frames++;
    if (len < ARP_LEN || f[12] != 0x08 || f[13] != 0x06 || f[ETH_HLEN + 6] != 0 ||
        f[ETH_HLEN + 7] != 2 || be32(f + ETH_HLEN + 14) != NF_DOM0_IP)
        return;
    nf->arp_replies[f[ETH_HLEN + 27]]++;
    memcpy(nf->dom0_mac, f + ETH_HLEN + 8, 6);
    nf->dom0_mac_known = true;
}

void nf_rx_poll(struct netfront *nf)
{
    RING_IDX rp;
    bool posted = false;
    int notify;

    if (!nf->rx_sring)
        return;
    rp = nf->rx_sring->rsp_prod;
    rmb(); /* responses after the index */
    while (nf->rx.rsp_cons != rp) {
        netif_rx_response_t r = *RING_GET_RESPONSE(&nf->rx, nf->rx.rsp_cons);

        nf->rx.rsp_cons++;
        if (r.status < 0)
            nf->rx_errors++;
        if (r.id > NF_RX_BUFS)
            continue;             /* not ours: a backend bug, never reposted */
        if (r.id == NF_RX_BUFS) { /* the attack's buffer: answered, not reposted */
            nf->rx_first_status = r.status;
            nf->rx_first_answered = true;
            continue;
        }
        nf->rx_status[r.id] = r.status;
        if (r.status > 0 && r.offset + (unsigned)r.status <= PAGE_SIZE)
            rx_frame(nf, nf->rxb[r.id] + r.offset, (unsigned)r.status);
        rx_post(nf, r.id, nf->rxb_ref[r.id]);
        posted = true;
    }
    nf->rx_sring->rsp_event = nf->rx.rsp_cons + 1;
    if (posted) {
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
        if (notify)
            evtchn_send(nf->port);
    }
}

int nf_poll(struct netfront *nf, int id, unsigned ms)
{
    uint64_t deadline = now_ms() + ms;

    for (;;) {
        RING_IDX rp;

        nf_rx_poll(nf);
        if (!nf->tx_sring)
            return NF_TIMEOUT;
        rp = nf->tx_sring->rsp_prod;
        rmb();
        while (nf->tx.rsp_cons != rp) {
            netif_tx_response_t *r = RING_GET_RESPONSE(&nf->tx, nf->tx.rsp_cons);
            int rid = r->id, st = r->status;

            nf->tx.rsp_cons++;
            if (id >= 0 && rid == id)
                return st;
        }
        nf->tx_sring->rsp_event = nf->tx.rsp_cons + 1;
        mb();
        if (now_ms() >= deadline)
            return NF_TIMEOUT;
        xen_yield();
    }
}

void nf_tx_push(struct netfront *nf, const netif_tx_request_t *req, unsigned n)
{
    int notify;

    for (unsigned i = 0; i < n; i++) {
        *RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt) = req[i];
        nf->tx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    evtchn_send(nf->port); /* always: also when the backend did not ask */
    (void)notify;
}

unsigned nf_arp_frame(struct netfront *nf, unsigned page, const uint8_t src[6], uint32_t sip,
                      uint32_t tip)
{
    uint8_t *f = nf->txd[page], *a = f + ETH_HLEN;

    memset(f, 0, MIN_FRAME);
    memset(f, 0xff, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    a[1] = 1;    /* Ethernet */
    a[2] = 0x08; /* IPv4 */
    a[4] = 6;
    a[5] = 4;
    a[7] = 1; /* request */
    memcpy(a + 8, src, 6);
    put32(a + 14, sip);
    put32(a + 24, tip);
    wmb();
    return MIN_FRAME;
}

netif_tx_request_t nf_tx_req(struct netfront *nf, unsigned page, unsigned len)
{
    netif_tx_request_t r = {
        .gref = nf->txd_ref[page % NF_TX_PAGES],
        .offset = 0,
        .flags = 0,
        .id = nf->next_id++,
        .size = (uint16_t)len,
    };
    return r;
}

bool nf_arp_ping(struct netfront *nf, uint32_t sip, unsigned ms)
{
    unsigned long before = nf->arp_replies[sip & 0xff];
    uint64_t deadline = now_ms() + ms;
    netif_tx_request_t r = nf_tx_req(nf, 0, nf_arp_frame(nf, 0, nf->mac, sip, NF_DOM0_IP));

    nf_tx_push(nf, &r, 1);
    if (nf_poll(nf, r.id, ms) != NETIF_RSP_OKAY)
        return false;
    while (nf->arp_replies[sip & 0xff] == before && now_ms() < deadline)
        nf_poll(nf, -1, 10);
    return nf->arp_replies[sip & 0xff] != before;
}
