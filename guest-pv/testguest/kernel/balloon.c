/* Single-page ballooning helpers over struct xen_memory_reservation (xen/memory.h). */
#include <tg/balloon.h>

long memory_reservation(unsigned cmd, xen_pfn_t *extents, unsigned long nr, unsigned order,
                        domid_t domid)
{
    struct xen_memory_reservation r = {
        .nr_extents = nr,
        .extent_order = order,
        .mem_flags = 0,
        .domid = domid,
    };

    set_xen_guest_handle(r.extent_start, extents);
    return hyp_memory_op(cmd, &r);
}

long balloon_out(uint64_t gfn)
{
    xen_pfn_t f = gfn;
    return memory_reservation(XENMEM_decrease_reservation, &f, 1, 0, DOMID_SELF);
}

long balloon_in(uint64_t gfn)
{
    xen_pfn_t f = gfn;
    return memory_reservation(XENMEM_populate_physmap, &f, 1, 0, DOMID_SELF);
}
