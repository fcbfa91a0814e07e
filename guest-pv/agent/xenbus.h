/* Writes to the guest's own xenstore directory through the kernel's xenbus device
 * (/dev/xen/xenbus, or /proc/xen/xenbus with xenfs): xs_wire messages, no library. */
#ifndef TERN_AGENT_XENBUS_H
#define TERN_AGENT_XENBUS_H

#include <stddef.h>
#include <stdint.h>

/* Opens the device; -1 with errno if neither exists. */
int agent_xenbus_open(void);

/* Encodes an XS_WRITE of path=value into buf (path relative to the domain's home).
 * Returns the message length, or 0 if it does not fit. */
size_t agent_xs_write_msg(char *buf, size_t size, uint32_t req_id, const char *path,
                          const char *value);

/* Sends one XS_WRITE and reads its answer. Returns 0, or -1 with errno (EIO for an
 * XS_ERROR answer, whose text goes to err). */
int agent_xs_write(int fd, uint32_t req_id, const char *path, const char *value, char *err,
                   size_t errlen);

#endif
