/* tern network-stats: a running domain's per-vif counters, as tern-netback keeps them in
 * /run/tern/netback/<domid>.<devid>.json (xl has no such command; docs/netback.md). TX is
 * what the guest sent, RX what it received; drops in both directions, spoofed frames apart;
 * a multi-queue vif's packets per queue under its row. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdtable.h"
#include "devices.h"
#include "netstats.h"
#include "tern.h"

#define MAX_VIFS 64

/* A vif's row: num is its counters' conversion (s for a row of "-"). The header and the
 * queue lines keep these widths (tests/unit/dom0-tools/test_netstats.c checks). */
#define ROW_FMT(num)                                                                               \
    "%-3u %-17s %10" num " %12" num " %8" num " %8" num " %10" num " %12" num " %8" num "\n"

void netstats_print_header(FILE *out)
{
    fprintf(out, "%-3s %-17s %10s %12s %8s %8s %10s %12s %8s\n", "Idx", "Mac Addr.", "TX-packets",
            "TX-bytes", "TX-drops", "TX-spoof", "RX-packets", "RX-bytes", "RX-drops");
}

void netstats_print_missing(FILE *out, unsigned devid)
{
    fprintf(out, ROW_FMT("s"), devid, "-", "-", "-", "-", "-", "-", "-", "-");
}

void netstats_print_vif(FILE *out, const struct netstats_vif *v)
{
    const struct nb_vif_stats *s = &v->st;

    fprintf(out, ROW_FMT(PRIu64), v->devid, v->mac, s->tx_packets, s->tx_bytes, s->tx_drops,
            s->tx_spoofed, s->rx_packets, s->rx_bytes, s->rx_drops);
    if (v->nq < 2)
        return;
    for (unsigned q = 0; q < v->nq && q < NB_MAX_QUEUES; q++) {
        char name[24];

        snprintf(name, sizeof(name), "  queue %u", q);
        /* no trailing blanks: the line stops at the last column it fills */
        fprintf(out, "%-3s %-17s %10" PRIu64 " %12s %8s %8s %10" PRIu64 "\n", "", name, v->qtx[q],
                "", "", "", v->qrx[q]);
    }
}

int netstats_json_vif(char *buf, size_t len, unsigned domid, const struct netstats_vif *v)
{
    uint8_t m[6];
    int n;

    n = sscanf(v->mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
    if (n != 6)
        return -1;
    n = nb_stats_json(buf, len, domid, v->devid, m, &v->st);
    if (n >= 0 && v->nq > 0)
        n = nb_stats_json_queues(buf, len, v->qtx, v->qrx,
                                 v->nq < NB_MAX_QUEUES ? v->nq : NB_MAX_QUEUES);
    return n;
}

/* Reads vif devid's totals and queues into v. Returns 0, 1 if the totals are there but the
 * queues are not readable (then v->nq is 0: the row is still worth showing), or -1. */
static int read_vif(unsigned domid, unsigned devid, struct netstats_vif *v)
{
    int nq;

    v->devid = devid;
    v->nq = 0;
    if (nb_stats_read(NB_STATS_DIR, domid, devid, v->mac, &v->st) < 0) {
        fprintf(stderr,
                "tern: network-stats: vif %u/%u has no counters (is tern-netback running and "
                "the vif connected?)\n",
                domid, devid);
        return -1;
    }
    nq = nb_stats_read_queues(NB_STATS_DIR, domid, devid, v->qtx, v->qrx, NB_MAX_QUEUES);
    if (nq < 0) {
        fprintf(stderr,
                "tern: network-stats: vif %u/%u: no per-queue counts (\"queues\" in "
                "%s/%u.%u.json is malformed or has more than %d entries)\n",
                domid, devid, NB_STATS_DIR, domid, devid, NB_MAX_QUEUES);
        return 1;
    }
    v->nq = (unsigned)nq;
    return 0;
}

int cmd_network_stats(struct tern_ctx *ctx, int argc, char **argv)
{
    unsigned int ids[MAX_VIFS];
    bool json = false;
    const char *dom = NULL;
    long domid;
    int n, failed = 0;

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
        netstats_print_header(stdout);
    for (int i = 0, shown = 0; i < n; i++) {
        struct netstats_vif v;
        char obj[NB_STATS_FILE_MAX];
        int r = read_vif((unsigned)domid, ids[i], &v);

        failed += r != 0;
        if (r < 0) {
            if (!json)
                netstats_print_missing(stdout, ids[i]);
        } else if (!json) {
            netstats_print_vif(stdout, &v);
        } else if (netstats_json_vif(obj, sizeof(obj), (unsigned)domid, &v) >= 0) {
            printf("%s%s", shown++ ? "," : "", obj);
        }
    }
    if (json)
        printf("]\n");
    return failed ? 1 : 0;
}
