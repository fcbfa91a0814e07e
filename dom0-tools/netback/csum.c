/* tern-netback: transport checksums: completed, or left partial for the receiver (see csum.h). */
#include "csum.h"
#include "ipv6.h"

#define ETH_HDR        14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define PROTO_TCP      6
#define PROTO_UDP      17

uint32_t nb_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint64_t s = sum;
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        s += (uint32_t)data[i] << 8 | data[i + 1];
    if (i < len)
        s += (uint32_t)data[i] << 8;
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

uint16_t nb_csum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* Where a frame's transport checksum is, and the pseudo-header sum it covers. */
struct l4 {
    size_t start, len; /* the L4 segment: frame[start..start + len) */
    unsigned offset;   /* of its checksum field, within it */
    uint32_t psum;     /* the pseudo-header sum (not folded) */
};

/* The checksum field's place in a TCP or UDP header of l4len bytes, or 0 if none fits. */
static unsigned field_offset(unsigned proto, size_t l4len)
{
    if (proto == PROTO_TCP && l4len >= 20)
        return 16;
    if (proto == PROTO_UDP && l4len >= 8)
        return 6;
    return 0;
}

static int locate_ipv4(const uint8_t *ip, size_t avail, struct l4 *l)
{
    size_t ihl, total;

    if (avail < 20 || (ip[0] >> 4) != 4)
        return -1;
    ihl = (size_t)(ip[0] & 15) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || total < ihl || total > avail)
        return -1;
    if (be16(ip + 6) & 0x3fff) /* a fragment: no whole L4 segment to checksum */
        return -1;
    l->start = ETH_HDR + ihl;
    l->len = total - ihl;
    l->offset = field_offset(ip[9], l->len);
    l->psum = nb_csum_add(0, ip + 12, 8) + ip[9] + (uint32_t)l->len; /* addresses, proto, len */
    return l->offset ? 0 : -1;
}

/* IPv6: the TCP/UDP header after any hop-by-hop and destination options headers (ipv6.h);
 * the pseudo-header's length is the upper layer's, extension headers excluded. */
static int locate_ipv6(const uint8_t *ip, size_t avail, struct l4 *l)
{
    unsigned nh;
    int off = nb_ipv6_upper(ip, avail, &nh);

    if (off < 0)
        return -1;
    l->start = ETH_HDR + (size_t)off;
    l->len = 40 + be16(ip + 4) - (size_t)off;
    l->offset = field_offset(nh, l->len);
    l->psum = nb_csum_add(0, ip + 8, 32) + nh + (uint32_t)l->len;
    return l->offset ? 0 : -1;
}

static int locate(const uint8_t *frame, size_t len, struct l4 *l)
{
    if (len < ETH_HDR)
        return -1;
    switch (be16(frame + 12)) {
    case ETHERTYPE_IPV4:
        return locate_ipv4(frame + ETH_HDR, len - ETH_HDR, l);
    case ETHERTYPE_IPV6:
        return locate_ipv6(frame + ETH_HDR, len - ETH_HDR, l);
    }
    return -1;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int nb_csum_locate(const uint8_t *frame, size_t len, unsigned *start, unsigned *offset)
{
    struct l4 l;

    if (locate(frame, len, &l) < 0)
        return -1;
    *start = (unsigned)l.start;
    *offset = l.offset;
    return 0;
}

int nb_csum_fill(uint8_t *frame, size_t len)
{
    struct l4 l;
    uint8_t *field;
    uint16_t c;

    if (locate(frame, len, &l) < 0)
        return -1;
    field = frame + l.start + l.offset;
    put16(field, 0);
    c = nb_csum_finish(nb_csum_add(l.psum, frame + l.start, l.len));
    put16(field, c ? c : 0xffff); /* UDP: 0 means "no checksum" */
    return 0;
}

int nb_csum_set_partial(uint8_t *frame, size_t len, struct nb_offload *o)
{
    struct l4 l;

    if (locate(frame, len, &l) < 0)
        return -1;
    put16(frame + l.start + l.offset, (uint16_t)~nb_csum_finish(l.psum));
    o->csum = NB_CSUM_PARTIAL;
    o->csum_start = (uint16_t)l.start;
    o->csum_offset = (uint16_t)l.offset;
    return 0;
}

int nb_csum_partial_fits(const struct nb_offload *o, size_t len)
{
    return o->csum_start < len && (size_t)o->csum_offset + 2 <= len - o->csum_start;
}

int nb_offload_complete(uint8_t *frame, size_t len, struct nb_offload *o)
{
    if (o->csum != NB_CSUM_PARTIAL)
        return 0;
    if (nb_csum_complete(frame, len, o->csum_start, o->csum_offset) < 0)
        return -1;
    o->csum = NB_CSUM_VALID;
    return 0;
}

int nb_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    uint16_t c;

    if (start >= len || offset + 2 > len - start)
        return -1;
    /* the field already holds the pseudo-header sum: it is part of what is summed */
    c = nb_csum_finish(nb_csum_add(0, frame + start, len - start));
    put16(frame + start + offset, c ? c : 0xffff);
    return 0;
}
