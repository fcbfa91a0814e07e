/* tern-netback: the IPv6 extension-header walk (see ipv6.h). A guest writes these frames:
 * every length is checked before the bytes it covers are read. */
#include "ipv6.h"

#define IPV6_HDR      40
#define IPV6_HOPOPTS  0
#define IPV6_DSTOPTS  60
#define IPV6_MAX_EXTS 4 /* more is no real packet, only a long walk */

/* Extension headers other than the two walked (RFC 8200 and IANA's list). A routing header
 * changes the destination the pseudo-header names, a fragment has no whole segment, ESP
 * hides what follows, the others (AH, mobility, HIP, shim6, experiments) are rare: a packet
 * with one is refused rather than misread as an upper layer. */
static int other_ext(unsigned nh)
{
    switch (nh) {
    case 43:  /* routing */
    case 44:  /* fragment */
    case 50:  /* ESP */
    case 51:  /* AH */
    case 135: /* mobility */
    case 139: /* HIP */
    case 140: /* shim6 */
    case 253: /* experiments */
    case 254:
        return 1;
    }
    return 0;
}

int nb_ipv6_upper(const uint8_t *ip, size_t avail, unsigned *proto)
{
    size_t end, off = IPV6_HDR;
    unsigned nh, n = 0;

    if (avail < IPV6_HDR || (ip[0] >> 4) != 6)
        return -1;
    end = IPV6_HDR + ((size_t)ip[4] << 8 | ip[5]); /* 40 + payload length */
    if (end > avail)
        return -1;
    /* hop-by-hop and destination options: next header, then length in 8 bytes beyond the
     * first 8, so the two bytes read must lie inside the packet and so must what they cover */
    for (nh = ip[6]; nh == IPV6_HOPOPTS || nh == IPV6_DSTOPTS; n++) {
        if (n == IPV6_MAX_EXTS || off + 2 > end)
            return -1;
        nh = ip[off];
        off += ((size_t)ip[off + 1] + 1) * 8;
        if (off > end)
            return -1;
    }
    if (other_ext(nh))
        return -1;
    *proto = nh;
    return (int)off;
}
