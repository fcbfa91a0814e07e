/* Ballooning single pages (XENMEM_decrease_reservation / XENMEM_populate_physmap), for cases
 * that need a hole in their physical map (grant mappings, foreign frames). */
#ifndef TG_BALLOON_H
#define TG_BALLOON_H

#include "xen.h"

/* Release the RAM behind gfn; returns the hypercall's result (extents done). */
long balloon_out(uint64_t gfn);
/* Back gfn with RAM again; returns the hypercall's result (extents done). */
long balloon_in(uint64_t gfn);
/* One reservation op on this domain with an explicit extent list. */
long memory_reservation(unsigned cmd, xen_pfn_t *extents, unsigned long nr, unsigned order,
                        domid_t domid);

#endif
