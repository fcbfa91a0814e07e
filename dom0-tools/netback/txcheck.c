/* tern-netback: TX request validation (see txcheck.h). */
#include "txcheck.h"

#include <string.h>

static int slot_fits(const netif_tx_request_t *r)
{
    return (unsigned)r->offset + r->size <= NB_TX_PAGE;
}

unsigned nb_tx_extras(const netif_tx_request_t *req, unsigned n)
{
    unsigned k = 0;

    if (n == 0 || !(req[0].flags & NETTXF_extra_info))
        return 0;
    while (1 + k < n) {
        /* the slot read as what it is: a netif_extra_info */
        uint8_t flags = ((const uint8_t *)&req[1 + k])[offsetof(struct netif_extra_info, flags)];

        k++;
        if (!(flags & XEN_NETIF_EXTRA_FLAG_MORE))
            return k;
    }
    return n; /* the last one produced still says more */
}

/* The GSO request in the extra-info slots req[1..x], or the reason it is refused. */
static const char *gso_request(const netif_tx_request_t *req, unsigned x, struct nb_tx_gso *gso)
{
    struct netif_extra_info e;

    if (x != 1)
        return "more than one extra-info slot";
    memcpy(&e, &req[1], sizeof(e));
    if (e.type != XEN_NETIF_EXTRA_TYPE_GSO)
        return "extra-info of a type not offered (only GSO is)";
    if (e.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 && e.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)
        return "GSO type not offered (TCPv4 and TCPv6 are)";
    /* a 64 KiB frame cut into tiny segments (for a port without GSO) would cost the one
     * backend thread up to 65535 segments, at the other guests' expense */
    if (e.u.gso.size < NB_TX_GSO_MIN)
        return "GSO size under 64 (NB_TX_GSO_MIN)";
    if (!(req[0].flags & NETTXF_csum_blank))
        return "GSO packet without NETTXF_csum_blank";
    gso->size = e.u.gso.size;
    gso->type = e.u.gso.type;
    return NULL;
}

enum nb_tx_verdict nb_tx_check(const netif_tx_request_t *req, unsigned n, unsigned *used,
                               struct nb_tx_gso *gso, const char **why)
{
    unsigned i = 0, x = 0, ndata = 1, frag_sum = 0;
    const char *fault = NULL;

    *used = 0;
    gso->size = 0;
    gso->type = 0;
    if (n == 0)
        return NB_TX_INCOMPLETE;
    /* Walk the chain first, so the slot count is known even for a bad packet: the first
     * fragment, its extra-info slots while XEN_NETIF_EXTRA_FLAG_MORE, then the others. */
    if (req[0].flags & NETTXF_extra_info) {
        x = nb_tx_extras(req, n);
        if (x >= n)
            return NB_TX_INCOMPLETE;
        i = x;
    }
    if (req[0].flags & NETTXF_more_data)
        do {
            if (++i >= n)
                return NB_TX_INCOMPLETE;
            if (++ndata > XEN_NETIF_NR_SLOTS_MIN && !fault)
                fault = "packet uses more slots than XEN_NETIF_NR_SLOTS_MIN";
        } while (req[i].flags & NETTXF_more_data);
    *used = i + 1;
    if (fault)
        goto bad;
    if (x && (fault = gso_request(req, x, gso)))
        goto bad;
    if ((unsigned)req[0].size < NB_TX_MIN_FRAME) {
        fault = "packet shorter than an Ethernet header";
        goto bad;
    }
    for (unsigned k = 1 + x; k <= i; k++) {
        if (req[k].flags & NETTXF_extra_info) {
            fault = "extra-info flag on a follow-on slot";
            goto bad;
        }
        if (!slot_fits(&req[k])) {
            fault = "slot crosses its page";
            goto bad;
        }
        frag_sum += req[k].size;
    }
    /* req[0].size is the whole packet; its own slot holds what the others do not. */
    if (frag_sum > (unsigned)req[0].size) {
        fault = "follow-on slots larger than the packet";
        goto bad;
    }
    if ((unsigned)req[0].offset + (req[0].size - frag_sum) > NB_TX_PAGE) {
        fault = "first slot crosses its page";
        goto bad;
    }
    return NB_TX_OK;
bad:
    gso->size = 0;
    gso->type = 0;
    *why = fault;
    return NB_TX_BAD;
}

unsigned nb_tx_data_slots(const netif_tx_request_t *req, unsigned used, netif_tx_request_t *out)
{
    unsigned x = nb_tx_extras(req, used), n = 0;

    out[n++] = req[0];
    for (unsigned k = 1 + x; k < used; k++)
        out[n++] = req[k];
    return n;
}
