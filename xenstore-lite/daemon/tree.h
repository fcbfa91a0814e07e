/*
 * The node store: a hash of nodes by full path, each holding its value, permissions and
 * the NUL-separated list of its children's names (in creation order, as Xen keeps them).
 *
 * The same code serves the global tree and a transaction's private overlay (a store whose
 * `base` is the global tree: nodes are copied in on first access, absent nodes are kept as
 * tombstones).  Generations are what transactions use to detect real conflicts: `gen`
 * changes when a node's value or permissions change, `cgen` when its child list changes.
 */
#ifndef XSL_DAEMON_TREE_H
#define XSL_DAEMON_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "../proto/perms.h"

#define XSL_MAX_DOMID 0x7ff0 /* DOMID_FIRST_RESERVED */

struct node {
    struct node *hnext;
    uint32_t hash;
    uint32_t vlen, kidlen, nperms;
    char *value;
    char *kids;
    struct xsl_perm *perms;
    uint64_t gen, cgen;
    /* Transaction overlay bookkeeping (unused in the global tree). */
    bool present;                 /* false: a tombstone (absent in this view) */
    bool reset;                   /* re-created after deletion: hide base descendants */
    bool dirty;                   /* value/perms set by the transaction itself */
    bool read_val, read_kids;     /* the client observed value/perms, child list */
    bool seen_present;            /* base state when copied in ... */
    uint64_t seen_gen, seen_cgen; /* ... for conflict detection at commit */
    char path[];
};

/* Called for every node a change touches (watch firing); exact as in Xen's fire_watches. */
typedef void (*store_change_fn)(void *ctx, const char *path, const struct node *n, bool exact);

struct store {
    struct node **tab;
    uint32_t mask, count;
    struct store *base;      /* NULL: this is the global tree */
    uint64_t gen;            /* global generation counter (global tree) */
    uint32_t *owned;         /* nodes owned per domid (global tree), XSL_MAX_DOMID entries */
    store_change_fn changed; /* may be NULL */
    void *changed_ctx;
};

int store_init(struct store *s, struct store *base);
void store_free(struct store *s);

/* The node at path if present in this view (copying it in from base for an overlay). */
struct node *store_get(struct store *s, const char *path);
/* Lookup in this store's own table only (tombstones included). */
struct node *store_find(const struct store *s, const char *path);

/* How many nodes a write to path would create (0 if it exists). */
unsigned int store_missing(struct store *s, const char *path);

/*
 * Create path and any missing ancestors (inheriting the nearest ancestor's permissions,
 * owner replaced by `owner` when owner >= 0), then set its value if set_value.
 * Returns 0 or ENOMEM (nothing changed on failure).
 */
int store_write(struct store *s, const char *path, const void *val, uint32_t len, int64_t owner,
                bool set_value);
/* Remove path and its subtree (path must exist and not be "/"). */
void store_rm(struct store *s, const char *path);
/* Replace the permission list. Returns 0 or ENOMEM. */
int store_set_perms(struct store *s, const char *path, const struct xsl_perm *p, uint32_t n);

/* Iterate present nodes depth-first from root (parents before children). */
void store_walk(struct store *s, const char *root, void (*fn)(void *ctx, const struct node *n),
                void *ctx);

/* Nodes owned by domid in the global tree. */
uint32_t store_owned(const struct store *s, uint32_t domid);

#endif
