/*
 * The test guest's small netfront (xen/io/netif.h over the xenbus handshake of
 * xen/io/xenbus.h), for tern-netback's hostile-frontend tests (issue 10).  One vif, one queue,
 * one event channel, single-page TX and RX rings; every request is built by hand so that it
 * can also be wrong on purpose.  Everything is polled (the guest yields while it waits).
 *
 * Selected with tern.net=hostile on the guest's command line (instead of the cases);
 * tern.netdev=N names the vif (default 0).  The guest speaks ARP with dom0's address on the
 * switch (NF_DOM0_IP, dom0's TAP port) as itself (NF_SELF_IP): an ARP request answered by
 * dom0 proves the whole path (TX ring, switch, TAP, dom0, TAP, switch, RX ring).
 * Output lines (docs/netback.md):
 *   TERN-NET connected mac=M tx=T rx=R backend=B
 *   TERN-NET attack=NAME want=WANT got=GOT verdict=ok|BAD
 *   TERN-NET-HOSTILE-DONE attacks=N bad=B
 */
#ifndef TG_NETFRONT_H
#define TG_NETFRONT_H

#include <tg/arch.h>
#include <tg/types.h>
#include <tg/xen.h>
#include <tg/lib.h>
/* ring.h needs the barriers (here, from tg/arch.h) and memset/memcpy (tg/lib.h) */
#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#include <xen/io/netif.h>

#define NF_TX_PAGES 24 /* data pages for TX (a chain of up to 24 slots) */
#define NF_RX_BUFS  64 /* RX buffers kept posted, one page each, id = index */
/* nf_tx_wait's answer when no response came (not a NETIF_RSP_* value) */
#define NF_TIMEOUT (-100)
#define NF_DOM0_IP 0x0a000001u /* 10.0.0.1: dom0's address on the switch (the test sets it) */
#define NF_SELF_IP 0x0a000063u /* 10.0.0.99: this guest */

struct netfront {
    char fe[40]; /* device/vif/N */
    char be[96]; /* the backend's directory */
    domid_t be_id;
    uint8_t mac[6];
    netif_tx_sring_t *tx_sring;
    netif_rx_sring_t *rx_sring;
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    grant_ref_t tx_ref, rx_ref;
    evtchn_port_t port;
    bool connected;
    const char *extra_key; /* nf_publish.key of the last connect, removed by nf_close */
    uint16_t next_id;
    /* data pages, granted to the backend for the whole life of the guest */
    uint8_t *txd[NF_TX_PAGES];
    grant_ref_t txd_ref[NF_TX_PAGES];
    uint8_t *rxb[NF_RX_BUFS];
    grant_ref_t rxb_ref[NF_RX_BUFS];
    /* what came in on the RX ring */
    unsigned long rx_frames, rx_errors;
    int16_t rx_status[NF_RX_BUFS];  /* the last response for each buffer id */
    unsigned long arp_replies[256]; /* ARP replies from dom0, by the last byte of their tpa */
    uint8_t dom0_mac[6];            /* the source of dom0's ARP replies (its TAP) */
    bool dom0_mac_known;
    /* an attack's RX buffer, posted first by nf_connect with id NF_RX_BUFS (-1: none) */
    long rx_first_gref;
    int16_t rx_first_status;
    bool rx_first_answered;
};

/* What the frontend publishes before it says Connected; NULL fields are written as a
 * well-behaved frontend would. */
struct nf_publish {
    const char *tx_ring_ref;
    const char *event_channel;
    const char *key, *val; /* one more node, written last (e.g. request-rx-copy=0) */
};

/* Sets the vif up (directory, backend, MAC, data pages); 0 or a negative value. */
int nf_init(struct netfront *nf, unsigned long devid);
/* The handshake up to Connected, with every RX buffer posted; returns the backend's state at
 * the end (XenbusStateConnected when it worked). */
int nf_connect(struct netfront *nf, const struct nf_publish *pub, unsigned ms);
/* Closed, waits for the backend to close, takes the rings back; true if it closed. */
bool nf_close(struct netfront *nf, unsigned ms);
int nf_backend_state(const struct netfront *nf);
int nf_wait_backend(const struct netfront *nf, int lo, int hi, unsigned ms);

/* Consumes RX responses (counting ARP replies, reposting buffers) and TX responses up to
 * and including `id` (id < 0: none wanted); the status of `id`'s response, or NF_TIMEOUT
 * after ms if it did not come (ms 0: one pass). */
int nf_poll(struct netfront *nf, int id, unsigned ms);
/* Consumes RX responses only (counting ARP replies, reposting buffers). */
void nf_rx_poll(struct netfront *nf);
/* Puts n TX requests on the ring as given and notifies. */
void nf_tx_push(struct netfront *nf, const netif_tx_request_t *req, unsigned n);
/* Writes an ARP request (who has tip, tell sip) from `src` into TX page `page`; its length. */
unsigned nf_arp_frame(struct netfront *nf, unsigned page, const uint8_t src[6], uint32_t sip,
                      uint32_t tip);
/* A single-slot request for `len` bytes of TX page `page` (a fresh id). */
netif_tx_request_t nf_tx_req(struct netfront *nf, unsigned page, unsigned len);
/* Asks dom0 for its MAC as sip and waits until its reply (answered on the RX ring) has
 * come; true if it did.  The reply counter is arp_replies[sip & 0xff]. */
bool nf_arp_ping(struct netfront *nf, uint32_t sip, unsigned ms);

/* The attacks (netfront_attacks.c): returns the number that were not refused. */
unsigned netfront_attacks(struct netfront *nf, unsigned *count);
void netfront_run(const char *mode, unsigned long devid);

#endif
