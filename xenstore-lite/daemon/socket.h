/* The unix socket local tools connect to (Xen's /var/run/xenstored/socket). */
#ifndef XSL_DAEMON_SOCKET_H
#define XSL_DAEMON_SOCKET_H

#include <stdbool.h>

/* Socket path: $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket, else Xen's default. */
const char *socket_path(void);
/* Listen; returns the fd or -1 with a message. */
int socket_listen(const char *path);
/* Accept one client onto a new connection (acting as dom0, privileged); false if none. */
bool socket_accept(int lfd);

#endif
