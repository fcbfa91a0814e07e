/*
 * Domain connections: shared-page rings signalled by event channels (Linux's
 * /dev/xen/evtchn, /dev/xen/gntdev, /dev/xen/privcmd), dom0's own kernel connection
 * (/dev/xen/xenbus_backend), introduction and release, and noticing dead domains.
 */
#ifndef XSL_DAEMON_DOMAIN_H
#define XSL_DAEMON_DOMAIN_H

#include <stdbool.h>

/* Open the Xen devices and connect dom0's kernel.  false: no Xen here (socket only). */
bool domain_init(bool connect_dom0);
/* Re-establish the domain connections restored from the saved state. */
void domain_reconnect_restored(void);
/* The event channel device's fd (poll it), or -1. */
int domain_evtchn_fd(void);
/* Handle pending event channel notifications. */
void domain_handle_events(void);

#endif
