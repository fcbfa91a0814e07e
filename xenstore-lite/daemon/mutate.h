/* Applying mutations: to a transaction's overlay, or to the global tree (fires watches,
 * journals the change for restart). */
#ifndef XSL_DAEMON_MUTATE_H
#define XSL_DAEMON_MUTATE_H

#include "transaction.h"

/* Apply op to store s (no permission or quota checks: callers validated first). */
void mutate_apply(struct store *s, const struct txop *op);
/* Apply op to the global tree and journal it. */
void mutate_global(const struct txop *op);

#endif
