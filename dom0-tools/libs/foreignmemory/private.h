/* libxenforeignmemory internals: portable core.c over one OS back end (linux.c). */
#ifndef TERN_XENFOREIGNMEMORY_PRIVATE_H
#define TERN_XENFOREIGNMEMORY_PRIVATE_H

#include <stdint.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xenforeignmemory.h>
#include <xentoollog.h>

struct xenforeignmemory_handle {
    xentoollog_logger *logger;
    int fd;
};

struct xenforeignmemory_resource_handle {
    domid_t domid;
    unsigned int type, id;
    unsigned long frame, nr_frames;
    void *addr;
    int prot, flags;
};

int osdep_fmem_open(xenforeignmemory_handle *fmem);
void osdep_fmem_close(xenforeignmemory_handle *fmem);
void *osdep_fmem_map(xenforeignmemory_handle *fmem, uint32_t dom, void *addr, int prot, int flags,
                     size_t pages, const xen_pfn_t arr[], int err[]);
int osdep_fmem_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages);
int osdep_fmem_restrict(xenforeignmemory_handle *fmem, domid_t domid);
int osdep_fmem_map_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres);
int osdep_fmem_unmap_resource(xenforeignmemory_handle *fmem,
                              xenforeignmemory_resource_handle *fres);

#endif
