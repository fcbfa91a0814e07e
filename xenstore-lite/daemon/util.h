/* Small helpers for the daemon: allocation that never returns NULL, logging. */
#ifndef XSL_DAEMON_UTIL_H
#define XSL_DAEMON_UTIL_H

#include <stddef.h>

/*
 * Allocation failure aborts: the daemon's memory is bounded by the per-domain quotas, so
 * running out means the host itself is out of memory (Xen's xenstored likewise gives up).
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
void *xmemdup(const void *p, size_t n);
char *xstrdup(const char *s);

/* Log to stderr (or the trace file) with a "tern-xenstored:" prefix. */
void xsl_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int xsl_verbose;
/* Set by the fuzz target: no log output at all. */
extern int xsl_quiet;

#endif
