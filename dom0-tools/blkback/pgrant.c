/* tern-blkback: one ring's persistent grants (see pgrant.h). Open addressing with linear
 * probing: grants are only added until the ring stops, never removed one by one, and the
 * table is at most half full, so a lookup (one per segment) stays short whatever refs a
 * frontend picks. */
#include <errno.h>
#include <stdlib.h>
#include "pgrant.h"

static unsigned slot_of(const struct blk_pgrants *t, grant_ref_t ref)
{
    /* Fibonacci hashing (the product's top bits): blkfront's refs are small numbers, most
     * of them consecutive, and a hostile frontend's could be anything */
    return (unsigned)((uint32_t)(ref * 2654435761u) >> t->shift);
}

int blk_pgrants_init(struct blk_pgrants *t, unsigned limit, uint32_t domid,
                     const struct blk_pgrant_ops *ops, void *ctx)
{
    unsigned n = 1, bits = 0;

    *t = (struct blk_pgrants){0};
    if (!limit || limit > BLK_PGRANT_MAX || !ops || !ops->map || !ops->unmap) {
        errno = EINVAL;
        return -1;
    }
    while (n < 2 * limit) {
        n <<= 1;
        bits++;
    }
    t->slot = calloc(n, sizeof(*t->slot));
    if (!t->slot) {
        errno = ENOMEM;
        return -1;
    }
    t->ops = ops;
    t->ctx = ctx;
    t->domid = domid;
    t->limit = limit;
    t->nslots = n;
    t->shift = 32 - bits;
    return 0;
}

void *blk_pgrants_get(struct blk_pgrants *t, grant_ref_t ref)
{
    unsigned i = slot_of(t, ref);
    void *page;

    while (t->slot[i].page) {
        if (t->slot[i].ref == ref) {
            t->hits++;
            return t->slot[i].page;
        }
        i = (i + 1) & (t->nslots - 1);
    }
    if (t->count >= t->limit) {
        t->full++;
        return NULL;
    }
    page = t->ops->map(t->ctx, t->domid, ref);
    if (!page) {
        /* not remembered: a grant the frontend has not made yet may be made later */
        t->fails++;
        return NULL;
    }
    t->slot[i].ref = ref;
    t->slot[i].page = page;
    t->count++;
    t->maps++;
    return page;
}

void blk_pgrants_clear(struct blk_pgrants *t)
{
    for (unsigned i = 0; t->slot && i < t->nslots; i++) {
        if (!t->slot[i].page)
            continue;
        t->ops->unmap(t->ctx, t->slot[i].page);
        t->slot[i].page = NULL;
    }
    t->count = 0;
}

void blk_pgrants_free(struct blk_pgrants *t)
{
    blk_pgrants_clear(t);
    free(t->slot);
    t->slot = NULL;
    t->nslots = 0;
}
