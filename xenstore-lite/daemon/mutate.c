/* Applying mutations (see mutate.h). */
#include "mutate.h"
#include "daemon.h"
#include "persist.h"

void mutate_apply(struct store *s, const struct txop *op)
{
    switch (op->kind) {
    case TXOP_WRITE:
        store_write(s, op->path, op->data, op->len, op->owner, true);
        break;
    case TXOP_MKDIR:
        if (!store_get(s, op->path))
            store_write(s, op->path, NULL, 0, op->owner, false);
        break;
    case TXOP_RM:
        store_rm(s, op->path);
        break;
    case TXOP_PERMS:
        store_set_perms(s, op->path, op->data, op->len);
        break;
    }
}

void mutate_global(const struct txop *op)
{
    mutate_apply(&xsd.tree, op);
    persist_log(op);
}
