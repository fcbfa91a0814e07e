/* libxengnttab-compatible grant mapping for dom0 back ends: the portable part. */
#include <errno.h>
#include <stdlib.h>
#include "private.h"

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger, unsigned open_flags)
{
    xengnttab_handle *xgt = calloc(1, sizeof(*xgt));

    if (!xgt)
        return NULL;
    xgt->logger = logger;
    xgt->fd = -1;
    if (osdep_gnttab_open(xgt) < 0) {
        int saved = errno;

        xtl_log(logger, XTL_ERROR, saved, "xengnttab", "opening /dev/xen/gntdev");
        free(xgt);
        errno = saved;
        return NULL;
    }
    return xgt;
}

int xengnttab_close(xengnttab_handle *xgt)
{
    if (!xgt)
        return 0;
    osdep_gnttab_close(xgt);
    free(xgt);
    return 0;
}

int xengnttab_fd(xengnttab_handle *xgt)
{
    return xgt->fd;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot)
{
    return osdep_gnttab_map(xgt, 1, &domid, 1, &ref, prot);
}

void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t *domids,
                               uint32_t *refs, int prot)
{
    return osdep_gnttab_map(xgt, count, domids, 0, refs, prot);
}

void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t domid,
                                      uint32_t *refs, int prot)
{
    return osdep_gnttab_map(xgt, count, &domid, 1, refs, prot);
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count)
{
    return osdep_gnttab_unmap(xgt, start_address, count);
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
    return osdep_gnttab_set_max_grants(xgt, nr_grants);
}

int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                         xengnttab_grant_copy_segment_t *segs)
{
    return osdep_gnttab_grant_copy(xgt, count, segs);
}
