/* tern-netback: checksum completion for csum_blank frames (see csum.h). */
#include "csum.h"

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

/* Checksums the L4 segment l4[0..l4len) whose pseudo-header sum is psum. */
static int fill_l4(uint8_t *l4, size_t l4len, unsigned proto, uint32_t psum)
{
    size_t off;
    uint16_t c;

    if (proto == PROTO_TCP && l4len >= 20)
        off = 16;
    else if (proto == PROTO_UDP && l4len >= 8)
        off = 6;
    else
        return -1;
    l4[off] = 0;
    l4[off + 1] = 0;
    c = nb_csum_finish(nb_csum_add(psum, l4, l4len));
    if (proto == PROTO_UDP && c == 0)
        c = 0xffff; /* UDP: 0 means "no checksum" */
    l4[off] = (uint8_t)(c >> 8);
    l4[off + 1] = (uint8_t)c;
    return 0;
}

static int fill_ipv4(uint8_t *ip, size_t avail)
{
    size_t ihl, total;
    uint32_t psum;

    if (avail < 20 || (ip[0] >> 4) != 4)
        return -1;
    ihl = (size_t)(ip[0] & 15) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || total < ihl || total > avail)
        return -1;
    if (be16(ip + 6) & 0x3fff) /* a fragment: no whole L4 segment to checksum */
        return -1;
    psum = nb_csum_add(0, ip + 12, 8); /* source and destination */
    psum += ip[9];
    psum += (uint32_t)(total - ihl);
    return fill_l4(ip + ihl, total - ihl, ip[9], psum);
}

static int fill_ipv6(uint8_t *ip, size_t avail)
{
    size_t plen;
    uint32_t psum;

    if (avail < 40 || (ip[0] >> 4) != 6)
        return -1;
    plen = be16(ip + 4);
    if (40 + plen > avail)
        return -1;
    psum = nb_csum_add(0, ip + 8, 32);
    psum += ip[6];
    psum += (uint32_t)plen;
    return fill_l4(ip + 40, plen, ip[6], psum);
}

int nb_csum_fill(uint8_t *frame, size_t len)
{
    if (len < ETH_HDR)
        return -1;
    switch (be16(frame + 12)) {
    case ETHERTYPE_IPV4:
        return fill_ipv4(frame + ETH_HDR, len - ETH_HDR);
    case ETHERTYPE_IPV6:
        return fill_ipv6(frame + ETH_HDR, len - ETH_HDR);
    }
    return -1;
}

int nb_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    uint16_t c;

    if (start >= len || offset + 2 > len - start)
        return -1;
    /* the field already holds the pseudo-header sum: it is part of what is summed */
    c = nb_csum_finish(nb_csum_add(0, frame + start, len - start));
    frame[start + offset] = (uint8_t)(c >> 8);
    frame[start + offset + 1] = (uint8_t)c;
    return 0;
}
