/* tern-netback: large TCP frames over IPv4 and IPv6 (GSO, "generic segmentation offload"). A
 * guest with feature-gso-tcpv4/-tcpv6 and dom0's stack through the TAP (TUN_F_TSO4, TUN_F_TSO6
 * if offered) hand the switch TCP frames
 * of up to 64 KiB that stand for several wire-sized segments; a port that cannot take them
 * (a guest without feature-gso-tcpv4 or feature-sg) gets them cut into segments here. */
#ifndef TERN_NETBACK_GSO_H
#define TERN_NETBACK_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "csum.h"

struct virtio_net_hdr;

/* Where the headers of an Ethernet + IPv4 or IPv6 + TCP frame are. */
struct nb_gso_hdr {
    bool v6;          /* IPv6, else IPv4 */
    unsigned l3;      /* IP header offset (after the Ethernet header) */
    unsigned l4;      /* TCP header offset (IPv6: after any extension headers) */
    unsigned hdr_len; /* all headers: the payload starts here */
    unsigned end;     /* where the IP packet ends (the frame may be padded after it) */
};

/* Parses an Ethernet frame carrying an unfragmented IPv4 TCP segment, or an IPv6 one (after
 * any hop-by-hop and destination options headers; a routing or fragment header refuses it, see
 * ipv6.h). Returns 0, or -1 if the frame is anything else or its lengths are inconsistent. */
int nb_gso_parse(const uint8_t *frame, size_t len, struct nb_gso_hdr *h);

/* Stores the pseudo-header sum (not inverted) in the TCP checksum field, as a frame whose
 * checksum is left to the receiver ("partial") carries it; the length is the whole TCP part. */
void nb_gso_set_pseudo(uint8_t *frame, const struct nb_gso_hdr *h);

/* A GSO frame as it enters the switch (from a guest's GSO extra-info or dom0's virtio_net_hdr):
 * a TCP frame made partial with the pseudo-header sum of its whole length. One whose payload
 * fits one segment is an ordinary partial frame (gso_size 0). Returns 0 (*o set), or -1 if the
 * frame is not TCP over the IP version type (NB_GSO_TCPV4 or NB_GSO_TCPV6) says. */
int nb_gso_frame(uint8_t *frame, size_t len, uint16_t gso_size, uint8_t type, struct nb_offload *o);

/* A frame read from dom0's port with its virtio_net_hdr, as it enters the switch (*o): a
 * partial checksum at the place a guest would find it stays partial, one elsewhere (another
 * protocol, an IPv6 routing or fragment header) is completed here; a TCPv4 or TCPv6 GSO frame as
 * nb_gso_frame.
 * Returns 0, or -1 to drop it: a GSO type not offered or a GSO header that does not match the
 * frame, or a partial checksum whose field lies outside the frame. */
int nb_vnet_in(const struct virtio_net_hdr *h, uint8_t *frame, size_t len, struct nb_offload *o);

/* The virtio_net_hdr a frame with offloads o is written to dom0's port with. */
void nb_vnet_out(const uint8_t *frame, size_t len, const struct nb_offload *o,
                 struct virtio_net_hdr *h);

/* Called once per segment; seg is only valid during the call. */
typedef void (*nb_gso_emit_fn)(void *arg, const uint8_t *seg, unsigned len);

/* Cuts frame (parsed into h) into segments of at most mss payload bytes, each a complete
 * frame with its own IPv4 total length, identification (+1 per segment) and header checksum
 * (IPv6: payload length, its extension headers included; the pseudo-header's length is the
 * TCP part's), TCP sequence number and full TCP checksum; FIN and PSH only on the last
 * segment, CWR only on the first. buf (cap bytes) holds one segment at a time. Returns the number
 * of segments, or -1 (nothing emitted) if mss is 0 or a segment would not fit buf. */
int nb_gso_segment(const uint8_t *frame, const struct nb_gso_hdr *h, unsigned mss, uint8_t *buf,
                   size_t cap, nb_gso_emit_fn emit, void *arg);

#endif
