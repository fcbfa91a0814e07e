/* tern network-stats: a running domain's per-vif counters, as tern-netback keeps them in
 * /run/tern/netback/<domid>.<devid>.json (xl has no such command; docs/netback.md). TX is
 * what the guest sent, RX what it received; drops in both directions, spoofed frames apart;
 * a multi-queue vif's packets per queue under its row. With --switches: each switch's
 * traffic with dom0's port (switch-<name>.json in the same directory). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdtable.h"
#include "devices.h"
#include "netstats.h"
#include "tern.h"

#define MAX_VIFS     64
#define MAX_SWITCHES 64

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

/* A switch file's name: switch-<name>.json, name short enough to be a switch's. */
static int is_switch_file(const struct dirent *e)
{
    size_t pre = strlen(NB_SWITCH_FILE_PREFIX), n = strlen(e->d_name);

    return n > pre + 5 && n - pre - 5 < NB_SWITCH_NAME_MAX &&
           !strncmp(e->d_name, NB_SWITCH_FILE_PREFIX, pre) && !strcmp(e->d_name + n - 5, ".json");
}

int netstats_read_switches(const char *dir, struct netstats_switch *sw, unsigned max)
{
    struct dirent **list;
    int n = scandir(dir, &list, is_switch_file, alphasort);
    unsigned got = 0;

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *file = list[i]->d_name;
        struct netstats_switch *s = &sw[got];
        char path[512], fname[NB_SWITCH_NAME_MAX];

        if (got < max) {
            /* the name the file's name gives, to check the contents against */
            snprintf(fname, sizeof(fname), "%.*s",
                     (int)(strlen(file) - strlen(NB_SWITCH_FILE_PREFIX) - 5),
                     file + strlen(NB_SWITCH_FILE_PREFIX));
            snprintf(path, sizeof(path), "%s/%s", dir, file);
            s->ok = nb_switch_stats_read(path, s->name, s->kind, &s->st) == 0 &&
                    !strcmp(s->name, fname);
            if (!s->ok)
                memcpy(s->name, fname, sizeof(fname));
            got++;
        }
        free(list[i]);
    }
    free(list);
    return (int)got;
}

/* The switches' row: num is the counters' conversion (s for a row of "-"). */
#define SWITCH_FMT(num)                                                                            \
    "%-15s %-4s %14" num " %15" num " %13" num " %14" num " %13" num " %13" num "\n"

void netstats_print_switch_header(FILE *out)
{
    fprintf(out, SWITCH_FMT("s"), "Switch", "Port", "To-dom0-pkts", "To-dom0-bytes",
            "To-dom0-drops", "From-dom0-pkts", "From-dom0-bad", "To-dom0-held");
}

void netstats_print_switch(FILE *out, const struct netstats_switch *sw)
{
    const struct nb_switch_stats *s = &sw->st;

    if (!sw->ok)
        fprintf(out, SWITCH_FMT("s"), sw->name, "-", "-", "-", "-", "-", "-", "-");
    else
        fprintf(out, SWITCH_FMT(PRIu64), sw->name, sw->kind, s->to_dom0_packets, s->to_dom0_bytes,
                s->to_dom0_drops, s->from_dom0_packets, s->from_dom0_bad, s->to_dom0_held);
}

/* tern network-stats --switches [--json]: every switch file, as a table or a JSON array. */
static int switches(bool json)
{
    static struct netstats_switch sw[MAX_SWITCHES];
    int n = netstats_read_switches(NB_SWITCH_STATS_DIR, sw, MAX_SWITCHES), failed = 0, shown = 0;

    if (n <= 0)
        return tern_error("network-stats: no switch counters in %s (is tern-netback running?)",
                          NB_SWITCH_STATS_DIR);
    if (json)
        printf("[");
    else
        netstats_print_switch_header(stdout);
    for (int i = 0; i < n; i++) {
        char obj[NB_STATS_FILE_MAX];

        if (!sw[i].ok)
            fprintf(stderr,
                    "tern: network-stats: %s/" NB_SWITCH_FILE_PREFIX "%s.json is "
                    "malformed\n",
                    NB_SWITCH_STATS_DIR, sw[i].name);
        failed += !sw[i].ok;
        if (!json)
            netstats_print_switch(stdout, &sw[i]);
        else if (sw[i].ok &&
                 nb_switch_stats_json(obj, sizeof(obj), sw[i].name, sw[i].kind, &sw[i].st) >= 0)
            printf("%s%s", shown++ ? "," : "", obj);
    }
    if (json)
        printf("]\n");
    return failed ? 1 : 0;
}

int cmd_network_stats(struct tern_ctx *ctx, int argc, char **argv)
{
    unsigned int ids[MAX_VIFS];
    bool json = false, sw = false;
    const char *dom = NULL;
    long domid;
    int n, failed = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
            json = true;
        else if (!strcmp(argv[i], "--switches"))
            sw = true;
        else if (!dom && argv[i][0] != '-')
            dom = argv[i];
        else
            return tern_usage_error("network-stats");
    }
    if (sw && !dom)
        return switches(json);
    if (!dom || sw)
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
