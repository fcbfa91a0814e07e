/* tern-netback: dom0's port on a switch, a TAP interface (/dev/net/tun, the tun module). */
#ifndef TERN_NETBACK_TAP_H
#define TERN_NETBACK_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates (or attaches to) the TAP interface name, without packet information headers,
 * non-blocking, and sets it up. *gso: each frame read or written carries a struct
 * virtio_net_hdr first and may be a TCPv4 or TCPv6 GSO frame or have a partial checksum
 * (IFF_VNET_HDR, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, or without TSO6 if the kernel refuses
 * it); false if the kernel refused those (plain frames then). Returns
 * the fd, or -1 with err filled. */
int nb_tap_open(const char *name, bool *gso, char *err, size_t errlen);

/* Receive packet steering on dom0's interface name (a TAP, or the dom0 end of a veth pair;
 * all its receive queues): what the backend writes to it is handed to dom0's stack on the
 * CPUs of cpu_mask (a bit per CPU, CPUs 0..63), not processed in the backend's own write. Returns
 * 0, or -1 with err filled (e.g. a kernel without RPS). */
int nb_tap_steer(const char *name, uint64_t cpu_mask, char *err, size_t errlen);

#endif
