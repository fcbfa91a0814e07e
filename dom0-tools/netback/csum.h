/* tern-netback: transport checksums. A frame netfront sent with NETTXF_csum_blank, or dom0's
 * stack through the TAP with VIRTIO_NET_HDR_F_NEEDS_CSUM, has its TCP/UDP checksum left to the
 * receiver ("partial"); it crosses the switch that way (struct nb_offload) and is completed
 * here only for a port that cannot take it. */
#ifndef TERN_NETBACK_CSUM_H
#define TERN_NETBACK_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* What a frame's transport checksum is as it crosses the switch. */
enum nb_csum_state {
    NB_CSUM_NONE,   /* complete, never checked: the receiver checks it */
    NB_CSUM_VALID,  /* complete and known good (checked by the sender, or computed by us) */
    NB_CSUM_PARTIAL /* left to the receiver: the field at csum_start + csum_offset holds the
                     * pseudo-header sum (folded, not inverted), the rest is summed from
                     * csum_start; always a TCP or UDP checksum at the place
                     * nb_csum_locate finds, so a receiver that finds it itself agrees */
};

#define NB_GSO_TCPV4 1 /* gso_type: XEN_NETIF_GSO_TYPE_TCPV4, VIRTIO_NET_HDR_GSO_TCPV4 */
#define NB_GSO_TCPV6 2 /* XEN_NETIF_GSO_TYPE_TCPV6, VIRTIO_NET_HDR_GSO_TCPV6 */

/* A frame's offloads, from the port it came in to the ports it goes out of. */
struct nb_offload {
    uint16_t gso_size; /* non-zero: a GSO frame of segments of that payload (see gso.h) */
    uint8_t gso_type;  /* NB_GSO_* when gso_size is set */
    uint8_t csum;      /* enum nb_csum_state; PARTIAL for every GSO frame */
    uint16_t csum_start, csum_offset; /* PARTIAL: from the frame's start */
};

/* Finds the TCP or UDP checksum field of an Ethernet frame carrying an unfragmented IPv4 or
 * IPv6 packet (after any hop-by-hop and destination options headers; a routing or fragment
 * header refuses it): *start is the L4 header's offset, *offset the field's
 * within it. Returns 0, or -1 if the frame is not such a packet or is truncated. */
int nb_csum_locate(const uint8_t *frame, size_t len, unsigned *start, unsigned *offset);

/* Makes a frame partial (*o: PARTIAL, start and offset set; gso fields untouched): stores the
 * pseudo-header sum, computed from its own headers (whatever the field held), in its TCP/UDP
 * checksum field. Returns 0, or -1 (frame and *o unchanged) as nb_csum_locate. */
int nb_csum_set_partial(uint8_t *frame, size_t len, struct nb_offload *o);

/* True if a partial checksum's field lies within the frame (csum_start < len and two bytes
 * at csum_start + csum_offset). A frame that fails this cannot be completed, by us or by a
 * guest: it is dropped and counted, never passed on as partial. */
int nb_csum_partial_fits(const struct nb_offload *o, size_t len);

/* Completes a PARTIAL frame's checksum in place (nb_csum_complete) and makes *o VALID.
 * Returns 0, or -1 (nothing changed) if the field is not within the frame. A frame that is
 * not PARTIAL is left as it is (0). */
int nb_offload_complete(uint8_t *frame, size_t len, struct nb_offload *o);

/* Computes and stores the TCP or UDP checksum (pseudo-header included, whatever the field
 * held) of an Ethernet frame carrying IPv4 or IPv6 (as nb_csum_locate). Returns 0,
 * or -1 if the frame is not such a packet or is truncated (the caller drops it: a frame
 * marked csum_blank that we cannot complete would reach its peer with a wrong checksum). */
int nb_csum_fill(uint8_t *frame, size_t len);

/* Completes a checksum left partial (dom0's stack through the TAP, VIRTIO_NET_HDR_F_NEEDS_CSUM):
 * sums frame[start..len), the field at start + offset holding the pseudo-header sum, and
 * stores the result there (0 stored as 0xffff: for UDP 0 means "no checksum", for TCP the
 * two are the same sum). Returns 0, or -1 if the field lies outside the frame. */
int nb_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);

/* The Internet checksum (RFC 1071) of data, added to sum (not yet folded or inverted). */
uint32_t nb_csum_add(uint32_t sum, const uint8_t *data, size_t len);
/* Folds and inverts sum into the 16-bit value to store (in network byte order as bytes). */
uint16_t nb_csum_finish(uint32_t sum);

#endif
