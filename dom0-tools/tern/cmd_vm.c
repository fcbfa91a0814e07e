/* Domain lifecycle commands: create, destroy, shutdown, reboot, pause, unpause, mem-set,
 * mem-max. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "balloon_read.h"
#include "cmdtable.h"
#include "tern.h"

#define SHUTDOWN_WAIT_MS 120000

static void warn(const char *msg)
{
    fprintf(stderr, "%s\n", msg);
}

/* Resolves argv[optind] to a domid or reports it; -1 if not found. */
static long domain_arg(struct tern_ctx *ctx, const char *cmd, const char *what)
{
    long domid = tern_domain_lookup(ctx, what);

    if (domid < 0)
        tern_error("%s: domain '%s': %s", cmd, what, strerror(ESRCH));
    return domid;
}

int cmd_create(struct tern_ctx *ctx, int argc, char **argv)
{
    struct tern_config cfg;
    char err[512];
    bool console = false, paused = false;
    uint32_t domid;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+cpqe")) != -1) {
        switch (opt) {
        case 'c':
            console = true;
            break;
        case 'p':
            paused = true;
            break;
        case 'q':
        case 'e':
            break;
        default:
            return tern_usage_error("create");
        }
    }
    if (optind >= argc)
        return tern_usage_error("create");
    tern_config_init(&cfg);
    fprintf(stderr, "Parsing config from %s\n", argv[optind]);
    if (tern_config_load(&cfg, argv[optind], argv + optind + 1, argc - optind - 1, err, sizeof(err),
                         warn) < 0)
        return tern_error("%s", err);
    for (unsigned int i = 0; i < cfg.nr_vifs; i++)
        if (cfg.vifs[i].script[0])
            fprintf(stderr,
                    "note: vif %u: script=%s ignored (tern's backend needs no hotplug script)\n", i,
                    cfg.vifs[i].script);
    if (tern_domain_create(ctx, &cfg, paused, &domid, err, sizeof(err)) < 0)
        return tern_error("create: %s", err);
    if (console)
        return tern_console_attach(domid);
    return 0;
}

int cmd_destroy(struct tern_ctx *ctx, int argc, char **argv)
{
    char err[256];
    long domid;

    if (argc != 2)
        return tern_usage_error("destroy");
    domid = domain_arg(ctx, "destroy", argv[1]);
    if (domid < 0)
        return 1;
    if (tern_domain_destroy(ctx, (uint32_t)domid, 10000, err, sizeof(err)) < 0)
        return tern_error("%s", err);
    return 0;
}

static bool wait_shutdown(struct tern_ctx *ctx, uint32_t domid, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        xc_domaininfo_t info;

        if (xc_domain_getinfolist(ctx->xch, domid, 1, &info) != 1 || info.domain != domid)
            return true; /* gone: tern-consoled acted on it */
        if (info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying))
            return true;
        usleep(50000);
    }
    return false;
}

/* Guest-cooperative shutdown: write control/shutdown (the guest acknowledges by clearing
 * it); -F falls back to SCHEDOP_remote_shutdown when the guest has no PV control. */
static int shutdown_or_reboot(struct tern_ctx *ctx, int argc, char **argv, const char *cmd,
                              const char *request, int reason)
{
    bool wait = false, fallback = false;
    char err[256], *feature;
    long domid;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+wFa")) != -1) {
        switch (opt) {
        case 'w':
            wait = true;
            break;
        case 'F':
            fallback = true;
            break;
        default:
            return tern_usage_error(cmd);
        }
    }
    if (optind != argc - 1)
        return tern_usage_error(cmd);
    domid = domain_arg(ctx, cmd, argv[optind]);
    if (domid < 0)
        return 1;
    if (domid == 0)
        return tern_error("%s: domain 0: %s", cmd, strerror(EPERM));
    feature = tern_xs_read(ctx, XBT_NULL, "/local/domain/%ld/control/feature-%s", domid,
                           reason == SHUTDOWN_poweroff ? "poweroff" : "reboot");
    if ((!feature || strcmp(feature, "1")) && fallback) {
        if (xc_domain_shutdown(ctx->xch, (uint32_t)domid, reason) < 0)
            return tern_error("%s: SCHEDOP_remote_shutdown of domain %ld: %s", cmd, domid,
                              strerror(errno));
    } else if (!tern_xs_write(ctx, XBT_NULL, request, "/local/domain/%ld/control/shutdown",
                              domid)) {
        free(feature);
        return tern_error("%s: write control/shutdown of domain %ld: %s", cmd, domid,
                          strerror(errno));
    }
    free(feature);
    if (!wait)
        return 0;
    fprintf(stderr, "Waiting for domain %ld to %s.\n", domid,
            reason == SHUTDOWN_poweroff ? "shut down" : "reboot");
    if (!wait_shutdown(ctx, (uint32_t)domid, SHUTDOWN_WAIT_MS))
        return tern_error("%s: domain %ld: no shutdown after %d s: %s", cmd, domid,
                          SHUTDOWN_WAIT_MS / 1000, strerror(ETIMEDOUT));
    /* If no tern-consoled is there to act on it, apply on_poweroff = destroy here. */
    if (reason == SHUTDOWN_poweroff && tern_domain_lookup(ctx, argv[optind]) == domid &&
        tern_domain_destroy(ctx, (uint32_t)domid, 10000, err, sizeof(err)) < 0 &&
        tern_domain_lookup(ctx, argv[optind]) == domid)
        return tern_error("%s", err);
    fprintf(stderr, "Domain %ld has been shut down.\n", domid);
    return 0;
}

int cmd_shutdown(struct tern_ctx *ctx, int argc, char **argv)
{
    return shutdown_or_reboot(ctx, argc, argv, "shutdown", "poweroff", SHUTDOWN_poweroff);
}

int cmd_reboot(struct tern_ctx *ctx, int argc, char **argv)
{
    return shutdown_or_reboot(ctx, argc, argv, "reboot", "reboot", SHUTDOWN_reboot);
}

static int pause_or_unpause(struct tern_ctx *ctx, int argc, char **argv, const char *cmd,
                            int (*op)(xc_interface *, uint32_t))
{
    long domid;

    if (argc != 2)
        return tern_usage_error(cmd);
    domid = domain_arg(ctx, cmd, argv[1]);
    if (domid < 0)
        return 1;
    if (op(ctx->xch, (uint32_t)domid) < 0)
        return tern_error("%s: domain %ld: %s", cmd, domid, strerror(errno));
    return 0;
}

int cmd_pause(struct tern_ctx *ctx, int argc, char **argv)
{
    return pause_or_unpause(ctx, argc, argv, "pause", xc_domain_pause);
}

int cmd_unpause(struct tern_ctx *ctx, int argc, char **argv)
{
    return pause_or_unpause(ctx, argc, argv, "unpause", xc_domain_unpause);
}

static uint64_t xs_read_u64(struct tern_ctx *ctx, const char *fmt, long domid)
{
    char *v = tern_xs_read(ctx, XBT_NULL, fmt, domid);
    uint64_t n = v ? strtoull(v, NULL, 10) : 0;

    free(v);
    return n;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define MEM_SET_POLL_US 100000

/* mem-set -w: follows the balloon until it reaches the target or stops moving for stall_ms,
 * then says which (and why it stopped). target_kb is what was written; asked_kb what the user
 * asked for (higher when the guest could not give that much: clamp says why). Exit status 0
 * reached, 3 stopped short. */
static int mem_set_wait(struct tern_ctx *ctx, long domid, uint64_t target_kb, uint64_t asked_kb,
                        const char *clamp, uint64_t stall_ms)
{
    struct tern_balloon_track track;
    struct tern_balloon_obs obs;
    uint64_t t0 = now_ms();
    char why[400];

    tern_balloon_track_init(&track, stall_ms);
    for (;;) {
        enum tern_balloon_state st;

        if (tern_balloon_observe(ctx, (uint32_t)domid, &obs) < 0)
            return tern_error("mem-set: domain %ld: %s", domid, strerror(errno));
        st = tern_balloon_track(&track, target_kb, obs.actual_kb, now_ms());
        if (st == TERN_BALLOON_REACHED && target_kb == asked_kb) {
            printf("domain %ld: target %llu MiB reached: %llu MiB in %.2f s\n", domid,
                   (unsigned long long)(target_kb >> 10), (unsigned long long)(obs.actual_kb >> 10),
                   (double)(now_ms() - t0) / 1000.0);
            return 0;
        }
        if (st != TERN_BALLOON_MOVING) {
            if (st == TERN_BALLOON_REACHED)
                snprintf(why, sizeof(why), "%s", clamp);
            else
                tern_balloon_reason(&obs, why, sizeof(why));
            printf("domain %ld: stopped at %llu MiB (target %llu MiB) after %.2f s: %s "
                   "[max_mem %llu MiB, host free %llu MiB]\n",
                   domid, (unsigned long long)(obs.actual_kb >> 10),
                   (unsigned long long)(asked_kb >> 10), (double)(track.last_ms - t0) / 1000.0, why,
                   (unsigned long long)(obs.maxmem_kb >> 10),
                   (unsigned long long)(obs.host_free_kb >> 10));
            return 3;
        }
        usleep(MEM_SET_POLL_US);
    }
}

/* mem-set: the balloon target (memory/target) plus the hypervisor limit, as libxl's
 * libxl_set_memory_target with enforce; the size is in KiB unless suffixed (as xl.1 says).
 * A target lower than the guest can give (figures from its agent: tern_balloon_safe_target)
 * is raised to the lowest safe one and the reason printed, unless -f. */
int cmd_mem_set(struct tern_ctx *ctx, int argc, char **argv)
{
    uint64_t kb, asked, static_max, maxmem, stall_s = 10;
    bool wait = false, force = false;
    struct tern_balloon_obs obs;
    char val[32], *end, clamp[400] = "";
    long domid;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+wft:")) != -1) {
        switch (opt) {
        case 'w':
            wait = true;
            break;
        case 'f':
            force = true;
            break;
        case 't':
            stall_s = strtoull(optarg, &end, 10);
            if (*end || !stall_s || stall_s > 3600)
                return tern_error("mem-set: -t: invalid stall time '%s' (1..3600 s)", optarg);
            break;
        default:
            return tern_usage_error("mem-set");
        }
    }
    if (argc - optind != 2)
        return tern_usage_error("mem-set");
    if (tern_parse_size_kb(argv[optind + 1], 1024, &kb) < 0 || kb == 0)
        return tern_error("mem-set: invalid memory size '%s'", argv[optind + 1]);
    domid = domain_arg(ctx, "mem-set", argv[optind]);
    if (domid < 0)
        return 1;
    static_max = xs_read_u64(ctx, "/local/domain/%ld/memory/static-max", domid);
    maxmem = xs_read_u64(ctx, "/local/domain/%ld/memory/tern-maxmem", domid); /* tern create */
    static_max = maxmem > static_max ? maxmem : static_max;
    if (static_max && kb > static_max)
        return tern_error("mem-set: domain %ld: target %llu KiB above maxmem %llu KiB: %s", domid,
                          (unsigned long long)kb, (unsigned long long)static_max, strerror(EINVAL));
    asked = kb;
    if (domid != 0 && !force && tern_balloon_observe(ctx, (uint32_t)domid, &obs) == 0) {
        kb = tern_balloon_safe_target(&obs, asked, clamp, sizeof(clamp));
        if (kb != asked)
            printf("domain %ld: target %llu MiB set to %llu MiB (-f to force): %s\n", domid,
                   (unsigned long long)(asked >> 10), (unsigned long long)(kb >> 10), clamp);
    }
    if (domid != 0 && xc_domain_setmaxmem(ctx->xch, (uint32_t)domid, kb + TERN_MAXMEM_SLACK_KB) < 0)
        return tern_error("mem-set: XEN_DOMCTL_max_mem of domain %ld: %s", domid, strerror(errno));
    snprintf(val, sizeof(val), "%llu", (unsigned long long)kb);
    if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/%ld/memory/target", domid))
        return tern_error("mem-set: write memory/target of domain %ld: %s", domid, strerror(errno));
    return wait ? mem_set_wait(ctx, domid, kb, asked, clamp, stall_s * 1000) : 0;
}

int cmd_mem_max(struct tern_ctx *ctx, int argc, char **argv)
{
    uint64_t kb;
    char val[32];
    long domid;

    if (argc != 3)
        return tern_usage_error("mem-max");
    if (tern_parse_size_kb(argv[2], 1024, &kb) < 0 || kb == 0)
        return tern_error("mem-max: invalid memory size '%s'", argv[2]);
    domid = domain_arg(ctx, "mem-max", argv[1]);
    if (domid < 0)
        return 1;
    if (xc_domain_setmaxmem(ctx->xch, (uint32_t)domid, kb + TERN_MAXMEM_SLACK_KB) < 0)
        return tern_error("mem-max: XEN_DOMCTL_max_mem of domain %ld: %s", domid, strerror(errno));
    snprintf(val, sizeof(val), "%llu", (unsigned long long)kb);
    if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/%ld/memory/static-max", domid))
        return tern_error("mem-max: write memory/static-max of domain %ld: %s", domid,
                          strerror(errno));
    return 0;
}
