/* libxenforeignmemory fake back end for host unit tests: there is no other domain's memory
 * to map on the build host, so every mapping fails with ENOSYS. */
#include <errno.h>
#include "private.h"

int osdep_fmem_open(xenforeignmemory_handle *fmem)
{
    fmem->fd = 1002;
    return 0;
}

void osdep_fmem_close(xenforeignmemory_handle *fmem)
{
}

void *osdep_fmem_map(xenforeignmemory_handle *fmem, uint32_t dom, void *addr, int prot, int flags,
                     size_t pages, const xen_pfn_t arr[], int err[])
{
    errno = ENOSYS;
    return NULL;
}

int osdep_fmem_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
    errno = ENOSYS;
    return -1;
}

int osdep_fmem_restrict(xenforeignmemory_handle *fmem, domid_t domid)
{
    return 0;
}

int osdep_fmem_map_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres)
{
    errno = ENOSYS;
    return -1;
}

int osdep_fmem_unmap_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres)
{
    errno = ENOSYS;
    return -1;
}
