/* xl.cfg parsing (the subset of xl's domain configuration syntax that tern acts on). */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum tern_action {
    TERN_ACTION_DESTROY,
    TERN_ACTION_RESTART,
    TERN_ACTION_RENAME_RESTART,
    TERN_ACTION_PRESERVE,
    TERN_ACTION_COREDUMP_DESTROY,
    TERN_ACTION_COREDUMP_RESTART,
    TERN_ACTION_SOFT_RESET,
};

#include "devspec.h"

/* cpus= / cpus_soft= (tern_config_affinity): mask[0] for every vCPU, or with per_vcpu one
 * mask per vCPU for the first n. */
struct tern_affinity {
    uint64_t mask[TERN_MAX_DEVICES];
    unsigned int n;
    int per_vcpu;
};

struct tern_config {
    char path[512]; /* file the config came from ("" for none) */
    char name[64];
    char uuid[37]; /* "" = generate */
    uint64_t memory_mib, maxmem_mib;
    uint64_t mem_floor_mib; /* tern_mem_floor: tern-balloond's floor, 0 = its default */
    unsigned int vcpus, maxvcpus;
    char kernel[512], ramdisk[512];
    char cmdline[1024];
    enum tern_action on_poweroff, on_reboot, on_crash;
    struct tern_disk disks[TERN_MAX_DEVICES];
    unsigned int nr_disks;
    struct tern_vif vifs[TERN_MAX_DEVICES];
    unsigned int nr_vifs;
    /* Scheduling (cpumap.h, applied by tern_sched_apply): cpu_weight 0 = Xen's default
     * (256), cap percent of one pCPU (0 = none); cpus / cpus_soft, used when has_cpus /
     * has_cpus_soft: read them with tern_config_affinity. */
    unsigned int cpu_weight, cap;
    struct tern_affinity cpus, cpus_soft;
    int has_cpus, has_cpus_soft;
};

/* A vCPU's CPU mask (hard or soft affinity) of cfg: xl's two forms of cpus= / cpus_soft=,
 * one CPU list for every vCPU ("1-3"), or a list of them, one per vCPU (["2", "3"]: vCPU 0
 * on CPU 2, vCPU 1 on CPU 3; a vCPU past the list may run anywhere, as with xl). */
uint64_t tern_config_affinity(const struct tern_affinity *a, unsigned int vcpu);

/* Parses text (named file for messages) into cfg, which the caller zero-initialises with
 * tern_config_init. On error returns -1 and err holds "file:line: reason". Warnings (unknown
 * keys) go to warn (may be NULL). */
void tern_config_init(struct tern_config *cfg);
int tern_config_parse(struct tern_config *cfg, const char *file, const char *text, char *err,
                      size_t errlen, void (*warn)(const char *msg));
/* Reads and parses a file, then applies "key=value" overrides (xl create cfg key=value). */
int tern_config_load(struct tern_config *cfg, const char *path, char *const overrides[],
                     int nr_overrides, char *err, size_t errlen, void (*warn)(const char *msg));
/* Checks cross-key rules (required keys, maxmem >= memory ...). */
int tern_config_validate(const struct tern_config *cfg, char *err, size_t errlen);

/* Applies cfg's cpu_weight, cap, cpus and cpus_soft to domain domid (its max_vcpus
 * vCPUs made), before it first runs (cmd_sched.c); -1 with err filled on failure. */
struct xc_interface_core;
int tern_sched_apply(struct xc_interface_core *xch, uint32_t domid, const struct tern_config *cfg,
                     unsigned int max_vcpus, char *err, size_t errlen);

const char *tern_action_name(enum tern_action a);
int tern_action_parse(const char *s, enum tern_action *a);
/* Parses a memory size with unit suffix b/k/m/g/t (default_unit is the multiplier
 * when no suffix is given); returns 0 and the size in KiB. */
int tern_parse_size_kb(const char *s, uint64_t default_unit_bytes, uint64_t *kb);

#endif
