/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console as dom0 sees it (common/console.c).
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

/* One byte typed on the hypervisor console (arch UART RX IRQ): queued for dom0's
 * CONSOLEIO_read, VIRQ_CONSOLE raised.  Dropped when 128 bytes are already queued. */
void console_input_char(char c);

/* The hypervisor command line, reported by XENVER_commandline (common/version.c). */
void xen_version_set_cmdline(const char *s);

#endif /* HV_CONSOLE_H */
