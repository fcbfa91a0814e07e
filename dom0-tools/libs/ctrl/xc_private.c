/* libxenctrl-compatible control interface: handle, domctl/sysctl choke points.
 * Every domctl and sysctl carries the Xen 4.17 interface version from the headers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "xc_private.h"

void xc_report(xc_interface *xch, int errnoval, const char *fmt, ...)
{
    va_list al;

    va_start(al, fmt);
    xtl_logv(xch->logger, XTL_ERROR, errnoval, "xc", fmt, al);
    va_end(al);
}

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    xc_interface *xch = calloc(1, sizeof(*xch));
    int saved;

    if (!xch)
        return NULL;
    xch->logger = logger;
    if (!logger) {
        xch->own_logger = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
        xch->logger = (xentoollog_logger *)xch->own_logger;
    }
    xch->xcall = xencall_open(xch->logger, 0);
    if (!xch->xcall)
        goto err;
    xch->fmem = xenforeignmemory_open(xch->logger, 0);
    if (!xch->fmem)
        goto err;
    return xch;
err:
    saved = errno;
    xc_interface_close(xch);
    errno = saved;
    return NULL;
}

int xc_interface_close(xc_interface *xch)
{
    if (!xch)
        return 0;
    xenforeignmemory_close(xch->fmem);
    xencall_close(xch->xcall);
    xtl_logger_destroy((xentoollog_logger *)xch->own_logger);
    free(xch);
    return 0;
}

int xc_bounce_in(xc_interface *xch, struct xc_bounce *b, void *user, size_t size, int in, int out)
{
    b->user = user;
    b->size = size;
    b->out = out;
    b->hbuf = xencall_alloc_buffer(xch->xcall, size ? size : 1);
    if (!b->hbuf)
        return -1;
    if (in && size)
        memcpy(b->hbuf, user, size);
    return 0;
}

void xc_bounce_out(xc_interface *xch, struct xc_bounce *b)
{
    int saved = errno;

    if (!b->hbuf)
        return;
    if (b->out && b->size)
        memcpy(b->user, b->hbuf, b->size);
    xencall_free_buffer(xch->xcall, b->hbuf);
    b->hbuf = NULL;
    errno = saved;
}

int xc_hypercall_struct(xc_interface *xch, unsigned int op, unsigned long cmd, void *arg,
                        size_t len, int copy_back)
{
    struct xc_bounce b;
    int rc;

    if (xc_bounce_in(xch, &b, arg, len, 1, copy_back) < 0)
        return -1;
    rc = xencall2(xch->xcall, op, cmd, (uintptr_t)b.hbuf);
    xc_bounce_out(xch, &b);
    return rc;
}

int xc_domctl(xc_interface *xch, struct xen_domctl *domctl)
{
    struct xc_bounce b;
    int rc;

    domctl->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if (xc_bounce_in(xch, &b, domctl, sizeof(*domctl), 1, 1) < 0)
        return -1;
    rc = xencall1(xch->xcall, __HYPERVISOR_domctl, (uintptr_t)b.hbuf);
    xc_bounce_out(xch, &b);
    return rc < 0 ? -1 : 0;
}

int xc_sysctl(xc_interface *xch, struct xen_sysctl *sysctl)
{
    struct xc_bounce b;
    int rc;

    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (xc_bounce_in(xch, &b, sysctl, sizeof(*sysctl), 1, 1) < 0)
        return -1;
    rc = xencall1(xch->xcall, __HYPERVISOR_sysctl, (uintptr_t)b.hbuf);
    xc_bounce_out(xch, &b);
    return rc < 0 ? -1 : 0;
}
