/* tern-netback: a packet socket (AF_PACKET) on the backend's end of dom0's veth pair
 * (veth.h): frames to dom0 go into a TX ring (PACKET_TX_RING) and many leave with one send();
 * frames from dom0 are read many per recvmmsg(). Every frame carries a struct
 * virtio_net_hdr (PACKET_VNET_HDR), as on the TAP with offloads, so TCPv4 GSO frames and
 * partial checksums cross it the same way. */
#ifndef TERN_NETBACK_PKTPORT_H
#define TERN_NETBACK_PKTPORT_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "pktring.h"

#define NB_PKT_TX_FRAMES 4096 /* slots of the TX ring (each held until dom0 frees the frame) */
#define NB_PKT_TX_FRAME  2048 /* bytes per slot: a wire-sized frame and its headers */
#define NB_PKT_RX_BATCH  32   /* frames per recvmmsg */

struct nb_pktport {
    int fd;
    /* a second socket on the same veth, without a ring, for frames larger than a slot: a
     * socket with a TX ring sends only what its ring holds (sendmsg's own data is ignored) */
    int big_fd;
    struct nb_pktring tx;
    size_t map_len;
    /* frames read by the last recvmmsg, handed out one by one */
    uint8_t *rxbuf; /* NB_PKT_RX_BATCH buffers of rx_frame_max bytes */
    struct virtio_net_hdr rxh[NB_PKT_RX_BATCH];
    unsigned rx_len[NB_PKT_RX_BATCH], rx_have, rx_next;
    /* the last recvmmsg found fewer frames than it asked for: the socket was empty then, so
     * the read after its frames ends the burst without a syscall (poll() is level-triggered:
     * a frame that came since wakes the next one) */
    bool rx_drained;
    /* why frames were lost or went the slow way (logged with the profile) */
    uint64_t tx_ring, tx_copied, tx_full, sends;
};

/* Opens the packet socket on ifindex (non-blocking) with its TX ring. Returns 0, or -1 with
 * err filled (e.g. a kernel without PACKET_VNET_HDR or PACKET_TX_RING). */
int nb_pktport_open(struct nb_pktport *p, int ifindex, char *err, size_t errlen);
void nb_pktport_close(struct nb_pktport *p);
/* One frame toward dom0 with its header h: into the TX ring (sent by the next
 * nb_pktport_flush), or, if larger than a slot (a GSO frame), sent at once after the
 * frames before it. Returns 0, or -1 with errno (EAGAIN: the ring is full, the frame is lost
 * as on a congested link). */
int nb_pktport_send(struct nb_pktport *p, const struct virtio_net_hdr *h, const uint8_t *frame,
                    unsigned len);
/* Hands the ring's frames to the kernel (one send()). Returns true if some are still waiting
 * (the socket's send buffer was full): call again soon. */
bool nb_pktport_flush(struct nb_pktport *p);
/* The next frame from dom0: *h its header, *frame its bytes (in p's buffers, valid until the
 * next call; the caller may change them). Returns its length (0 for a frame to skip), or -1
 * with errno (EAGAIN: none waiting, or the burst read so far emptied the socket; the call
 * after that reads it again). */
ssize_t nb_pktport_recv(struct nb_pktport *p, struct virtio_net_hdr *h, uint8_t **frame);

#endif
