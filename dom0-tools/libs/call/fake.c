/* libxencall fake back end for host unit tests: hypercalls go to a handler the test
 * installs (see tern/fake.h), buffers are plain memory. */
#include <errno.h>
#include <stdlib.h>
#include "private.h"
#include "tern/fake.h"

static tern_fake_hypercall_fn *fake_handler;
static void *fake_opaque;

void tern_fake_hypercall_set(tern_fake_hypercall_fn *fn, void *opaque)
{
    fake_handler = fn;
    fake_opaque = opaque;
}

int osdep_xencall_open(xencall_handle *xcall)
{
    xcall->fd = 1000;
    xcall->buf_fd = 1001;
    return 0;
}

void osdep_xencall_close(xencall_handle *xcall)
{
}

long osdep_hypercall(xencall_handle *xcall, unsigned int op, const uint64_t arg[5])
{
    long rc;

    if (!fake_handler) {
        errno = ENOSYS;
        return -1;
    }
    rc = fake_handler(fake_opaque, op, arg);
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

void *osdep_alloc_pages(xencall_handle *xcall, size_t npages)
{
    void *p = NULL;

    if (posix_memalign(&p, XC_PAGE_SIZE, npages * XC_PAGE_SIZE))
        return NULL;
    return p;
}

void osdep_free_pages(xencall_handle *xcall, void *p, size_t npages)
{
    free(p);
}
