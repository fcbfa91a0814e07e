/* libxenevtchn Linux back end: /dev/xen/evtchn ioctls (include/uapi/xen/evtchn.h). */
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/sys/evtchn.h>
#include "private.h"

int osdep_evtchn_open(xenevtchn_handle *xce)
{
    xce->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    return xce->fd < 0 ? -1 : 0;
}

void osdep_evtchn_close(xenevtchn_handle *xce)
{
    if (xce->fd >= 0)
        close(xce->fd);
}

int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct ioctl_evtchn_notify notify = {.port = port};

    return ioctl(xce->fd, IOCTL_EVTCHN_NOTIFY, &notify);
}

int osdep_evtchn_bind_unbound(xenevtchn_handle *xce, uint32_t domid)
{
    struct ioctl_evtchn_bind_unbound_port bind = {.remote_domain = domid};

    return ioctl(xce->fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bind);
}

int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote)
{
    struct ioctl_evtchn_bind_interdomain bind = {.remote_domain = domid, .remote_port = remote};

    return ioctl(xce->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
}

int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    struct ioctl_evtchn_bind_virq bind = {.virq = virq};

    return ioctl(xce->fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
}

int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct ioctl_evtchn_unbind unbind = {.port = port};

    return ioctl(xce->fd, IOCTL_EVTCHN_UNBIND, &unbind);
}

int osdep_evtchn_pending(xenevtchn_handle *xce)
{
    evtchn_port_t port;
    ssize_t n = read(xce->fd, &port, sizeof(port));

    if (n != sizeof(port))
        return -1;
    return (int)port;
}

int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    return write(xce->fd, &port, sizeof(port)) == sizeof(port) ? 0 : -1;
}

int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
    struct ioctl_evtchn_restrict_domid restrict_domid = {.domid = domid};

    return ioctl(xce->fd, IOCTL_EVTCHN_RESTRICT_DOMID, &restrict_domid);
}
