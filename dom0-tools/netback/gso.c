/* tern-netback: TCP segmentation of large frames, IPv4 and IPv6 (see gso.h). */
#include "gso.h"

#include <linux/virtio_net.h>
#include <string.h>
#include "csum.h"
#include "ipv6.h"

#define ETH_HDR        14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV6_HDR       40
#define PROTO_TCP      6
#define TCP_FIN        0x01
#define TCP_PSH        0x08
#define TCP_CWR        0x80

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* The IPv4 header at f + h->l3: sets l4 and end. */
static int parse_ipv4(const uint8_t *f, struct nb_gso_hdr *h)
{
    unsigned ihl = (unsigned)(f[h->l3] & 15) * 4;

    if ((f[h->l3] >> 4) != 4 || f[h->l3 + 9] != PROTO_TCP)
        return -1;
    if (ihl < 20 || be16(f + h->l3 + 6) & 0x3fff) /* options too short, or a fragment */
        return -1;
    h->l4 = h->l3 + ihl;
    h->end = h->l3 + be16(f + h->l3 + 2);
    return 0;
}

/* The IPv6 header at f + h->l3, TCP after it and any hop-by-hop and destination options
 * headers (ipv6.h): sets l4 and end. */
static int parse_ipv6(const uint8_t *f, size_t len, struct nb_gso_hdr *h)
{
    unsigned proto;
    int off = nb_ipv6_upper(f + h->l3, len - h->l3, &proto);

    if (off < 0 || proto != PROTO_TCP)
        return -1;
    h->l4 = h->l3 + (unsigned)off;
    h->end = h->l3 + IPV6_HDR + be16(f + h->l3 + 4);
    return 0;
}

int nb_gso_parse(const uint8_t *f, size_t len, struct nb_gso_hdr *h)
{
    unsigned doff, type = len >= ETH_HDR ? be16(f + 12) : 0;

    h->l3 = ETH_HDR;
    h->v6 = type == ETHERTYPE_IPV6;
    if (type == ETHERTYPE_IPV4) {
        if (len < ETH_HDR + 20 || parse_ipv4(f, h) < 0)
            return -1;
    } else if (!h->v6 || parse_ipv6(f, len, h) < 0) {
        return -1;
    }
    if (h->end > len || h->l4 + 20 > h->end)
        return -1;
    doff = (unsigned)(f[h->l4 + 12] >> 4) * 4;
    h->hdr_len = h->l4 + doff;
    if (doff < 20 || h->hdr_len > h->end)
        return -1;
    return 0;
}

/* The pseudo-header sum of a TCP part of tcp_len bytes (not folded): the addresses (IPv4's at
 * 12, 8 bytes; IPv6's at 8, 32 bytes), the protocol, the length. */
static uint32_t pseudo(const uint8_t *ip, bool v6, unsigned tcp_len)
{
    return nb_csum_add(0, ip + (v6 ? 8 : 12), v6 ? 32 : 8) + PROTO_TCP + tcp_len;
}

void nb_gso_set_pseudo(uint8_t *f, const struct nb_gso_hdr *h)
{
    uint16_t folded = (uint16_t)~nb_csum_finish(pseudo(f + h->l3, h->v6, h->end - h->l4));

    put16(f + h->l4 + 16, folded);
}

int nb_gso_frame(uint8_t *frame, size_t len, uint16_t gso_size, uint8_t type, struct nb_offload *o)
{
    struct nb_gso_hdr h;

    if (nb_gso_parse(frame, len, &h) < 0 || type != (h.v6 ? NB_GSO_TCPV6 : NB_GSO_TCPV4))
        return -1;
    memset(o, 0, sizeof(*o));
    if (h.end - h.hdr_len <= gso_size)
        return nb_csum_set_partial(frame, len, o);
    nb_gso_set_pseudo(frame, &h);
    o->gso_size = gso_size;
    o->gso_type = type;
    o->csum = NB_CSUM_PARTIAL;
    o->csum_start = (uint16_t)h.l4;
    o->csum_offset = 16; /* TCP's checksum field */
    return 0;
}

int nb_vnet_in(const struct virtio_net_hdr *h, uint8_t *frame, size_t len, struct nb_offload *o)
{
    unsigned start, offset;

    memset(o, 0, sizeof(*o));
    if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE) {
        /* TCP only (TUN_F_TSO4, TUN_F_TSO6 if the port offered it; not TUN_F_TSO_ECN) */
        if (!h->gso_size)
            return -1;
        if (h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4)
            return nb_gso_frame(frame, len, h->gso_size, NB_GSO_TCPV4, o);
        if (h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6)
            return nb_gso_frame(frame, len, h->gso_size, NB_GSO_TCPV6, o);
        return -1;
    }
    if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        /* dom0's stack checked it (a frame it forwards): the guest need not check it again */
        if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID)
            o->csum = NB_CSUM_VALID;
        return 0;
    }
    o->csum = NB_CSUM_PARTIAL;
    o->csum_start = h->csum_start;
    o->csum_offset = h->csum_offset;
    if (!nb_csum_partial_fits(o, len))
        return -1;
    /* a guest finds the field itself (netfront's checksum setup): it must be where we say */
    if (nb_csum_locate(frame, len, &start, &offset) == 0 && start == o->csum_start &&
        offset == o->csum_offset)
        return 0;
    return nb_offload_complete(frame, len, o);
}

void nb_vnet_out(const uint8_t *frame, size_t len, const struct nb_offload *o,
                 struct virtio_net_hdr *h)
{
    struct nb_gso_hdr g;

    memset(h, 0, sizeof(*h));
    if (o->csum == NB_CSUM_PARTIAL) {
        h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h->csum_start = o->csum_start;
        h->csum_offset = o->csum_offset;
    }
    if (o->gso_size && nb_gso_parse(frame, len, &g) == 0) {
        h->gso_type =
            o->gso_type == NB_GSO_TCPV6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
        h->hdr_len = (uint16_t)g.hdr_len;
        h->gso_size = o->gso_size;
    }
}

int nb_gso_segment(const uint8_t *f, const struct nb_gso_hdr *h, unsigned mss, uint8_t *buf,
                   size_t cap, nb_gso_emit_fn emit, void *arg)
{
    unsigned payload = h->end - h->hdr_len, off = 0, n = 0;
    uint32_t seq = (uint32_t)be16(f + h->l4 + 4) << 16 | be16(f + h->l4 + 6);
    unsigned id = h->v6 ? 0 : be16(f + h->l3 + 4);
    uint8_t flags = f[h->l4 + 13];

    if (mss == 0 || h->hdr_len + (payload < mss ? payload : mss) > cap)
        return -1;
    do {
        unsigned take = payload - off < mss ? payload - off : mss;
        int last = off + take >= payload;
        uint8_t *ip = buf + h->l3, *tcp = buf + h->l4;
        uint32_t s = seq + off;

        memcpy(buf, f, h->hdr_len);
        memcpy(buf + h->hdr_len, f + h->hdr_len + off, take);
        if (h->v6) { /* payload length (extension headers included); no id, no checksum */
            put16(ip + 4, h->hdr_len - h->l3 - IPV6_HDR + take);
        } else {
            put16(ip + 2, h->hdr_len - h->l3 + take);
            put16(ip + 4, (id + n) & 0xffff);
            put16(ip + 10, 0);
            put16(ip + 10, nb_csum_finish(nb_csum_add(0, ip, h->l4 - h->l3)));
        }
        put16(tcp + 4, s >> 16);
        put16(tcp + 6, s & 0xffff);
        tcp[13] = flags;
        if (!last)
            tcp[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        if (n)
            tcp[13] &= (uint8_t)~TCP_CWR;
        put16(tcp + 16, 0);
        put16(tcp + 16, nb_csum_finish(nb_csum_add(pseudo(ip, h->v6, h->hdr_len - h->l4 + take),
                                                   tcp, h->hdr_len - h->l4 + take)));
        emit(arg, buf, h->hdr_len + take);
        off += take;
        n++;
    } while (off < payload);
    return (int)n;
}
