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

/* The requests looked at for one packet: at most XEN_NETIF_NR_SLOTS_MIN data slots and one
 * extra-info slot, and one more to tell a chain over the limit from an unfinished one. */
#define NB_TX_WINDOW (XEN_NETIF_NR_SLOTS_MIN + 2)
/* The smallest GSO segment size taken from a guest (TCP's own minimum MSS is 48 to 88). */
#define NB_TX_GSO_MIN 64

/* What a packet's GSO extra-info slot asked for (size 0: none). */
struct nb_tx_gso {
    uint16_t size; /* payload bytes per segment (the MSS) */
    uint8_t type;  /* XEN_NETIF_GSO_TYPE_TCPV4 or _TCPV6: the ones offered */
};

/* The extra-info slots after req[0] (0 if it has no NETTXF_extra_info), of the n produced;
 * n if the last one produced still has XEN_NETIF_EXTRA_FLAG_MORE. They are answered with
 * NETIF_RSP_NULL. */
unsigned nb_tx_extras(const netif_tx_request_t *req, unsigned n);

/* Checks the packet starting at req[0], with n requests produced after it (inclusive).
 * Sets *used to the slots the packet occupies (also for NB_TX_BAD, so each is answered),
 * *gso to its GSO request (feature-gso-tcpv4/-tcpv6: one extra-info slot of type GSO, TCPv4 or
 * TCPv6, a size of at least NB_TX_GSO_MIN, on a packet marked NETTXF_csum_blank; any other
 * extra-info is bad) and *why on NB_TX_BAD. */
enum nb_tx_verdict nb_tx_check(const netif_tx_request_t *req, unsigned n, unsigned *used,
                               struct nb_tx_gso *gso, const char **why);

/* Copies the data slots of an accepted packet of used slots (the first, then those after
 * its extra-info slots) to out; returns how many. */
unsigned nb_tx_data_slots(const netif_tx_request_t *req, unsigned used, netif_tx_request_t *out);

#endif
