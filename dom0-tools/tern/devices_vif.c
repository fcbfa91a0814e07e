/* The xenstore nodes of a network interface (vif), as libxl 4.17's nic add writes them
 * (checked against xl on Xen 4.17 by tests/system/toolstack-devices-xen.py). The script
 * node names libxl's default hotplug script; no script runs (the backend needs none). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "devices_nodes.h"

void tern_vif_rate_value(uint64_t bytes_per_interval, uint32_t interval_us, char *out, size_t size)
{
    snprintf(out, size, "%" PRIu64 ",%" PRIu32, bytes_per_interval, interval_us);
}

static void vif_backend_keys(struct tern_dev_nodes *out, const char *dir, uint32_t domid,
                             unsigned int devid, const struct tern_vif *vif, const char *mac)
{
    char rate[48];

    tern_dev_addf(out, dir, "frontend-id", "%u", domid);
    tern_dev_add(out, dir, "online", "1");
    tern_dev_add(out, dir, "state", "1");
    tern_dev_add(out, dir, "script", "/etc/xen/scripts/vif-bridge");
    if (vif->vifname[0])
        tern_dev_add(out, dir, "vifname", vif->vifname);
    tern_dev_add(out, dir, "mac", mac);
    if (vif->ip[0])
        tern_dev_add(out, dir, "ip", vif->ip);
    if (vif->rate_interval_us) {
        tern_vif_rate_value(vif->rate_bytes_per_interval, vif->rate_interval_us, rate,
                            sizeof(rate));
        tern_dev_add(out, dir, "rate", rate);
    }
    tern_dev_add(out, dir, "bridge", vif->bridge);
    tern_dev_addf(out, dir, "handle", "%u", devid);
    tern_dev_add(out, dir, "type", vif->type[0] ? vif->type : "vif");
    tern_dev_add(out, dir, "hotplug-status", "");
}

void tern_vif_nodes(uint32_t domid, unsigned int devid, const struct tern_vif *vif, const char *mac,
                    struct tern_dev_nodes *out)
{
    char fe[96], be[96], lx[96];

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", domid, devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(lx, sizeof(lx), "/libxl/%u/device/vif/%u", domid, devid);
    tern_dev_perms(tern_dev_add(out, fe, NULL, NULL), domid, 0);
    tern_dev_add(out, fe, "backend", be);
    tern_dev_add(out, fe, "backend-id", "0");
    tern_dev_add(out, fe, "state", "1");
    tern_dev_addf(out, fe, "handle", "%u", devid);
    tern_dev_add(out, fe, "mac", mac);
    tern_dev_add(out, fe, "trusted", "1");
    /* Read-only for the guest (libxl's ro frontend entries). */
    tern_dev_perms(tern_dev_addf(out, fe, "mtu", "%u", vif->mtu ? vif->mtu : 1500), 0, domid);
    tern_dev_perms(tern_dev_add(out, be, NULL, NULL), 0, domid);
    tern_dev_add(out, be, "frontend", fe);
    vif_backend_keys(out, be, domid, devid, vif, mac);
    tern_dev_add(out, lx, NULL, NULL);
    tern_dev_add(out, lx, "frontend", fe);
    tern_dev_add(out, lx, "backend", be);
    vif_backend_keys(out, lx, domid, devid, vif, mac);
}
