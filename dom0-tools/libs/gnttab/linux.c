/* libxengnttab Linux back end: /dev/xen/gntdev (include/uapi/xen/gntdev.h). On Arm the
 * kernel maps grants when the fake offset returned by MAP_GRANT_REF is mmap()ed. */
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/gntdev.h>
#include "private.h"

#define PAGE_SIZE_4K 4096

int osdep_gnttab_open(xengnttab_handle *xgt)
{
    xgt->fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    return xgt->fd < 0 ? -1 : 0;
}

void osdep_gnttab_close(xengnttab_handle *xgt)
{
    if (xgt->fd >= 0)
        close(xgt->fd);
}

void *osdep_gnttab_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids, int one_domid,
                       const uint32_t *refs, int prot)
{
    size_t size = sizeof(struct ioctl_gntdev_map_grant_ref) +
                  (count ? count - 1 : 0) * sizeof(struct ioctl_gntdev_grant_ref);
    struct ioctl_gntdev_map_grant_ref *map;
    void *addr = NULL;
    int saved;

    if (!count) {
        errno = EINVAL;
        return NULL;
    }
    map = calloc(1, size);
    if (!map)
        return NULL;
    map->count = count;
    for (uint32_t i = 0; i < count; i++) {
        map->refs[i].domid = one_domid ? domids[0] : domids[i];
        map->refs[i].ref = refs[i];
    }
    if (ioctl(xgt->fd, IOCTL_GNTDEV_MAP_GRANT_REF, map) < 0)
        goto out;
    addr = mmap(NULL, (size_t)count * PAGE_SIZE_4K, prot, MAP_SHARED, xgt->fd, map->index);
    if (addr == MAP_FAILED) {
        struct ioctl_gntdev_unmap_grant_ref unmap = {.index = map->index, .count = count};

        saved = errno;
        ioctl(xgt->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
        errno = saved;
        addr = NULL;
    }
out:
    saved = errno;
    free(map);
    errno = saved;
    return addr;
}

int osdep_gnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
    struct ioctl_gntdev_get_offset_for_vaddr get = {.vaddr = (uintptr_t)start};
    struct ioctl_gntdev_unmap_grant_ref unmap;

    if (ioctl(xgt->fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &get) < 0)
        return -1;
    if (get.count != count) {
        errno = EINVAL;
        return -1;
    }
    if (munmap(start, (size_t)count * PAGE_SIZE_4K) < 0)
        return -1;
    unmap.index = get.offset;
    unmap.count = count;
    unmap.pad = 0;
    return ioctl(xgt->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
}

int osdep_gnttab_set_max_grants(xengnttab_handle *xgt, uint32_t count)
{
    struct ioctl_gntdev_set_max_grants max = {.count = count};

    return ioctl(xgt->fd, IOCTL_GNTDEV_SET_MAX_GRANTS, &max);
}

/* IOCTL_GNTDEV_GRANT_COPY: the kernel pins each local page and issues GNTTABOP_copy in
 * batches (16 operations per hypercall in Linux 6.1), so no page is mapped into dom0. The
 * library's segment type has the uapi's layout (both copy Xen's gnttab_copy fields). */
_Static_assert(sizeof(xengnttab_grant_copy_segment_t) ==
                   sizeof(struct ioctl_gntdev_grant_copy_segment),
               "grant copy segment layouts differ");

int osdep_gnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs)
{
    struct ioctl_gntdev_grant_copy copy = {
        .count = count, .segments = (struct ioctl_gntdev_grant_copy_segment *)segs};

    return ioctl(xgt->fd, IOCTL_GNTDEV_GRANT_COPY, &copy);
}
