/* tern-netback: ring index sanity (see ringidx.h). */
#include "ringidx.h"

long nb_ring_pending(uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod_pvt, uint32_t size)
{
    uint32_t ahead = req_prod - req_cons;          /* unconsumed requests */
    uint32_t unanswered = req_prod - rsp_prod_pvt; /* slots the guest holds filled */

    if (req_cons - rsp_prod_pvt > size || ahead > size || unanswered > size)
        return -1;
    return (long)ahead;
}
