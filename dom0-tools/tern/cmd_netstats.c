/* tern network-stats: a running domain's per-vif counters, as tern-netback keeps them in
 * /run/tern/netback/<domid>.<devid>.json (xl has no such command; docs/netback.md). TX is
 * what the guest sent, RX what it received; drops in both directions, spoofed frames apart. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../netback/stats.h"
#include "cmdtable.h"
#include "devices.h"
#include "tern.h"

#define MAX_VIFS 64

int cmd_network_stats(struct tern_ctx *ctx, int argc, char **argv)
{
    unsigned int ids[MAX_VIFS];
    bool json = false;
    const char *dom = NULL;
    long domid;
    int n, missing = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
            json = true;
        else if (!dom && argv[i][0] != '-')
            dom = argv[i];
        else
            return tern_usage_error("network-stats");
    }
    if (!dom)
        return tern_usage_error("network-stats");
    domid = tern_domain_lookup(ctx, dom);
    if (domid < 0)
        return tern_error("network-stats: domain '%s': %s", dom, strerror(ESRCH));
    n = tern_dev_list(ctx, (uint32_t)domid, "vif", ids, MAX_VIFS);
    if (n < 0)
        return tern_error("network-stats: list vifs of domain %ld: %s", domid, strerror(errno));
    if (json)
        printf("[");
    else
        printf("%-3s %-17s %10s %12s %8s %8s %10s %12s %8s\n", "Idx", "Mac Addr.", "TX-packets",
               "TX-bytes", "TX-drops", "TX-spoof", "RX-packets", "RX-bytes", "RX-drops");
    for (int i = 0, shown = 0; i < n; i++) {
        struct nb_vif_stats st;
        char mac[18], obj[512];
        uint8_t m[6];

        if (nb_stats_read(NB_STATS_DIR, (unsigned)domid, ids[i], mac, &st) < 0) {
            missing++;
            fprintf(stderr,
                    "tern: network-stats: vif %ld/%u has no counters (is tern-netback "
                    "running and the vif connected?)\n",
                    domid, ids[i]);
            if (!json)
                printf("%-3u %-17s %10s %12s %8s %8s %10s %12s %8s\n", ids[i], "-", "-", "-", "-",
                       "-", "-", "-", "-");
            continue;
        }
        if (json) {
            if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
                       &m[5]) != 6 ||
                nb_stats_json(obj, sizeof(obj), (unsigned)domid, ids[i], m, &st) < 0)
                continue;
            printf("%s%s", shown++ ? "," : "", obj);
            continue;
        }
        printf("%-3u %-17s %10" PRIu64 " %12" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10" PRIu64
               " %12" PRIu64 " %8" PRIu64 "\n",
               ids[i], mac, st.tx_packets, st.tx_bytes, st.tx_drops, st.tx_spoofed, st.rx_packets,
               st.rx_bytes, st.rx_drops);
    }
    if (json)
        printf("]\n");
    return missing ? 1 : 0;
}
