/* tern-blkback's xenstore names (paths.c, unit-tested): which device a watch event is
 * about, and the per-device nodes. */
#ifndef TERN_BLKBACK_PATHS_H
#define TERN_BLKBACK_PATHS_H

#include <stddef.h>
#include <stdint.h>

#define BLK_BACKEND_ROOT   "/local/domain/0/backend/vbd"
#define BLK_TOKEN_BACKEND  "tern-blkback:backend"
#define BLK_TOKEN_FRONTEND "tern-blkback:frontend:" /* followed by "D/N" */

/* A watch event (path, token) names a device (returns 1, domid and devid set), or asks for a
 * rescan of every device (0: the root or a domain's directory changed), or is not ours (-1;
 * also a node only tern-blkback writes, e.g. feature-persistent: its own write coming back). */
int blk_watch_target(const char *path, const char *token, uint32_t *domid, uint32_t *devid);
/* The frontend watch's token for device D/N. */
void blk_frontend_token(uint32_t domid, uint32_t devid, char *out, size_t len);

#endif
