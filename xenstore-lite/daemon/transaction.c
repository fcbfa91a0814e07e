/* Transactions (see transaction.h). */
#include "transaction.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct txn *txn_new(struct store *global, uint32_t id)
{
    struct txn *t = xcalloc(1, sizeof(*t));
    t->id = id;
    store_init(&t->view, global);
    return t;
}

void txn_free(struct txn *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->nops; i++) {
        free((void *)t->ops[i].path);
        free((void *)t->ops[i].data);
    }
    free(t->ops);
    store_free(&t->view);
    free(t);
}

void txn_log(struct txn *t, const struct txop *op)
{
    size_t dlen = op->kind == TXOP_PERMS ? op->len * sizeof(struct xsl_perm) : op->len;

    if (t->nops == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->ops = xrealloc(t->ops, t->cap * sizeof(*t->ops));
    }
    t->ops[t->nops] = *op;
    t->ops[t->nops].path = xstrdup(op->path);
    t->ops[t->nops].data = xmemdup(op->data, dlen);
    t->nops++;
}

uint32_t txn_nodes(const struct txn *t)
{
    return t->view.count;
}

static bool node_conflicts(const struct store *global, const struct node *n)
{
    const struct node *g;

    if (!n->read_val && !n->read_kids)
        return false;
    g = store_find(global, n->path);
    if ((g != NULL) != n->seen_present)
        return true;
    if (!g)
        return false;
    return (n->read_val && g->gen != n->seen_gen) || (n->read_kids && g->cgen != n->seen_cgen);
}

bool txn_conflicts(const struct txn *t)
{
    for (uint32_t i = 0; i <= t->view.mask; i++)
        for (const struct node *n = t->view.tab[i]; n; n = n->hnext)
            if (node_conflicts(t->view.base, n))
                return true;
    return false;
}
