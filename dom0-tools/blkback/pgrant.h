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

/* How the table maps and unmaps one page (gntdev in the daemon, fakes in the tests). map
 * returns the page (readable and writable) or NULL if the grant cannot be mapped so. */
struct blk_pgrant_ops {
    void *(*map)(void *ctx, uint32_t domid, grant_ref_t ref);
    void (*unmap)(void *ctx, void *page);
};

struct blk_pgrant_slot {
    grant_ref_t ref;
    void *page; /* NULL: the slot is empty */
};

struct blk_pgrants {
    const struct blk_pgrant_ops *ops;
    void *ctx;
    uint32_t domid;
    unsigned limit;  /* grants mapped at most */
    unsigned count;  /* grants mapped now */
    unsigned nslots; /* power of two, at least twice limit */
    unsigned shift;  /* 32 - log2(nslots) */
    struct blk_pgrant_slot *slot;
    /* what happened so far (logged when the ring stops) */
    uint64_t hits;  /* lookups that found the grant mapped */
    uint64_t maps;  /* grants mapped */
    uint64_t full;  /* lookups of a new grant with the table full */
    uint64_t fails; /* mappings that failed */
};

/* An empty table of at most limit (1..BLK_PGRANT_MAX) grants of domid. 0, or -1 with errno
 * (EINVAL for a bad limit, ENOMEM). */
int blk_pgrants_init(struct blk_pgrants *t, unsigned limit, uint32_t domid,
                     const struct blk_pgrant_ops *ops, void *ctx);
/* The page mapped for ref: from the table, or mapped now if the table has room. NULL if
 * the table is full or the mapping failed: the caller copies instead. */
void *blk_pgrants_get(struct blk_pgrants *t, grant_ref_t ref);
/* Unmaps every grant and empties the table (it stays usable). */
void blk_pgrants_clear(struct blk_pgrants *t);
/* blk_pgrants_clear, then frees the table (also after a failed or no init). */
void blk_pgrants_free(struct blk_pgrants *t);

#endif
