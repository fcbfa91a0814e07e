/* libxenevtchn internals: portable core.c over one OS back end (linux.c). */
#ifndef TERN_XENEVTCHN_PRIVATE_H
#define TERN_XENEVTCHN_PRIVATE_H

#include <stdint.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xentoollog.h>

struct xenevtchn_handle {
    xentoollog_logger *logger;
    int fd;
};

/* Back end: -1 with errno on failure. Bind calls return the local port. */
int osdep_evtchn_open(xenevtchn_handle *xce);
void osdep_evtchn_close(xenevtchn_handle *xce);
int osdep_evtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);
int osdep_evtchn_bind_unbound(xenevtchn_handle *xce, uint32_t domid);
int osdep_evtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote);
int osdep_evtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq);
int osdep_evtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);
int osdep_evtchn_pending(xenevtchn_handle *xce);
int osdep_evtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);
int osdep_evtchn_restrict(xenevtchn_handle *xce, domid_t domid);

#endif
