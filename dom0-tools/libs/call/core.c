/* libxencall-compatible hypercall channel: the portable part.
 * Argument buffers must be hypercall-safe (see xen-arm-abi.md 4.1): they come from the
 * back end's page allocator, never from malloc. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

/* Small buffers carry their page count in a header in front of the returned pointer. */
struct buffer_header {
    size_t npages;
    uint64_t pad;
};

xencall_handle *xencall_open(struct xentoollog_logger *logger, unsigned open_flags)
{
    xencall_handle *xcall = calloc(1, sizeof(*xcall));

    if (!xcall)
        return NULL;
    xcall->logger = logger;
    xcall->fd = -1;
    xcall->buf_fd = -1;
    if (osdep_xencall_open(xcall) < 0) {
        int saved = errno;

        xtl_log(logger, XTL_ERROR, saved, "xencall", "opening the hypercall interface");
        free(xcall);
        errno = saved;
        return NULL;
    }
    return xcall;
}

int xencall_close(xencall_handle *xcall)
{
    if (!xcall)
        return 0;
    osdep_xencall_close(xcall);
    free(xcall);
    return 0;
}

int xencall_fd(xencall_handle *xcall)
{
    return xcall->fd;
}

static int call(xencall_handle *xcall, unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3,
                uint64_t a4, uint64_t a5)
{
    const uint64_t arg[5] = {a1, a2, a3, a4, a5};

    return (int)osdep_hypercall(xcall, op, arg);
}

int xencall0(xencall_handle *xcall, unsigned int op)
{
    return call(xcall, op, 0, 0, 0, 0, 0);
}

int xencall1(xencall_handle *xcall, unsigned int op, uint64_t arg1)
{
    return call(xcall, op, arg1, 0, 0, 0, 0);
}

int xencall2(xencall_handle *xcall, unsigned int op, uint64_t arg1, uint64_t arg2)
{
    return call(xcall, op, arg1, arg2, 0, 0, 0);
}

long xencall2L(xencall_handle *xcall, unsigned int op, uint64_t arg1, uint64_t arg2)
{
    const uint64_t arg[5] = {arg1, arg2, 0, 0, 0};

    return osdep_hypercall(xcall, op, arg);
}

int xencall3(xencall_handle *xcall, unsigned int op, uint64_t arg1, uint64_t arg2, uint64_t arg3)
{
    return call(xcall, op, arg1, arg2, arg3, 0, 0);
}

int xencall4(xencall_handle *xcall, unsigned int op, uint64_t arg1, uint64_t arg2, uint64_t arg3,
             uint64_t arg4)
{
    return call(xcall, op, arg1, arg2, arg3, arg4, 0);
}

int xencall5(xencall_handle *xcall, unsigned int op, uint64_t arg1, uint64_t arg2, uint64_t arg3,
             uint64_t arg4, uint64_t arg5)
{
    return call(xcall, op, arg1, arg2, arg3, arg4, arg5);
}

void *xencall_alloc_buffer_pages(xencall_handle *xcall, size_t nr_pages)
{
    void *p = osdep_alloc_pages(xcall, nr_pages);

    if (!p) {
        xtl_log(xcall->logger, XTL_ERROR, errno, "xencall", "allocating %zu hypercall pages",
                nr_pages);
        return NULL;
    }
    memset(p, 0, nr_pages * XC_PAGE_SIZE);
    return p;
}

void xencall_free_buffer_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
    if (p)
        osdep_free_pages(xcall, p, nr_pages);
}

void *xencall_alloc_buffer(xencall_handle *xcall, size_t size)
{
    size_t npages = (size + sizeof(struct buffer_header) + XC_PAGE_SIZE - 1) / XC_PAGE_SIZE;
    struct buffer_header *hdr = xencall_alloc_buffer_pages(xcall, npages);

    if (!hdr)
        return NULL;
    hdr->npages = npages;
    return hdr + 1;
}

void xencall_free_buffer(xencall_handle *xcall, void *p)
{
    struct buffer_header *hdr;

    if (!p)
        return;
    hdr = (struct buffer_header *)p - 1;
    xencall_free_buffer_pages(xcall, hdr, hdr->npages);
}

int xencall_buffers_never_fault(xencall_handle *xcall)
{
    return xcall->buf_fd >= 0;
}
