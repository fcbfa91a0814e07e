/* PV devices in xenstore: the nodes libxl 4.17 writes for a vbd or vif (as a list, built
 * without I/O: devices_vbd.c, devices_vif.c), and writing, listing and removing them
 * (devices.c). The backends (tern-blkback, tern-netback) take the devices from there. */
#ifndef TERN_DEVICES_H
#define TERN_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>
#include "devspec.h"

#define TERN_DEV_MAX_NODES 200

/* One node: value NULL makes a directory; nperms 0 leaves the permissions it inherits from
 * its parent (xenstored copies them on creation). */
struct tern_dev_node {
    char path[128];
    char value[300];
    bool dir;
    bool rm; /* remove path (and everything below it); ENOENT is no error */
    struct xs_permissions perms[2];
    unsigned int nperms;
};

struct tern_dev_nodes {
    struct tern_dev_node n[TERN_DEV_MAX_NODES];
    unsigned int count;
    int overflow; /* set if a node did not fit: the list must not be used */
};

/* Our own backend nodes (not libxl's), documented in docs/dom0-tools.md. */
#define TERN_NODE_CACHE  "tern-cache"  /* vbd: writeback | none */
#define TERN_NODE_RESIZE "tern-resize" /* vbd: new size in bytes (tern block-resize) */

struct tern_ctx;

/* The frontend, backend and /libxl/D/device/vbd/N nodes of one disk (target as written to
 * params). */
void tern_vbd_nodes(uint32_t domid, const struct tern_disk *disk, const char *params,
                    struct tern_dev_nodes *out);
/* The nodes of vif number devid with MAC address mac (the vif's own or a generated one). */
void tern_vif_nodes(uint32_t domid, unsigned int devid, const struct tern_vif *vif, const char *mac,
                    struct tern_dev_nodes *out);
/* The backend's rate node value ("BYTES,MICROSECONDS", libxl's form). */
void tern_vif_rate_value(uint64_t bytes_per_interval, uint32_t interval_us, char *out, size_t size);

/* Checks a disk's target before anything is made (exists; writable for a w disk) and
 * returns its absolute path in params. */
int tern_vbd_check_target(const struct tern_disk *disk, char *params, size_t size, char *err,
                          size_t errlen);

/* Applies the list (writes, directories, permissions, removals) in one transaction:
 * pipelined, or one request at a time through the xs_* API without a daemon socket.
 * Returns 0 or -errno with err naming the failing path. */
int tern_dev_apply(struct tern_ctx *ctx, const struct tern_dev_nodes *nodes, char *err,
                   size_t errlen);

/* Device numbers of kind ("vbd", "vif") that domid has (under its backend directory in dom0),
 * sorted; returns the count (up to max) or -1. */
int tern_dev_list(struct tern_ctx *ctx, uint32_t domid, const char *kind, unsigned int *ids,
                  int max);

/* Removes one device as libxl does: if a backend has taken it (state 2..4), writes
 * online=0 and state=5 (Closing) and waits up to timeout_ms until the backend reports 6
 * (Closed); then removes the frontend, backend and /libxl directories. A device in state 1
 * (no backend yet) is removed at once. Returns 0, or 1 if the backend did not close in time
 * (the nodes are removed anyway). */
int tern_dev_remove(struct tern_ctx *ctx, uint32_t domid, const char *kind, unsigned int devid,
                    int timeout_ms);
/* Removes every vbd and vif of domid the same way, all closing at once, within timeout_ms
 * for all of them; the domain is paused first if it has any. */
void tern_dev_remove_all(struct tern_ctx *ctx, uint32_t domid, int timeout_ms);

#endif
