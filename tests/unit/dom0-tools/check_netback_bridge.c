/* tern-netback's switch ports (dom0-tools/netback/bridge.c) with GSO: a TCPv4 GSO frame goes
 * whole to the TAP (with a virtio_net_hdr saying so) and to a guest that takes GSO, and is cut
 * into segments for a guest that does not; frames read from the TAP have their partial
 * checksum completed, their GSO header checked. The TAP is one end of a SOCK_SEQPACKET pair
 * (one message per frame, as a TAP reads and writes); the guests' RX queues are a fake that
 * records what each port was given. The switch's counters of its traffic with dom0, and its
 * counters file. A guest's frames to dom0's full port: held when for it alone, else lost. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "csum.h"
#include "dom0port.h"
#include "gso.h"
#include "nb.h"
#include "pktport.h"

/* ---------------------------------------------------------------- fakes */
#define MAX_PUSH 64
static struct {
    struct nb_vif *v;
    unsigned len;
    uint16_t gso;
    struct nb_offload off;
    uint8_t data[NB_FRAME_MAX];
} pushed[MAX_PUSH];
static unsigned npushed;

void nb_ring_rx_push(struct nb_daemon *d, struct nb_vif *v, const uint8_t *frame, unsigned len,
                     const struct nb_offload *off)
{
    (void)d;
    ck_assert_uint_lt(npushed, MAX_PUSH);
    pushed[npushed].v = v;
    pushed[npushed].len = len;
    pushed[npushed].gso = off->gso_size;
    pushed[npushed].off = *off;
    memcpy(pushed[npushed].data, frame, len);
    npushed++;
}
void nb_ring_rx_settle(struct nb_daemon *d)
{
    d->lent_frame = NULL; /* the fake queue above copies every frame at once */
}
uint64_t nb_now_us(void)
{
    return 1000000;
}
void nb_log(const char *fmt, ...)
{
    (void)fmt;
}
static int fake_tap_fd = -1; /* what nb_tap_open gives (-1: fails) */
static unsigned nsteer;
static uint64_t steer_mask;
static char steer_name[IFNAMSIZ];

int nb_tap_open(const char *name, bool *gso, char *err, size_t errlen)
{
    (void)name;
    *gso = true;
    snprintf(err, errlen, "no TAP in unit tests");
    return fake_tap_fd;
}
int nb_tap_steer(const char *name, uint64_t cpu_mask, char *err, size_t errlen)
{
    nsteer++;
    steer_mask = cpu_mask;
    snprintf(steer_name, sizeof(steer_name), "%s", name);
    snprintf(err, errlen, "no sysfs in unit tests");
    return 0;
}

/* ---------------------------------------------------------------- set-up */
static const uint8_t MAC_DOM0[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t MAC_G1[6] = {0x00, 0x16, 0x3e, 0, 0, 0x11};
static const uint8_t MAC_G2[6] = {0x00, 0x16, 0x3e, 0, 0, 0x12};
static struct nb_daemon d;
static struct nb_bridge br;
static struct nb_vif g1, g2; /* g1 takes GSO, g2 does not */
static int sp[2];            /* sp[0]: the backend's TAP fd; sp[1]: dom0's side */

static void setup(void)
{
    memset(&d, 0, sizeof(d));
    memset(&br, 0, sizeof(br));
    memset(&g1, 0, sizeof(g1));
    memset(&g2, 0, sizeof(g2));
    npushed = 0;
    d.tapbuf = malloc(NB_FRAME_MAX);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
    fcntl(sp[0], F_SETFL, O_NONBLOCK);
    {
        int big = 1 << 20;

        setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
        setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    }
    nb_switch_init(&br.sw);
    snprintf(br.name, sizeof(br.name), "xenbr0");
    br.tap_fd = sp[0];
    br.tap_gso = true;
    br.dport = &nb_dom0port_tap;
    g1.rx_sg = g1.rx_gso = g1.rx_gso6 = true;
    g2.rx_sg = true;
    br.port[1] = &g1;
    br.port[2] = &g2;
    nb_switch_learn(&br.sw, MAC_G1, 1, 1000000);
    nb_switch_learn(&br.sw, MAC_G2, 2, 1000000);
}

static void teardown(void)
{
    free(d.tapbuf);
    close(sp[0]);
    close(sp[1]);
}

/* A TCPv4 frame dst -> src with payload bytes i*11, its checksum partial (as GSO frames
 * travel in the switch). Returns its length. */
static unsigned tcp_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, unsigned payload)
{
    unsigned len = 54 + payload;
    struct nb_gso_hdr h;

    memset(f, 0, 54);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = (uint8_t)((len - 14) >> 8);
    f[17] = (uint8_t)(len - 14);
    f[22] = 64;
    f[23] = 6;
    f[26] = 10, f[29] = 1, f[30] = 10, f[33] = 2;
    f[46] = 0x50;
    f[47] = 0x18; /* PSH|ACK */
    for (unsigned i = 54; i < len; i++)
        f[i] = (uint8_t)(i * 11);
    ck_assert_int_eq(nb_gso_parse(f, len, &h), 0);
    nb_gso_set_pseudo(f, &h);
    return len;
}

/* The same TCP segment over IPv6 (fe80::1 -> fe80::2), its checksum partial. */
static unsigned tcp6_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, unsigned payload)
{
    unsigned len = 74 + payload;
    struct nb_gso_hdr h;

    memset(f, 0, 74);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x86, f[13] = 0xdd;
    f[14] = 0x60;
    f[18] = (uint8_t)((20 + payload) >> 8);
    f[19] = (uint8_t)(20 + payload);
    f[20] = 6;
    f[21] = 64;
    f[22] = 0xfe, f[23] = 0x80, f[37] = 1, f[38] = 0xfe, f[39] = 0x80, f[53] = 2;
    f[66] = 0x50;
    f[67] = 0x18;
    for (unsigned i = 74; i < len; i++)
        f[i] = (uint8_t)(i * 11);
    ck_assert_int_eq(nb_gso_parse(f, len, &h), 0);
    nb_gso_set_pseudo(f, &h);
    return len;
}

/* The offloads of tcp_frame's frame as a TCPv4 GSO frame of 1448-byte segments. */
static struct nb_offload *gso1448(struct nb_offload *o)
{
    *o = (struct nb_offload){.gso_size = 1448,
                             .gso_type = NB_GSO_TCPV4,
                             .csum = NB_CSUM_PARTIAL,
                             .csum_start = 34,
                             .csum_offset = 16};
    return o;
}

/* ---------------------------------------------------------------- tests */
START_TEST(test_gso_to_guests)
{
    static uint8_t f[NB_FRAME_MAX];
    unsigned len = tcp_frame(f, MAC_G1, MAC_DOM0, 4000), total = 0;
    struct nb_offload o;

    nb_bridge_input(&d, &br, NB_TAP_PORT, f, len, gso1448(&o));
    ck_assert_uint_eq(npushed, 1); /* whole, to the guest that takes GSO */
    ck_assert_ptr_eq(pushed[0].v, &g1);
    ck_assert_uint_eq(pushed[0].len, len);
    ck_assert_uint_eq(pushed[0].gso, 1448);
    npushed = 0;
    len = tcp_frame(f, MAC_G2, MAC_DOM0, 4000);
    nb_bridge_input(&d, &br, NB_TAP_PORT, f, len, gso1448(&o));
    ck_assert_uint_eq(npushed, 3); /* 1448 + 1448 + 1104, cut for the one that does not */
    for (unsigned i = 0; i < npushed; i++) {
        ck_assert_ptr_eq(pushed[i].v, &g2);
        ck_assert_uint_eq(pushed[i].gso, 0);
        ck_assert_uint_eq(pushed[i].off.csum, NB_CSUM_VALID); /* we computed it */
        ck_assert_uint_le(pushed[i].len, 54 + 1448);
        total += pushed[i].len - 54;
    }
    ck_assert_uint_eq(total, 4000);
    ck_assert_uint_eq(pushed[2].data[47], 0x18); /* PSH on the last */
    ck_assert_uint_eq(pushed[0].data[47], 0x10);
    /* and the segments' checksums are complete: computing them again changes nothing */
    {
        uint8_t c[2048];

        memcpy(c, pushed[1].data, pushed[1].len);
        ck_assert_int_eq(nb_csum_fill(c, pushed[1].len), 0);
        ck_assert_int_eq(memcmp(c, pushed[1].data, pushed[1].len), 0);
    }
}
END_TEST

START_TEST(test_gso_to_tap)
{
    static uint8_t f[NB_FRAME_MAX], got[NB_FRAME_MAX];
    struct virtio_net_hdr h;
    struct iovec iov[2] = {{&h, sizeof(h)}, {got, sizeof(got)}};
    unsigned len = tcp_frame(f, MAC_DOM0, MAC_G1, 30000);
    ssize_t n;
    struct nb_offload o;

    nb_bridge_input(&d, &br, 1, f, len, gso1448(&o)); /* dom0's MAC not learnt: flooded */
    n = readv(sp[1], iov, 2);
    ck_assert_int_eq(n, (ssize_t)(sizeof(h) + len));
    ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    ck_assert_uint_eq(h.gso_size, 1448);
    ck_assert_uint_eq(h.hdr_len, 54);
    ck_assert_uint_eq(h.csum_start, 34);
    ck_assert_uint_eq(h.csum_offset, 16);
    ck_assert_int_eq(memcmp(got, f, len), 0);
    /* the flood also reached g2, cut into 21 segments (30000 / 1448, rounded up) */
    ck_assert_uint_eq(npushed, 21);
    ck_assert_ptr_eq(pushed[20].v, &g2);
    /* a TAP without offloads gets the segments, without a header */
    br.tap_gso = false;
    npushed = 0;
    nb_bridge_input(&d, &br, 1, f, len, gso1448(&o));
    n = read(sp[1], got, sizeof(got));
    ck_assert_int_eq(n, 54 + 1448);
    ck_assert_int_eq(memcmp(got + 54, f + 54, 1448), 0);
}
END_TEST

/* dom0 sends f through the TAP with a virtio_net_hdr saying flags, GSO and where the partial
 * checksum is. */
static void tap_send_at(uint8_t flags, uint8_t gso_type, uint16_t gso_size, uint16_t csum_start,
                        uint16_t csum_offset, const uint8_t *f, unsigned len)
{
    struct virtio_net_hdr h = {.flags = flags, .gso_type = gso_type, .gso_size = gso_size};
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)f, len}};

    h.csum_start = csum_start;
    h.csum_offset = csum_offset;
    h.hdr_len = 54;
    ck_assert_int_eq(writev(sp[1], iov, 2), (ssize_t)(sizeof(h) + len));
}

static void tap_send(uint8_t flags, uint8_t gso_type, uint16_t gso_size, const uint8_t *f,
                     unsigned len)
{
    tap_send_at(flags, gso_type, gso_size, 34, 16, f, len); /* TCP's checksum field */
}

START_TEST(test_from_tap)
{
    static uint8_t f[NB_FRAME_MAX], full[2048];
    unsigned len = tcp_frame(f, MAC_G2, MAC_DOM0, 1000);

    /* a partial checksum (NEEDS_CSUM, no GSO) stays partial, for the port to say (or complete) */
    memcpy(full, f, len);
    ck_assert_int_eq(nb_csum_fill(full, len), 0);
    tap_send(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, 0, f, len);
    /* a GSO frame for g1, one for g2 (cut), one that claims GSO but is UDP (dropped) */
    len = tcp_frame(f, MAC_G1, MAC_DOM0, 3000);
    tap_send(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, f, len);
    len = tcp_frame(f, MAC_G2, MAC_DOM0, 3000);
    tap_send(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, f, len);
    f[23] = 17;
    tap_send(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, f, len);
    /* a TCPv6 GSO header on an IPv4 frame: dropped too */
    f[23] = 6;
    tap_send(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 1448, f, len);
    nb_bridge_tap_read(&d, &br);
    ck_assert_uint_eq(npushed, 1 + 1 + 3);
    ck_assert_ptr_eq(pushed[0].v, &g2);
    ck_assert_uint_eq(pushed[0].len, 54 + 1000);
    ck_assert_uint_eq(pushed[0].off.csum, NB_CSUM_PARTIAL);
    ck_assert_uint_eq(pushed[0].off.csum_start, 34);
    ck_assert_uint_eq(pushed[0].off.csum_offset, 16);
    ck_assert_int_eq(nb_offload_complete(pushed[0].data, pushed[0].len, &pushed[0].off), 0);
    ck_assert_int_eq(memcmp(pushed[0].data, full, 54 + 1000), 0);
    ck_assert_ptr_eq(pushed[1].v, &g1);
    ck_assert_uint_eq(pushed[1].gso, 1448);
    ck_assert_uint_eq(pushed[1].off.csum, NB_CSUM_PARTIAL);
    ck_assert_uint_eq(pushed[1].len, 54 + 3000);
    for (unsigned i = 2; i < 5; i++) {
        ck_assert_ptr_eq(pushed[i].v, &g2);
        ck_assert_uint_eq(pushed[i].gso, 0);
    }
    ck_assert_uint_eq(br.st.from_dom0_bad, 2);     /* the UDP one and the TCPv6 one */
    ck_assert_uint_eq(br.st.from_dom0_packets, 5); /* every frame read, the bad ones too */
    ck_assert(br.st_dirty);
}
END_TEST

/* Partial checksums from dom0: one whose field is outside the frame is dropped and counted;
 * one that is not where a guest would look for it (netfront finds the TCP/UDP field itself)
 * is completed on the way in; a checked one (DATA_VALID) says so. */
START_TEST(test_tap_csum)
{
    static uint8_t f[NB_FRAME_MAX], full[2048];
    unsigned len = tcp_frame(f, MAC_G2, MAC_DOM0, 100);

    memcpy(full, f, len);
    ck_assert_int_eq(nb_csum_fill(full, len), 0);
    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, (uint16_t)len, 0, f, len);
    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 34, (uint16_t)(len - 34 - 1), f, len);
    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0xffff, 0xffff, f, len);
    nb_bridge_tap_read(&d, &br);
    ck_assert_uint_eq(npushed, 0);
    ck_assert_uint_eq(br.st.from_dom0_bad, 3);
    /* the TCP checksum said to start 20 bytes early, at the IP header (a sum over more bytes:
     * not what netfront would compute): completed here as dom0 asked */
    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 14, 36, f, len);
    tap_send_at(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0, full, len);
    tap_send_at(0, 0, 0, 0, 0, full, len);
    nb_bridge_tap_read(&d, &br);
    ck_assert_uint_eq(npushed, 3);
    ck_assert_uint_eq(pushed[0].off.csum, NB_CSUM_VALID);
    {
        uint8_t want[2048];
        uint16_t c;

        memcpy(want, f, len);
        c = nb_csum_finish(nb_csum_add(0, f + 14, len - 14));
        want[50] = (uint8_t)(c >> 8);
        want[51] = (uint8_t)c;
        ck_assert_int_eq(memcmp(pushed[0].data, want, len), 0);
    }
    ck_assert_uint_eq(pushed[1].off.csum, NB_CSUM_VALID);
    ck_assert_uint_eq(pushed[2].off.csum, NB_CSUM_NONE);
    ck_assert_uint_eq(br.st.from_dom0_bad, 3);
}
END_TEST

/* A guest's partial checksum goes to dom0 as NEEDS_CSUM (dom0's stack takes it as it is); a
 * TAP without a virtio_net_hdr gets it completed, and so does every port after it. */
START_TEST(test_partial_to_tap)
{
    static uint8_t f[NB_FRAME_MAX], full[2048], got[2048];
    struct virtio_net_hdr h;
    struct iovec iov[2] = {{&h, sizeof(h)}, {got, sizeof(got)}};
    unsigned len = tcp_frame(f, MAC_DOM0, MAC_G1, 100);
    struct nb_offload o = {.csum = NB_CSUM_PARTIAL, .csum_start = 34, .csum_offset = 16};

    memcpy(full, f, len);
    ck_assert_int_eq(nb_csum_fill(full, len), 0);
    nb_bridge_input(&d, &br, 1, f, len, &o); /* flooded: the TAP, then g2 */
    ck_assert_int_eq(readv(sp[1], iov, 2), (ssize_t)(sizeof(h) + len));
    ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    ck_assert_uint_eq(h.csum_start, 34);
    ck_assert_uint_eq(h.csum_offset, 16);
    ck_assert_int_eq(memcmp(got, f, len), 0);
    ck_assert_uint_eq(npushed, 1);
    ck_assert_uint_eq(pushed[0].off.csum, NB_CSUM_PARTIAL);
    br.tap_gso = false;
    npushed = 0;
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_int_eq(read(sp[1], got, sizeof(got)), (ssize_t)len);
    ck_assert_int_eq(memcmp(got, full, len), 0);
    ck_assert_uint_eq(npushed, 1);
    ck_assert_uint_eq(pushed[0].off.csum, NB_CSUM_VALID);
    ck_assert_int_eq(memcmp(pushed[0].data, full, len), 0);
}
END_TEST

/* TCPv6 GSO: from dom0 (VIRTIO_NET_HDR_GSO_TCPV6) whole to a guest with feature-gso-tcpv6, cut
 * for one without; from a guest to dom0 with the TCPv6 header. */
START_TEST(test_gso_v6)
{
    static uint8_t f[NB_FRAME_MAX], got[NB_FRAME_MAX];
    struct virtio_net_hdr h;
    struct iovec iov[2] = {{&h, sizeof(h)}, {got, sizeof(got)}};
    unsigned len = tcp6_frame(f, MAC_G1, MAC_DOM0, 3000), total = 0;
    struct nb_offload o = {.gso_size = 1428,
                           .gso_type = NB_GSO_TCPV6,
                           .csum = NB_CSUM_PARTIAL,
                           .csum_start = 54,
                           .csum_offset = 16};

    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 54, 16, f, len);
    len = tcp6_frame(f, MAC_G2, MAC_DOM0, 3000);
    tap_send_at(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 54, 16, f, len);
    nb_bridge_tap_read(&d, &br);
    ck_assert_uint_eq(npushed, 1 + 3);
    ck_assert_ptr_eq(pushed[0].v, &g1);
    ck_assert_uint_eq(pushed[0].off.gso_size, 1428);
    ck_assert_uint_eq(pushed[0].off.gso_type, NB_GSO_TCPV6);
    ck_assert_uint_eq(pushed[0].off.csum_start, 54);
    for (unsigned i = 1; i < 4; i++) {
        uint8_t c[2048];

        ck_assert_ptr_eq(pushed[i].v, &g2);
        ck_assert_uint_eq(pushed[i].off.gso_size, 0);
        ck_assert_uint_le(pushed[i].len, 74 + 1428);
        total += pushed[i].len - 74;
        memcpy(c, pushed[i].data, pushed[i].len);
        ck_assert_int_eq(nb_csum_fill(c, pushed[i].len), 0); /* complete already */
        ck_assert_int_eq(memcmp(c, pushed[i].data, pushed[i].len), 0);
    }
    ck_assert_uint_eq(total, 3000);
    ck_assert_uint_eq(br.st.from_dom0_bad, 0);
    len = tcp6_frame(f, MAC_DOM0, MAC_G1, 3000);
    npushed = 0;
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_int_eq(readv(sp[1], iov, 2), (ssize_t)(sizeof(h) + len));
    ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
    ck_assert_uint_eq(h.gso_size, 1428);
    ck_assert_uint_eq(h.hdr_len, 74);
    ck_assert_uint_eq(h.csum_start, 54);
    ck_assert_int_eq(memcmp(got, f, len), 0);
}
END_TEST

/* A dom0 port whose send and flush say what the test wants: the veth kind's ring (send takes
 * a frame into it, a later flush hands it over or not), without a packet socket. */
static int fake_send_rc, fake_send_errno, fake_sends;
static bool fake_flush_more;

static int fake_send(struct nb_bridge *b, const struct virtio_net_hdr *h, const uint8_t *frame,
                     unsigned len)
{
    (void)b, (void)h, (void)frame, (void)len;
    fake_sends++;
    errno = fake_send_errno;
    return fake_send_rc;
}
static bool fake_flush(struct nb_bridge *b)
{
    (void)b;
    return fake_flush_more;
}
static const struct nb_dom0port_ops fake_port = {"fake", NULL, fake_send, fake_flush, NULL, NULL};

/* Frames to dom0: taken (packets, bytes) or refused (drops), each counted once, whatever the
 * flushes after it do. */
START_TEST(test_to_dom0_counts)
{
    static uint8_t f[NB_FRAME_MAX], got[2048];
    unsigned len = tcp_frame(f, MAC_DOM0, MAC_G1, 100);
    struct nb_offload o = {.csum = NB_CSUM_VALID};

    /* the TAP: a write that works */
    nb_switch_learn(&br.sw, MAC_DOM0, NB_TAP_PORT, 1000000);
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_int_eq(read(sp[1], got, sizeof(got)), (ssize_t)(sizeof(struct virtio_net_hdr) + len));
    ck_assert_uint_eq(br.st.to_dom0_packets, 1);
    ck_assert_uint_eq(br.st.to_dom0_bytes, len);
    ck_assert_uint_eq(br.st.to_dom0_drops, 0);
    /* a port that queues: the frame is taken; flushes that hand nothing over lose nothing */
    d.bridges = &br;
    br.dport = &fake_port;
    fake_send_rc = 0;
    fake_flush_more = true;
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert(nb_bridge_flush(&d));
    ck_assert(nb_bridge_flush(&d));
    ck_assert_uint_eq(br.st.to_dom0_packets, 2);
    ck_assert_uint_eq(br.st.to_dom0_drops, 0);
    /* its ring full (EAGAIN), then the interface down (EIO): a drop each, not a packet */
    fake_send_rc = -1;
    fake_send_errno = EAGAIN;
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_uint_eq(br.st.to_dom0_drops, 1);
    fake_send_errno = EIO;
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_uint_eq(br.st.to_dom0_drops, 2);
    ck_assert_uint_eq(br.st.to_dom0_packets, 2);
    ck_assert_uint_eq(br.st.to_dom0_bytes, 2 * len);
    ck_assert_int_eq(fake_sends, 3);
    /* a partial checksum outside the frame, for a port without headers: no send, a drop */
    br.tap_gso = false;
    o = (struct nb_offload){.csum = NB_CSUM_PARTIAL, .csum_start = (uint16_t)len};
    nb_bridge_input(&d, &br, 1, f, len, &o);
    ck_assert_int_eq(fake_sends, 3);
    ck_assert_uint_eq(br.st.to_dom0_drops, 3);
    ck_assert_uint_eq(br.st.from_dom0_packets, 0);
}
END_TEST

/* A port that says how much room it has (the veth kind's ring, without the socket). */
static unsigned fake_room_left;

static unsigned fake_room(const struct nb_bridge *b, unsigned max)
{
    (void)b;
    return fake_room_left < max ? fake_room_left : max;
}
static const struct nb_dom0port_ops full_port = {"fake", NULL, fake_send, fake_flush,
                                                 NULL,   NULL, fake_room};

/* dom0's port full (EAGAIN): a guest's frame for it alone is held (not sent, not counted),
 * unless the caller cannot hold it; a broadcast goes to the guests and is lost for dom0
 * (never held: it would reach the guests twice); a frame for a guest passes; a port down
 * (EIO) loses the frame, held or not (holding would stop the guest for as long as it is). */
START_TEST(test_dom0_full_holds)
{
    static uint8_t f[NB_FRAME_MAX];
    static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    unsigned len = tcp_frame(f, MAC_DOM0, MAC_G1, 100);
    struct nb_offload o = {.csum = NB_CSUM_VALID};

    nb_switch_learn(&br.sw, MAC_DOM0, NB_TAP_PORT, 1000000);
    br.dport = &full_port;
    fake_sends = 0;
    fake_send_rc = -1;
    fake_send_errno = EAGAIN;
    ck_assert(nb_bridge_input_or_hold(&d, &br, 1, f, len, &o));
    ck_assert_int_eq(fake_sends, 1);
    ck_assert_uint_eq(br.st.to_dom0_drops + br.st.to_dom0_packets, 0);
    nb_bridge_input(&d, &br, 1, f, len, &o); /* may not hold: lost */
    ck_assert_uint_eq(br.st.to_dom0_drops, 1);
    len = tcp_frame(f, BCAST, MAC_G1, 100);
    ck_assert(!nb_bridge_input_or_hold(&d, &br, 1, f, len, &o));
    ck_assert_uint_eq(br.st.to_dom0_drops, 2);
    ck_assert_uint_eq(npushed, 1); /* g2 got it */
    ck_assert_ptr_eq(pushed[0].v, &g2);
    len = tcp_frame(f, MAC_G2, MAC_G1, 100);
    ck_assert(!nb_bridge_input_or_hold(&d, &br, 1, f, len, &o));
    ck_assert_uint_eq(npushed, 2);
    len = tcp_frame(f, MAC_DOM0, MAC_G1, 100);
    fake_send_errno = EIO;
    ck_assert(!nb_bridge_input_or_hold(&d, &br, 1, f, len, &o));
    ck_assert_uint_eq(br.st.to_dom0_drops, 3);
    fake_send_rc = 0; /* room again: taken */
    ck_assert(!nb_bridge_input_or_hold(&d, &br, 1, f, len, &o));
    ck_assert_uint_eq(br.st.to_dom0_packets, 1);
    ck_assert_int_eq(fake_sends, 5);
}
END_TEST

/* The room dom0's port has: its kind's answer; all asked for from a kind that cannot tell (the
 * TAP) or where there is no port; the veth kind's free TX ring slots. */
START_TEST(test_dom0_room)
{
    static uint8_t ring[2 * 4096] __attribute__((aligned(4096)));
    struct nb_pktport p;

    ck_assert_uint_eq(nb_bridge_room(&br, 32), 32); /* the TAP */
    br.dport = &full_port;
    fake_room_left = 5;
    ck_assert_uint_eq(nb_bridge_room(&br, 32), 5);
    ck_assert_uint_eq(nb_bridge_room(&br, 3), 3);
    br.tap_fd = -1;
    ck_assert_uint_eq(nb_bridge_room(&br, 32), 32);
    br.tap_fd = sp[0];
    memset(&p, 0, sizeof(p));
    ck_assert_int_eq(nb_pktring_init(&p.tx, ring, 4096, 2048, 4, 4096), 0);
    br.pkt = &p;
    br.dport = &nb_dom0port_veth;
    ck_assert_uint_eq(nb_bridge_room(&br, 32), 4);
    ((struct tpacket2_hdr *)nb_pktring_slot(&p.tx, 0))->tp_status = TP_STATUS_SENDING;
    ck_assert_uint_eq(nb_bridge_room(&br, 32), 0);
}
END_TEST

/* One datagram of the packet socket: a virtio_net_hdr and a 60-byte frame whose first byte is
 * tag. */
static void pkt_put(int fd, uint8_t tag)
{
    uint8_t b[sizeof(struct virtio_net_hdr) + 60];

    memset(b, 0, sizeof(b));
    b[sizeof(struct virtio_net_hdr)] = tag;
    ck_assert_int_eq(write(fd, b, sizeof(b)), (ssize_t)sizeof(b));
}

static int pkt_get(struct nb_pktport *p)
{
    struct virtio_net_hdr h;
    uint8_t *frame;
    ssize_t n = nb_pktport_recv(p, &h, &frame);

    if (n < 0) {
        ck_assert_int_eq(errno, EAGAIN);
        return -1;
    }
    ck_assert_int_eq(n, 60);
    return frame[0];
}

/* The veth port's reads: the frames of one recvmmsg in order; a read that found fewer frames
 * than it asked for emptied the socket, so the burst ends after them without another syscall
 * (a frame sent since is left for the next burst, poll() being level-triggered); a full batch
 * is followed by a real read. A datagram socket plays the packet socket. */
START_TEST(test_pktport_bursts)
{
    struct nb_pktport p;
    int dg[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, dg), 0);
    fcntl(dg[0], F_SETFL, O_NONBLOCK);
    memset(&p, 0, sizeof(p));
    p.fd = dg[0];
    /* pktport.c's slot: one byte over the largest frame, rounded up to 64 */
    p.rxbuf = malloc((size_t)NB_PKT_RX_BATCH * ((NB_FRAME_MAX + 1 + 63) & ~63));
    ck_assert_ptr_nonnull(p.rxbuf);
    ck_assert_int_eq(pkt_get(&p), -1); /* empty */
    pkt_put(dg[1], 1);
    ck_assert_int_eq(pkt_get(&p), 1);
    pkt_put(dg[1], 2);
    ck_assert_int_eq(pkt_get(&p), -1); /* the burst of one ends here */
    ck_assert_int_eq(pkt_get(&p), 2);  /* the next burst reads it */
    ck_assert_int_eq(pkt_get(&p), -1);
    for (int i = 0; i < NB_PKT_RX_BATCH + 1; i++)
        pkt_put(dg[1], (uint8_t)(10 + i));
    for (int i = 0; i < NB_PKT_RX_BATCH + 1; i++)
        ck_assert_int_eq(pkt_get(&p), 10 + i); /* the 33rd: a full batch read again */
    ck_assert_int_eq(pkt_get(&p), -1);
    ck_assert_int_eq(pkt_get(&p), -1); /* a real read now, and the socket is empty */
    free(p.rxbuf);
    close(dg[0]);
    close(dg[1]);
}
END_TEST

/* The switch's file: written when its counters changed (a new switch's too), read back the
 * same, and not rewritten when nothing changed. */
START_TEST(test_switch_file)
{
    char dir[] = "/tmp/check_netback_bridge.XXXXXX", path[96], name[NB_SWITCH_NAME_MAX];
    char kind[NB_SWITCH_KIND_MAX];
    struct nb_switch_stats got;
    struct stat sb;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/switch-xenbr0.json", dir);
    d.bridges = &br;
    br.st = (struct nb_switch_stats){5, 6000, 7, 8, 9};
    br.st_dirty = true;
    nb_bridge_write_stats(&d, dir);
    ck_assert(!br.st_dirty);
    ck_assert_int_eq(nb_switch_stats_read(path, name, kind, &got), 0);
    ck_assert_str_eq(name, "xenbr0");
    ck_assert_str_eq(kind, "tap");
    ck_assert_int_eq(memcmp(&got, &br.st, sizeof(got)), 0);
    unlink(path);
    nb_bridge_write_stats(&d, dir); /* unchanged: not written */
    ck_assert_int_eq(stat(path, &sb), -1);
    br.tap_fd = -1; /* no port open: its kind is "none" */
    br.st_dirty = true;
    nb_bridge_write_stats(&d, dir);
    ck_assert_int_eq(nb_switch_stats_read(path, name, kind, &got), 0);
    ck_assert_str_eq(kind, "none");
    br.tap_fd = sp[0];
    unlink(path);
    rmdir(dir);
}
END_TEST

/* A new switch's TAP gets the daemon's receive-steering mask, and only when it has one and
 * the TAP exists. */
START_TEST(test_tap_steering)
{
    struct nb_daemon dd = {0};
    struct nb_bridge *b;

    nsteer = 0;
    fake_tap_fd = 7;
    dd.rps_mask = 0x6;
    b = nb_bridge_get(&dd, "xenbr7");
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(nsteer, 1);
    ck_assert_uint_eq(steer_mask, 0x6);
    ck_assert_str_eq(steer_name, "xenbr7");
    ck_assert(b->st_dirty);                            /* its file is written, from 0 */
    ck_assert_ptr_eq(nb_bridge_get(&dd, "xenbr7"), b); /* an existing switch: not again */
    ck_assert_uint_eq(nsteer, 1);
    dd.rps_mask = 0; /* dom0 with one CPU, or TERN_NETBACK_RPS=0 */
    ck_assert_ptr_nonnull(nb_bridge_get(&dd, "xenbr8"));
    ck_assert_uint_eq(nsteer, 1);
    dd.rps_mask = 0x2;
    fake_tap_fd = -1; /* no TAP: nothing to steer */
    ck_assert_ptr_nonnull(nb_bridge_get(&dd, "xenbr9"));
    ck_assert_uint_eq(nsteer, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netback-bridge");
    TCase *tc = tcase_create("bridge");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_gso_to_guests);
    tcase_add_test(tc, test_gso_to_tap);
    tcase_add_test(tc, test_from_tap);
    tcase_add_test(tc, test_tap_csum);
    tcase_add_test(tc, test_partial_to_tap);
    tcase_add_test(tc, test_gso_v6);
    tcase_add_test(tc, test_tap_steering);
    tcase_add_test(tc, test_to_dom0_counts);
    tcase_add_test(tc, test_dom0_full_holds);
    tcase_add_test(tc, test_dom0_room);
    tcase_add_test(tc, test_pktport_bursts);
    tcase_add_test(tc, test_switch_file);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
