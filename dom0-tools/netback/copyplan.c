/* tern-netback: grant-copy planning (see copyplan.h). */
#include "copyplan.h"

#include <string.h>

#define PAGE 4096u

unsigned nb_tx_copy_plan(const netif_tx_request_t *req, unsigned used, uint16_t domid, uint8_t *buf,
                         xengnttab_grant_copy_segment_t *segs)
{
    unsigned frags = 0, pos;

    for (unsigned i = 1; i < used; i++)
        frags += req[i].size;
    for (unsigned i = 0; i < used; i++) {
        unsigned len = i ? req[i].size : req[0].size - frags;

        memset(&segs[i], 0, sizeof(segs[i]));
        segs[i].source.foreign.ref = req[i].gref;
        segs[i].source.foreign.offset = req[i].offset;
        segs[i].source.foreign.domid = domid;
        segs[i].len = (uint16_t)len;
        segs[i].flags = GNTCOPY_source_gref;
    }
    pos = 0;
    for (unsigned i = 0; i < used; i++) {
        segs[i].dest.virt = buf + pos;
        pos += segs[i].len;
    }
    return pos;
}

int nb_rx_copy_plan(const uint8_t *frame, unsigned len, const netif_rx_request_t *rq,
                    uint16_t domid, uint16_t rsp_flags, xengnttab_grant_copy_segment_t *seg,
                    netif_rx_response_t *rsp)
{
    if (len == 0 || len > PAGE)
        return -1;
    memset(seg, 0, sizeof(*seg));
    seg->source.virt = (void *)(uintptr_t)frame;
    seg->dest.foreign.ref = rq->gref;
    seg->dest.foreign.offset = 0;
    seg->dest.foreign.domid = domid;
    seg->len = (uint16_t)len;
    seg->flags = GNTCOPY_dest_gref;
    memset(rsp, 0, sizeof(*rsp));
    rsp->id = rq->id;
    rsp->offset = 0;
    rsp->flags = rsp_flags;
    rsp->status = (int16_t)len;
    return 0;
}
