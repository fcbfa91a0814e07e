/* The xenstore nodes of a disk (vbd), as libxl 4.17's device_disk_add writes them for a
 * raw image with the phy backend type (checked against xl on Xen 4.17 by
 * tests/system/toolstack-devices-xen.py), plus our tern-cache node. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "devices_nodes.h"

/* The backend's keys, in libxl's order; written under the backend and /libxl directories. */
static void vbd_backend_keys(struct tern_dev_nodes *out, const char *dir, uint32_t domid,
                             const struct tern_disk *disk, const char *params, bool ours)
{
    int discard = disk->discard >= 0 ? disk->discard : !disk->readonly;

    tern_dev_add(out, dir, "params", params);
    tern_dev_add(out, dir, "script", "/etc/xen/scripts/block");
    tern_dev_addf(out, dir, "frontend-id", "%u", domid);
    tern_dev_add(out, dir, "online", "1");
    tern_dev_add(out, dir, "removable", disk->cdrom ? "1" : "0");
    tern_dev_add(out, dir, "bootable", "1");
    tern_dev_add(out, dir, "state", "1");
    tern_dev_add(out, dir, "dev", disk->vdev);
    tern_dev_add(out, dir, "type", "phy");
    tern_dev_add(out, dir, "mode", disk->readonly ? "r" : "w");
    tern_dev_add(out, dir, "device-type", disk->cdrom ? "cdrom" : "disk");
    if (disk->direct_io_safe)
        tern_dev_add(out, dir, "direct-io-safe", "1");
    tern_dev_add(out, dir, "discard-enable", discard ? "1" : "0");
    tern_dev_add(out, dir, "specification", "xen");
    if (ours)
        tern_dev_add(out, dir, TERN_NODE_CACHE,
                     disk->cache == TERN_CACHE_NONE ? "none" : "writeback");
}

void tern_vbd_nodes(uint32_t domid, const struct tern_disk *disk, const char *params,
                    struct tern_dev_nodes *out)
{
    char fe[96], be[96], lx[96];

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%d", domid, disk->devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%d", domid, disk->devid);
    snprintf(lx, sizeof(lx), "/libxl/%u/device/vbd/%d", domid, disk->devid);
    /* Frontend: the guest owns it, the backend reads it. */
    tern_dev_perms(tern_dev_add(out, fe, NULL, NULL), domid, 0);
    tern_dev_add(out, fe, "backend", be);
    tern_dev_add(out, fe, "backend-id", "0");
    tern_dev_add(out, fe, "state", "1");
    tern_dev_addf(out, fe, "virtual-device", "%d", disk->devid);
    tern_dev_add(out, fe, "device-type", disk->cdrom ? "cdrom" : "disk");
    tern_dev_add(out, fe, "trusted", "1");
    /* Backend: dom0 owns it, the guest reads it. */
    tern_dev_perms(tern_dev_add(out, be, NULL, NULL), 0, domid);
    tern_dev_add(out, be, "frontend", fe);
    vbd_backend_keys(out, be, domid, disk, params, true);
    /* The toolstack's record (xl's block-list reads it). */
    tern_dev_add(out, lx, NULL, NULL);
    tern_dev_add(out, lx, "frontend", fe);
    tern_dev_add(out, lx, "backend", be);
    vbd_backend_keys(out, lx, domid, disk, params, false);
}

int tern_vbd_check_target(const struct tern_disk *disk, char *params, size_t size, char *err,
                          size_t errlen)
{
    char real[PATH_MAX];

    if (!realpath(disk->target, real)) {
        snprintf(err, errlen, "disk %s: target '%s': %s", disk->vdev, disk->target,
                 strerror(errno));
        return -1;
    }
    if (access(real, disk->readonly ? R_OK : R_OK | W_OK) < 0) {
        snprintf(err, errlen, "disk %s: target '%s' (access=%s): %s", disk->vdev, disk->target,
                 disk->readonly ? "r" : "w", strerror(errno));
        return -1;
    }
    if (strlen(real) >= size) {
        snprintf(err, errlen, "disk %s: target '%s': path too long", disk->vdev, disk->target);
        return -1;
    }
    strcpy(params, real);
    return 0;
}
