/* tern-netback: dom0's port on a switch, a TAP interface (/dev/net/tun, the tun module). */
#ifndef TERN_NETBACK_TAP_H
#define TERN_NETBACK_TAP_H

#include <stddef.h>

/* Creates (or attaches to) the TAP interface name, without packet information headers,
 * non-blocking, and sets it up. Returns the fd, or -1 with err filled. */
int nb_tap_open(const char *name, char *err, size_t errlen);

#endif
