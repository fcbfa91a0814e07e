/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console as dom0 sees it (common/console.c).
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

/* One byte typed on the hypervisor console (arch UART RX IRQ): queued for dom0's
 * CONSOLEIO_read, VIRQ_CONSOLE raised; or, after CTRL-a three times (as on Xen), taken as
 * a debug key (handle_keypress) until the next three CTRL-a's.  Dropped when 128 bytes
 * are already queued, which the arch avoids: it stops taking bytes from the UART while
 * console_input_full() and starts again in console_rx_resume(). */
void console_input_char(char c);
/* dom0's input ring holds 128 bytes: the next one would be dropped. */
bool console_input_full(void);
/* Arch hook: CONSOLEIO_read made room in a ring that was full (called without locks
 * held, in dom0's hypercall): take the bytes waiting in the UART and unmask its receive
 * interrupt if it was masked (lib/console.c). */
void console_rx_resume(void);

/* The hypervisor command line, reported by XENVER_commandline (common/version.c). */
void xen_version_set_cmdline(const char *s);

/* The console ring (common/conring.c): the hypervisor's own log (printk; not dom0's
 * CONSOLEIO_write output, as Xen without console_to_ring), the last 16 KiB kept;
 * XEN_SYSCTL_readconsole reads it (0 or -EFAULT; count and index updated as Xen's
 * read_console_ring). */
struct xen_sysctl_readconsole;
void conring_put(const char *s, size_t n);
long conring_read(struct xen_sysctl_readconsole *r);

#endif /* HV_CONSOLE_H */
