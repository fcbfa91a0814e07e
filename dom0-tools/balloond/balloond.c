/* tern-balloond: the balloon policy daemon in dom0 (policy in policy.h).
 *
 *   tern-balloond [-i MS] [-r RESERVE_MIB] [-H HEADROOM_MIB] [-p PCT] [-s STALL_S] [-n TICKS]
 *
 * Every tick (default 1 s), and at once (at most every MIN_GAP_MS) when a guest's agent
 * publishes a new MemAvailable (a xenstore watch on data/meminfo_free: the agent publishes
 * between its seconds when it moved by 4 MiB), it reads each guest's agent figures
 * (data/meminfo_*), bounds
 * (memory/static-max, memory/tern-floor) and switch (memory/tern-balloon = on | off, default
 * on), computes targets, writes memory/target (raising the hypervisor's max_mem first when
 * a guest grows), and watches every balloon's progress: one that stops short is reported
 * once with the reason; a shrink the guest's driver gave up is re-armed (bd_rearm_check).
 * Its view per guest goes to /local/domain/0/tern-balloond/D/ (state, want, floor, reason,
 * rearms) for tern top and tern-metricsd. -n: stop after that many ticks. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "balloon_read.h"
#include "policy.h"

#define MAX_GUESTS 128
#define FRESH_MS   5000
#define MIN_GAP_MS 100 /* ticks on agent figures are at least this far apart */
#define WATCH_KEY  "data/meminfo_free"
#define STATUS_DIR "/local/domain/0/tern-balloond"

struct slot {
    bool used;
    uint32_t domid;
    uint64_t agent_stamp, stamp_ms; /* data/tern_agent_uptime and when it last changed */
    struct tern_balloon_track track;
    struct bd_trend trend; /* the guest's demand (bd_demand_rate) */
    struct bd_rearm rearm; /* a shrink the guest's driver gave up (bd_rearm_check) */
    unsigned long rearms;  /* re-arms done, published as .../rearms */
    bool short_when_heard; /* the last fresh figures showed the guest short of memory */
    bool watched;          /* a watch on its WATCH_KEY */
    enum tern_balloon_state state;
    char status[64], floor[32], want[32], reason[320];
};

static struct slot slots[MAX_GUESTS];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    va_list al;

    fputs("tern-balloond: ", stderr);
    va_start(al, fmt);
    vfprintf(stderr, fmt, al);
    va_end(al);
    fputc('\n', stderr);
}

static void watch_agent(struct tern_ctx *ctx, struct slot *s, bool on)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/" WATCH_KEY, s->domid);
    if (on && !s->watched && !xs_watch(ctx->xsh, path, "agent"))
        logmsg("watch %s: %s (polling every tick only)", path, strerror(errno));
    else if (on && !s->watched)
        s->watched = true;
    else if (!on && s->watched) {
        xs_unwatch(ctx->xsh, path, "agent");
        s->watched = false;
    }
}

static struct slot *slot_of(uint32_t domid, uint64_t stall_ms)
{
    struct slot *free_slot = NULL;

    for (int i = 0; i < MAX_GUESTS; i++) {
        if (slots[i].used && slots[i].domid == domid)
            return &slots[i];
        if (!slots[i].used && !free_slot)
            free_slot = &slots[i];
    }
    if (free_slot) {
        *free_slot = (struct slot){.used = true, .domid = domid};
        tern_balloon_track_init(&free_slot->track, stall_ms);
    }
    return free_slot;
}

static uint64_t xs_u64(struct tern_ctx *ctx, uint32_t domid, const char *key, bool *found)
{
    char *v = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/%s", domid, key);
    uint64_t n = v ? strtoull(v, NULL, 10) : 0;

    if (found)
        *found = v != NULL;
    free(v);
    return n;
}

static bool switched_on(struct tern_ctx *ctx, uint32_t domid)
{
    char *v = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/memory/tern-balloon", domid);
    bool on = !v || strcmp(v, "off");

    free(v);
    return on;
}

/* Publishes one status key when its value changed. */
static void publish(struct tern_ctx *ctx, uint32_t domid, const char *key, const char *value,
                    char *cache, size_t cachelen)
{
    if (cache && !strcmp(cache, value))
        return;
    if (!tern_xs_write(ctx, XBT_NULL, value, STATUS_DIR "/%u/%s", domid, key))
        logmsg("write %s/%u/%s: %s", STATUS_DIR, domid, key, strerror(errno));
    else if (cache)
        snprintf(cache, cachelen, "%s", value);
}

static void forget(struct tern_ctx *ctx, uint32_t domid)
{
    char path[64];

    snprintf(path, sizeof(path), STATUS_DIR "/%u", domid);
    xs_rm(ctx->xsh, XBT_NULL, path);
}

/* Re-arms d's balloon driver: a new target (target + nudge), then the target again. */
static void rearm(struct tern_ctx *ctx, struct slot *s, const struct tern_balloon_obs *o)
{
    char val[32];

    snprintf(val, sizeof(val), "%llu", (unsigned long long)(o->target_kb + BD_REARM_NUDGE_KB));
    if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/%u/memory/target", s->domid))
        goto fail;
    snprintf(val, sizeof(val), "%llu", (unsigned long long)o->target_kb);
    if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/%u/memory/target", s->domid))
        goto fail;
    s->rearms++;
    logmsg("domain %u: shrink stalled at %llu MiB (target %llu MiB): balloon re-armed (%lu)",
           s->domid, (unsigned long long)(o->actual_kb >> 10),
           (unsigned long long)(o->target_kb >> 10), s->rearms);
    snprintf(val, sizeof(val), "%lu", s->rearms);
    publish(ctx, s->domid, "rearms", val, NULL, 0);
    return;
fail:
    logmsg("domain %u: write memory/target: %s", s->domid, strerror(errno));
}

static void tick(struct tern_ctx *ctx, const struct bd_params *p, uint64_t stall_ms)
{
    static xc_domaininfo_t info[MAX_GUESTS];
    struct bd_guest g[MAX_GUESTS];
    struct tern_balloon_obs obs[MAX_GUESTS];
    struct slot *sl[MAX_GUESTS];
    xc_physinfo_t phys = {0};
    uint64_t t = now_ms();
    int nd = xc_domain_getinfolist(ctx->xch, 1, MAX_GUESTS, info);
    size_t n = 0;

    if (nd < 0 || xc_physinfo(ctx->xch, &phys) < 0) {
        logmsg("read domains / host memory: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < MAX_GUESTS; i++) { /* forget domains that are gone */
        bool alive = false;

        for (int j = 0; j < nd && slots[i].used; j++)
            alive |= info[j].domain == slots[i].domid;
        if (slots[i].used && !alive) {
            watch_agent(ctx, &slots[i], false);
            forget(ctx, slots[i].domid);
            slots[i].used = false;
        }
    }
    for (int j = 0; j < nd; j++) {
        uint32_t d = info[j].domain;
        bool have_stamp, fresh, on;
        uint64_t stamp, used;
        struct slot *s;

        if (info[j].flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown))
            continue;
        s = slot_of(d, stall_ms);
        if (!s || tern_balloon_observe(ctx, d, &obs[n]) < 0)
            continue;
        watch_agent(ctx, s, true);
        stamp = xs_u64(ctx, d, "data/tern_agent_uptime", &have_stamp);
        if (have_stamp && stamp != s->agent_stamp) {
            s->agent_stamp = stamp;
            s->stamp_ms = t;
        }
        on = switched_on(ctx, d);
        fresh = obs[n].have_agent && have_stamp && s->stamp_ms && t - s->stamp_ms < FRESH_MS;
        used = obs[n].guest_total_kb > obs[n].guest_avail_kb
                   ? obs[n].guest_total_kb - obs[n].guest_avail_kb
                   : 0;
        if (fresh) {
            /* The trend from the agent's own used figure when it has one: total and free
             * are separate keys, read between two writes they make a false jump. */
            bool have_used;
            uint64_t u = xs_u64(ctx, d, "data/meminfo_used", &have_used);
            uint64_t rate = bd_demand_rate(&s->trend, have_used ? u : used, t);

            s->short_when_heard = obs[n].guest_avail_kb < bd_headroom_kb(p, used, rate) / 2;
        }
        g[n] = (struct bd_guest){
            .domid = d,
            .managed = on && (fresh || (obs[n].have_agent && s->short_when_heard)),
            .silent_short = on && !fresh && obs[n].have_agent && s->short_when_heard,
            .demand_kb_s = s->trend.rate_kb_s,
            .actual_kb = obs[n].actual_kb,
            .target_kb = obs[n].target_kb,
            .ceiling_kb = obs[n].static_max_kb,
            .floor_kb = xs_u64(ctx, d, "memory/tern-floor", NULL),
            .guest_total_kb = obs[n].guest_total_kb,
            .guest_avail_kb = obs[n].guest_avail_kb,
            .lowest_kb = tern_balloon_safe_target(&obs[n], 0, NULL, 0),
        };
        sl[n++] = s;
    }
    bd_policy(p, g, n, phys.free_pages << (XC_PAGE_SHIFT - 10));
    for (size_t i = 0; i < n; i++) {
        struct slot *s = sl[i];
        enum tern_balloon_state st;
        char val[32];

        if (g[i].managed && g[i].new_target_kb != g[i].target_kb) {
            if (g[i].new_target_kb + TERN_MAXMEM_SLACK_KB > obs[i].maxmem_kb &&
                xc_domain_setmaxmem(ctx->xch, g[i].domid,
                                    g[i].new_target_kb + TERN_MAXMEM_SLACK_KB) < 0) {
                logmsg("domain %u: raise max_mem: %s", g[i].domid, strerror(errno));
                continue;
            }
            snprintf(val, sizeof(val), "%llu", (unsigned long long)g[i].new_target_kb);
            if (!tern_xs_write(ctx, XBT_NULL, val, "/local/domain/%u/memory/target", g[i].domid))
                logmsg("domain %u: write memory/target: %s", g[i].domid, strerror(errno));
            obs[i].target_kb = g[i].new_target_kb;
        }
        if (g[i].managed && bd_rearm_check(&s->rearm, obs[i].target_kb, obs[i].actual_kb, t))
            rearm(ctx, s, &obs[i]);
        st = tern_balloon_track(&s->track, obs[i].target_kb, obs[i].actual_kb, t);
        if (st == TERN_BALLOON_STOPPED && s->state != TERN_BALLOON_STOPPED) {
            tern_balloon_reason(&obs[i], s->reason, sizeof(s->reason));
            logmsg("domain %u: balloon stopped at %llu MiB (target %llu MiB): %s", g[i].domid,
                   (unsigned long long)(obs[i].actual_kb >> 10),
                   (unsigned long long)(obs[i].target_kb >> 10), s->reason);
            publish(ctx, g[i].domid, "reason", s->reason, NULL, 0);
        }
        s->state = st;
        snprintf(val, sizeof(val), "%s%s",
                 !g[i].managed       ? (obs[i].have_agent ? "off:" : "no-agent:")
                 : g[i].silent_short ? "silent:"
                                     : "",
                 tern_balloon_state_name(st));
        publish(ctx, g[i].domid, "state", val, s->status, sizeof(s->status));
        if (g[i].managed) {
            snprintf(val, sizeof(val), "%llu", (unsigned long long)g[i].want_kb);
            publish(ctx, g[i].domid, "want", val, s->want, sizeof(s->want));
        }
        snprintf(val, sizeof(val), "%llu",
                 (unsigned long long)(g[i].floor_kb ? g[i].floor_kb
                                                    : bd_default_floor_kb(g[i].ceiling_kb)));
        publish(ctx, g[i].domid, "floor", val, s->floor, sizeof(s->floor));
    }
}

static int parse_u(const char *s, unsigned long long lo, unsigned long long hi,
                   unsigned long long *v)
{
    char *end;

    errno = 0;
    *v = strtoull(s, &end, 10);
    return errno || *end || end == s || *v < lo || *v > hi ? -1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: tern-balloond [-i MS] [-r RESERVE_MIB] [-H HEADROOM_MIB] [-p PCT] "
                    "[-s STALL_S] [-n TICKS]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct tern_ctx ctx = {0};
    struct bd_params p;
    unsigned long long interval = 1000, stall = 10, ticks = 0, v;
    int opt;

    bd_params_default(&p);
    while ((opt = getopt(argc, argv, "i:r:H:p:s:n:")) != -1) {
        if (parse_u(optarg, opt == 'r' || opt == 'n' ? 0 : 1, 1ULL << 30, &v) < 0) {
            fprintf(stderr, "tern-balloond: -%c: invalid value '%s'\n", opt, optarg);
            return usage();
        }
        switch (opt) {
        case 'i':
            interval = v;
            break;
        case 'r':
            p.reserve_kb = v << 10;
            break;
        case 'H':
            p.headroom_min_kb = v << 10;
            break;
        case 'p':
            p.headroom_pct = (unsigned)v;
            break;
        case 's':
            stall = v;
            break;
        case 'n':
            ticks = v;
            break;
        default:
            return usage();
        }
    }
    if (optind != argc)
        return usage();
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (tern_ctx_open(&ctx, true) < 0)
        return 1;
    logmsg("running: every %llu ms, reserve %llu MiB, headroom %llu MiB or %u %%", interval,
           (unsigned long long)(p.reserve_kb >> 10), (unsigned long long)(p.headroom_min_kb >> 10),
           p.headroom_pct);
    for (unsigned long long i = 0; !stop && (!ticks || i < ticks); i++) {
        uint64_t last = now_ms();
        bool agent = false;

        tick(&ctx, &p, stall * 1000);
        if (ticks && i + 1 >= ticks)
            break;
        /* Next tick: after the interval, or MIN_GAP_MS after the tick if an agent published. */
        while (!stop) {
            uint64_t t = now_ms(), due = last + (agent ? MIN_GAP_MS : interval);
            struct pollfd pfd = {.fd = xs_fileno(ctx.xsh), .events = POLLIN};
            char **ev;

            if (t >= due)
                break;
            if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int)(due - t)) > 0)
                while ((ev = xs_check_watch(ctx.xsh))) {
                    agent = true;
                    free(ev);
                }
        }
    }
    tern_ctx_close(&ctx);
    return 0;
}
