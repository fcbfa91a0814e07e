/* tern-netback: its event channels' interrupts on the backend's own CPU. */
#ifndef TERN_NETBACK_IRQPIN_H
#define TERN_NETBACK_IRQPIN_H

#include <stddef.h>

/* The IRQ numbers of the lines of a /proc/interrupts text whose last field is name (at most
 * max of them, in the text's order). Returns how many were found (those past max are not
 * counted). */
unsigned nb_irqs_named(const char *text, const char *name, unsigned *irqs, unsigned max);

/* Points each interrupt of this process's /dev/xen/evtchn ports ("evtchn:<comm>" in
 * /proc/interrupts) at CPU cpu, where not already there. Returns how many were moved, or -1
 * with err set (nothing could be read, or a write was refused). */
int nb_irq_pin_evtchns(unsigned cpu, char *err, size_t errlen);

#endif
