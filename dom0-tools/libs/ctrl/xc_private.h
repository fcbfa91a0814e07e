/* libxenctrl internals shared by the xc_*.c files: the handle, the domctl/sysctl choke
 * points and hypercall-safe bounce buffers. */
#ifndef TERN_XC_PRIVATE_H
#define TERN_XC_PRIVATE_H

#define __XEN_TOOLS__ 1
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <xenctrl.h>
#include <xencall.h>
#include <xenforeignmemory.h>
#include <xentoollog.h>

struct xc_interface_core {
    xentoollog_logger *logger;
    xentoollog_logger_stdiostream *own_logger; /* created when the caller passed none */
    xencall_handle *xcall;
    xenforeignmemory_handle *fmem;
};

/* Log an error naming what failed; errno is preserved. */
void xc_report(xc_interface *xch, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A hypercall-safe copy of a caller's buffer: bounce_in copies in (if in), bounce_out copies
 * back (if out) and frees. bounce_in returns NULL with errno on failure (size 0 gives a
 * valid 0-byte buffer). */
struct xc_bounce {
    void *user;
    void *hbuf;
    size_t size;
    int out;
};
int xc_bounce_in(xc_interface *xch, struct xc_bounce *b, void *user, size_t size, int in, int out);
void xc_bounce_out(xc_interface *xch, struct xc_bounce *b);

/* Issue one memory_op/hvm_op-style hypercall whose single argument is a struct of size len. */
int xc_hypercall_struct(xc_interface *xch, unsigned int op, unsigned long cmd, void *arg,
                        size_t len, int copy_back);

#endif
