/* Value escaping of Xen's xenstore-read / -write / -ls: printable ASCII as is, backslash,
 * \t \n \r as escapes, other bytes as \ooo (below 010) or \xNN. */
#ifndef XSL_CLIENTS_ESCAPE_H
#define XSL_CLIENTS_ESCAPE_H

#include <stddef.h>

/* Escaped copy of val[0..len) (malloc'd, NUL-terminated). */
char *xsl_escape(const char *val, size_t len);
/* Unescape s into out (at least strlen(s)+1 bytes); returns the byte count. */
size_t xsl_unescape(const char *s, char *out);

#endif
