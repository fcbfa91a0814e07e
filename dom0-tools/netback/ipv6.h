/* tern-netback: an IPv6 packet's extension headers walked to its upper-layer (TCP, UDP, ...)
 * header, for the checksum offloads, GSO and the RX flow hash alike. */
#ifndef TERN_NETBACK_IPV6_H
#define TERN_NETBACK_IPV6_H

#include <stddef.h>
#include <stdint.h>

/* Walks the IPv6 packet at ip (avail bytes of frame from there) past its hop-by-hop and
 * destination options headers (at most 4). Returns the upper-layer header's offset from ip
 * (40 or more, at most 40 + payload length) with its protocol in *proto, or -1 if the packet
 * is not IPv6, is truncated (the walk stays inside both avail and 40 + payload length), has
 * more than 4 such headers, or has any other extension header (routing, fragment, ...) before
 * the upper layer. */
int nb_ipv6_upper(const uint8_t *ip, size_t avail, unsigned *proto);

#endif
