/* tern-blkback: decoding and validating ring requests (see req.h). */
#include <stddef.h>
#include <string.h>
#include "req.h"

static void plan_rw(const struct blkif_request *req, struct blk_plan *plan, enum blk_kind kind)
{
    plan->kind = kind;
    plan->sector = req->sector_number;
    plan->nseg = req->nr_segments;
}

/* One table entry per operation the frontend may send: which kind it is and whether the
 * feature it needs was published. */
static int decode_direct(const struct blkif_request *req, const struct blk_limits *lim,
                         struct blk_plan *plan)
{
    switch (req->operation) {
    case BLKIF_OP_READ:
        plan_rw(req, plan, BLK_READ);
        break;
    case BLKIF_OP_WRITE:
        plan_rw(req, plan, BLK_WRITE);
        break;
    case BLKIF_OP_FLUSH_DISKCACHE:
        /* A flush may carry data (a write with a preflush), as Linux's blkfront sends it. */
        plan_rw(req, plan, BLK_FLUSH);
        break;
    case BLKIF_OP_DISCARD: {
        const struct blkif_request_discard *d = (const void *)req;

        if (!lim->discard)
            return BLKIF_RSP_EOPNOTSUPP;
        plan->kind = BLK_DISCARD;
        plan->sector = d->sector_number;
        plan->nr_sectors = d->nr_sectors;
        return BLKIF_RSP_OKAY;
    }
    default:
        return BLKIF_RSP_EOPNOTSUPP;
    }
    if (plan->nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST || (plan->nseg == 0 && plan->kind != BLK_FLUSH))
        return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

static int decode_indirect(const struct blkif_request *req, struct blk_plan *plan)
{
    const struct blkif_request_indirect *ind = (const void *)req;

    plan->rsp_op = ind->indirect_op;
    if (ind->indirect_op == BLKIF_OP_READ)
        plan->kind = BLK_READ;
    else if (ind->indirect_op == BLKIF_OP_WRITE)
        plan->kind = BLK_WRITE;
    else
        return BLKIF_RSP_EOPNOTSUPP;
    plan->sector = ind->sector_number;
    plan->nseg = ind->nr_segments;
    if (plan->nseg == 0 || plan->nseg > BLK_MAX_INDIRECT_SEGS)
        return BLKIF_RSP_ERROR;
    plan->nr_indirect = (plan->nseg + BLK_SEGS_PER_INDIRECT_PAGE - 1) / BLK_SEGS_PER_INDIRECT_PAGE;
    memcpy(plan->indirect, ind->indirect_grefs, plan->nr_indirect * sizeof(grant_ref_t));
    return BLKIF_RSP_OKAY;
}

int blk_plan_decode(const struct blkif_request *req, const struct blk_limits *lim,
                    struct blk_plan *plan)
{
    memset(plan, 0, offsetof(struct blk_plan, seg));
    plan->id = req->id;
    plan->rsp_op = req->operation;
    if (req->operation == BLKIF_OP_INDIRECT) {
        int rc = decode_indirect(req, plan);

        if (rc == BLKIF_RSP_OKAY && plan->kind == BLK_WRITE && lim->readonly)
            return BLKIF_RSP_ERROR;
        return rc;
    }
    int rc = decode_direct(req, lim, plan);

    if (rc != BLKIF_RSP_OKAY)
        return rc;
    if (lim->readonly && plan->kind != BLK_READ)
        return plan->kind == BLK_FLUSH && plan->nseg == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
    if (plan->kind == BLK_DISCARD)
        return plan->nr_sectors <= lim->sectors && plan->sector <= lim->sectors - plan->nr_sectors
                   ? BLKIF_RSP_OKAY
                   : BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

int blk_plan_segments(struct blk_plan *plan, const struct blkif_request_segment *segs,
                      const struct blk_limits *lim)
{
    uint64_t total = 0;

    /* An empty flush (Linux's blkfront sends one for an empty REQ_PREFLUSH, with the sector
     * number of a request that has none: 2^64-1) names no sectors: nothing to check. */
    if (plan->kind == BLK_FLUSH && plan->nseg == 0) {
        plan->nr_sectors = 0;
        return BLKIF_RSP_OKAY;
    }
    for (unsigned i = 0; i < plan->nseg; i++) {
        struct blkif_request_segment s = segs[i]; /* read once: the guest may change it */

        if (s.last_sect >= BLK_SECTS_PER_PAGE || s.first_sect > s.last_sect)
            return BLKIF_RSP_ERROR;
        plan->seg[i].gref = s.gref;
        plan->seg[i].offset = (uint16_t)(s.first_sect * BLK_SECTOR);
        plan->seg[i].len = (uint16_t)((s.last_sect - s.first_sect + 1) * BLK_SECTOR);
        total += s.last_sect - s.first_sect + 1u;
    }
    plan->nr_sectors = total;
    if (total > lim->sectors || plan->sector > lim->sectors - total)
        return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

int blk_ring_pending(uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod_pvt,
                     uint32_t ring_size)
{
    if (req_prod - rsp_prod_pvt > ring_size || req_cons - rsp_prod_pvt > ring_size)
        return -1;
    if (req_prod - req_cons > ring_size)
        return -1;
    return (int)(req_prod - req_cons);
}

unsigned blk_ring_size(unsigned pages)
{
    return __CONST_RING_SIZE(blkif, (size_t)pages * BLK_PAGE);
}
