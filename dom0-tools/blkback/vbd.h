/* tern-blkback: the xenbus side of one virtual block device (vbd.c): open the image, publish
 * the features, follow the frontend's state (1..6) and connect or disconnect its queues. */
#ifndef TERN_BLKBACK_VBD_H
#define TERN_BLKBACK_VBD_H

#include <stdbool.h>
#include <stdint.h>
#include "../tern/tern.h"

/* Whether we offer persistent grants (feature-persistent; `tern-blkback --persistent=on|off`,
 * docs/blkback.md). Read when a device is published and when its rings connect. */
extern bool blk_persistent;

/* Re-reads device D/N's nodes and acts on them: new device, frontend state change, online=0,
 * resize, removal. Safe to call any number of times (an event on an unchanged device does
 * nothing). */
void blk_vbd_update(struct tern_ctx *ctx, uint32_t domid, uint32_t devid);
/* Re-reads every device under backend/vbd (start-up: devices a previous daemon served are
 * re-adopted, connected ones from the rings' current positions; also drops vanished ones). */
void blk_vbd_scan(struct tern_ctx *ctx);

/* Writes the counters file of every device whose counters changed since its last write
 * (stats.h; the caller paces the calls). */
void blk_vbd_write_stats(void);

#endif
