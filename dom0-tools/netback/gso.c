/* tern-netback: TCPv4 segmentation of large frames (see gso.h). */
#include "gso.h"

#include <linux/virtio_net.h>
#include <string.h>
#include "csum.h"

#define ETH_HDR        14
#define ETHERTYPE_IPV4 0x0800
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

int nb_gso_parse(const uint8_t *f, size_t len, struct nb_gso_hdr *h)
{
    unsigned ihl, total, doff;

    if (len < ETH_HDR + 20 || be16(f + 12) != ETHERTYPE_IPV4)
        return -1;
    h->l3 = ETH_HDR;
    if ((f[h->l3] >> 4) != 4 || f[h->l3 + 9] != PROTO_TCP)
        return -1;
    ihl = (unsigned)(f[h->l3] & 15) * 4;
    total = be16(f + h->l3 + 2);
    if (ihl < 20 || be16(f + h->l3 + 6) & 0x3fff) /* options too short, or a fragment */
        return -1;
    h->l4 = h->l3 + ihl;
    h->end = h->l3 + total;
    if (h->end > len || h->l4 + 20 > h->end)
        return -1;
    doff = (unsigned)(f[h->l4 + 12] >> 4) * 4;
    h->hdr_len = h->l4 + doff;
    if (doff < 20 || h->hdr_len > h->end)
        return -1;
    return 0;
}

/* The pseudo-header sum of a TCP part of tcp_len bytes (not folded). */
static uint32_t pseudo(const uint8_t *ip, unsigned tcp_len)
{
    return nb_csum_add(0, ip + 12, 8) + PROTO_TCP + tcp_len;
}

void nb_gso_set_pseudo(uint8_t *f, const struct nb_gso_hdr *h)
{
    uint16_t folded = (uint16_t)~nb_csum_finish(pseudo(f + h->l3, h->end - h->l4));

    put16(f + h->l4 + 16, folded);
}

int nb_gso_frame(uint8_t *frame, size_t len, uint16_t gso_size, struct nb_offload *o)
{
    struct nb_gso_hdr h;

    if (nb_gso_parse(frame, len, &h) < 0)
        return -1;
    memset(o, 0, sizeof(*o));
    if (h.end - h.hdr_len <= gso_size)
        return nb_csum_set_partial(frame, len, o);
    nb_gso_set_pseudo(frame, &h);
    o->gso_size = gso_size;
    o->gso_type = NB_GSO_TCPV4;
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
        /* only TCPv4 was offered (TUN_F_TSO4, without TUN_F_TSO_ECN) */
        if (h->gso_type != VIRTIO_NET_HDR_GSO_TCPV4 || !h->gso_size)
            return -1;
        return nb_gso_frame(frame, len, h->gso_size, o);
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
        h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
        h->hdr_len = (uint16_t)g.hdr_len;
        h->gso_size = o->gso_size;
    }
}

int nb_gso_segment(const uint8_t *f, const struct nb_gso_hdr *h, unsigned mss, uint8_t *buf,
                   size_t cap, nb_gso_emit_fn emit, void *arg)
{
    unsigned payload = h->end - h->hdr_len, off = 0, n = 0;
    uint32_t seq = (uint32_t)be16(f + h->l4 + 4) << 16 | be16(f + h->l4 + 6);
    unsigned id = be16(f + h->l3 + 4);
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
        put16(ip + 2, h->hdr_len - h->l3 + take);
        put16(ip + 4, (id + n) & 0xffff);
        put16(ip + 10, 0);
        put16(ip + 10, nb_csum_finish(nb_csum_add(0, ip, h->l4 - h->l3)));
        put16(tcp + 4, s >> 16);
        put16(tcp + 6, s & 0xffff);
        tcp[13] = flags;
        if (!last)
            tcp[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        if (n)
            tcp[13] &= (uint8_t)~TCP_CWR;
        put16(tcp + 16, 0);
        put16(tcp + 16, nb_csum_finish(nb_csum_add(pseudo(ip, h->hdr_len - h->l4 + take), tcp,
                                                   h->hdr_len - h->l4 + take)));
        emit(arg, buf, h->hdr_len + take);
        off += take;
        n++;
    } while (off < payload);
    return (int)n;
}
