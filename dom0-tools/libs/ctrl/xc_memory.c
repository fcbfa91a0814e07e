/* libxenctrl-compatible guest memory: XENMEM_* reservation and physmap operations, and
 * foreign mappings through libxenforeignmemory. */
#include <stdlib.h>
#include "xc_private.h"

static int reservation_op(xc_interface *xch, unsigned long cmd, uint32_t domid,
                          unsigned long nr_extents, unsigned int extent_order,
                          unsigned int mem_flags, xen_pfn_t *extent_start)
{
    struct xen_memory_reservation res = {.nr_extents = nr_extents,
                                         .extent_order = extent_order,
                                         .mem_flags = mem_flags,
                                         .domid = domid};
    struct xc_bounce list;
    int rc;

    if (xc_bounce_in(xch, &list, extent_start, nr_extents * sizeof(*extent_start), 1, 1) < 0)
        return -1;
    set_xen_guest_handle_raw(res.extent_start, (xen_pfn_t *)list.hbuf);
    rc = xc_hypercall_struct(xch, __HYPERVISOR_memory_op, cmd, &res, sizeof(res), 0);
    xc_bounce_out(xch, &list);
    return rc;
}

int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                               unsigned int extent_order, unsigned int mem_flags,
                               xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_populate_physmap, domid, nr_extents, extent_order, mem_flags,
                          extent_start);
}

int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                     unsigned int extent_order, unsigned int mem_flags,
                                     xen_pfn_t *extent_start)
{
    int rc =
        xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags, extent_start);

    if (rc >= 0 && (unsigned long)rc != nr_extents) {
        errno = ENOMEM;
        rc = -1;
    }
    if (rc < 0) {
        xc_report(xch, errno, "XENMEM_populate_physmap of %lu order-%u extents in domain %u",
                  nr_extents, extent_order, domid);
        return -1;
    }
    return 0;
}

/* XENMEM_claim_pages: reserve nr_pages (the total the domain is to own) of the free pool
 * for domid, 0 to cancel.  As libxenctrl, a hypervisor without claims (-ENOSYS) is not an
 * error. */
int xc_domain_claim_pages(xc_interface *xch, uint32_t domid, unsigned long nr_pages)
{
    struct xen_memory_reservation res = {.nr_extents = nr_pages, .domid = domid};
    int rc =
        xc_hypercall_struct(xch, __HYPERVISOR_memory_op, XENMEM_claim_pages, &res, sizeof(res), 0);

    if (rc < 0 && errno == ENOSYS)
        rc = 0;
    return rc;
}

int xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                   unsigned int extent_order, xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_decrease_reservation, domid, nr_extents, extent_order, 0,
                          extent_start);
}

int xc_domain_add_to_physmap(xc_interface *xch, uint32_t domid, unsigned int space,
                             unsigned long idx, xen_pfn_t gpfn)
{
    struct xen_add_to_physmap xatp = {.domid = domid, .space = space, .idx = idx, .gpfn = gpfn};

    return xc_hypercall_struct(xch, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp,
                               sizeof(xatp), 0) < 0
               ? -1
               : 0;
}

int xc_domain_remove_from_physmap(xc_interface *xch, uint32_t domid, xen_pfn_t gpfn)
{
    struct xen_remove_from_physmap xrfp = {.domid = domid, .gpfn = gpfn};

    return xc_hypercall_struct(xch, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &xrfp,
                               sizeof(xrfp), 0) < 0
               ? -1
               : 0;
}

void *xc_map_foreign_range(xc_interface *xch, uint32_t dom, int size, int prot, unsigned long mfn)
{
    size_t pages = ((size_t)size + XC_PAGE_SIZE - 1) >> XC_PAGE_SHIFT;
    xen_pfn_t *arr = calloc(pages, sizeof(*arr));
    void *p;

    if (!arr)
        return NULL;
    for (size_t i = 0; i < pages; i++)
        arr[i] = mfn + i;
    p = xenforeignmemory_map(xch->fmem, dom, prot, pages, arr, NULL);
    free(arr);
    return p;
}
