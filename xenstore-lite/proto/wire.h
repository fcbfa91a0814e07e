/* xs_wire framing helpers shared by the daemon, the client library and the tools.
 * The message layout itself comes from <xen/io/xs_wire.h> (struct xsd_sockmsg). */
#ifndef XSL_PROTO_WIRE_H
#define XSL_PROTO_WIRE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* Highest message type number Xen 4.17 defines (XS_TYPE_COUNT is not in every header). */
#define XSL_TYPE_COUNT (XS_DIRECTORY_PART + 1)

/* Xen's name for an errno ("ENOENT"); EINVAL's name for errnos Xen has no name for. */
const char *xsl_err_name(int err);
/* The errno for a name carried in an XS_ERROR reply; EINVAL if unknown. */
int xsl_err_from_name(const char *name, size_t len);

/* Human name of a message type ("READ"), "UNKNOWN" when out of range. */
const char *xsl_type_name(uint32_t type);

/* Number of NUL-terminated strings in buf[0..len) (a trailing unterminated tail is not counted). */
unsigned int xsl_count_strings(const char *buf, size_t len);

/* Split buf[0..len) into at most max NUL-terminated strings; returns how many were found. */
unsigned int xsl_split(const char *buf, size_t len, const char **argv, unsigned int max);

/* True when buf[0..len) is exactly one NUL-terminated string (Xen's "onearg"). */
bool xsl_onearg(const char *buf, size_t len);

/* Strict decimal parse of an unsigned value <= max; false on junk, empty or overflow. */
bool xsl_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
