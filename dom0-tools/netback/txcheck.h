/* tern-netback: validation of one guest packet's TX requests before any data is copied
 * (slot chain, per-slot offset/size within a page, total size, slot count). */
#ifndef TERN_NETBACK_TXCHECK_H
#define TERN_NETBACK_TXCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>

#define NB_TX_PAGE      4096u
#define NB_TX_MIN_FRAME 14u /* an Ethernet header */

enum nb_tx_verdict {
    NB_TX_OK,        /* copy it */
    NB_TX_BAD,       /* answer every used slot with NETIF_RSP_ERROR */
    NB_TX_INCOMPLETE /* the chain goes past the produced requests: wait for more */
};

/* Checks the packet starting at req[0], with n requests produced after it (inclusive).
 * Sets *used to the slots the packet occupies (also for NB_TX_BAD, so each is answered) and
 * *why on NB_TX_BAD. Extra-info descriptors are refused: we advertise no GSO. */
/* The extra-info slots after req[0] (0 if it has no NETTXF_extra_info), of the n produced;
 * n if the last one produced still has XEN_NETIF_EXTRA_FLAG_MORE. They are answered with
 * NETIF_RSP_NULL. */
unsigned nb_tx_extras(const netif_tx_request_t *req, unsigned n);

enum nb_tx_verdict nb_tx_check(const netif_tx_request_t *req, unsigned n, unsigned *used,
                               const char **why);

#endif
