/* One sample of what `tern top` and tern-metricsd show: the hypervisor's view of every
 * domain (XEN_SYSCTL_getdomaininfolist, as `tern list`), the host (XEN_SYSCTL_physinfo) and
 * the xenstore keys of the balloon and the guest agent (docs/memory.md). Pure data: the
 * reader is stats_read.c, the formatters topfmt.c (xentop) and metricsd/prom.c. */
#ifndef TERN_TOP_STATS_H
#define TERN_TOP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "../blkback/stats.h"

#define TERN_STATS_NAME_LEN  64
#define TERN_STATS_NO_LIMIT  UINT64_MAX /* max_kb of a domain without a memory limit */
#define TERN_STATS_UNKNOWN   (-1LL)     /* a xenstore figure that is absent or not a number */
#define TERN_STATS_MAX_VCPUS 64         /* per-vCPU times kept for the first 64 vCPUs */
#define TERN_STATS_MAX_VBDS  16         /* per-disk counters kept for the first 16 disks */

/* One disk's counters, from tern-blkback's file (blkback/stats.h). */
struct tern_vbd_counters {
    uint32_t devid;
    struct blk_vbd_stats st;
};

struct tern_dom_stats {
    uint32_t domid;
    char name[TERN_STATS_NAME_LEN];
    uint32_t flags; /* XEN_DOMINF_* */
    uint64_t cpu_ns;
    uint64_t cur_kb; /* tot_pages */
    uint64_t max_kb; /* max_pages, or TERN_STATS_NO_LIMIT */
    unsigned vcpus;  /* max_vcpu_id + 1 (xentop's VCPUS) */
    unsigned online_vcpus;
    uint64_t vcpu_ns[TERN_STATS_MAX_VCPUS]; /* XEN_DOMCTL_getvcpuinfo */
    uint64_t vcpu_online;                   /* bit per vCPU */
    uint32_t ssid;
    unsigned nets, vbds; /* devices in backend/vif/D, backend/vbd/D */
    bool vbd_counters;   /* tern-blkback has a counters file for at least one disk */
    /* xentop's VBD_* columns: the sums over the disks with a counters file (oo_req, rd_req,
     * wr_req, rd_sect, wr_sect) */
    uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
    unsigned nvbd; /* entries of vbd[] (the first TERN_STATS_MAX_VBDS disks with counters) */
    struct tern_vbd_counters vbd[TERN_STATS_MAX_VBDS];
    uint64_t net_tx_bytes, net_rx_bytes;
    /* xenstore, KiB; TERN_STATS_UNKNOWN if absent */
    long long target_kb, static_max_kb;
    long long guest_total_kb, guest_avail_kb, guest_used_kb, guest_cached_kb;
    long long agent_uptime_s;
    char balloon_state[16]; /* tern-balloond's state for the domain, "" if none */
    double cpu_pct;         /* filled by tern_stats_cpu_pct() from the previous sample */
};

struct tern_stats {
    uint64_t mono_ns; /* CLOCK_MONOTONIC when sampled */
    uint64_t tot_kb, free_kb;
    unsigned ncpus;
    unsigned cpu_mhz;
    char version[40];
    unsigned n;
    struct tern_dom_stats *doms;
};

/* The domain of prev with the same id, or NULL. */
const struct tern_dom_stats *tern_stats_find(const struct tern_stats *s, uint32_t domid);
/* CPU(%) as xentop: CPU time used between the two samples over the time between them
 * (100 = one physical CPU); 0 without a previous sample of the domain. */
double tern_cpu_pct(uint64_t ns_now, uint64_t ns_prev, uint64_t elapsed_ns);
/* Fills every domain's cpu_pct of cur from prev (may be NULL). */
void tern_stats_cpu_pct(struct tern_stats *cur, const struct tern_stats *prev);
/* Parses a xenstore number (decimal, whole string); TERN_STATS_UNKNOWN otherwise. */
long long tern_stats_number(const char *s);
void tern_stats_free(struct tern_stats *s);

#endif
