/* tern-netback: the slots of a packet socket's TX ring (PACKET_TX_RING, TPACKET_V2), as
 * userspace fills them: many frames written into the mapped ring, then one send() hands them
 * all to the kernel. Pure logic over the ring's memory (no system calls), so it is unit-tested
 * against a ring in ordinary memory (tests/unit/dom0-tools/check_netback_pktring.c). */
#ifndef TERN_NETBACK_PKTRING_H
#define TERN_NETBACK_PKTRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a frame's bytes start in its slot: after the slot's struct tpacket2_hdr, aligned as
 * the kernel reads them (TPACKET_ALIGN(sizeof(struct tpacket2_hdr)), without the
 * sockaddr_ll that TPACKET2_HDRLEN also counts: it is not written on TX). */
#define NB_PKTRING_DATA 32u

struct nb_pktring {
    uint8_t *base;       /* the mapped ring */
    unsigned block_size; /* bytes per block (a multiple of the page size) */
    unsigned frame_size; /* bytes per slot (slots never cross a block) */
    unsigned frames;     /* slots in the ring */
    unsigned head;       /* the next slot to fill: the kernel sends slots in this order */
    unsigned pending;    /* slots filled since the last nb_pktring_sent */
};

/* Checks the geometry as the kernel's PACKET_TX_RING does (block a multiple of page_size,
 * frame a multiple of 16 and at least a header, whole frames per block, frames the product)
 * and sets r up over base. Returns 0 or -1. */
int nb_pktring_init(struct nb_pktring *r, void *base, unsigned block_size, unsigned frame_size,
                    unsigned frames, unsigned page_size);
/* The slot i (0 <= i < frames): its header. */
void *nb_pktring_slot(const struct nb_pktring *r, unsigned i);
/* The most bytes (header and frame together) one slot holds. */
unsigned nb_pktring_room(const struct nb_pktring *r);
/* Whether the head slot is ours to fill (the kernel is done with it: available, or refused
 * as malformed). */
bool nb_pktring_head_free(const struct nb_pktring *r);
/* How many slots from the head on, at most max, are ours to fill: the frames that many puts
 * take for sure (the kernel frees slots in any order as dom0 frees their frames). */
unsigned nb_pktring_free(const struct nb_pktring *r, unsigned max);
/* Copies hdr (hlen bytes, e.g. a struct virtio_net_hdr; 0 for none) and then the frame into
 * the head slot, marks it for sending and moves the head on. Returns 0, -1 if the head slot is
 * still the kernel's (the ring is full), -2 if hlen + len exceeds a slot. */
int nb_pktring_put(struct nb_pktring *r, const void *hdr, unsigned hlen, const uint8_t *frame,
                   unsigned len);
/* The kernel was asked to send the pending slots (send()): none pending from here on. */
void nb_pktring_sent(struct nb_pktring *r);

#endif
