/* tern-blkback's persistent grants of one ring (pgrant.c, unit-tested): a table from the
 * frontend's grant references to the pages mapped for them in dom0, filled on first use and
 * emptied when the ring stops. A segment whose grant is in the table is read and written
 * in place (no grant copy); one that is not, because the table is full or the mapping
 * failed, goes through grant copy as without persistent grants (docs/blkback.md). */
#ifndef TERN_BLKBACK_PGRANT_H
#define TERN_BLKBACK_PGRANT_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

/* Grants kept mapped per ring. Linux's blkfront (6.1) keeps (32 + 1) grants per ring slot
 * with its default 32 indirect segments: 1056 for a one-page ring of 32 slots; Linux's
 * blkback keeps as many (its max_persistent_grants default). A frontend cannot make a
 * ring map more: the grants beyond are copied. */
#define BLK_PGRANT_MAX 1056u

/* How the table maps and unmaps grants (gntdev in the daemon, fakes in the tests). map maps
 * n grants of domid, readable and writable, on n consecutive pages, all or none (NULL);
 * unmap undoes one map call (the same pages and n). */
struct blk_pgrant_ops {
    void *(*map)(void *ctx, uint32_t domid, const grant_ref_t *refs, unsigned n);
    void (*unmap)(void *ctx, void *pages, unsigned n);
};

struct blk_pgrant_slot {
    grant_ref_t ref;
    bool used;
    uint8_t *page; /* NULL in a used slot: the grant could not be mapped, it is copied */
};

/* What one map call mapped, to unmap it the same way. */
struct blk_pgrant_region {
    void *pages;
    unsigned n;
};

struct blk_pgrants {
    const struct blk_pgrant_ops *ops;
    void *ctx;
    uint32_t domid;
    unsigned limit;  /* grants held at most (mapped, or failed to map) */
    unsigned count;  /* grants held now */
    unsigned nslots; /* power of two, at least twice limit */
    unsigned shift;  /* 32 - log2(nslots) */
    struct blk_pgrant_slot *slot;
    struct blk_pgrant_region *region; /* limit entries */
    unsigned nregions;
    /* what happened so far (logged when the ring stops) */
    uint64_t map_calls; /* calls of ops->map (one per batch of new grants, unless one fails) */
    uint64_t maps;      /* grants mapped */
    uint64_t fails;     /* grants that could not be mapped (copied from then on) */
    uint64_t full;      /* new grants left unmapped, the table being full (copied) */
};

/* An empty table of at most limit (1..BLK_PGRANT_MAX) grants of domid. 0, or -1 with errno
 * (EINVAL for a bad limit or ops, ENOMEM). */
int blk_pgrants_init(struct blk_pgrants *t, unsigned limit, uint32_t domid,
                     const struct blk_pgrant_ops *ops, void *ctx);
/* The page mapped for ref, or NULL (not mapped: the caller copies). */
uint8_t *blk_pgrants_find(const struct blk_pgrants *t, grant_ref_t ref);
/* Maps the grants of refs[0..n) that the table does not hold yet, as many as it has room
 * for, in one map call; if that call fails (a grant the frontend did not make, or made
 * read-only), each is mapped on its own. A grant that fails alone is held as unmapped:
 * copied from then on, never tried again on this ring, so that a frontend cannot make us
 * map more than limit times per connection (plus the batches' failed calls). refs is the
 * caller's scratch array: sorted and deduplicated in place. */
void blk_pgrants_add(struct blk_pgrants *t, grant_ref_t *refs, unsigned n);
/* Unmaps every grant and empties the table (it stays usable). */
void blk_pgrants_clear(struct blk_pgrants *t);
/* blk_pgrants_clear, then frees the table (also after a failed or no init). */
void blk_pgrants_free(struct blk_pgrants *t);

#endif
