/* libxengnttab fake back end for host unit tests: the build host has no grant tables, so
 * opening gntdev fails with ENOSYS (callers fall back or report it). */
#include <errno.h>
#include "private.h"

int osdep_gnttab_open(xengnttab_handle *xgt)
{
    errno = ENOSYS;
    return -1;
}

void osdep_gnttab_close(xengnttab_handle *xgt)
{
}

void *osdep_gnttab_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids, int one_domid,
                       const uint32_t *refs, int prot)
{
    errno = ENOSYS;
    return NULL;
}

int osdep_gnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
    errno = ENOSYS;
    return -1;
}

int osdep_gnttab_set_max_grants(xengnttab_handle *xgt, uint32_t count)
{
    errno = ENOSYS;
    return -1;
}

int osdep_gnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{
    errno = ENOSYS;
    return -1;
}
