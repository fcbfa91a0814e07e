/* libxenevtchn-compatible event channels for dom0 programs: the portable part. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "private.h"

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger, unsigned int flags)
{
    xenevtchn_handle *xce = calloc(1, sizeof(*xce));

    if (!xce)
        return NULL;
    xce->logger = logger;
    xce->fd = -1;
    if (osdep_evtchn_open(xce) < 0) {
        int saved = errno;

        xtl_log(logger, XTL_ERROR, saved, "xenevtchn", "opening /dev/xen/evtchn");
        free(xce);
        errno = saved;
        return NULL;
    }
    return xce;
}

xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger, int fd, unsigned open_flags)
{
    xenevtchn_handle *xce = calloc(1, sizeof(*xce));

    if (!xce)
        return NULL;
    xce->logger = logger;
    xce->fd = fd;
    return xce;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
    if (!xce)
        return 0;
    osdep_evtchn_close(xce);
    free(xce);
    return 0;
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
    return xce->fd;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    return osdep_evtchn_notify(xce, port);
}

xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    return osdep_evtchn_bind_unbound(xce, domid);
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                                     evtchn_port_t remote_port)
{
    return osdep_evtchn_bind_interdomain(xce, domid, remote_port);
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    return osdep_evtchn_bind_virq(xce, virq);
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    return osdep_evtchn_unbind(xce, port);
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
    return osdep_evtchn_pending(xce);
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    return osdep_evtchn_unmask(xce, port);
}

int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    return osdep_evtchn_restrict(xce, domid);
}
