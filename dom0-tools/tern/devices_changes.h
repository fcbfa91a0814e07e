/* Devices changed on a running domain (block-attach/-detach, network-attach/-detach) kept
 * for its reboot, as xl keeps them in its stored copy of the domain's configuration: a
 * reboot re-creates the domain from its config file plus these changes. They live in
 * xenstore under /libxl/<domid>/tern-devices/<kind>/<devid> (dom0-only, like all of
 * /libxl/<domid>): the spec of an attached device, or "" for a detached one. */
#ifndef TERN_DEVICES_CHANGES_H
#define TERN_DEVICES_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"

struct tern_ctx;

struct tern_dev_change {
    char kind[4]; /* "vbd" or "vif" */
    unsigned int devid;
    char spec[512]; /* "" = detached */
};

struct tern_dev_changes {
    struct tern_dev_change c[4 * TERN_MAX_DEVICES];
    unsigned int n;
};

/* Applies changes to a config loaded from its file: a change's device number replaces the
 * config's device of that number (a vif without one numbered by its position first, as
 * create numbers them), removed if the change is a detach. Pure. Returns 0, or -1 with err
 * naming the change (a bad spec, too many devices). */
int tern_dev_changes_apply(struct tern_config *cfg, const struct tern_dev_changes *ch, char *err,
                           size_t errlen);

/* Records one change of domid: spec of the attached device, or NULL for a detach. */
bool tern_dev_change_record(struct tern_ctx *ctx, uint32_t domid, const char *kind,
                            unsigned int devid, const char *spec);
/* Reads domid's changes (none is no error); -1 with errno if xenstore fails. */
int tern_dev_changes_read(struct tern_ctx *ctx, uint32_t domid, struct tern_dev_changes *ch);
/* Records every change of ch for domid (the new domain of a reboot). */
bool tern_dev_changes_write(struct tern_ctx *ctx, uint32_t domid,
                            const struct tern_dev_changes *ch);

#endif
