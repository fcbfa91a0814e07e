/* tern-blkback: one ring's persistent grants (see pgrant.h). Open addressing with linear
 * probing: grants are only added until the ring stops, never removed one by one, and the
 * table is at most half full, so a lookup (one per segment) stays short whatever refs a
 * frontend picks. New grants are mapped a batch at a time: under TCG a gntdev mapping costs
 * about a third of a millisecond per call, whatever its size (docs/blkback.md). */
#include <errno.h>
#include <stdlib.h>
#include "pgrant.h"

#define PGRANT_PAGE 4096u

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
    t->region = calloc(limit, sizeof(*t->region));
    if (!t->slot || !t->region) {
        blk_pgrants_free(t);
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

/* The slot holding ref, or the empty slot where it would go. */
static struct blk_pgrant_slot *probe(const struct blk_pgrants *t, grant_ref_t ref)
{
    unsigned i = slot_of(t, ref);

    while (t->slot[i].used && t->slot[i].ref != ref)
        i = (i + 1) & (t->nslots - 1);
    return &t->slot[i];
}

uint8_t *blk_pgrants_find(const struct blk_pgrants *t, grant_ref_t ref)
{
    return t->slot ? probe(t, ref)->page : NULL;
}

/* Holds refs[0..n): mapped by one map call on n pages from pages, or (pages NULL) failed. */
static void insert(struct blk_pgrants *t, const grant_ref_t *refs, unsigned n, void *pages)
{
    if (pages)
        t->region[t->nregions++] = (struct blk_pgrant_region){.pages = pages, .n = n};
    for (unsigned i = 0; i < n; i++) {
        struct blk_pgrant_slot *s = probe(t, refs[i]);

        s->ref = refs[i];
        s->used = true;
        s->page = pages ? (uint8_t *)pages + (size_t)i * PGRANT_PAGE : NULL;
    }
    t->count += n;
    if (pages)
        t->maps += n;
    else
        t->fails += n;
}

static int by_ref(const void *a, const void *b)
{
    grant_ref_t x = *(const grant_ref_t *)a, y = *(const grant_ref_t *)b;

    return (x > y) - (x < y);
}

void blk_pgrants_add(struct blk_pgrants *t, grant_ref_t *refs, unsigned n)
{
    unsigned k = 0;
    void *pages;

    if (!t->slot || !n)
        return;
    qsort(refs, n, sizeof(*refs), by_ref);
    for (unsigned i = 0; i < n; i++) {
        if ((k && refs[i] == refs[k - 1]) || probe(t, refs[i])->used)
            continue;
        if (t->count + k >= t->limit) {
            t->full++;
            continue;
        }
        refs[k++] = refs[i];
    }
    if (!k)
        return;
    t->map_calls++;
    pages = t->ops->map(t->ctx, t->domid, refs, k);
    if (pages || k == 1) {
        insert(t, refs, k, pages);
        return;
    }
    for (unsigned i = 0; i < k; i++) { /* one bad grant fails the call: find which */
        t->map_calls++;
        insert(t, &refs[i], 1, t->ops->map(t->ctx, t->domid, &refs[i], 1));
    }
}

void blk_pgrants_clear(struct blk_pgrants *t)
{
    for (unsigned i = 0; i < t->nregions; i++)
        t->ops->unmap(t->ctx, t->region[i].pages, t->region[i].n);
    t->nregions = 0;
    for (unsigned i = 0; t->slot && i < t->nslots; i++)
        t->slot[i] = (struct blk_pgrant_slot){0};
    t->count = 0;
}

void blk_pgrants_free(struct blk_pgrants *t)
{
    if (t->ops)
        blk_pgrants_clear(t);
    free(t->slot);
    free(t->region);
    t->slot = NULL;
    t->region = NULL;
    t->nslots = 0;
}
