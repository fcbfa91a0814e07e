/* tern-netback: a packet socket's TX ring (see pktring.h). */
#include "pktring.h"

#include <linux/if_packet.h>
#include <string.h>

_Static_assert(NB_PKTRING_DATA == TPACKET_ALIGN(sizeof(struct tpacket2_hdr)),
               "the frame offset of a TPACKET_V2 TX slot");

int nb_pktring_init(struct nb_pktring *r, void *base, unsigned block_size, unsigned frame_size,
                    unsigned frames, unsigned page_size)
{
    if (!base || !page_size || !block_size || block_size % page_size || frame_size % 16 ||
        frame_size <= NB_PKTRING_DATA || frame_size > block_size || !frames ||
        frames % (block_size / frame_size))
        return -1;
    memset(r, 0, sizeof(*r));
    r->base = base;
    r->block_size = block_size;
    r->frame_size = frame_size;
    r->frames = frames;
    return 0;
}

void *nb_pktring_slot(const struct nb_pktring *r, unsigned i)
{
    unsigned per_block = r->block_size / r->frame_size;

    /* a block may end with unused bytes: slots are laid out block by block */
    return r->base + (size_t)(i / per_block) * r->block_size +
           (size_t)(i % per_block) * r->frame_size;
}

unsigned nb_pktring_room(const struct nb_pktring *r)
{
    return r->frame_size - NB_PKTRING_DATA;
}

static bool slot_free(const struct nb_pktring *r, unsigned i)
{
    struct tpacket2_hdr *h = nb_pktring_slot(r, i);
    uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

    /* TP_STATUS_WRONG_FORMAT: the kernel refused the frame and gave the slot back */
    return !(st & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING));
}

bool nb_pktring_head_free(const struct nb_pktring *r)
{
    return slot_free(r, r->head);
}

unsigned nb_pktring_free(const struct nb_pktring *r, unsigned max)
{
    unsigned n = 0;

    /* put fills the slots in this order: a busy one stops it, whatever is free after it */
    while (n < max && n < r->frames && slot_free(r, (r->head + n) % r->frames))
        n++;
    return n;
}

int nb_pktring_put(struct nb_pktring *r, const void *hdr, unsigned hlen, const uint8_t *frame,
                   unsigned len)
{
    struct tpacket2_hdr *h;
    uint8_t *data;

    if (hlen + len > nb_pktring_room(r) || hlen + len < hlen)
        return -2;
    if (!nb_pktring_head_free(r))
        return -1;
    h = nb_pktring_slot(r, r->head);
    data = (uint8_t *)h + NB_PKTRING_DATA;
    if (hlen)
        memcpy(data, hdr, hlen);
    memcpy(data + hlen, frame, len);
    h->tp_len = hlen + len;
    /* the frame's bytes before the status that hands them over */
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    r->head = r->head + 1 == r->frames ? 0 : r->head + 1;
    r->pending++;
    return 0;
}

void nb_pktring_sent(struct nb_pktring *r)
{
    r->pending = 0;
}
