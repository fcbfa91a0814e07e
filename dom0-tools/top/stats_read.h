/* Reads one stats.h sample from the hypervisor and xenstore (dom0 only). */
#ifndef TERN_TOP_STATS_READ_H
#define TERN_TOP_STATS_READ_H

#include "stats.h"
#include "../tern/tern.h"

/* Fills s (freed with tern_stats_free). Returns 0, or -1 with err naming the failed call. */
int tern_stats_read(struct tern_ctx *ctx, struct tern_stats *s, char *err, size_t errlen);

#endif
