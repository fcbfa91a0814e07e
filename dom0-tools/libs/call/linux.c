/* libxencall Linux back end: /dev/xen/privcmd for hypercalls, /dev/xen/hypercall for
 * kernel-allocated, pinned argument pages. */
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/sys/privcmd.h>
#include "private.h"

int osdep_xencall_open(xencall_handle *xcall)
{
    xcall->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (xcall->fd < 0)
        return -1;
    /* Older kernels lack /dev/xen/hypercall; then locked anonymous memory is used. */
    xcall->buf_fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    return 0;
}

void osdep_xencall_close(xencall_handle *xcall)
{
    if (xcall->buf_fd >= 0)
        close(xcall->buf_fd);
    if (xcall->fd >= 0)
        close(xcall->fd);
}

long osdep_hypercall(xencall_handle *xcall, unsigned int op, const uint64_t arg[5])
{
    privcmd_hypercall_t hc = {.op = op};

    for (int i = 0; i < 5; i++)
        hc.arg[i] = arg[i];
    return ioctl(xcall->fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

void *osdep_alloc_pages(xencall_handle *xcall, size_t npages)
{
    size_t size = npages * XC_PAGE_SIZE;
    void *p;

    if (xcall->buf_fd >= 0) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, xcall->buf_fd, 0);
        return p == MAP_FAILED ? NULL : p;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Touch every page so the hypervisor's stage-1 walk finds it present and writable. */
    for (size_t i = 0; i < npages; i++)
        ((volatile char *)p)[i * XC_PAGE_SIZE] = 0;
    return p;
}

void osdep_free_pages(xencall_handle *xcall, void *p, size_t npages)
{
    munmap(p, npages * XC_PAGE_SIZE);
}
