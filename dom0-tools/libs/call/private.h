/* libxencall internals: the portable core (core.c) calls one OS back end
 * (linux.c on dom0, fake.c in host unit tests), chosen at link time. */
#ifndef TERN_XENCALL_PRIVATE_H
#define TERN_XENCALL_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <xencall.h>
#include <xentoollog.h>

#define XC_PAGE_SIZE 4096

struct xencall_handle {
    xentoollog_logger *logger;
    int fd;     /* privcmd (Linux) */
    int buf_fd; /* /dev/xen/hypercall, or -1: fall back to locked anonymous pages */
};

/* Back end: each returns 0 / a pointer, or -1 / NULL with errno set. */
int osdep_xencall_open(xencall_handle *xcall);
void osdep_xencall_close(xencall_handle *xcall);
/* Issues hypercall op with five arguments; returns Xen's result (>= 0) or -1 with errno. */
long osdep_hypercall(xencall_handle *xcall, unsigned int op, const uint64_t arg[5]);
void *osdep_alloc_pages(xencall_handle *xcall, size_t npages);
void osdep_free_pages(xencall_handle *xcall, void *p, size_t npages);

#endif
