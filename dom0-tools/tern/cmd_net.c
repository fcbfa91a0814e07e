/* Network commands on running domains, as xl's: network-attach, network-detach,
 * network-list, and network-rate (ours: changes a vif's rate; the backend watches it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdtable.h"
#include "devices.h"
#include "devices_changes.h"
#include "tern.h"

#define MAX_VIFS 64

static char *vif_mac(struct tern_ctx *ctx, long domid, unsigned int devid)
{
    return tern_xs_read(ctx, XBT_NULL, "/local/domain/0/backend/vif/%ld/%u/mac", domid, devid);
}

int cmd_network_attach(struct tern_ctx *ctx, int argc, char **argv)
{
    struct tern_dev_nodes *nodes;
    struct tern_vif vif;
    unsigned int ids[MAX_VIFS], devid = 0;
    char spec[512], err[512], mac[18], *name;
    long domid;
    int n, rc;

    if (argc < 2)
        return tern_usage_error("network-attach");
    if (tern_join_args(argc - 2, argv + 2, spec, sizeof(spec)) < 0)
        return tern_error("network-attach: vif spec too long");
    if (tern_vif_parse(spec, &vif, err, sizeof(err)) < 0)
        return tern_error("network-attach: %s", err);
    if (vif.script[0])
        fprintf(stderr, "tern: note: script=%s ignored (tern's backend needs no hotplug script)\n",
                vif.script);
    domid = tern_guest_arg(ctx, "network-attach", argv[1]);
    if (domid < 0)
        return 1;
    n = tern_dev_list(ctx, (uint32_t)domid, "vif", ids, MAX_VIFS);
    if (n < 0)
        return tern_error("network-attach: list vifs of domain %ld: %s", domid, strerror(errno));
    if (n)
        devid = ids[n - 1] + 1; /* as libxl: one past the highest */
    name = tern_domain_name(ctx, (uint32_t)domid);
    if (vif.mac[0])
        memcpy(mac, vif.mac, sizeof(mac));
    else
        tern_mac_generate(name ? name : "", devid, mac);
    free(name);
    for (int i = 0; i < n; i++) {
        char *m = vif_mac(ctx, domid, ids[i]);
        bool same = m && !strcmp(m, mac);

        free(m);
        if (same)
            return tern_error("network-attach: domain %ld: mac %s is already vif %u's", domid, mac,
                              ids[i]);
    }
    nodes = calloc(1, sizeof(*nodes));
    if (!nodes)
        return tern_error("network-attach: %s", strerror(ENOMEM));
    tern_vif_nodes((uint32_t)domid, devid, &vif, mac, nodes);
    rc = tern_dev_apply(ctx, nodes, err, sizeof(err));
    free(nodes);
    if (rc < 0)
        return tern_error("network-attach: domain %ld: %s", domid, err);
    /* Kept with its MAC, so the guest's card keeps its address after a reboot. */
    if (!vif.mac[0] && strlen(spec) + sizeof(",mac=") + sizeof(mac) <= sizeof(spec)) {
        strcat(spec, spec[0] ? ",mac=" : "mac=");
        strcat(spec, mac);
    }
    if (!tern_dev_change_record(ctx, (uint32_t)domid, "vif", devid, spec))
        fprintf(stderr,
                "tern: network-attach: note: the vif is attached but will not survive a "
                "reboot (record: %s)\n",
                strerror(errno));
    return 0;
}

/* A device number or a MAC address of one of the domain's vifs; -1 (reported) if none. */
static long find_vif(struct tern_ctx *ctx, const char *cmd, long domid, const char *what)
{
    unsigned int ids[MAX_VIFS];
    int n = tern_dev_list(ctx, (uint32_t)domid, "vif", ids, MAX_VIFS);
    char err[128], *end;

    if (strchr(what, ':')) {
        if (tern_mac_check(what, err, sizeof(err)) < 0) {
            tern_error("%s: %s", cmd, err);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char *m = vif_mac(ctx, domid, ids[i]);
            bool same = m && !strcasecmp(m, what);

            free(m);
            if (same)
                return ids[i];
        }
    } else {
        unsigned long id = strtoul(what, &end, 10);

        if (!*what || *end) {
            tern_error("%s: '%s' is not a vif number or a MAC address", cmd, what);
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (ids[i] == id)
                return (long)id;
    }
    tern_error("%s: domain %ld has no vif %s: %s", cmd, domid, what, strerror(ENOENT));
    return -1;
}

int cmd_network_detach(struct tern_ctx *ctx, int argc, char **argv)
{
    long domid, devid;

    if (argc != 3)
        return tern_usage_error("network-detach");
    domid = tern_guest_arg(ctx, "network-detach", argv[1]);
    if (domid < 0)
        return 1;
    devid = find_vif(ctx, "network-detach", domid, argv[2]);
    if (devid < 0)
        return 1;
    if (tern_dev_remove(ctx, (uint32_t)domid, "vif", (unsigned)devid, TERN_DEV_DETACH_MS) > 0)
        fprintf(stderr,
                "tern: network-detach: the backend of vif %ld did not close within %d s; "
                "its nodes were removed anyway\n",
                devid, TERN_DEV_DETACH_MS / 1000);
    if (!tern_dev_change_record(ctx, (uint32_t)domid, "vif", (unsigned)devid, NULL))
        fprintf(stderr,
                "tern: network-detach: note: a reboot will bring the vif back (record: "
                "%s)\n",
                strerror(errno));
    return 0;
}

int cmd_network_list(struct tern_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return tern_usage_error("network-list");
    printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.", "handle",
           "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
    for (int a = 1; a < argc; a++) {
        unsigned int ids[MAX_VIFS];
        long domid = tern_domain_lookup(ctx, argv[a]);
        int n;

        if (domid < 0)
            return tern_error("network-list: domain '%s': %s", argv[a], strerror(ESRCH));
        n = tern_dev_list(ctx, (uint32_t)domid, "vif", ids, MAX_VIFS);
        for (int i = 0; i < n; i++) {
            char fe[96], be[96], *mac = vif_mac(ctx, domid, ids[i]);

            snprintf(fe, sizeof(fe), "/local/domain/%ld/device/vif/%u", domid, ids[i]);
            snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%ld/%u", domid, ids[i]);
            printf("%-3u %-2ld %-17s%6u %5ld %6ld %5ld/%-11ld %-30s\n", ids[i],
                   tern_xs_read_long(ctx, fe, "backend-id"), mac ? mac : "?", ids[i],
                   tern_xs_read_long(ctx, fe, "state"), tern_xs_read_long(ctx, fe, "event-channel"),
                   tern_xs_read_long(ctx, fe, "tx-ring-ref"),
                   tern_xs_read_long(ctx, fe, "rx-ring-ref"), be);
            free(mac);
        }
    }
    return 0;
}

int cmd_network_rate(struct tern_ctx *ctx, int argc, char **argv)
{
    uint64_t bytes = 0;
    uint32_t us = 0;
    char err[256], val[48], path[2][96];
    long domid, devid;
    bool unlimited;

    if (argc != 4)
        return tern_usage_error("network-rate");
    unlimited = !strcmp(argv[3], "none");
    if (!unlimited && tern_rate_parse(argv[3], &bytes, &us, err, sizeof(err)) < 0)
        return tern_error("network-rate: %s", err);
    domid = tern_guest_arg(ctx, "network-rate", argv[1]);
    if (domid < 0)
        return 1;
    devid = find_vif(ctx, "network-rate", domid, argv[2]);
    if (devid < 0)
        return 1;
    tern_vif_rate_value(bytes, us, val, sizeof(val));
    snprintf(path[0], sizeof(path[0]), "/local/domain/0/backend/vif/%ld/%ld/rate", domid, devid);
    snprintf(path[1], sizeof(path[1]), "/libxl/%ld/device/vif/%ld/rate", domid, devid);
    for (int i = 0; i < 2; i++) {
        bool ok = unlimited ? xs_rm(ctx->xsh, XBT_NULL, path[i]) || errno == ENOENT
                            : xs_write(ctx->xsh, XBT_NULL, path[i], val, strlen(val));

        if (!ok)
            return tern_error("network-rate: %s %s: %s", unlimited ? "remove" : "write", path[i],
                              strerror(errno));
    }
    return 0;
}
