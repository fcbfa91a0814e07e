/* tern-netback: the frontend's queue and event-channel nodes, and the RX flow hash (see
 * queues.h). */
#include <stdio.h>
#include <string.h>
#include "queues.h"
#include "ipv6.h"

/* Event channel ports are 32-bit; 0 is never a bound port. */
static int port_ok(long p)
{
    return p > 0 && p <= (long)UINT32_MAX;
}

int nb_qchannels_parse(long single, long tx, long rx, int split_offered, struct nb_qchannels *out,
                       const char **why)
{
    int has_split = tx != -1 || rx != -1;

    if (has_split && !split_offered) {
        *why = "event-channel-tx/-rx written, but split event channels were not offered";
        return -1;
    }
    if (has_split && single != -1) {
        *why = "both event-channel and event-channel-tx/-rx written";
        return -1;
    }
    if (has_split) {
        if (!port_ok(tx) || !port_ok(rx)) {
            *why = "event-channel-tx or event-channel-rx missing or bad";
            return -1;
        }
        out->tx = (uint32_t)tx;
        out->rx = (uint32_t)rx;
        out->split = 1;
        return 0;
    }
    if (!port_ok(single)) {
        *why = "event-channel missing or bad";
        return -1;
    }
    out->tx = out->rx = (uint32_t)single;
    out->split = 0;
    return 0;
}

int nb_num_queues(long node, unsigned max, const char **why)
{
    if (node < 1 || node > (long)max) {
        *why = "multi-queue-num-queues is not between 1 and multi-queue-max-queues";
        return -1;
    }
    return (int)node;
}

void nb_queue_dir(char *out, size_t len, const char *fe, unsigned nq, unsigned i)
{
    if (nq > 1)
        snprintf(out, len, "%s/queue-%u", fe, i);
    else
        snprintf(out, len, "%s", fe);
}

/* FNV-1a: cheap, and spreads the few bytes of a flow's addresses well enough over 4 queues */
static uint32_t fnv(uint32_t h, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

unsigned nb_flow_queue(const uint8_t *frame, unsigned len, unsigned nq)
{
    uint32_t h = 2166136261u;
    const uint8_t *l3 = frame + 14, *l4 = NULL;
    unsigned proto = 0;

    if (nq <= 1 || len < 14)
        return 0;
    if (frame[12] == 0x08 && frame[13] == 0x00 && len >= 14 + 20) {
        unsigned ihl = (l3[0] & 0x0fu) * 4u;
        /* a fragment (offset or more-fragments set) is hashed on its addresses only, so
         * that all of a datagram's fragments stay together */
        int frag = ((l3[6] & 0x3fu) | l3[7]) != 0;

        h = fnv(h, l3 + 12, 8);
        proto = l3[9];
        if (ihl >= 20 && !frag && len >= 14 + ihl + 4)
            l4 = l3 + ihl;
    } else if (frame[12] == 0x86 && frame[13] == 0xdd && len >= 14 + 40) {
        /* the ports after any hop-by-hop and destination options headers; a walk that fails
         * (a fragment, a routing header, a truncated packet) hashes on the addresses only */
        int off = nb_ipv6_upper(l3, len - 14, &proto);

        h = fnv(h, l3 + 8, 32);
        if (off >= 0 && len >= 14 + (unsigned)off + 4)
            l4 = l3 + off;
    } else {
        return fnv(h, frame, 12) % nq; /* the MAC pair */
    }
    if (l4 && (proto == 6 || proto == 17))
        h = fnv(h, l4, 4);
    return h % nq;
}
