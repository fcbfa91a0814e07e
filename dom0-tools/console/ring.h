/* The PV console ring (struct xencons_interface, <xen/io/console.h>) seen from the back end. */
#ifndef TERN_CONSOLE_RING_H
#define TERN_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/io/console.h>

/* Consumes up to len bytes the guest wrote to out[]; returns how many. A corrupt producer
 * index (more than the ring size ahead) is clamped, never trusted. */
size_t tern_cons_read_output(struct xencons_interface *intf, char *buf, size_t len);
/* Queues up to len bytes of input for the guest in in[]; returns how many fit. */
size_t tern_cons_write_input(struct xencons_interface *intf, const char *buf, size_t len);

#endif
