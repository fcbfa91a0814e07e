/* shared_info and 2-level event channels (xen/event_channel.h, xen.h "struct shared_info"). */
#ifndef TG_EVENTS_H
#define TG_EVENTS_H

#include "xen.h"

extern struct shared_info *shared_info;
/* Upcalls taken through the PPI since boot (arch_irq_handler). */
extern volatile unsigned long evtchn_upcalls;

int events_init(void);
/* Read the "interrupts" PPI of /hypervisor and enable it at the GIC; 0 on success. */
int events_enable_upcall_irq(const void *fdt);

bool evtchn_is_pending(evtchn_port_t port);
bool evtchn_test_and_clear(evtchn_port_t port);
void evtchn_clear(evtchn_port_t port);
void evtchn_set_mask(evtchn_port_t port, bool masked);
bool evtchn_is_masked(evtchn_port_t port);

long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *local);

/* Wait for `port` to become pending, then clear it.  Yields between checks; gives up after
 * `ms` milliseconds of virtual-counter time (returns false). */
bool evtchn_wait(evtchn_port_t port, unsigned ms);
/* Block in SCHEDOP_poll until `port` is pending (no timeout), then clear it. */
long evtchn_wait_blocking(evtchn_port_t port);

/* Milliseconds of the virtual counter, for bounded waits. */
uint64_t now_ms(void);

#endif
