/* tern-netback: the packet socket on dom0's veth pair (see pktport.h). */
#define _GNU_SOURCE
#include "pktport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "nb.h"

#define SOCK_BUF (4 << 20) /* 64 KiB GSO frames both ways: the default 208 KiB holds three */
/* one byte over the largest frame (a longer one is seen truncated), rounded up to 64 bytes:
 * every frame starts 8-byte aligned, as the guests' RX buffers do, so the hypervisor's grant
 * copy moves them a word at a time, not shifted */
#define RX_FRAME ((NB_FRAME_MAX + 1 + 63) & ~63)

static int opt(int fd, int level, int name, int val)
{
    return setsockopt(fd, level, name, &val, sizeof(val));
}

int nb_pktport_open(struct nb_pktport *p, int ifindex, char *err, size_t errlen)
{
    long page = sysconf(_SC_PAGESIZE);
    struct tpacket_req req = {
        .tp_block_size = (unsigned)page,
        .tp_frame_size = NB_PKT_TX_FRAME,
        .tp_block_nr = NB_PKT_TX_FRAMES / ((unsigned)page / NB_PKT_TX_FRAME),
        .tp_frame_nr = NB_PKT_TX_FRAMES,
    };
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
    const char *step = "socket(AF_PACKET)";
    void *map;

    memset(p, 0, sizeof(*p));
    p->big_fd = -1;
    p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0)
        goto fail;
    /* the order matters: the header option and the version before the ring exists */
    step = "PACKET_VNET_HDR";
    if (opt(p->fd, SOL_PACKET, PACKET_VNET_HDR, 1) < 0)
        goto fail;
    step = "PACKET_VERSION TPACKET_V2";
    if (opt(p->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2) < 0)
        goto fail;
    /* a frame the kernel refuses gives its slot back instead of stopping the ring */
    step = "PACKET_LOSS";
    if (opt(p->fd, SOL_PACKET, PACKET_LOSS, 1) < 0)
        goto fail;
    /* the veth has no queue to wait in: straight to its transmit */
    opt(p->fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
    /* what the backend sends is not read back (also checked per frame, for older kernels) */
    opt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
    if (opt(p->fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCK_BUF) < 0)
        opt(p->fd, SOL_SOCKET, SO_SNDBUF, SOCK_BUF);
    if (opt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCK_BUF) < 0)
        opt(p->fd, SOL_SOCKET, SO_RCVBUF, SOCK_BUF);
    step = "PACKET_TX_RING";
    if (page <= 0 || (unsigned)page % NB_PKT_TX_FRAME ||
        setsockopt(p->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
        goto fail;
    p->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
    step = "mmap the TX ring";
    map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
    if (map == MAP_FAILED)
        goto fail;
    if (nb_pktring_init(&p->tx, map, req.tp_block_size, req.tp_frame_size, req.tp_frame_nr,
                        (unsigned)page) < 0) {
        munmap(map, p->map_len);
        errno = EINVAL;
        goto fail;
    }
    step = "bind to the veth";
    if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        goto fail_map;
    /* protocol 0: it receives nothing, it only sends */
    step = "the socket for large frames";
    p->big_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sll.sll_protocol = 0;
    if (p->big_fd < 0 || opt(p->big_fd, SOL_PACKET, PACKET_VNET_HDR, 1) < 0 ||
        bind(p->big_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        goto fail_map;
    opt(p->big_fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
    if (opt(p->big_fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCK_BUF) < 0)
        opt(p->big_fd, SOL_SOCKET, SO_SNDBUF, SOCK_BUF);
    step = "allocate the receive buffers";
    p->rxbuf = malloc((size_t)NB_PKT_RX_BATCH * RX_FRAME);
    if (!p->rxbuf)
        goto fail_map;
    return 0;
fail_map:
    munmap(p->tx.base, p->map_len);
fail:
    snprintf(err, errlen, "packet socket: %s: %s", step, strerror(errno));
    if (p->fd >= 0)
        close(p->fd);
    if (p->big_fd >= 0)
        close(p->big_fd);
    p->fd = p->big_fd = -1;
    return -1;
}

void nb_pktport_close(struct nb_pktport *p)
{
    if (p->fd < 0)
        return;
    munmap(p->tx.base, p->map_len);
    close(p->fd);
    close(p->big_fd);
    free(p->rxbuf);
    p->fd = -1;
}

bool nb_pktport_flush(struct nb_pktport *p)
{
    if (!p->tx.pending)
        return false;
    p->sends++;
    /* MSG_DONTWAIT: hand the frames over and return; a slot comes back when dom0's stack
     * frees its frame, which the next put checks */
    if (send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == ENOBUFS))
        return true;
    /* on any other error too: the slots stay the kernel's until a later send() takes them,
     * so no frame is lost here (the switch counts a loss only where nb_pktport_send fails) */
    nb_pktring_sent(&p->tx);
    return false;
}

int nb_pktport_send(struct nb_pktport *p, const struct virtio_net_hdr *h, const uint8_t *frame,
                    unsigned len)
{
    struct iovec iov[2] = {{(void *)(uintptr_t)h, sizeof(*h)}, {(void *)(uintptr_t)frame, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    int rc = nb_pktring_put(&p->tx, h, sizeof(*h), frame, len);

    if (rc == -1) { /* full: maybe only of frames not handed over yet */
        nb_pktport_flush(p);
        rc = nb_pktring_put(&p->tx, h, sizeof(*h), frame, len);
    }
    if (rc == 0) {
        p->tx_ring++;
        return 0;
    }
    if (rc == -1) {
        p->tx_full++;
        errno = EAGAIN;
        return -1;
    }
    /* larger than a slot: after the ring's frames, so that dom0 gets them in order */
    if (nb_pktport_flush(p)) {
        p->tx_full++;
        errno = EAGAIN;
        return -1;
    }
    p->tx_copied++;
    return sendmsg(p->big_fd, &msg, MSG_DONTWAIT) < 0 ? -1 : 0;
}

ssize_t nb_pktport_recv(struct nb_pktport *p, struct virtio_net_hdr *h, uint8_t **frame)
{
    unsigned i;

    if (p->rx_next == p->rx_have && p->rx_drained) {
        /* Without this, a burst of one frame took two reads, the second only to learn that
         * the socket was empty. A syscall is two kernel entries, and under KPTI QEMU's TCG
         * makes each of those a full TLB flush (docs/netback.md, Benchmark). */
        p->rx_drained = false;
        errno = EAGAIN;
        return -1;
    }
    if (p->rx_next == p->rx_have) {
        struct mmsghdr m[NB_PKT_RX_BATCH];
        struct iovec iov[NB_PKT_RX_BATCH][2];
        struct sockaddr_ll from[NB_PKT_RX_BATCH];
        int n;

        memset(m, 0, sizeof(m));
        memset(from, 0, sizeof(from));
        for (i = 0; i < NB_PKT_RX_BATCH; i++) {
            iov[i][0] = (struct iovec){&p->rxh[i], sizeof(p->rxh[i])};
            iov[i][1] = (struct iovec){p->rxbuf + (size_t)i * RX_FRAME, RX_FRAME};
            m[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                           .msg_namelen = sizeof(from[i]),
                                           .msg_iov = iov[i],
                                           .msg_iovlen = 2};
        }
        p->rx_next = p->rx_have = 0;
        n = recvmmsg(p->fd, m, NB_PKT_RX_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            if (n == 0)
                errno = EAGAIN;
            return -1;
        }
        for (i = 0; i < (unsigned)n; i++) {
            bool skip = from[i].sll_pkttype == PACKET_OUTGOING ||
                        (m[i].msg_hdr.msg_flags & MSG_TRUNC) ||
                        m[i].msg_len <= sizeof(struct virtio_net_hdr);

            p->rx_len[i] = skip ? 0 : m[i].msg_len - (unsigned)sizeof(struct virtio_net_hdr);
        }
        p->rx_have = (unsigned)n;
        p->rx_drained = n < NB_PKT_RX_BATCH;
    }
    i = p->rx_next++;
    *h = p->rxh[i];
    *frame = p->rxbuf + (size_t)i * RX_FRAME;
    return p->rx_len[i];
}
