/* libxenforeignmemory Linux back end: mmap of /dev/xen/privcmd + IOCTL_PRIVCMD_MMAPBATCH_V2
 * (each page becomes XENMEM_add_to_physmap_batch gmfn_foreign on Arm) and
 * IOCTL_PRIVCMD_MMAP_RESOURCE (XENMEM_acquire_resource). */
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "private.h"
#include <xen/sys/privcmd.h>

#define PAGE_SIZE_4K 4096

int osdep_fmem_open(xenforeignmemory_handle *fmem)
{
    fmem->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    return fmem->fd < 0 ? -1 : 0;
}

void osdep_fmem_close(xenforeignmemory_handle *fmem)
{
    if (fmem->fd >= 0)
        close(fmem->fd);
}

void *osdep_fmem_map(xenforeignmemory_handle *fmem, uint32_t dom, void *addr, int prot, int flags,
                     size_t pages, const xen_pfn_t arr[], int err[])
{
    privcmd_mmapbatch_v2_t batch;
    void *p;
    int saved;

    p = mmap(addr, pages * PAGE_SIZE_4K, prot, MAP_SHARED | flags, fmem->fd, 0);
    if (p == MAP_FAILED)
        return NULL;
    batch = (privcmd_mmapbatch_v2_t){
        .num = pages, .dom = dom, .addr = (uintptr_t)p, .arr = arr, .err = err};
    /* -ENOENT means some pages are paged out (never on Arm); per-page errors are in err[]. */
    if (ioctl(fmem->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0 && errno != ENOENT) {
        saved = errno;
        munmap(p, pages * PAGE_SIZE_4K);
        errno = saved;
        return NULL;
    }
    return p;
}

int osdep_fmem_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
    return munmap(addr, pages * PAGE_SIZE_4K);
}

int osdep_fmem_restrict(xenforeignmemory_handle *fmem, domid_t domid)
{
    return ioctl(fmem->fd, IOCTL_PRIVCMD_RESTRICT, &domid);
}

int osdep_fmem_map_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres)
{
    privcmd_mmap_resource_t mr = {
        .dom = fres->domid, .type = fres->type, .id = fres->id, .idx = fres->frame};
    int saved;

    if (!fres->addr && !fres->nr_frames) {
        /* Size query: Xen returns the resource's frame count. */
        if (ioctl(fmem->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &mr) < 0)
            return -1;
        fres->nr_frames = mr.num;
        return 0;
    }
    fres->addr = mmap(fres->addr, fres->nr_frames * PAGE_SIZE_4K, fres->prot,
                      fres->flags | MAP_SHARED, fmem->fd, 0);
    if (fres->addr == MAP_FAILED)
        return -1;
    mr.num = fres->nr_frames;
    mr.addr = (uintptr_t)fres->addr;
    if (ioctl(fmem->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &mr) < 0) {
        saved = errno;
        munmap(fres->addr, fres->nr_frames * PAGE_SIZE_4K);
        errno = saved;
        return -1;
    }
    return 0;
}

int osdep_fmem_unmap_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *fres)
{
    return munmap(fres->addr, fres->nr_frames * PAGE_SIZE_4K);
}
