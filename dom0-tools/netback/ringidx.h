/* tern-netback: sanity of a frontend's ring indices (a hostile frontend's bad req_prod means
 * its vif is disconnected, never that we read past the ring). */
#ifndef TERN_NETBACK_RINGIDX_H
#define TERN_NETBACK_RINGIDX_H

#include <stdint.h>

/* Requests ready to consume, given the shared req_prod (read once), our req_cons and our
 * rsp_prod_pvt on a ring of size slots; -1 if req_prod claims more outstanding requests than
 * the ring holds (or runs behind what we consumed). Indices wrap as RING_IDX does. */
long nb_ring_pending(uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod_pvt, uint32_t size);

#endif
