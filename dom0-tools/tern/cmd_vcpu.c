/* vCPU commands: vcpu-list (with the hard / soft affinity column) and vcpu-pin, printing
 * and parsing as xl does (cpumap.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdtable.h"
#include "cpumap.h"
#include "tern.h"

#define MAX_DOMAINS 1024

/* The host's CPU count as xl counts it (max_cpu_id + 1), or -1 with the error printed. */
static int host_cpus(struct tern_ctx *ctx, const char *cmd)
{
    xc_physinfo_t pi;

    if (xc_physinfo(ctx->xch, &pi) < 0) {
        tern_error("%s: XEN_SYSCTL_physinfo: %s", cmd, strerror(errno));
        return -1;
    }
    return (int)pi.max_cpu_id + 1;
}

/* A vCPU's hard and soft masks; 0 and errno on failure. */
static int vcpu_masks(struct tern_ctx *ctx, uint32_t domid, uint32_t vcpu, uint64_t *hard,
                      uint64_t *soft)
{
    int size = xc_get_cpumap_size(ctx->xch);
    xc_cpumap_t h = xc_cpumap_alloc(ctx->xch), s = xc_cpumap_alloc(ctx->xch);
    int rc = -1;

    if (size > 0 && h && s &&
        xc_vcpu_getaffinity(ctx->xch, domid, (int)vcpu, h, s,
                            XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT) == 0) {
        *hard = tern_cpumap_from_bytes(h, size);
        *soft = tern_cpumap_from_bytes(s, size);
        rc = 0;
    }
    free(h);
    free(s);
    return rc;
}

static void list_domain(struct tern_ctx *ctx, const xc_domaininfo_t *d, unsigned int nr_cpus)
{
    char *name = tern_domain_name(ctx, d->domain), line[512];

    for (uint32_t v = 0; v <= d->max_vcpu_id && d->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID; v++) {
        xc_vcpuinfo_t vi;
        uint64_t hard, soft;

        if (xc_vcpu_getinfo(ctx->xch, d->domain, v, &vi) < 0)
            continue;
        if (vcpu_masks(ctx, d->domain, v, &hard, &soft) < 0) {
            tern_error("vcpu-list: affinity of vCPU %u of domain %u: %s", v, d->domain,
                       strerror(errno));
            continue;
        }
        tern_vcpu_line(line, sizeof(line), name ? name : "", d->domain, &vi, hard, soft, nr_cpus);
        fputs(line, stdout);
    }
    free(name);
}

int cmd_vcpu_list(struct tern_ctx *ctx, int argc, char **argv)
{
    xc_domaininfo_t *info = calloc(MAX_DOMAINS, sizeof(*info));
    int n, nr_cpus = host_cpus(ctx, "vcpu-list"), rc = 0;

    if (!info || nr_cpus < 0) {
        free(info);
        return 1;
    }
    n = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, info);
    if (n < 0) {
        free(info);
        return tern_error("vcpu-list: XEN_SYSCTL_getdomaininfolist: %s", strerror(errno));
    }
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
           "Affinity (Hard / Soft)");
    if (argc <= 1)
        for (int i = 0; i < n; i++)
            list_domain(ctx, &info[i], (unsigned int)nr_cpus);
    for (int a = 1; a < argc; a++) {
        long domid = tern_domain_lookup(ctx, argv[a]);
        int i;

        for (i = 0; i < n && domid >= 0 && info[i].domain != domid; i++)
            ;
        if (domid < 0 || i == n) {
            rc = tern_error("vcpu-list: domain '%s': %s", argv[a], strerror(ESRCH));
            continue;
        }
        list_domain(ctx, &info[i], (unsigned int)nr_cpus);
    }
    free(info);
    return rc;
}

/* "-" leaves that affinity alone; else xl's CPU list. */
static int pin_arg(const char *s, int nr_cpus, uint64_t *mask, bool *given)
{
    char err[160];

    *given = strcmp(s, "-") != 0;
    if (*given && tern_cpumap_parse(s, (unsigned int)nr_cpus, mask, err, sizeof(err)) < 0)
        return tern_error("vcpu-pin: %s", err);
    return 0;
}

static int pin_one(struct tern_ctx *ctx, uint32_t domid, uint32_t vcpu, uint64_t hard,
                   uint64_t soft, uint32_t flags)
{
    int size = xc_get_cpumap_size(ctx->xch);
    xc_cpumap_t h = xc_cpumap_alloc(ctx->xch), s = xc_cpumap_alloc(ctx->xch);
    int rc = 1;

    if (size > 0 && h && s) {
        tern_cpumap_to_bytes(hard, h, size);
        tern_cpumap_to_bytes(soft, s, size);
        if (xc_vcpu_setaffinity(ctx->xch, domid, (int)vcpu, h, s, flags) == 0)
            rc = 0;
    }
    if (rc)
        tern_error("vcpu-pin: could not set affinity for vcpu `%u' of domain %u: %s", vcpu, domid,
                   strerror(errno));
    free(h);
    free(s);
    return rc;
}

int cmd_vcpu_pin(struct tern_ctx *ctx, int argc, char **argv)
{
    xc_domaininfo_t d;
    uint64_t hard = 0, soft = 0;
    bool has_hard, has_soft = false, all;
    uint32_t flags = 0, first, last;
    int nr_cpus, rc = 0;
    long domid;
    char *end;
    unsigned long vcpu = 0;

    if (argc != 4 && argc != 5)
        return tern_usage_error("vcpu-pin");
    domid = tern_domain_lookup(ctx, argv[1]);
    if (domid < 0)
        return tern_error("vcpu-pin: domain '%s': %s", argv[1], strerror(ESRCH));
    all = !strcmp(argv[2], "all");
    if (!all) {
        errno = 0;
        vcpu = strtoul(argv[2], &end, 10);
        if (!*argv[2] || *end || errno || argv[2][0] == '-')
            return tern_error("vcpu-pin: invalid argument %s as VCPU", argv[2]);
    }
    nr_cpus = host_cpus(ctx, "vcpu-pin");
    if (nr_cpus < 0)
        return 1;
    if (pin_arg(argv[3], nr_cpus, &hard, &has_hard) ||
        (argc == 5 && pin_arg(argv[4], nr_cpus, &soft, &has_soft)))
        return 1;
    if (has_hard)
        flags |= XEN_VCPUAFFINITY_HARD;
    if (has_soft)
        flags |= XEN_VCPUAFFINITY_SOFT;
    if (!flags)
        return 0; /* "-" and "-": nothing to change, as xl */
    if (has_hard && !(hard & (nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1)))
        return tern_error("vcpu-pin: vcpu hard affinity map is empty");
    if (xc_domain_getinfolist(ctx->xch, (uint32_t)domid, 1, &d) != 1 || d.domain != domid)
        return tern_error("vcpu-pin: domain '%s': %s", argv[1], strerror(ESRCH));
    if (!all && vcpu > d.max_vcpu_id)
        return tern_error("vcpu-pin: domain %ld has no vCPU %lu (it has %u)", domid, vcpu,
                          d.max_vcpu_id + 1);
    first = all ? 0 : (uint32_t)vcpu;
    last = all ? d.max_vcpu_id : (uint32_t)vcpu;
    for (uint32_t v = first; v <= last; v++)
        rc |= pin_one(ctx, (uint32_t)domid, v, hard, soft, flags);
    return rc;
}
