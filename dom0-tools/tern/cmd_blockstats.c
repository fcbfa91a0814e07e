/* tern block-stats: a running domain's per-disk counters, as tern-blkback keeps them in
 * /run/tern/blkback/<domid>-<devid>.json (xl has no such command; Linux's blkback shows the
 * same figures in sysfs, which xentop reads; docs/blkback.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../blkback/stats.h"
#include "cmdtable.h"
#include "devices.h"
#include "tern.h"

#define MAX_VBDS 256

int cmd_block_stats(struct tern_ctx *ctx, int argc, char **argv)
{
    unsigned int ids[MAX_VBDS];
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
            return tern_usage_error("block-stats");
    }
    if (!dom)
        return tern_usage_error("block-stats");
    domid = tern_domain_lookup(ctx, dom);
    if (domid < 0)
        return tern_error("block-stats: domain '%s': %s", dom, strerror(ESRCH));
    n = tern_dev_list(ctx, (uint32_t)domid, "vbd", ids, MAX_VBDS);
    if (n < 0)
        return tern_error("block-stats: list vbds of domain %ld: %s", domid, strerror(errno));
    if (json)
        printf("[");
    else
        printf("%-6s %10s %10s %8s %8s %12s %12s %7s %7s\n", "Vdev", "RD_REQ", "WR_REQ", "F_REQ",
               "DS_REQ", "RD_SECT", "WR_SECT", "ERRORS", "OO_REQ");
    for (int i = 0, shown = 0; i < n; i++) {
        struct blk_vbd_stats st;
        char obj[512];

        if (blk_stats_read(BLK_STATS_DIR, (unsigned)domid, ids[i], &st) < 0) {
            missing++;
            fprintf(stderr,
                    "tern: block-stats: vbd %ld/%u has no counters (is tern-blkback running?)\n",
                    domid, ids[i]);
            if (!json)
                printf("%-6u %10s %10s %8s %8s %12s %12s %7s %7s\n", ids[i], "-", "-", "-", "-",
                       "-", "-", "-", "-");
            continue;
        }
        if (json) {
            if (blk_stats_json(obj, sizeof(obj), (unsigned)domid, ids[i], &st) >= 0)
                printf("%s%s", shown++ ? "," : "", obj);
            continue;
        }
        printf("%-6u %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64 " %12" PRIu64 " %12" PRIu64
               " %7" PRIu64 " %7" PRIu64 "\n",
               ids[i], st.rd_req, st.wr_req, st.f_req, st.ds_req, st.rd_sect, st.wr_sect, st.errors,
               st.oo_req);
    }
    if (json)
        printf("]\n");
    return missing ? 1 : 0;
}
