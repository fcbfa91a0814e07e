/* tern-netback: TX request validation (see txcheck.h). */
#include "txcheck.h"

static int slot_fits(const netif_tx_request_t *r)
{
    return (unsigned)r->offset + r->size <= NB_TX_PAGE;
}

enum nb_tx_verdict nb_tx_check(const netif_tx_request_t *req, unsigned n, unsigned *used,
                               const char **why)
{
    unsigned i = 0, frag_sum = 0;
    const char *fault = NULL;

    *used = 0;
    if (n == 0)
        return NB_TX_INCOMPLETE;
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
    if (req[0].flags & NETTXF_extra_info) {
        fault = "extra-info descriptor (no GSO is advertised)";
        goto bad;
    }
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
