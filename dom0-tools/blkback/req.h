/* tern-blkback's request checks (req.c, no hypervisor needed, unit-tested): a request copied
 * off the shared ring becomes a validated plan (operation, byte range, segments) or a
 * BLKIF_RSP_* status. Everything the frontend wrote is distrusted. */
#ifndef TERN_BLKBACK_REQ_H
#define TERN_BLKBACK_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/blkif.h>

#define BLK_SECTOR         512u
#define BLK_PAGE           4096u
#define BLK_SECTS_PER_PAGE (BLK_PAGE / BLK_SECTOR)
/* feature-max-indirect-segments we publish (Linux's blkback publishes 256 too). */
#define BLK_MAX_INDIRECT_SEGS      256u
#define BLK_SEGS_PER_INDIRECT_PAGE (BLK_PAGE / sizeof(struct blkif_request_segment))
#define BLK_MAX_INDIRECT_PAGES                                                                     \
    ((BLK_MAX_INDIRECT_SEGS + BLK_SEGS_PER_INDIRECT_PAGE - 1) / BLK_SEGS_PER_INDIRECT_PAGE)

/* What the device allows (read from xenstore and the image). */
struct blk_limits {
    uint64_t sectors; /* disk size in 512-byte sectors */
    bool readonly;
    bool discard; /* feature-discard published */
};

enum blk_kind { BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_DISCARD };

struct blk_seg {
    grant_ref_t gref;
    uint16_t offset; /* bytes into the granted page */
    uint16_t len;    /* bytes */
};

struct blk_plan {
    enum blk_kind kind;
    uint64_t id;
    uint8_t rsp_op; /* the operation the response names (an indirect's inner one) */
    uint64_t sector;
    uint64_t nr_sectors;
    unsigned nseg;
    /* indirect: the pages holding the segment list, fetched before blk_plan_segments */
    unsigned nr_indirect;
    grant_ref_t indirect[BLK_MAX_INDIRECT_PAGES];
    struct blk_seg seg[BLK_MAX_INDIRECT_SEGS];
};

/* Decodes a request copied off the ring. Returns BLKIF_RSP_OKAY with plan filled (for an
 * indirect request only its header: the caller fetches plan->indirect[] and passes the
 * segments to blk_plan_segments), or BLKIF_RSP_EOPNOTSUPP / BLKIF_RSP_ERROR (plan->id and
 * plan->rsp_op are still set for the response). */
int blk_plan_decode(const struct blkif_request *req, const struct blk_limits *lim,
                    struct blk_plan *plan);
/* Adds and checks plan->nseg segments (direct ones come from the request, indirect ones from
 * the fetched pages), then the sector range. BLKIF_RSP_OKAY or BLKIF_RSP_ERROR. A flush
 * without segments has no sector range (whatever its sector_number): BLKIF_RSP_OKAY. */
int blk_plan_segments(struct blk_plan *plan, const struct blkif_request_segment *segs,
                      const struct blk_limits *lim);
/* The number of unconsumed requests the frontend claims, or -1 if req_prod is further from
 * our consumer than the ring holds (a hostile or broken frontend). */
int blk_ring_pending(uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod_pvt,
                     uint32_t ring_size);
/* The (power of two) number of request slots in a ring of `pages` pages. */
unsigned blk_ring_size(unsigned pages);

#endif
