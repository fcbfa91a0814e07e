/* The /metrics page. Every metric family is written once with its HELP and TYPE lines,
 * then one sample per domain labelled domain="name",domid="N". A guest figure the agent
 * does not publish is left out, not written as 0. */
#include <inttypes.h>
#include <stddef.h>
#include "prom.h"

enum prom_type { GAUGE, COUNTER };

/* A per-domain figure: the value, or false when unknown for this domain. */
typedef bool dom_value_fn(const struct tern_dom_stats *d, double *v);

struct dom_metric {
    const char *name;
    enum prom_type type;
    const char *help;
    dom_value_fn *value;
};

static bool kib_known(long long kib, double *v)
{
    if (kib == TERN_STATS_UNKNOWN)
        return false;
    *v = (double)kib * 1024.0;
    return true;
}

static bool v_cpu(const struct tern_dom_stats *d, double *v)
{
    *v = (double)d->cpu_ns / 1e9;
    return true;
}
static bool v_vcpus(const struct tern_dom_stats *d, double *v)
{
    *v = d->online_vcpus;
    return true;
}
static bool v_vcpus_max(const struct tern_dom_stats *d, double *v)
{
    *v = d->vcpus;
    return true;
}
static bool v_actual(const struct tern_dom_stats *d, double *v)
{
    *v = (double)d->cur_kb * 1024.0;
    return true;
}
static bool v_max(const struct tern_dom_stats *d, double *v)
{
    if (d->max_kb == TERN_STATS_NO_LIMIT)
        return false;
    *v = (double)d->max_kb * 1024.0;
    return true;
}
static bool v_target(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->target_kb, v);
}
static bool v_static_max(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->static_max_kb, v);
}
static bool v_guest_total(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->guest_total_kb, v);
}
static bool v_guest_used(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->guest_used_kb, v);
}
static bool v_guest_cache(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->guest_cached_kb, v);
}
static bool v_guest_avail(const struct tern_dom_stats *d, double *v)
{
    return kib_known(d->guest_avail_kb, v);
}
static bool v_nets(const struct tern_dom_stats *d, double *v)
{
    *v = d->nets;
    return true;
}
static bool v_vbds(const struct tern_dom_stats *d, double *v)
{
    *v = d->vbds;
    return true;
}

static bool v_net_tx(const struct tern_dom_stats *d, double *v)
{
    *v = (double)d->net_tx_bytes;
    return true;
}
static bool v_net_rx(const struct tern_dom_stats *d, double *v)
{
    *v = (double)d->net_rx_bytes;
    return true;
}

static const struct dom_metric dom_metrics[] = {
    {"tern_domain_cpu_seconds_total", COUNTER, "CPU time the domain's vCPUs ran.", v_cpu},
    {"tern_domain_vcpus", GAUGE, "Online vCPUs.", v_vcpus},
    {"tern_domain_vcpus_max", GAUGE, "vCPUs the domain was created with.", v_vcpus_max},
    {"tern_domain_memory_actual_bytes", GAUGE,
     "Memory the hypervisor has given the domain (tot_pages).", v_actual},
    {"tern_domain_memory_max_bytes", GAUGE, "The hypervisor's limit (max_pages).", v_max},
    {"tern_domain_memory_target_bytes", GAUGE, "The balloon target (xenstore memory/target).",
     v_target},
    {"tern_domain_memory_static_max_bytes", GAUGE, "The ceiling (xenstore memory/static-max).",
     v_static_max},
    {"tern_domain_guest_memory_total_bytes", GAUGE,
     "MemTotal seen by the guest (agent: data/meminfo_total).", v_guest_total},
    {"tern_domain_guest_memory_used_bytes", GAUGE,
     "MemTotal - MemAvailable in the guest (agent: data/meminfo_used).", v_guest_used},
    {"tern_domain_guest_memory_cache_bytes", GAUGE,
     "Page cache and buffers in the guest (agent: data/meminfo_cached).", v_guest_cache},
    {"tern_domain_guest_memory_available_bytes", GAUGE,
     "MemAvailable in the guest (agent: data/meminfo_free).", v_guest_avail},
    {"tern_domain_nets", GAUGE, "Network devices (backend/vif).", v_nets},
    {"tern_domain_vbds", GAUGE, "Block devices (backend/vbd).", v_vbds},
    {"tern_domain_net_sent_bytes_total", COUNTER,
     "Bytes the domain's vifs sent (tern-netback's TX counters; frames, headers included).",
     v_net_tx},
    {"tern_domain_net_received_bytes_total", COUNTER,
     "Bytes the domain's vifs received (tern-netback's RX counters).", v_net_rx},
};

/* Per disk: tern-blkback's counters (blkback/stats.h), labelled domain, domid, devid. */
struct vbd_metric {
    const char *name;
    const char *help;
    size_t off; /* of the counter in struct blk_vbd_stats */
};

static const struct vbd_metric vbd_metrics[] = {
    {"tern_vbd_read_requests_total", "Read requests the disk's backend answered.",
     offsetof(struct blk_vbd_stats, rd_req)},
    {"tern_vbd_write_requests_total", "Write requests the disk's backend answered.",
     offsetof(struct blk_vbd_stats, wr_req)},
    {"tern_vbd_flush_requests_total", "Flush requests (with or without data) answered.",
     offsetof(struct blk_vbd_stats, f_req)},
    {"tern_vbd_discard_requests_total", "Discard requests answered.",
     offsetof(struct blk_vbd_stats, ds_req)},
    {"tern_vbd_read_sectors_total", "512-byte sectors read for the guest.",
     offsetof(struct blk_vbd_stats, rd_sect)},
    {"tern_vbd_write_sectors_total", "512-byte sectors written for the guest.",
     offsetof(struct blk_vbd_stats, wr_sect)},
    {"tern_vbd_errors_total", "Requests answered with an error or as unsupported.",
     offsetof(struct blk_vbd_stats, errors)},
    {"tern_vbd_oo_requests_total",
     "Times the ring was full, the frontend's next request waiting for a slot (xentop VBD_OO).",
     offsetof(struct blk_vbd_stats, oo_req)},
};

void prom_label_value(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fprintf(f, "\\%c", *v);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
}

static void family(FILE *f, const char *name, enum prom_type t, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
            t == COUNTER ? "counter" : "gauge");
}

static void labels(FILE *f, const struct tern_dom_stats *d)
{
    fputs("{domain=\"", f);
    prom_label_value(f, d->name);
    fprintf(f, "\",domid=\"%" PRIu32 "\"}", d->domid);
}

static void host_metrics(FILE *f, const struct tern_stats *s)
{
    family(f, "tern_host_memory_total_bytes", GAUGE, "The host's memory (physinfo total_pages).");
    fprintf(f, "tern_host_memory_total_bytes %llu\n", (unsigned long long)s->tot_kb * 1024);
    family(f, "tern_host_memory_free_bytes", GAUGE,
           "Memory no domain holds (physinfo free_pages).");
    fprintf(f, "tern_host_memory_free_bytes %llu\n", (unsigned long long)s->free_kb * 1024);
    family(f, "tern_host_cpus", GAUGE, "Physical CPUs.");
    fprintf(f, "tern_host_cpus %u\n", s->ncpus);
    family(f, "tern_host_domains", GAUGE, "Domains, dom0 included.");
    fprintf(f, "tern_host_domains %u\n", s->n);
}

void prom_write(FILE *f, const struct tern_stats *s, const struct prom_counters *c)
{
    host_metrics(f, s);
    for (size_t m = 0; m < sizeof(dom_metrics) / sizeof(dom_metrics[0]); m++) {
        family(f, dom_metrics[m].name, dom_metrics[m].type, dom_metrics[m].help);
        for (unsigned i = 0; i < s->n; i++) {
            double v;

            if (!dom_metrics[m].value(&s->doms[i], &v))
                continue;
            fputs(dom_metrics[m].name, f);
            labels(f, &s->doms[i]);
            fprintf(f, " %.15g\n", v);
        }
    }
    for (size_t m = 0; m < sizeof(vbd_metrics) / sizeof(vbd_metrics[0]); m++) {
        family(f, vbd_metrics[m].name, COUNTER, vbd_metrics[m].help);
        for (unsigned i = 0; i < s->n; i++)
            for (unsigned k = 0; k < s->doms[i].nvbd && k < TERN_STATS_MAX_VBDS; k++) {
                const struct tern_vbd_counters *c = &s->doms[i].vbd[k];

                fprintf(f, "%s{domain=\"", vbd_metrics[m].name);
                prom_label_value(f, s->doms[i].name);
                fprintf(f, "\",domid=\"%" PRIu32 "\",devid=\"%" PRIu32 "\"} %" PRIu64 "\n",
                        s->doms[i].domid, c->devid,
                        *(const uint64_t *)((const char *)&c->st + vbd_metrics[m].off));
            }
    }
    family(f, "tern_domain_balloon_state", GAUGE,
           "1 for tern-balloond's state of the domain (label state).");
    for (unsigned i = 0; i < s->n; i++) {
        if (!s->doms[i].balloon_state[0])
            continue;
        fputs("tern_domain_balloon_state{domain=\"", f);
        prom_label_value(f, s->doms[i].name);
        fprintf(f, "\",domid=\"%" PRIu32 "\",state=\"", s->doms[i].domid);
        prom_label_value(f, s->doms[i].balloon_state);
        fputs("\"} 1\n", f);
    }
    family(f, "tern_metricsd_samples_total", COUNTER, "Samples taken.");
    fprintf(f, "tern_metricsd_samples_total %llu\n", c->samples);
    family(f, "tern_metricsd_sample_errors_total", COUNTER,
           "Samples that failed (the previous sample is served).");
    fprintf(f, "tern_metricsd_sample_errors_total %llu\n", c->sample_errors);
}
