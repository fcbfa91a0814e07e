/* tern-netback: dom0's port on a switch as a veth pair, made over rtnetlink: dom0 keeps the
 * interface name (e.g. xenbr0) and its address; the backend owns the other end (its peer),
 * where a packet socket sends and takes dom0's frames (pktport.h). The pair outlives the
 * backend, so a restarted one finds it again and dom0's address survives. */
#ifndef TERN_NETBACK_VETH_H
#define TERN_NETBACK_VETH_H

#include <stddef.h>

/* Finds the veth pair whose dom0 end is name, or creates it (the peer named name + "-nb" when
 * that fits, else as the kernel chooses), and sets both ends up. peer_ifindex: the
 * backend's end. Returns 0, or -1 with err filled (e.g. name exists and is not a veth: a TAP
 * left by --dom0-port=tap). */
int nb_veth_get(const char *name, int *peer_ifindex, char *err, size_t errlen);

#endif
