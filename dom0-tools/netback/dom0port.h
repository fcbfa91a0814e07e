/* tern-netback: the kinds of dom0's port on a switch (--dom0-port=tap|veth), one table of
 * operations each, so the switch (bridge.c) sends and reads dom0's frames the same way
 * through either:
 *   tap   a persistent TAP interface (tap.h): one write() per frame, one read() per frame
 *   veth  a veth pair (veth.h) with a packet socket on the backend's end (pktport.h): frames
 *         gathered in a TX ring, many per send(); many read per recvmmsg() */
#ifndef TERN_NETBACK_DOM0PORT_H
#define TERN_NETBACK_DOM0PORT_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nb_bridge;

struct nb_dom0port_ops {
    const char *kind;
    /* Creates or finds dom0's interface br->name and sets br->tap_fd (polled for frames from
     * dom0), br->tap_gso (the port takes TCPv4 GSO frames, with a struct virtio_net_hdr) and
     * any state of its own.
     * Returns 0, or -1 with err filled (tap_fd stays -1). */
    int (*open)(struct nb_bridge *br, char *err, size_t errlen);
    /* One frame toward dom0 with its header h (used as the kind needs: the TAP only if
     * br->tap_gso). Returns 0, or -1 with errno. */
    int (*send)(struct nb_bridge *br, const struct virtio_net_hdr *h, const uint8_t *frame,
                unsigned len);
    /* Hands over frames that send only queued. Returns true if some still wait. */
    bool (*flush)(struct nb_bridge *br);
    /* The next frame from dom0: *h (zero if the port has no headers), *frame (buf, of cap bytes,
     * or the port's own buffer). Returns its length (0: skip it), or -1 with errno. */
    ssize_t (*recv)(struct nb_bridge *br, uint8_t *buf, size_t cap, struct virtio_net_hdr *h,
                    uint8_t **frame);
    /* Kinds whose recv returns frames in a buffer of their own, read many at a time: how many
     * it still holds, read from dom0 and not returned yet. At 0 the next recv reads again into
     * that buffer, so earlier frames stay valid until then (they are lent: nb_ring_rx_settle).
     * NULL: a frame is valid only until the next recv (the TAP's, in buf). */
    unsigned (*held)(const struct nb_bridge *br);
    /* How many more frames, up to max, send takes now for sure (none refused for the port being
     * full): a guest's frames for dom0 are answered before they are sent only within it, the
     * rest wait on the guest's ring while the port is full (ring.c). NULL: the kind cannot tell
     * (the TAP), and what its send refuses is dropped. */
    unsigned (*room)(const struct nb_bridge *br, unsigned max);
};

extern const struct nb_dom0port_ops nb_dom0port_tap, nb_dom0port_veth;

/* The kind named name ("tap", "veth"), or NULL. */
const struct nb_dom0port_ops *nb_dom0port_find(const char *name);

#endif
