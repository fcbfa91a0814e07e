/* tern-netback: TX request validation (see txcheck.h). */
#include "txcheck.h"

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

enum nb_tx_verdict nb_tx_check(const netif_tx_request_t *req, unsigned n, unsigned *used,
                               const char **why)
{
    unsigned i = 0, frag_sum = 0;
    const char *fault = NULL;

    *used = 0;
    if (n == 0)
        return NB_TX_INCOMPLETE;
    if (req[0].flags & NETTXF_extra_info) {
        /* refused (no GSO is advertised), but its slots are counted as netif.h lays them
         * out: extra-info slots after the first, then the chain's other fragments */
        i = 1 + nb_tx_extras(req, n);
        if (i >= n + 1)
            return NB_TX_INCOMPLETE;
        i--; /* the last extra-info slot */
        if (req[0].flags & NETTXF_more_data)
            do {
                if (++i >= n)
                    return NB_TX_INCOMPLETE;
            } while (req[i].flags & NETTXF_more_data);
        *used = i + 1;
        *why = "extra-info descriptor (no GSO is advertised)";
        return NB_TX_BAD;
    }
    /* Walk the chain first, so the slot count is known even for a bad packet. */
    while (req[i].flags & NETTXF_more_data) {
        if (++i >= n)
            return NB_TX_INCOMPLETE;
        if (i >= XEN_NETIF_NR_SLOTS_MIN && !fault)
            fault = "packet uses more slots than XEN_NETIF_NR_SLOTS_MIN";
    }
    *used = i + 1;
    if (fault)
        goto bad;
    if ((unsigned)req[0].size < NB_TX_MIN_FRAME) {
        fault = "packet shorter than an Ethernet header";
        goto bad;
    }
    for (unsigned k = 1; k <= i; k++) {
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
    *why = fault;
    return NB_TX_BAD;
}
