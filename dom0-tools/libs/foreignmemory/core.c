/* libxenforeignmemory-compatible mapping of other domains' memory: the portable part. */
#include <errno.h>
#include <stdlib.h>
#include "private.h"

#define PAGE_SIZE_4K 4096

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *logger,
                                               unsigned open_flags)
{
    xenforeignmemory_handle *fmem = calloc(1, sizeof(*fmem));

    if (!fmem)
        return NULL;
    fmem->logger = logger;
    fmem->fd = -1;
    if (osdep_fmem_open(fmem) < 0) {
        int saved = errno;

        xtl_log(logger, XTL_ERROR, saved, "xenforeignmemory", "opening /dev/xen/privcmd");
        free(fmem);
        errno = saved;
        return NULL;
    }
    return fmem;
}

int xenforeignmemory_close(xenforeignmemory_handle *fmem)
{
    if (!fmem)
        return 0;
    osdep_fmem_close(fmem);
    free(fmem);
    return 0;
}

void *xenforeignmemory_map2(xenforeignmemory_handle *fmem, uint32_t dom, void *addr, int prot,
                            int flags, size_t pages, const xen_pfn_t arr[], int err[])
{
    int *local_err = NULL;
    void *p;

    if (!pages) {
        errno = EINVAL;
        return NULL;
    }
    /* Without a caller's err[], any per-page failure fails the whole mapping. */
    if (!err) {
        local_err = calloc(pages, sizeof(int));
        if (!local_err)
            return NULL;
    }
    p = osdep_fmem_map(fmem, dom, addr, prot, flags, pages, arr, err ? err : local_err);
    if (p && local_err) {
        for (size_t i = 0; i < pages; i++) {
            if (local_err[i]) {
                osdep_fmem_unmap(fmem, p, pages);
                errno = -local_err[i];
                p = NULL;
                break;
            }
        }
    }
    free(local_err);
    return p;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot, size_t pages,
                           const xen_pfn_t arr[], int err[])
{
    return xenforeignmemory_map2(fmem, dom, NULL, prot, 0, pages, arr, err);
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
    return osdep_fmem_unmap(fmem, addr, pages);
}

int xenforeignmemory_restrict(xenforeignmemory_handle *fmem, domid_t domid)
{
    return osdep_fmem_restrict(fmem, domid);
}

xenforeignmemory_resource_handle *
xenforeignmemory_map_resource(xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
                              unsigned int id, unsigned long frame, unsigned long nr_frames,
                              void **paddr, int prot, int flags)
{
    xenforeignmemory_resource_handle *fres = calloc(1, sizeof(*fres));

    if (!fres)
        return NULL;
    *fres = (xenforeignmemory_resource_handle){.domid = domid,
                                               .type = type,
                                               .id = id,
                                               .frame = frame,
                                               .nr_frames = nr_frames,
                                               .addr = paddr ? *paddr : NULL,
                                               .prot = prot,
                                               .flags = flags};
    if (osdep_fmem_map_resource(fmem, fres) < 0) {
        int saved = errno;

        free(fres);
        errno = saved;
        return NULL;
    }
    if (paddr)
        *paddr = fres->addr;
    return fres;
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
                                    xenforeignmemory_resource_handle *fres)
{
    int rc;

    if (!fres)
        return 0;
    rc = osdep_fmem_unmap_resource(fmem, fres);
    free(fres);
    return rc;
}

int xenforeignmemory_resource_size(xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
                                   unsigned int id, size_t *size)
{
    xenforeignmemory_resource_handle fres = {.domid = domid, .type = type, .id = id};

    if (osdep_fmem_map_resource(fmem, &fres) < 0)
        return -1;
    *size = fres.nr_frames * PAGE_SIZE_4K;
    return 0;
}
