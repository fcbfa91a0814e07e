/*
 * Transactions: a private overlay of the global tree plus a log of the operations done in
 * it.  Reads see the overlay (the transaction's own writes); TRANSACTION_END validates
 * that nothing the client actually observed (a value, permissions, a child list, or the
 * absence of a node) changed underneath, then replays the log on the global tree, firing
 * watches and journalling as ordinary operations do.  Writes alone never conflict, so
 * transactions on disjoint subtrees always commit.
 */
#ifndef XSL_DAEMON_TRANSACTION_H
#define XSL_DAEMON_TRANSACTION_H

#include <stdint.h>

#include "tree.h"

enum txop_kind { TXOP_WRITE = 'W', TXOP_MKDIR = 'M', TXOP_RM = 'R', TXOP_PERMS = 'P' };

/* One mutation, as logged in a transaction and in the persistence journal. */
struct txop {
    uint8_t kind;
    int64_t owner; /* owner of created nodes, -1 to inherit */
    const char *path;
    const void *data; /* value (WRITE) or struct xsl_perm[] (PERMS) */
    uint32_t len;     /* bytes of value, or number of perms */
};

struct txn {
    struct txn *next;
    uint32_t id;
    struct store view;
    struct txop *ops;
    uint32_t nops, cap;
    uint32_t created; /* nodes created so far (entry quota) */
};

struct txn *txn_new(struct store *global, uint32_t id);
void txn_free(struct txn *t);
/* Record an operation already applied to t->view (copies path and data). */
void txn_log(struct txn *t, const struct txop *op);
/* Overlay nodes touched so far (the transaction-nodes quota). */
uint32_t txn_nodes(const struct txn *t);
/* True if something the transaction observed changed in the global tree since. */
bool txn_conflicts(const struct txn *t);

#endif
