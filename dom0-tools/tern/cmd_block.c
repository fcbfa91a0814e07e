/* Disk commands on running domains, as xl's: block-attach, block-detach, block-list, and
 * block-resize (ours: grows the image and asks the backend to re-read its size). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmdtable.h"
#include "devices.h"
#include "devices_changes.h"
#include "tern.h"

/* Is there a disk devid (its backend or its frontend directory)? */
static bool disk_exists(struct tern_ctx *ctx, long domid, int devid, bool frontend_too)
{
    char *b = tern_xs_read(ctx, XBT_NULL, "/local/domain/0/backend/vbd/%ld/%d", domid, devid);
    char *f = frontend_too
                  ? tern_xs_read(ctx, XBT_NULL, "/local/domain/%ld/device/vbd/%d", domid, devid)
                  : NULL;
    bool found = b || f;

    free(b);
    free(f);
    return found;
}

int cmd_block_attach(struct tern_ctx *ctx, int argc, char **argv)
{
    struct tern_dev_nodes *nodes;
    struct tern_disk disk;
    char spec[512], err[512], params[256];
    long domid;
    int rc;

    if (argc < 3)
        return tern_usage_error("block-attach");
    if (tern_join_args(argc - 2, argv + 2, spec, sizeof(spec)) < 0)
        return tern_error("block-attach: disk spec too long");
    if (tern_disk_parse(spec, &disk, err, sizeof(err)) < 0)
        return tern_error("block-attach: %s", err);
    domid = tern_guest_arg(ctx, "block-attach", argv[1]);
    if (domid < 0)
        return 1;
    if (disk_exists(ctx, domid, disk.devid, true))
        return tern_error("block-attach: domain %ld: vdev %s (device %d) is already attached",
                          domid, disk.vdev, disk.devid);
    if (tern_vbd_check_target(&disk, params, sizeof(params), err, sizeof(err)) < 0)
        return tern_error("block-attach: %s", err);
    nodes = calloc(1, sizeof(*nodes));
    if (!nodes)
        return tern_error("block-attach: %s", strerror(ENOMEM));
    tern_vbd_nodes((uint32_t)domid, &disk, params, nodes);
    rc = tern_dev_apply(ctx, nodes, err, sizeof(err));
    free(nodes);
    if (rc < 0)
        return tern_error("block-attach: domain %ld: %s", domid, err);
    if (!tern_dev_change_record(ctx, (uint32_t)domid, "vbd", (unsigned)disk.devid, spec))
        fprintf(stderr,
                "tern: block-attach: note: the disk is attached but will not survive a "
                "reboot (record: %s)\n",
                strerror(errno));
    return 0;
}

/* A vdev name or a device number; -1 (reported) if neither or not attached. */
static int attached_disk(struct tern_ctx *ctx, const char *cmd, long domid, const char *dev)
{
    int devid = tern_vdev_devid(dev);

    if (devid < 0) {
        tern_error("%s: '%s' is not a vdev name or device number", cmd, dev);
        return -1;
    }
    if (!disk_exists(ctx, domid, devid, false)) {
        tern_error("%s: domain %ld has no disk %s: %s", cmd, domid, dev, strerror(ENOENT));
        return -1;
    }
    return devid;
}

int cmd_block_detach(struct tern_ctx *ctx, int argc, char **argv)
{
    long domid;
    int devid;

    if (argc != 3)
        return tern_usage_error("block-detach");
    domid = tern_guest_arg(ctx, "block-detach", argv[1]);
    if (domid < 0)
        return 1;
    devid = attached_disk(ctx, "block-detach", domid, argv[2]);
    if (devid < 0)
        return 1;
    if (tern_dev_remove(ctx, (uint32_t)domid, "vbd", (unsigned)devid, TERN_DEV_DETACH_MS) > 0)
        fprintf(stderr,
                "tern: block-detach: the backend of %s did not close within %d s; its "
                "nodes were removed anyway\n",
                argv[2], TERN_DEV_DETACH_MS / 1000);
    if (!tern_dev_change_record(ctx, (uint32_t)domid, "vbd", (unsigned)devid, NULL))
        fprintf(stderr,
                "tern: block-detach: note: a reboot will bring the disk back (record: "
                "%s)\n",
                strerror(errno));
    return 0;
}

int cmd_block_list(struct tern_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return tern_usage_error("block-list");
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
           "ring-ref", "BE-path");
    for (int a = 1; a < argc; a++) {
        unsigned int ids[64];
        long domid = tern_domain_lookup(ctx, argv[a]);
        int n;

        if (domid < 0)
            return tern_error("block-list: domain '%s': %s", argv[a], strerror(ESRCH));
        n = tern_dev_list(ctx, (uint32_t)domid, "vbd", ids, 64);
        for (int i = 0; i < n; i++) {
            char fe[96], be[96];

            snprintf(fe, sizeof(fe), "/local/domain/%ld/device/vbd/%u", domid, ids[i]);
            snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%ld/%u", domid, ids[i]);
            printf("%-5u %-3ld %-6ld %-5ld %-6ld %-8ld %-30s\n", ids[i],
                   tern_xs_read_long(ctx, fe, "backend-id"), domid,
                   tern_xs_read_long(ctx, fe, "state"), tern_xs_read_long(ctx, fe, "event-channel"),
                   tern_xs_read_long(ctx, fe, "ring-ref"), be);
        }
    }
    return 0;
}

int cmd_block_resize(struct tern_ctx *ctx, int argc, char **argv)
{
    char *params, val[32];
    uint64_t bytes;
    struct stat st;
    long domid;
    int devid, serr;

    if (argc != 4)
        return tern_usage_error("block-resize");
    if (tern_parse_bytes(argv[3], &bytes) < 0 || bytes == 0 || bytes % 512)
        return tern_error("block-resize: size '%s' is not a positive multiple of 512 bytes "
                          "(units K, M, G, T)",
                          argv[3]);
    domid = tern_guest_arg(ctx, "block-resize", argv[1]);
    if (domid < 0)
        return 1;
    devid = attached_disk(ctx, "block-resize", domid, argv[2]);
    if (devid < 0)
        return 1;
    params = tern_xs_read(ctx, XBT_NULL, "/local/domain/0/backend/vbd/%ld/%d/params", domid, devid);
    if (!params)
        return tern_error("block-resize: domain %ld disk %s: no params node: %s", domid, argv[2],
                          strerror(errno));
    serr = stat(params, &st) < 0 ? errno : 0;
    if (serr || !S_ISREG(st.st_mode)) {
        tern_error("block-resize: image '%s': %s", params,
                   serr ? strerror(serr) : "not a regular file");
        free(params);
        return 1;
    }
    if (bytes < (uint64_t)st.st_size) {
        tern_error("block-resize: image '%s' is %lld bytes; shrinking to %llu is refused (the "
                   "guest's data past the end would be lost)",
                   params, (long long)st.st_size, (unsigned long long)bytes);
        free(params);
        return 1;
    }
    if (truncate(params, (off_t)bytes) < 0) {
        tern_error("block-resize: grow '%s' to %llu bytes: %s", params, (unsigned long long)bytes,
                   strerror(errno));
        free(params);
        return 1;
    }
    free(params);
    snprintf(val, sizeof(val), "%llu", (unsigned long long)bytes);
    if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/0/backend/vbd/%ld/%d/" TERN_NODE_RESIZE,
                       domid, devid))
        return tern_error("block-resize: write backend %s of domain %ld: %s", TERN_NODE_RESIZE,
                          domid, strerror(errno));
    return 0;
}
