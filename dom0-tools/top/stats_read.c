/* tern_stats_read: the hypervisor's figures (getdomaininfolist, physinfo, version) and the
 * xenstore keys of each domain (memory/, data/meminfo_*, backend device counts). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../blkback/stats.h"
#include "../netback/stats.h"
#include "stats_read.h"

#define MAX_DOMAINS 1024

static long long xs_number(struct tern_ctx *ctx, uint32_t domid, const char *key)
{
    char *v = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/%s", domid, key);
    long long n = tern_stats_number(v);

    free(v);
    return n;
}

static unsigned xs_count(struct tern_ctx *ctx, const char *kind, uint32_t domid)
{
    char path[64];
    unsigned n = 0;
    char **list;

    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kind, domid);
    list = xs_directory(ctx->xsh, XBT_NULL, path, &n);
    free(list);
    return list ? n : 0;
}

/* xentop's NETTX/NETRX: the bytes the domain's vifs sent and received, from tern-netback's
 * counters files (vifs without one count nothing). */
static void read_net_counters(struct tern_ctx *ctx, struct tern_dom_stats *d)
{
    char path[64], mac[18];
    unsigned n = 0;
    char **list;

    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", d->domid);
    list = xs_directory(ctx->xsh, XBT_NULL, path, &n);
    for (unsigned i = 0; list && i < n; i++) {
        struct nb_vif_stats st;

        if (nb_stats_read(NB_STATS_DIR, d->domid, (unsigned)strtoul(list[i], NULL, 10), mac, &st) ==
            0) {
            d->net_tx_bytes += st.tx_bytes;
            d->net_rx_bytes += st.rx_bytes;
        }
    }
    free(list);
}

/* xentop's VBD_* columns and the per-disk figures: tern-blkback's counters files of the
 * domain's disks (disks without one count nothing; a domain with disks and no file at all
 * shows '-' as xentop does for a backend without statistics). */
static void read_vbd_counters(struct tern_ctx *ctx, struct tern_dom_stats *d)
{
    char path[64];
    unsigned n = 0;
    char **list;

    snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", d->domid);
    list = xs_directory(ctx->xsh, XBT_NULL, path, &n);
    for (unsigned i = 0; list && i < n; i++) {
        uint32_t devid = (uint32_t)strtoul(list[i], NULL, 10);
        struct blk_vbd_stats st;

        if (blk_stats_read(BLK_STATS_DIR, d->domid, devid, &st) < 0)
            continue;
        d->vbd_counters = true;
        d->vbd_oo += st.oo_req;
        d->vbd_rd += st.rd_req;
        d->vbd_wr += st.wr_req;
        d->vbd_rsect += st.rd_sect;
        d->vbd_wsect += st.wr_sect;
        if (d->nvbd < TERN_STATS_MAX_VBDS)
            d->vbd[d->nvbd++] = (struct tern_vbd_counters){.devid = devid, .st = st};
    }
    free(list);
}

static void read_xenstore(struct tern_ctx *ctx, struct tern_dom_stats *d)
{
    char *name = tern_domain_name(ctx, d->domid);
    char *state;

    snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
    free(name);
    d->target_kb = xs_number(ctx, d->domid, "memory/target");
    d->static_max_kb = xs_number(ctx, d->domid, "memory/static-max");
    d->guest_total_kb = xs_number(ctx, d->domid, "data/meminfo_total");
    d->guest_avail_kb = xs_number(ctx, d->domid, "data/meminfo_free");
    d->guest_used_kb = xs_number(ctx, d->domid, "data/meminfo_used");
    d->guest_cached_kb = xs_number(ctx, d->domid, "data/meminfo_cached");
    d->agent_uptime_s = xs_number(ctx, d->domid, "data/tern_agent_uptime");
    d->nets = xs_count(ctx, "vif", d->domid);
    read_net_counters(ctx, d);
    d->vbds = xs_count(ctx, "vbd", d->domid);
    read_vbd_counters(ctx, d);
    state = tern_xs_read(ctx, XBT_NULL, "/local/domain/0/tern-balloond/%u/state", d->domid);
    snprintf(d->balloon_state, sizeof(d->balloon_state), "%s", state ? state : "");
    free(state);
}

static void from_info(struct tern_dom_stats *d, const xc_domaininfo_t *i)
{
    memset(d, 0, sizeof(*d));
    d->domid = i->domain;
    d->flags = i->flags;
    d->cpu_ns = i->cpu_time;
    d->cur_kb = (uint64_t)i->tot_pages * (XC_PAGE_SIZE / 1024);
    d->max_kb = i->max_pages == (uint64_t)UINT32_MAX || i->max_pages == UINT64_MAX
                    ? TERN_STATS_NO_LIMIT
                    : (uint64_t)i->max_pages * (XC_PAGE_SIZE / 1024);
    d->vcpus = i->max_vcpu_id + 1;
    d->online_vcpus = i->nr_online_vcpus;
    d->ssid = i->ssidref;
}

static void read_vcpus(struct tern_ctx *ctx, struct tern_dom_stats *d)
{
    for (unsigned v = 0; v < d->vcpus && v < TERN_STATS_MAX_VCPUS; v++) {
        xc_vcpuinfo_t vi;

        if (xc_vcpu_getinfo(ctx->xch, d->domid, v, &vi) < 0)
            continue;
        d->vcpu_ns[v] = vi.cpu_time;
        if (vi.online)
            d->vcpu_online |= 1ull << v;
    }
}

static int read_host(struct tern_ctx *ctx, struct tern_stats *s, char *err, size_t errlen)
{
    xc_physinfo_t pi;
    xen_extraversion_t extra = {0};
    int ver;

    if (xc_physinfo(ctx->xch, &pi) < 0) {
        snprintf(err, errlen, "XEN_SYSCTL_physinfo: %s", strerror(errno));
        return -1;
    }
    s->tot_kb = (uint64_t)pi.total_pages * (XC_PAGE_SIZE / 1024);
    s->free_kb = (uint64_t)pi.free_pages * (XC_PAGE_SIZE / 1024);
    s->ncpus = pi.nr_cpus;
    s->cpu_mhz = pi.cpu_khz / 1000;
    ver = xc_version(ctx->xch, XENVER_version, NULL);
    if (ver < 0) {
        snprintf(err, errlen, "XENVER_version: %s", strerror(errno));
        return -1;
    }
    xc_version(ctx->xch, XENVER_extraversion, &extra);
    extra[sizeof(extra) - 1] = '\0';
    snprintf(s->version, sizeof(s->version), "%d.%d%s", ver >> 16, ver & 0xffff, extra);
    return 0;
}

int tern_stats_read(struct tern_ctx *ctx, struct tern_stats *s, char *err, size_t errlen)
{
    xc_domaininfo_t *info = calloc(MAX_DOMAINS, sizeof(*info));
    struct timespec ts;
    int n;

    memset(s, 0, sizeof(*s));
    if (!info) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->mono_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    n = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, info);
    if (n < 0) {
        snprintf(err, errlen, "XEN_SYSCTL_getdomaininfolist: %s", strerror(errno));
        free(info);
        return -1;
    }
    if (read_host(ctx, s, err, errlen) < 0) {
        free(info);
        return -1;
    }
    s->doms = calloc(n ? n : 1, sizeof(*s->doms));
    if (!s->doms) {
        snprintf(err, errlen, "out of memory");
        free(info);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        from_info(&s->doms[i], &info[i]);
        read_xenstore(ctx, &s->doms[i]);
        read_vcpus(ctx, &s->doms[i]);
    }
    s->n = n;
    free(info);
    return 0;
}
