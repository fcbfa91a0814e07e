/* tern-netback: the two kinds of dom0 port (see dom0port.h). */
#define _GNU_SOURCE
#include "dom0port.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "nb.h"
#include "pktport.h"
#include "tap.h"
#include "veth.h"

static int tap_open(struct nb_bridge *br, char *err, size_t errlen)
{
    br->tap_fd = nb_tap_open(br->name, &br->tap_gso, err, errlen);
    return br->tap_fd < 0 ? -1 : 0;
}

static int tap_send(struct nb_bridge *br, const struct virtio_net_hdr *h, const uint8_t *frame,
                    unsigned len)
{
    struct iovec iov[2] = {{(void *)(uintptr_t)h, sizeof(*h)}, {(void *)(uintptr_t)frame, len}};

    return (br->tap_gso ? writev(br->tap_fd, iov, 2) : write(br->tap_fd, frame, len)) < 0 ? -1 : 0;
}

static bool tap_flush(struct nb_bridge *br)
{
    (void)br; /* every write went out at once */
    return false;
}

static ssize_t tap_recv(struct nb_bridge *br, uint8_t *buf, size_t cap, struct virtio_net_hdr *h,
                        uint8_t **frame)
{
    struct iovec iov[2] = {{h, sizeof(*h)}, {buf, cap}};
    ssize_t n;

    memset(h, 0, sizeof(*h));
    *frame = buf;
    n = br->tap_gso ? readv(br->tap_fd, iov, 2) : readv(br->tap_fd, iov + 1, 1);
    if (n < 0 || !br->tap_gso)
        return n;
    return n > (ssize_t)sizeof(*h) ? n - (ssize_t)sizeof(*h) : 0;
}

static int veth_open(struct nb_bridge *br, char *err, size_t errlen)
{
    struct nb_pktport *p = calloc(1, sizeof(*p));
    int peer;

    if (!p) {
        snprintf(err, errlen, "veth %s: out of memory", br->name);
        return -1;
    }
    if (nb_veth_get(br->name, &peer, err, errlen) < 0 ||
        nb_pktport_open(p, peer, err, errlen) < 0) {
        free(p);
        return -1;
    }
    br->pkt = p;
    br->tap_fd = p->fd;
    br->tap_gso = true; /* PACKET_VNET_HDR: nb_pktport_open fails without it */
    return 0;
}

static int veth_send(struct nb_bridge *br, const struct virtio_net_hdr *h, const uint8_t *frame,
                     unsigned len)
{
    /* the header goes with every frame (PACKET_VNET_HDR), even without GSO */
    return nb_pktport_send(br->pkt, h, frame, len);
}

static bool veth_flush(struct nb_bridge *br)
{
    return nb_pktport_flush(br->pkt);
}

static ssize_t veth_recv(struct nb_bridge *br, uint8_t *buf, size_t cap, struct virtio_net_hdr *h,
                         uint8_t **frame)
{
    (void)buf, (void)cap; /* the frames are in the port's recvmmsg buffers */
    return nb_pktport_recv(br->pkt, h, frame);
}

static unsigned veth_held(const struct nb_bridge *br)
{
    return br->pkt->rx_have - br->pkt->rx_next;
}

/* The TX ring's free slots. A frame larger than a slot leaves on the second socket, whose
 * send buffer this does not count: refused there while the ring had room, it is dropped. */
static unsigned veth_room(const struct nb_bridge *br, unsigned max)
{
    return nb_pktring_free(&br->pkt->tx, max);
}

const struct nb_dom0port_ops nb_dom0port_tap = {"tap",    tap_open, tap_send, tap_flush,
                                                tap_recv, NULL,     NULL};
const struct nb_dom0port_ops nb_dom0port_veth = {"veth",    veth_open, veth_send, veth_flush,
                                                 veth_recv, veth_held, veth_room};

const struct nb_dom0port_ops *nb_dom0port_find(const char *name)
{
    static const struct nb_dom0port_ops *const kinds[] = {&nb_dom0port_tap, &nb_dom0port_veth};

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kinds[i]->kind, name))
            return kinds[i];
    return NULL;
}
