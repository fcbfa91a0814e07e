/* tern-netback: the transport checksum of a frame netfront sent with NETTXF_csum_blank
 * (checksum offload: the guest left its TCP/UDP checksum to the backend). */
#ifndef TERN_NETBACK_CSUM_H
#define TERN_NETBACK_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Computes and stores the TCP or UDP checksum (pseudo-header included, whatever the field
 * held) of an Ethernet frame carrying IPv4 or IPv6 (no IPv6 extension headers). Returns 0,
 * or -1 if the frame is not such a packet or is truncated (the caller drops it: a frame
 * marked csum_blank that we cannot complete would reach its peer with a wrong checksum). */
int nb_csum_fill(uint8_t *frame, size_t len);

/* Completes a checksum left partial (dom0's stack through the TAP, VIRTIO_NET_HDR_F_NEEDS_CSUM):
 * sums frame[start..len), the field at start + offset holding the pseudo-header sum, and
 * stores the result there. Returns 0, or -1 if the field lies outside the frame. */
int nb_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);

/* The Internet checksum (RFC 1071) of data, added to sum (not yet folded or inverted). */
uint32_t nb_csum_add(uint32_t sum, const uint8_t *data, size_t len);
/* Folds and inverts sum into the 16-bit value to store (in network byte order as bytes). */
uint16_t nb_csum_finish(uint32_t sum);

#endif
