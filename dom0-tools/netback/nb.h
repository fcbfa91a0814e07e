/* tern-netback: the daemon's state (one thread): the switches with their TAP port, the vifs
 * with their rings, and the shared grant-table and event-channel handles. */
#ifndef TERN_NETBACK_NB_H
#define TERN_NETBACK_NB_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>
#include "../tern/tern.h"
#include "csum.h"
#include "queues.h"
#include "rate.h"
#include "stats.h"
#include "switch.h"

/* ring.h's barriers: xenctrl.h defines them for tools. */
#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#define NB_PAGE           4096u
#define NB_PORTS          64 /* per switch; port 0 is the TAP */
#define NB_TAP_PORT       0
#define NB_RXQ_LEN        256           /* frames waiting for a guest's posted RX buffers */
#define NB_RXQ_BYTES      (4u << 20)    /* and at most this many bytes (GSO frames are big) */
#define NB_FRAME_MAX      (65535u + 14) /* the largest frame: an IPv4 packet of 64 KiB */
#define NB_RXQ_FRAME      NB_FRAME_MAX  /* larger frames cannot reach a guest */
#define NB_RX_BATCH       64            /* frames per grant-copy hypercall toward a guest */
#define NB_RX_SEGS        128           /* grant-copy segments of one such hypercall */
#define NB_TX_BATCH       32            /* packets per grant-copy hypercall from a guest */
#define NB_TX_MAX         65536    /* the largest packet a TX request can describe, and then some */
#define NB_DEFAULT_BRIDGE "xenbr0" /* libxl's default bridge= */
#define NB_BACKEND_CPU    0        /* the backend's CPU when dom0 has several */

struct nb_bridge;
struct nb_dom0port_ops;
struct nb_pktport;

struct nb_rxq_frame {
    /* malloc'd and freed once copied into the guest; or, if lent, the dom0 port's own buffer
     * (nb_ring_rx_settle copies it before the port reads into that buffer again) */
    uint8_t *data;
    uint32_t len;
    bool lent;
    struct nb_offload off; /* its GSO and checksum state (csum.h), as the RX flags say it */
};

/* One queue of a vif (xen/io/netif.h "Multi-queue"): its pair of rings, its event
 * channel(s) and the frames waiting for its RX buffers. The vif's rate buckets, counters,
 * switch port and features are shared by its queues. */
struct nb_queue {
    struct nb_vif *vif;
    unsigned id;
    void *tx_sring, *rx_sring;
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    /* the frontend's event channel(s) and ours: with split event channels (netif.h) TX
     * notifications go on the tx pair and RX ones on the rx pair; else rx_* equal tx's */
    evtchn_port_t remote_port, local_port, remote_rx_port, local_rx_port;
    bool tx_held, rx_held; /* held by the vif's rate (TX requests, RX frames) */
    /* TX requests held because dom0's port was full (a frame for it alone): taken again when
     * the port has room (the loop polls its fd for POLLOUT meanwhile) */
    bool tx_port_held;
    struct nb_rxq_frame *rxq;
    unsigned rxq_head, rxq_count;
    size_t rxq_bytes;
    uint64_t tx_packets, rx_packets; /* this queue's share of the vif's counters */
};

struct nb_vif {
    uint32_t domid, devid, fe_domid;
    char be[96], fe[128], fe_token[64];
    int state; /* the backend state we last wrote (or found) */
    uint8_t mac[6];
    struct nb_bridge *br;
    int port;

    /* connected: all nq queues mapped and bound; broken: one of them broke its ring */
    bool connected, broken;
    bool rx_sg, rx_gso; /* the frontend's feature-sg and feature-gso-tcpv4: what it takes on RX */
    /* partial checksums on RX (NETRXF_csum_blank): IPv4 unless feature-no-csum-offload=1,
     * IPv6 with feature-ipv6-csum-offload=1; else they are completed for it */
    bool rx_csum, rx_csum6;
    bool rx_gso6;               /* feature-gso-tcpv6 (with rx_sg and rx_csum6) */
    struct nb_bucket bucket;    /* what the guest sends (TX), as Xen's netback */
    struct nb_bucket rx_bucket; /* what it receives (RX): the same rate, ours only */
    char rate_text[48];         /* the rate node as last applied */

    struct nb_queue q[NB_MAX_QUEUES];
    unsigned nq; /* the frontend's multi-queue-num-queues (1 without the node) */
    struct nb_vif_stats st;
    bool st_dirty;
    struct nb_log_limit bad_log; /* lines about the guest's bad packets */
    struct nb_vif *next;
};

struct nb_bridge {
    char name[IFNAMSIZ];
    int tap_fd;   /* -1 if the TAP could not be opened (the guests still reach each other) */
    bool tap_gso; /* frames on the TAP carry a virtio_net_hdr, and may be TCPv4 GSO frames */
    /* the kind of dom0's port (dom0port.h; tap_fd and tap_gso serve both kinds) */
    const struct nb_dom0port_ops *dport;
    struct nb_pktport *pkt; /* the veth kind's packet socket */
    struct nb_switch sw;
    /* the traffic with dom0's port (stats.h), and whether it changed since last written */
    struct nb_switch_stats st;
    bool st_dirty;
    struct nb_vif *port[NB_PORTS];
    struct nb_bridge *next;
};

/* Where the backend's time goes (TERN_NETBACK_PROFILE=1 in its environment: one log line a
 * second while frames move; bench/net/run.py --profile): the loop's passes and the time it
 * slept in poll, the TX passes, packets, grant-copy hypercalls and their time, the
 * notifications sent, the TAP writes and their time. */
struct nb_prof {
    uint64_t polls, idle_us, evtchn, tx_calls, tx_pkts, tx_copies, tx_copy_us, notifies;
    uint64_t tap_writes, tap_us, rx_frames, rx_copies, rx_bytes, rx_copy_us;
    uint64_t port_reads, port_read_us;    /* the dom0 ports' read bursts */
    uint64_t rx_nobufs;                   /* RX flushes stopped for want of posted buffers */
    uint64_t port_flushes, port_flush_us; /* the dom0 ports' flushes (veth: one send() each) */
};

struct nb_daemon {
    struct tern_ctx *tc;
    bool profile;
    const struct nb_dom0port_ops *dport; /* the kind of new switches' dom0 port */
    /* dom0's CPUs other than the backend's (it keeps to NB_BACKEND_CPU), where the TAP's
     * receive steering sends dom0's stack work on what the guests send; 0: none */
    uint64_t rps_mask;
    /* move our event channels' interrupts to NB_BACKEND_CPU at each connection (irqpin.h;
     * when the backend keeps to that CPU; TERN_NETBACK_IRQ_PIN=0 turns it off) */
    bool irq_pin;
    /* TERN_NETBACK_HOLD=0: frames for dom0's full port are dropped, not held (backpressure
     * off, for an A/B) */
    bool no_hold;
    struct nb_prof prof;
    xengnttab_handle *xgt;
    xenevtchn_handle *xce;
    struct nb_vif *vifs;
    struct nb_bridge *bridges;
    uint8_t *txbuf;                 /* NB_TX_BATCH packets from a guest, NB_TX_MAX bytes apart */
    uint8_t *tapbuf;                /* one frame read from a TAP, after its virtio_net_hdr */
    uint8_t segbuf[2048 + NB_PAGE]; /* one segment of a GSO frame cut in software */
    /* the frame a dom0 port lent (it stays in the port's buffer until nb_ring_rx_settle):
     * queued for a guest without a copy */
    const uint8_t *lent_frame;
    xengnttab_grant_copy_segment_t txseg[NB_TX_BATCH * XEN_NETIF_NR_SLOTS_MIN];
    xengnttab_grant_copy_segment_t rxseg[NB_RX_SEGS];
};

uint64_t nb_now_us(void);
void nb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* bridge.c: switches and their TAP port. */
struct nb_bridge *nb_bridge_get(struct nb_daemon *d, const char *name);
int nb_bridge_attach(struct nb_bridge *br, struct nb_vif *v); /* port number or -1 */
void nb_bridge_detach(struct nb_bridge *br, struct nb_vif *v);
/* A frame entering the switch on in_port goes to its destination port(s), with its offloads
 * (csum.h: a partial checksum, a GSO frame whose TCP checksum holds the pseudo-header sum). A
 * port that cannot take a partial checksum gets it completed: in frame itself, and *off says
 * so from then on. */
void nb_bridge_input(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                     unsigned len, struct nb_offload *off);
/* nb_bridge_input for a guest's frame that may wait on its TX ring: if it is for dom0's port
 * alone (not flooded) and the port refuses it for being full, it is neither sent nor counted
 * and true is returned (the caller leaves it on the ring, to be switched again later). */
bool nb_bridge_input_or_hold(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                             unsigned len, struct nb_offload *off);
/* How many more frames, up to max, dom0's port takes now for sure (dom0port.h's room; max for a
 * kind that cannot tell, or no port). */
unsigned nb_bridge_room(const struct nb_bridge *br, unsigned max);
/* Reads what dom0 sent through the TAP (a bounded number of frames). */
void nb_bridge_tap_read(struct nb_daemon *d, struct nb_bridge *br);
/* Hands dom0 the frames its ports only queued (once per loop turn). Returns true if some
 * still wait (the kernel took no more): the loop comes back soon. */
bool nb_bridge_flush(struct nb_daemon *d);
/* Writes the counters of switches whose counters changed (a new switch's too) to
 * dir/NB_SWITCH_FILE_PREFIX<name>.json (dir: NB_SWITCH_STATS_DIR but in tests). Switches are never
 * removed, so neither are their files; a new daemon's switch rewrites its file from 0. */
void nb_bridge_write_stats(struct nb_daemon *d, const char *dir);

/* ring.c: the two rings of each queue of a connected vif. nb_ring_map maps and binds one
 * queue (q->vif, q->id, q->remote_port and q->remote_rx_port set); nb_ring_unmap undoes all
 * of a vif's queues and leaves it unconnected. */
int nb_ring_map(struct nb_daemon *d, struct nb_queue *q, grant_ref_t tx_ref, grant_ref_t rx_ref,
                bool adopt, char *err, size_t errlen);
void nb_ring_unmap(struct nb_daemon *d, struct nb_vif *v);
/* Takes the guest's packets off a queue's TX ring into the switch (unless the vif's rate holds
 * them). */
void nb_ring_tx(struct nb_daemon *d, struct nb_queue *q);
/* Queues a frame for the guest on the queue of its flow (queues.h) (a GSO one only if it has
 * rx_gso; a partial checksum it does not take is completed in the queued copy; one whose field lies
 * outside the frame is dropped); nb_ring_rx_flush copies queued frames into posted buffers. */
void nb_ring_rx_push(struct nb_daemon *d, struct nb_vif *v, const uint8_t *frame, unsigned len,
                     const struct nb_offload *off);
void nb_ring_rx_flush(struct nb_daemon *d, struct nb_queue *q);
/* Before a dom0 port reuses the buffer it lent frames from: every vif's queue is flushed into
 * its posted buffers, and what still waits (no buffers, or held by its rate) is copied. */
void nb_ring_rx_settle(struct nb_daemon *d);

/* vif.c: the xenbus side. */
void nb_vif_update(struct nb_daemon *d, uint32_t domid, uint32_t devid);
void nb_vif_scan(struct nb_daemon *d);
/* The queue of a connected vif one of whose event channels is local_port, or NULL. */
struct nb_queue *nb_queue_by_port(struct nb_daemon *d, evtchn_port_t local_port);
/* A vif whose frontend broke its ring protocol (ring.c's broken) is disconnected and its
 * backend goes to Closing, so the frontend sees it and can start over (as blkback does). */
void nb_vif_close_broken(struct nb_daemon *d, struct nb_vif *v);
/* Writes the counters of vifs whose counters changed under /run/tern/netback/. */
void nb_vif_write_stats(struct nb_daemon *d);

#endif
