/* Read-only commands: list, info, dmesg, domid, domname, uptime (xl's output); vcpu-list is
 * in cmd_vcpu.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include "cmdtable.h"
#include "tern.h"

#define MAX_DOMAINS 1024

/* All domains, or the ones named on the command line; returns the count or -1. */
static int select_domains(struct tern_ctx *ctx, const char *cmd, int argc, char **argv,
                          xc_domaininfo_t **out)
{
    xc_domaininfo_t *info = calloc(MAX_DOMAINS, sizeof(*info));
    int n;

    if (!info)
        return -1;
    n = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, info);
    if (n < 0) {
        tern_error("%s: XEN_SYSCTL_getdomaininfolist: %s", cmd, strerror(errno));
        free(info);
        return -1;
    }
    if (argc > 0) {
        int m = 0;

        for (int a = 0; a < argc; a++) {
            long domid = tern_domain_lookup(ctx, argv[a]);
            int i;

            for (i = 0; i < n && domid >= 0; i++)
                if (info[i].domain == domid)
                    break;
            if (domid < 0 || i == n) {
                tern_error("%s: domain '%s': %s", cmd, argv[a], strerror(ESRCH));
                free(info);
                return -1;
            }
            xc_domaininfo_t tmp = info[i];
            info[i] = info[m];
            info[m++] = tmp;
        }
        n = m;
    }
    *out = info;
    return n;
}

static void state_string(const xc_domaininfo_t *d, char s[7])
{
    unsigned reason = (d->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    bool shutdown = d->flags & XEN_DOMINF_shutdown;

    s[0] = d->flags & XEN_DOMINF_running ? 'r' : '-';
    s[1] = d->flags & XEN_DOMINF_blocked ? 'b' : '-';
    s[2] = d->flags & XEN_DOMINF_paused ? 'p' : '-';
    s[3] = shutdown && reason != SHUTDOWN_crash ? 's' : '-';
    s[4] = shutdown && reason == SHUTDOWN_crash ? 'c' : '-';
    s[5] = d->flags & XEN_DOMINF_dying ? 'd' : '-';
    s[6] = '\0';
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static unsigned long long xs_u64(struct tern_ctx *ctx, const char *fmt, unsigned domid)
{
    char *v = tern_xs_read(ctx, XBT_NULL, fmt, domid);
    unsigned long long n = v ? strtoull(v, NULL, 10) : 0;

    free(v);
    return n;
}

/* list -l: one JSON object per domain, in the shape of xl's (domid, config.c_info,
 * config.b_info) plus the live figures a program needs. */
static void list_json(struct tern_ctx *ctx, const xc_domaininfo_t *info, int n)
{
    printf("[\n");
    for (int i = 0; i < n; i++) {
        const xc_domaininfo_t *d = &info[i];
        char *name = tern_domain_name(ctx, d->domain), state[7], uuid[37];
        char *cfg = tern_xs_read(ctx, XBT_NULL, "/libxl/%u/config", d->domain);
        const uint8_t *h = d->handle;

        state_string(d, state);
        snprintf(uuid, sizeof(uuid),
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
                 h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
                 h[15]);
        printf("    {\n        \"domid\": %u,\n        \"config\": {\n"
               "            \"c_info\": {\n                \"name\": ",
               d->domain);
        json_string(name ? name : "");
        printf(",\n                \"uuid\": \"%s\"\n            },\n", uuid);
        printf("            \"b_info\": {\n                \"max_vcpus\": %u,\n"
               "                \"max_memkb\": %llu,\n                \"target_memkb\": %llu\n"
               "            }\n        },\n",
               d->max_vcpu_id + 1, xs_u64(ctx, "/local/domain/%u/memory/static-max", d->domain),
               xs_u64(ctx, "/local/domain/%u/memory/target", d->domain));
        printf("        \"state\": \"%s\",\n        \"current_memkb\": %llu,\n"
               "        \"max_pages\": %llu,\n        \"online_vcpus\": %u,\n"
               "        \"cpu_time_ns\": %llu,\n        \"config_file\": ",
               state, (unsigned long long)d->tot_pages << 2, (unsigned long long)d->max_pages,
               d->nr_online_vcpus, (unsigned long long)d->cpu_time);
        json_string(cfg ? cfg : "");
        printf("\n    }%s\n", i + 1 < n ? "," : "");
        free(name);
        free(cfg);
    }
    printf("]\n");
}

int cmd_list(struct tern_ctx *ctx, int argc, char **argv)
{
    xc_domaininfo_t *info;
    bool json = false;
    int opt, n;

    optind = 1;
    while ((opt = getopt(argc, argv, "+l")) != -1) {
        if (opt != 'l')
            return tern_usage_error("list");
        json = true;
    }
    n = select_domains(ctx, "list", argc - optind, argv + optind, &info);
    if (n < 0)
        return 1;
    if (json) {
        list_json(ctx, info, n);
    } else {
        printf("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
        for (int i = 0; i < n; i++) {
            char *name = tern_domain_name(ctx, info[i].domain), state[7];

            state_string(&info[i], state);
            printf("%-40s %5u %5llu %5u     %s %8.1f\n", name ? name : "", info[i].domain,
                   (unsigned long long)(info[i].tot_pages >> 8), info[i].nr_online_vcpus, state,
                   (double)info[i].cpu_time / 1e9);
            free(name);
        }
    }
    free(info);
    return 0;
}

static const char *sched_name(int id)
{
    switch (id) {
    case XEN_SCHEDULER_CREDIT:
        return "credit";
    case XEN_SCHEDULER_CREDIT2:
        return "credit2";
    case XEN_SCHEDULER_ARINC653:
        return "arinc653";
    case XEN_SCHEDULER_RTDS:
        return "rtds";
    case XEN_SCHEDULER_NULL:
        return "null";
    case 0x7272: /* Tern's round-robin, sched=rr (TERN_SCHEDULER_RR, hv/scheduler.h) */
        return "rr";
    default:
        return "unknown";
    }
}

int cmd_info(struct tern_ctx *ctx, int argc, char **argv)
{
    xc_physinfo_t pi;
    xen_extraversion_t extra = {0};
    xen_capabilities_info_t caps = {0};
    xen_commandline_t cmdline = {0};
    struct utsname u;
    int ver, sched = -1;
    unsigned long pages_per_mib = (1UL << 20) / XC_PAGE_SIZE;

    if (argc != 1)
        return tern_usage_error("info");
    if (xc_physinfo(ctx->xch, &pi) < 0)
        return tern_error("info: XEN_SYSCTL_physinfo: %s", strerror(errno));
    ver = xc_version(ctx->xch, XENVER_version, NULL);
    if (ver < 0)
        return tern_error("info: XENVER_version: %s", strerror(errno));
    xc_version(ctx->xch, XENVER_extraversion, &extra);
    xc_version(ctx->xch, XENVER_capabilities, &caps);
    xc_version(ctx->xch, XENVER_commandline, &cmdline);
    xc_sched_id(ctx->xch, &sched);
    uname(&u);
#define LINE(key, fmt, ...) printf("%-23s: " fmt "\n", key, __VA_ARGS__)
    LINE("host", "%s", u.nodename);
    LINE("release", "%s", u.release);
    LINE("version", "%s", u.version);
    LINE("machine", "%s", u.machine);
    LINE("nr_cpus", "%u", pi.nr_cpus);
    LINE("max_cpu_id", "%u", pi.max_cpu_id);
    LINE("nr_nodes", "%u", pi.nr_nodes);
    LINE("cores_per_socket", "%u", pi.cores_per_socket);
    LINE("threads_per_core", "%u", pi.threads_per_core);
    LINE("cpu_mhz", "%u.%03u", pi.cpu_khz / 1000, pi.cpu_khz % 1000);
    LINE("total_memory", "%llu", (unsigned long long)(pi.total_pages / pages_per_mib));
    LINE("free_memory", "%llu", (unsigned long long)(pi.free_pages / pages_per_mib));
    LINE("sharing_freed_memory", "%u", 0);
    LINE("sharing_used_memory", "%u", 0);
    LINE("outstanding_claims", "%llu", (unsigned long long)(pi.outstanding_pages / pages_per_mib));
    LINE("free_cpus", "%u", 0);
    LINE("xen_major", "%d", ver >> 16);
    LINE("xen_minor", "%d", ver & 0xffff);
    LINE("xen_extra", "%s", extra);
    LINE("xen_version", "%d.%d%s", ver >> 16, ver & 0xffff, extra);
    LINE("xen_caps", "%s", caps);
    LINE("xen_scheduler", "%s", sched_name(sched));
    LINE("xen_pagesize", "%lu", (unsigned long)XC_PAGE_SIZE);
    LINE("xen_commandline", "%s", cmdline);
    LINE("free_pages", "%llu", (unsigned long long)pi.free_pages);
    LINE("xend_config_format", "%d", 4);
#undef LINE
    return 0;
}

int cmd_dmesg(struct tern_ctx *ctx, int argc, char **argv)
{
    unsigned int size = 1 << 20, count = size;
    bool clear = false;
    char *buf;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+c")) != -1) {
        if (opt != 'c')
            return tern_usage_error("dmesg");
        clear = true;
    }
    buf = malloc(size);
    if (!buf)
        return tern_error("dmesg: %s", strerror(ENOMEM));
    if (xc_readconsolering(ctx->xch, buf, &count, clear, 0, NULL) < 0) {
        free(buf);
        return tern_error("dmesg: XEN_SYSCTL_readconsole: %s", strerror(errno));
    }
    fwrite(buf, 1, count, stdout);
    free(buf);
    return 0;
}

int cmd_domid(struct tern_ctx *ctx, int argc, char **argv)
{
    long domid;

    if (argc != 2)
        return tern_usage_error("domid");
    domid = tern_domain_lookup(ctx, argv[1]);
    if (domid < 0)
        return tern_error("domid: domain '%s': %s", argv[1], strerror(ESRCH));
    printf("%ld\n", domid);
    return 0;
}

int cmd_domname(struct tern_ctx *ctx, int argc, char **argv)
{
    char *end, *name;
    unsigned long id;
    long domid;

    if (argc != 2)
        return tern_usage_error("domname");
    id = strtoul(argv[1], &end, 10);
    domid = *argv[1] && !*end ? tern_domain_lookup(ctx, argv[1]) : -1;
    if (domid < 0 || (unsigned long)domid != id)
        return tern_error("domname: domain id '%s': %s", argv[1], strerror(ESRCH));
    name = tern_domain_name(ctx, (uint32_t)domid);
    printf("%s\n", name ? name : "");
    free(name);
    return 0;
}

static double domain_start_time(struct tern_ctx *ctx, uint32_t domid)
{
    char *vm = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/vm", domid), *t = NULL;
    double start = 0;

    if (vm)
        t = tern_xs_read(ctx, XBT_NULL, "%s/start_time", vm);
    if (t)
        start = strtod(t, NULL);
    free(vm);
    free(t);
    return start;
}

static void print_uptime(unsigned long secs, bool short_mode)
{
    unsigned long days = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;

    if (days)
        printf(short_mode ? "%lu days, " : "%lu days, ", days);
    printf("%2lu:%02lu:%02lu", h, m, s);
}

int cmd_uptime(struct tern_ctx *ctx, int argc, char **argv)
{
    xc_domaininfo_t *info;
    bool short_mode = false;
    struct timeval now;
    double host_up = 0;
    FILE *f;
    int opt, n;

    optind = 1;
    while ((opt = getopt(argc, argv, "+s")) != -1) {
        if (opt != 's')
            return tern_usage_error("uptime");
        short_mode = true;
    }
    n = select_domains(ctx, "uptime", argc - optind, argv + optind, &info);
    if (n < 0)
        return 1;
    gettimeofday(&now, NULL);
    f = fopen("/proc/uptime", "r");
    if (f) {
        if (fscanf(f, "%lf", &host_up) != 1)
            host_up = 0;
        fclose(f);
    }
    if (!short_mode)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (int i = 0; i < n; i++) {
        char *name = tern_domain_name(ctx, info[i].domain);
        double start = domain_start_time(ctx, info[i].domain);
        double up =
            info[i].domain == 0 || start == 0 ? host_up : now.tv_sec + now.tv_usec / 1e6 - start;

        if (short_mode)
            printf("%s %u ", name ? name : "", info[i].domain);
        else
            printf("%-33s %4u ", name ? name : "", info[i].domain);
        print_uptime(up > 0 ? (unsigned long)up : 0, short_mode);
        putchar('\n');
        free(name);
    }
    free(info);
    return 0;
}
