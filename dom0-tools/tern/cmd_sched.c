/* sched-credit: show or set a domain's credit weight and cap, show or set credit's
 * global parameters (-s), printing as xl does. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdtable.h"
#include "cpumap.h"
#include "tern.h"

#define MAX_DOMAINS 1024

static int number(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(s, &end, 10);
    if (!*s || *end || errno || *out < lo || *out > hi)
        return tern_error("sched-credit: %s '%s': valid values are %ld to %ld", opt, s, lo, hi);
    return 0;
}

static int pool_line(struct tern_ctx *ctx)
{
    struct xen_sysctl_credit_schedule p;

    if (xc_sched_credit_params_get(ctx->xch, 0, &p) < 0)
        printf("Cpupool Pool-0: [sched params unavailable]\n");
    else
        printf("Cpupool Pool-0: tslice=%ums ratelimit=%uus migration-delay=%uus\n", p.tslice_ms,
               p.ratelimit_us, p.vcpu_migr_delay_us);
    return 0;
}

static int domain_line(struct tern_ctx *ctx, uint32_t domid)
{
    struct xen_domctl_sched_credit c;
    char *name, line[128];

    if (xc_sched_credit_domain_get(ctx->xch, domid, &c) < 0)
        return tern_error("sched-credit: domain %u: %s", domid, strerror(errno));
    name = tern_domain_name(ctx, domid);
    tern_sched_credit_line(line, sizeof(line), name ? name : "", domid, c.weight, c.cap);
    fputs(line, stdout);
    free(name);
    return 0;
}

static int list_all(struct tern_ctx *ctx)
{
    xc_domaininfo_t *info = calloc(MAX_DOMAINS, sizeof(*info));
    char line[128];
    int n, rc = 0;

    if (!info)
        return tern_error("sched-credit: %s", strerror(ENOMEM));
    n = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, info);
    if (n < 0) {
        free(info);
        return tern_error("sched-credit: XEN_SYSCTL_getdomaininfolist: %s", strerror(errno));
    }
    pool_line(ctx);
    tern_sched_credit_line(line, sizeof(line), NULL, 0, 0, 0);
    fputs(line, stdout);
    for (int i = 0; i < n && !rc; i++)
        rc = domain_line(ctx, info[i].domain);
    free(info);
    return rc;
}

/* Set weight and/or cap, with libxl's range checks (cap: 100 per vCPU). */
static int set_domain(struct tern_ctx *ctx, uint32_t domid, const char *w, const char *c)
{
    struct xen_domctl_sched_credit sc;
    xc_domaininfo_t d;
    long weight, cap;

    if (xc_domain_getinfolist(ctx->xch, domid, 1, &d) != 1 || d.domain != domid)
        return tern_error("sched-credit: domain %u: %s", domid, strerror(ESRCH));
    if (w && number("weight", w, 1, 65535, &weight))
        return 1;
    if (c && number("cap", c, 0, (long)(d.max_vcpu_id + 1) * 100, &cap))
        return 1;
    if (xc_sched_credit_domain_get(ctx->xch, domid, &sc) < 0)
        return tern_error("sched-credit: domain %u: %s", domid, strerror(errno));
    if (w)
        sc.weight = (uint16_t)weight;
    if (c)
        sc.cap = (uint16_t)cap;
    if (xc_sched_credit_domain_set(ctx->xch, domid, &sc) < 0)
        return tern_error("sched-credit: setting domain %u: %s", domid, strerror(errno));
    return 0;
}

static int global_params(struct tern_ctx *ctx, const char *t, const char *r, const char *m)
{
    struct xen_sysctl_credit_schedule p;
    long v;

    if (!t && !r && !m)
        return pool_line(ctx);
    if (xc_sched_credit_params_get(ctx->xch, 0, &p) < 0)
        return tern_error("sched-credit: reading the parameters: %s", strerror(errno));
    if (t) {
        if (number("tslice_ms", t, 1, 1000, &v))
            return 1;
        p.tslice_ms = (uint32_t)v;
    }
    if (r) {
        if (number("ratelimit_us", r, 0, 500000, &v))
            return 1;
        p.ratelimit_us = (uint32_t)v;
    }
    if (m) {
        if (number("migration_delay_us", m, 0, 100000, &v))
            return 1;
        p.vcpu_migr_delay_us = (uint32_t)v;
    }
    if (xc_sched_credit_params_set(ctx->xch, 0, &p) < 0)
        return tern_error("sched-credit: setting the parameters: %s%s", strerror(errno),
                          errno == EOPNOTSUPP ? " (Tern's are fixed: 30 ms, 1000 us, 0 us)" : "");
    return 0;
}

int cmd_sched_credit(struct tern_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", 1, 0, 'd'},
        {"weight", 1, 0, 'w'},
        {"cap", 1, 0, 'c'},
        {"schedparam", 0, 0, 's'},
        {"tslice_ms", 1, 0, 't'},
        {"ratelimit_us", 1, 0, 'r'},
        {"migration_delay_us", 1, 0, 'm'},
        {"cpupool", 1, 0, 'p'},
        {0, 0, 0, 0},
    };
    const char *dom = NULL, *w = NULL, *c = NULL, *t = NULL, *r = NULL, *m = NULL, *pool = NULL;
    bool s = false;
    int sched, opt;
    long domid;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "+d:w:c:p:t:r:m:s", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            dom = optarg;
            break;
        case 'w':
            w = optarg;
            break;
        case 'c':
            c = optarg;
            break;
        case 't':
            t = optarg;
            break;
        case 'r':
            r = optarg;
            break;
        case 'm':
            m = optarg;
            break;
        case 's':
            s = true;
            break;
        case 'p':
            pool = optarg;
            break;
        default:
            return tern_usage_error("sched-credit");
        }
    }
    if (optind != argc)
        return tern_usage_error("sched-credit");
    if ((pool || s) && (dom || w || c))
        return tern_error("sched-credit: specifying a cpupool or schedparam is not allowed "
                          "with domain options");
    if (!dom && (w || c))
        return tern_error("sched-credit: must specify a domain");
    if (!s && (t || r || m))
        return tern_error("sched-credit: must specify schedparam to set schedule parameter "
                          "values");
    if (pool && strcmp(pool, "Pool-0") && strcmp(pool, "0"))
        return tern_error("sched-credit: unknown cpupool '%s'", pool);
    if (xc_sched_id(ctx->xch, &sched) < 0)
        return tern_error("sched-credit: XEN_SYSCTL_sched_id: %s", strerror(errno));
    if (sched != XEN_SCHEDULER_CREDIT)
        return tern_error("sched-credit: the hypervisor does not run the credit scheduler "
                          "(sched=credit)");
    if (s)
        return global_params(ctx, t, r, m);
    if (!dom)
        return list_all(ctx);
    domid = tern_domain_lookup(ctx, dom);
    if (domid < 0)
        return tern_error("sched-credit: domain '%s': %s", dom, strerror(ESRCH));
    if (w || c)
        return set_domain(ctx, (uint32_t)domid, w, c);
    {
        char line[128];

        tern_sched_credit_line(line, sizeof(line), NULL, 0, 0, 0);
        fputs(line, stdout);
    }
    return domain_line(ctx, (uint32_t)domid);
}

int tern_sched_apply(xc_interface *xch, uint32_t domid, const struct tern_config *cfg,
                     unsigned int max_vcpus, char *err, size_t errlen)
{
    const uint32_t flags = (cfg->has_cpus ? XEN_VCPUAFFINITY_HARD : 0) |
                           (cfg->has_cpus_soft ? XEN_VCPUAFFINITY_SOFT : 0);
    int size, e;

    if (cfg->cap > 100 * max_vcpus) {
        snprintf(err, errlen, "cap %u above 100 per vCPU (%u vCPUs)", cfg->cap, max_vcpus);
        return -1;
    }
    if (cfg->cpu_weight || cfg->cap) {
        struct xen_domctl_sched_credit sc;

        if (xc_sched_credit_domain_get(xch, domid, &sc) < 0)
            goto failed;
        if (cfg->cpu_weight)
            sc.weight = (uint16_t)cfg->cpu_weight;
        sc.cap = (uint16_t)cfg->cap;
        if (xc_sched_credit_domain_set(xch, domid, &sc) < 0)
            goto failed;
    }
    if (!flags)
        return 0;
    size = xc_get_cpumap_size(xch);
    if (size <= 0)
        goto failed;
    for (unsigned int v = 0; v < max_vcpus; v++) {
        uint8_t hard[8] = {0}, soft[8] = {0};
        uint8_t *h = calloc(1, size), *s = calloc(1, size);
        int rc = -1;

        if (h && s) {
            tern_cpumap_to_bytes(tern_config_affinity(&cfg->cpus, v), hard, 8);
            tern_cpumap_to_bytes(tern_config_affinity(&cfg->cpus_soft, v), soft, 8);
            memcpy(h, hard, size < 8 ? size : 8);
            memcpy(s, soft, size < 8 ? size : 8);
            rc = xc_vcpu_setaffinity(xch, domid, (int)v, h, s, flags);
        }
        e = errno;
        free(h);
        free(s);
        if (rc < 0) {
            snprintf(err, errlen, "cpus/cpus_soft of vCPU %u of domain %u: %s", v, domid,
                     strerror(e));
            return -1;
        }
    }
    return 0;
failed:
    e = errno;
    snprintf(err, errlen, "cpu_weight/cap of domain %u: %s%s", domid, strerror(e),
             e == EINVAL ? " (the hypervisor does not run the credit scheduler)" : "");
    return -1;
}
