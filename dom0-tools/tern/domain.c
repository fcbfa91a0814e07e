/* Domain lifecycle: create (libxl__domain_make + build_pre + build + build_post + console +
 * introduce, xen-arm-abi.md 5.2-5.8) and destroy. Used by the CLI and tern-consoled. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "devices.h"
#include "tern.h"
#include "tern/guest.h"
#include "xs_batch.h"

#define MAX_DOMAINS 1024

char *tern_xs_read(struct tern_ctx *ctx, xs_transaction_t t, const char *fmt, ...)
{
    char path[256];
    va_list al;

    va_start(al, fmt);
    vsnprintf(path, sizeof(path), fmt, al);
    va_end(al);
    return xs_read(ctx->xsh, t, path, NULL);
}

bool tern_xs_write(struct tern_ctx *ctx, xs_transaction_t t, const char *value, const char *fmt,
                   ...)
{
    char path[256];
    va_list al;

    va_start(al, fmt);
    vsnprintf(path, sizeof(path), fmt, al);
    va_end(al);
    return xs_write(ctx->xsh, t, path, value, strlen(value));
}

char *tern_domain_name(struct tern_ctx *ctx, uint32_t domid)
{
    char *name;

    if (domid == 0)
        return strdup("Domain-0");
    name = ctx->xsh ? tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/name", domid) : NULL;
    if (!name && asprintf(&name, "(domain %u)", domid) < 0)
        return NULL;
    return name;
}

long tern_domain_lookup(struct tern_ctx *ctx, const char *what)
{
    xc_domaininfo_t *info;
    char *end;
    long found = -1;
    unsigned long id = strtoul(what, &end, 10);
    int n;

    info = calloc(MAX_DOMAINS, sizeof(*info));
    if (!info)
        return -1;
    n = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, info);
    if (n > 1 && !(*what && !*end) && strcmp(what, "Domain-0")) {
        /* By name: every domain's name in one pipelined batch (one round trip, however
         * many domains there are); one read at a time only without a daemon socket. */
        struct tern_xs_batch b;
        char path[64];
        int failed, rc;

        tern_xs_batch_init(&b);
        for (int i = 0; i < n; i++) {
            snprintf(path, sizeof(path), "/local/domain/%u/name", info[i].domain);
            tern_xs_batch_read(&b, path); /* request i is domain info[i] */
        }
        rc = tern_xs_batch_run(&b, false, &failed);
        for (unsigned int i = 0; rc == 0 && i < b.count && found < 0; i++)
            if (info[i].domain && !b.replies[i].err && !strcmp(b.replies[i].value, what))
                found = info[i].domain;
        tern_xs_batch_free(&b);
        if (rc != -ENOTCONN) {
            free(info);
            return found;
        }
    }
    for (int i = 0; i < n && found < 0; i++) {
        if (*what && !*end) {
            if (info[i].domain == id)
                found = (long)id;
        } else {
            char *name = tern_domain_name(ctx, info[i].domain);

            if (name && !strcmp(name, what))
                found = info[i].domain;
            free(name);
        }
    }
    free(info);
    return found;
}

/* ---------------------------------------------------------------- create */

struct creator {
    struct tern_ctx *ctx;
    const struct tern_config *cfg;
    uint32_t domid;
    char uuid[37];
    char *err;
    size_t errlen;
    struct tern_xs_batch *batch; /* non-NULL: xs_node queues instead of sending */
    bool one_by_one;             /* no daemon socket: the xs_* API was used */
    /* for write_post */
    const struct tern_build_result *res;
    uint32_t store_port, console_port;
    uint64_t maxmem_kb, target_kb;
    /* for device_nodes: each disk's absolute image path, each vif's MAC */
    const struct dev_plan *plan;
};

struct dev_plan {
    char params[TERN_MAX_DEVICES][256];
    char mac[TERN_MAX_DEVICES][18];
};

static int fail(struct creator *c, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct creator *c, int errnoval, const char *fmt, ...)
{
    va_list al;
    size_t n;

    va_start(al, fmt);
    vsnprintf(c->err, c->errlen, fmt, al);
    va_end(al);
    n = strlen(c->err);
    snprintf(c->err + n, c->errlen - n, ": %s", strerror(errnoval));
    return -errnoval;
}

static void make_uuid(char out[37], xen_domain_handle_t handle)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, handle, 16) : -1;

    if (fd >= 0)
        close(fd);
    if (n != 16) {
        struct timeval tv;

        gettimeofday(&tv, NULL);
        srandom((unsigned)(tv.tv_usec ^ tv.tv_sec ^ getpid()));
        for (int i = 0; i < 16; i++)
            handle[i] = (uint8_t)random();
    }
    handle[6] = (handle[6] & 0x0f) | 0x40; /* version 4 */
    handle[8] = (handle[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             handle[0], handle[1], handle[2], handle[3], handle[4], handle[5], handle[6], handle[7],
             handle[8], handle[9], handle[10], handle[11], handle[12], handle[13], handle[14],
             handle[15]);
}

static int parse_uuid(const char *s, xen_domain_handle_t handle)
{
    for (int i = 0, j = 0; i < 16; i++, j += 2) {
        unsigned v;

        if (s[j] == '-')
            j++;
        if (sscanf(s + j, "%2x", &v) != 1)
            return -1;
        handle[i] = (uint8_t)v;
    }
    return 0;
}

/* Writes path = value and, if perms given, its permissions, inside transaction t (or queues
 * both in the creator's batch). */
static bool xs_node(struct creator *c, xs_transaction_t t, const char *path, const char *value,
                    struct xs_permissions *perms, unsigned nperms)
{
    struct xs_handle *xsh = c->ctx->xsh;

    if (c->batch) {
        tern_xs_batch_write(c->batch, path, value);
        if (perms)
            tern_xs_batch_perms(c->batch, path, perms, nperms);
        return true;
    }
    if (value ? !xs_write(xsh, t, path, value, strlen(value)) : !xs_mkdir(xsh, t, path))
        return false;
    return !perms || xs_set_permissions(xsh, t, path, perms, nperms);
}

/* Runs body's requests in one transaction: pipelined on a connection of its own (see
 * xs_batch.h), or, without a daemon socket, one request at a time through the xs_* API
 * (retried on EAGAIN). */
typedef bool xs_body_fn(struct creator *c, xs_transaction_t t);
static int in_transaction(struct creator *c, xs_body_fn *body, const char *what)
{
    struct tern_xs_batch batch;
    int rc, failed;

    tern_xs_batch_init(&batch);
    c->batch = &batch;
    body(c, XBT_NULL);
    c->batch = NULL;
    rc = tern_xs_batch_run(&batch, true, &failed);
    if (rc != -ENOTCONN) {
        if (rc < 0)
            fail(c, -rc, "%s of domain %u%s%s", what, c->domid, failed >= 0 ? ": " : "",
                 failed >= 0 ? batch.paths[failed] : "");
        tern_xs_batch_free(&batch);
        return rc;
    }
    tern_xs_batch_free(&batch);
    c->one_by_one = true;
    for (;;) {
        struct xs_handle *xsh = c->ctx->xsh;
        xs_transaction_t t = xs_transaction_start(xsh);

        if (t == XBT_NULL)
            return fail(c, errno, "xenstore transaction for domain %u", c->domid);
        if (!body(c, t)) {
            int saved = errno;

            xs_transaction_end(xsh, t, true);
            return fail(c, saved, "%s of domain %u", what, c->domid);
        }
        if (xs_transaction_end(xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            return fail(c, errno, "commit %s of domain %u", what, c->domid);
    }
}

/* The xenstore skeleton libxl__domain_make writes. */
static bool skeleton_nodes(struct creator *c, xs_transaction_t t)
{
    struct xs_permissions roperm[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                       {.id = c->domid, .perms = XS_PERM_READ}};
    struct xs_permissions rwperm[1] = {{.id = c->domid, .perms = XS_PERM_NONE}};
    struct xs_permissions noperm[1] = {{.id = 0, .perms = XS_PERM_NONE}};
    static const char *const rw_nodes[] = {"control/shutdown",
                                           "control/feature-poweroff",
                                           "control/feature-reboot",
                                           "control/feature-suspend",
                                           "control/sysrq",
                                           "data",
                                           "drivers",
                                           "feature",
                                           "attr",
                                           "error",
                                           "device/suspend/event-channel"};
    char dom[64], vm[64], path[160], now[32];
    struct timeval tv;
    bool ok;

    snprintf(dom, sizeof(dom), "/local/domain/%u", c->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", c->uuid);
    gettimeofday(&tv, NULL);
    snprintf(now, sizeof(now), "%ld.%02ld", (long)tv.tv_sec, (long)tv.tv_usec / 10000);
    ok = xs_node(c, t, dom, NULL, roperm, 2) && xs_node(c, t, vm, NULL, roperm, 2);
    snprintf(path, sizeof(path), "/libxl/%u", c->domid);
    ok = ok && xs_node(c, t, path, NULL, noperm, 1);
    /* cpu/, memory/, device/ and control/ (read-only for the guest) are not made here: the
     * first node written below each creates it, and a node created implicitly inherits its
     * parent's [n0,rD] as an explicit mkdir would. */
    for (size_t i = 0; ok && i < sizeof(rw_nodes) / sizeof(rw_nodes[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dom, rw_nodes[i]);
        ok = xs_node(c, t, path, NULL, rwperm, 1);
    }
    snprintf(path, sizeof(path), "%s/vm", dom);
    ok = ok && xs_node(c, t, path, vm, NULL, 0);
    snprintf(path, sizeof(path), "%s/name", dom);
    ok = ok && xs_node(c, t, path, c->cfg->name, NULL, 0);
    /* New nodes inherit their parent's permissions: these get control/'s [n0,rD]. */
    snprintf(path, sizeof(path), "%s/control/platform-feature-multiprocessor-suspend", dom);
    ok = ok && xs_node(c, t, path, "1", NULL, 0);
    snprintf(path, sizeof(path), "%s/control/platform-feature-xs_reset_watches", dom);
    ok = ok && xs_node(c, t, path, "1", NULL, 0);
    snprintf(path, sizeof(path), "%s/uuid", vm);
    ok = ok && xs_node(c, t, path, c->uuid, NULL, 0);
    snprintf(path, sizeof(path), "%s/name", vm);
    ok = ok && xs_node(c, t, path, c->cfg->name, NULL, 0);
    snprintf(path, sizeof(path), "%s/start_time", vm);
    return ok && xs_node(c, t, path, now, NULL, 0);
}

/* libxl__build_post + the console device + the toolstack's own record under /libxl/D. */
static bool post_nodes(struct creator *c, xs_transaction_t t)
{
    struct xs_permissions conperm[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                        {.id = c->domid, .perms = XS_PERM_READ}};
    const struct tern_config *cfg = c->cfg;
    const struct tern_build_result *res = c->res;
    char dom[64], path[192], val[128];
    bool ok = true;

    snprintf(dom, sizeof(dom), "/local/domain/%u", c->domid);
#define W(value, ...)                                                                              \
    (snprintf(path, sizeof(path), __VA_ARGS__), xs_node(c, t, path, value, NULL, 0))
#define V(...) (snprintf(val, sizeof(val), __VA_ARGS__), val)
    /* An Arm guest's memory map is what it boots with (memory); Linux's balloon driver
     * (non-PV) takes memory/static-max as that size and subtracts static-max - boot pages
     * from every target, so libxl's static-max = maxmem would balloon a guest with maxmem >
     * memory below its target. static-max is therefore the boot size, and the ceiling
     * (maxmem) is the hypervisor's max_mem and memory/tern-maxmem (docs/memory.md). */
    ok = ok && W(V("%llu", (unsigned long long)c->target_kb), "%s/memory/static-max", dom);
    if (c->maxmem_kb > c->target_kb)
        ok = ok && W(V("%llu", (unsigned long long)c->maxmem_kb), "%s/memory/tern-maxmem", dom);
    ok = ok && W(V("%llu", (unsigned long long)c->target_kb), "%s/memory/target", dom);
    ok = ok && W("0", "%s/memory/videoram", dom);
    if (cfg->mem_floor_mib)
        ok = ok && W(V("%llu", (unsigned long long)cfg->mem_floor_mib << 10),
                     "%s/memory/tern-floor", dom);
    ok = ok && W(V("%u", c->domid), "%s/domid", dom);
    ok = ok && W(V("%u", c->store_port), "%s/store/port", dom);
    ok = ok && W(V("%llu", (unsigned long long)res->store_gfn), "%s/store/ring-ref", dom);
    for (unsigned i = 0; ok && i < (cfg->maxvcpus ? cfg->maxvcpus : cfg->vcpus); i++)
        ok = W(i < cfg->vcpus ? "online" : "offline", "%s/cpu/%u/availability", dom, i);
    /* Console 0: read-only for the guest (libxl__device_console_add). */
    snprintf(path, sizeof(path), "%s/console", dom);
    ok = ok && xs_node(c, t, path, NULL, conperm, 2);
    ok = ok && W("0", "%s/console/backend-id", dom);
    ok = ok && W("1048576", "%s/console/limit", dom);
    ok = ok && W("xenconsoled", "%s/console/type", dom);
    ok = ok && W("pty", "%s/console/output", dom);
    /* console/port and console/ring-ref come after the build (console_ring_nodes) */
    ok = ok && W(V("%s/console", dom), "/local/domain/0/backend/console/%u/0/frontend", c->domid);
    ok = ok && W(V("%u", c->domid), "/local/domain/0/backend/console/%u/0/frontend-id", c->domid);
    ok = ok && W("1", "/local/domain/0/backend/console/%u/0/online", c->domid);
    ok = ok && W("1", "/local/domain/0/backend/console/%u/0/state", c->domid);
    ok = ok && W("vt100", "/local/domain/0/backend/console/%u/0/protocol", c->domid);
    ok = ok && W(tern_action_name(cfg->on_poweroff), "/libxl/%u/on_poweroff", c->domid);
    ok = ok && W(tern_action_name(cfg->on_reboot), "/libxl/%u/on_reboot", c->domid);
    ok = ok && W(tern_action_name(cfg->on_crash), "/libxl/%u/on_crash", c->domid);
    ok = ok && W(cfg->path, "/libxl/%u/config", c->domid);
    ok = ok && W(V("%u", cfg->vcpus), "/libxl/%u/vcpus", c->domid);
#undef W
#undef V
    return ok;
}

/* The console's ring, written once the build has set up its page and grant: the console
 * daemon attaches when it finds both nodes. These nodes are written in parallel with the
 * build, and Xen's xenconsoled may meet this domain before its introduction (it looks at every
 * domain when another one is introduced): had it found them then, it could have failed to map
 * the ring and never tried again, leaving the guest spinning on a full console ring. libxl, too,
 * writes them only after the build (libxl__build_post). */
static int console_ring_nodes(struct creator *c)
{
    char path[96], val[32];

    snprintf(path, sizeof(path), "/local/domain/%u/console/port", c->domid);
    snprintf(val, sizeof(val), "%u", c->console_port);
    if (!xs_write(c->ctx->xsh, XBT_NULL, path, val, strlen(val)))
        return fail(c, errno, "write %s", path);
    snprintf(path, sizeof(path), "/local/domain/%u/console/ring-ref", c->domid);
    snprintf(val, sizeof(val), "%llu", (unsigned long long)c->res->console_gfn);
    if (!xs_write(c->ctx->xsh, XBT_NULL, path, val, strlen(val)))
        return fail(c, errno, "write %s", path);
    return 0;
}

/* A vif's device number: its own (kept across a reboot, devices_changes.h), else its
 * position in the config. */
static unsigned int vif_devid(const struct tern_config *cfg, unsigned int i)
{
    return cfg->vifs[i].devid >= 0 ? (unsigned int)cfg->vifs[i].devid : i;
}

/* The disks' and vifs' frontend and backend nodes (libxl's device add; devices_*.c). */
static bool device_nodes(struct creator *c, xs_transaction_t t)
{
    struct tern_dev_nodes *nodes = malloc(sizeof(*nodes));
    const struct tern_config *cfg = c->cfg;
    bool ok = nodes != NULL;

    for (unsigned int i = 0; ok && i < cfg->nr_disks + cfg->nr_vifs; i++) {
        nodes->count = 0;
        nodes->overflow = 0;
        if (i < cfg->nr_disks)
            tern_vbd_nodes(c->domid, &cfg->disks[i], c->plan->params[i], nodes);
        else
            tern_vif_nodes(c->domid, vif_devid(cfg, i - cfg->nr_disks),
                           &cfg->vifs[i - cfg->nr_disks], c->plan->mac[i - cfg->nr_disks], nodes);
        if (nodes->overflow) {
            errno = E2BIG;
            ok = false;
        }
        for (unsigned int j = 0; ok && j < nodes->count; j++) {
            const struct tern_dev_node *n = &nodes->n[j];

            ok = xs_node(c, t, n->path, n->dir ? NULL : n->value,
                         n->nperms ? (struct xs_permissions *)n->perms : NULL, n->nperms);
        }
    }
    free(nodes);
    return ok;
}

/* The xenstore half of a create, run in a thread while the main thread builds the domain:
 * xenstore round trips (~70 of them, each a few ms to C xenstored) and the builder's
 * hypercalls then overlap instead of adding up. Nothing in it depends on the build: the
 * ports are allocated before, and the magic pages' frames are fixed by the memory map. It
 * uses only the xenstore handle, which the main thread leaves alone until the join. */
struct xs_job {
    struct creator c; /* its own err buffer */
    char err[400];
    const xc_domaininfo_t *others; /* domains there before this one */
    int nothers;
    struct tern_build_result res; /* the magic frames, known before the build */
    int rc;
};

static int name_taken(struct xs_job *j)
{
    snprintf(j->err, sizeof(j->err), "create domain '%s': a domain with this name exists",
             j->c.cfg->name);
    return -EEXIST;
}

/* Is the name free? All names are read in one pipelined batch. */
static int check_name(struct xs_job *j)
{
    struct tern_xs_batch b;
    char path[64];
    int rc, failed;

    if (!strcmp(j->c.cfg->name, "Domain-0"))
        return name_taken(j);
    tern_xs_batch_init(&b);
    for (int i = 0; i < j->nothers; i++) {
        if (j->others[i].domain == j->c.domid || j->others[i].domain == 0)
            continue;
        snprintf(path, sizeof(path), "/local/domain/%u/name", j->others[i].domain);
        tern_xs_batch_read(&b, path);
    }
    rc = b.count ? tern_xs_batch_run(&b, false, &failed) : 0;
    if (rc == 0) {
        for (unsigned int i = 0; i < b.count; i++)
            if (!b.replies[i].err && !strcmp(b.replies[i].value, j->c.cfg->name))
                rc = name_taken(j);
        tern_xs_batch_free(&b);
        return rc;
    }
    tern_xs_batch_free(&b);
    if (rc != -ENOTCONN) {
        snprintf(j->err, sizeof(j->err), "read domain names from xenstore: %s", strerror(-rc));
        return rc;
    }
    for (int i = 0; i < j->nothers; i++) { /* no daemon socket: one read at a time */
        char *name;
        bool same;

        if (j->others[i].domain == j->c.domid)
            continue;
        name = tern_domain_name(j->c.ctx, j->others[i].domain);
        same = name && !strcmp(name, j->c.cfg->name);
        free(name);
        if (same)
            return name_taken(j);
    }
    return 0;
}

static void *xs_worker(void *arg)
{
    struct xs_job *j = arg;

    tern_timing_thread_start();
    j->rc = check_name(j);
    tern_timing("xenstore: name check");
    if (j->rc == 0)
        j->rc = in_transaction(&j->c, skeleton_nodes, "write xenstore skeleton");
    tern_timing(j->c.one_by_one ? "xenstore: skeleton (one by one)"
                                : "xenstore: skeleton (pipelined)");
    if (j->rc == 0)
        j->rc = in_transaction(&j->c, post_nodes, "write xenstore entries");
    tern_timing(j->c.one_by_one ? "xenstore: entries (one by one)"
                                : "xenstore: entries (pipelined)");
    if (j->rc == 0 && j->c.cfg->nr_disks + j->c.cfg->nr_vifs)
        j->rc = in_transaction(&j->c, device_nodes, "write device nodes");
    tern_timing("xenstore: devices");
    return NULL;
}

int tern_domain_create(struct tern_ctx *ctx, const struct tern_config *cfg, bool paused,
                       uint32_t *domid_out, char *err, size_t errlen)
{
    struct creator c = {.ctx = ctx, .cfg = cfg, .err = err, .errlen = errlen};
    struct xen_domctl_createdomain create = {
        .flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        .max_vcpus = cfg->maxvcpus ? cfg->maxvcpus : cfg->vcpus,
        .max_evtchn_port = 1023,
        .max_grant_frames = 64,
        .max_maptrack_frames = 1024,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
        /* arch: GIC version "native" (0), no SPIs: the zero defaults. */
    };
    uint64_t target_kb = cfg->memory_mib << 10;
    uint64_t maxmem_kb = (cfg->maxmem_mib ? cfg->maxmem_mib : cfg->memory_mib) << 10;
    struct tern_build_config bc;
    struct tern_build_result res = {0};
    struct xs_job *job = NULL;
    struct dev_plan *plan = NULL;
    xc_domaininfo_t *others = NULL;
    pthread_t worker;
    bool worker_running = false;
    char berr[400];
    int store_port, console_port, nothers, rc;
    uint32_t domid = 0;

    err[0] = '\0';
    tern_timing(NULL);
    if (cfg->uuid[0]) {
        parse_uuid(cfg->uuid, create.handle);
        snprintf(c.uuid, sizeof(c.uuid), "%s", cfg->uuid);
    } else {
        make_uuid(c.uuid, create.handle);
    }
    /* Devices first: a missing or unwritable image stops the create before anything is
     * made. */
    plan = calloc(1, sizeof(*plan));
    if (!plan)
        return fail(&c, ENOMEM, "create domain '%s'", cfg->name);
    for (unsigned int i = 0; i < cfg->nr_disks; i++) {
        if (tern_vbd_check_target(&cfg->disks[i], plan->params[i], sizeof(plan->params[i]), err,
                                  errlen) < 0) {
            free(plan);
            return -EINVAL;
        }
    }
    for (unsigned int i = 0; i < cfg->nr_vifs; i++) {
        if (cfg->vifs[i].mac[0])
            memcpy(plan->mac[i], cfg->vifs[i].mac, sizeof(plan->mac[i]));
        else
            tern_mac_generate(cfg->name, vif_devid(cfg, i), plan->mac[i]);
    }
    c.plan = plan;
    others = calloc(MAX_DOMAINS, sizeof(*others));
    if (!others) {
        free(plan);
        return fail(&c, ENOMEM, "create domain '%s'", cfg->name);
    }
    nothers = xc_domain_getinfolist(ctx->xch, 0, MAX_DOMAINS, others);
    if (nothers < 0) {
        rc = fail(&c, errno, "list domains");
        free(others);
        free(plan);
        return rc;
    }
    if (xc_domain_create(ctx->xch, &domid, &create) < 0) {
        rc = fail(&c, errno, "create domain '%s' (XEN_DOMCTL_createdomain)", cfg->name);
        free(others);
        free(plan);
        return rc;
    }
    c.domid = domid;
    tern_timing("createdomain");
    if (xc_domain_max_vcpus(ctx->xch, domid, create.max_vcpus) < 0) {
        rc = fail(&c, errno, "set %u vCPUs of domain %u", create.max_vcpus, domid);
        goto fail;
    }
    if (tern_sched_apply(ctx->xch, domid, cfg, create.max_vcpus, c.err, c.errlen) < 0) {
        rc = -EINVAL; /* c.err: which setting and why (cmd_sched.c) */
        goto fail;
    }
    /* The P2M page-table pool (Arm; XEN_DOMCTL_set_paging_mempool_size since XSA-409),
     * sized as libxl's libxl_get_required_shadow_memory: 1 MiB per vCPU + 8 KiB per MiB of
     * RAM. Too small a pool makes the guest balloon driver's decrease_reservation fail when
     * Xen has to split a 2 MiB mapping. */
    {
        uint64_t pool_kb = 4 * (256 * (uint64_t)create.max_vcpus + 2 * (maxmem_kb >> 10));
        uint64_t pool = ((pool_kb + 1023) >> 10) << 20;

        if (xc_set_paging_mempool_size(ctx->xch, domid, pool) < 0) {
            rc = fail(&c, errno, "set P2M pool of domain %u to %llu MiB", domid,
                      (unsigned long long)(pool >> 20));
            goto fail;
        }
    }
    if (xc_domain_setmaxmem(ctx->xch, domid, maxmem_kb + TERN_MAXMEM_SLACK_KB) < 0) {
        rc = fail(&c, errno, "set maximum memory of domain %u", domid);
        goto fail;
    }
    store_port = xc_evtchn_alloc_unbound(ctx->xch, domid, 0);
    if (store_port < 0) {
        rc = fail(&c, errno, "allocate xenstore event channel of domain %u", domid);
        goto fail;
    }
    console_port = xc_evtchn_alloc_unbound(ctx->xch, domid, 0);
    if (console_port < 0) {
        rc = fail(&c, errno, "allocate console event channel of domain %u", domid);
        goto fail;
    }
    tern_timing("vcpus, pool, maxmem, ports");

    job = calloc(1, sizeof(*job));
    if (!job) {
        rc = fail(&c, ENOMEM, "create domain %u", domid);
        goto fail;
    }
    job->c = c;
    job->c.err = job->err;
    job->c.errlen = sizeof(job->err);
    job->others = others;
    job->nothers = nothers;
    tern_layout_magic_gfns(&job->res.console_gfn, &job->res.store_gfn);
    job->c.res = &job->res;
    job->c.store_port = (uint32_t)store_port;
    job->c.console_port = (uint32_t)console_port;
    job->c.maxmem_kb = maxmem_kb;
    job->c.target_kb = target_kb;
    rc = pthread_create(&worker, NULL, xs_worker, job);
    if (rc) {
        rc = fail(&c, rc, "start the xenstore writer for domain %u", domid);
        goto fail;
    }
    worker_running = true;

    bc = (struct tern_build_config){
        .domid = domid,
        .mem_kb = target_kb,
        .vcpus = cfg->vcpus,
        .kernel = cfg->kernel,
        .ramdisk = cfg->ramdisk[0] ? cfg->ramdisk : NULL,
        .cmdline = cfg->cmdline[0] ? cfg->cmdline : NULL,
        .store_domid = 0,
        .console_domid = 0,
        .store_port = (uint32_t)store_port,
        .console_port = (uint32_t)console_port,
        .clock_frequency = tern_arch_clock_frequency(&create),
        .gic_version = tern_arch_gic_version(&create),
    };
    rc = tern_guest_build(ctx->xch, &bc, &res, berr, sizeof(berr));
    pthread_join(worker, NULL);
    worker_running = false;
    tern_timing("build + xenstore (joined)");
    if (rc < 0) {
        snprintf(err, errlen, "build domain %u: %s", domid, berr);
        goto fail;
    }
    if (job->rc < 0) {
        rc = job->rc;
        snprintf(err, errlen, "%s", job->err);
        goto fail;
    }
    /* The frames the worker advertised are the ones the builder set up. */
    if (res.store_gfn != job->res.store_gfn || res.console_gfn != job->res.console_gfn) {
        rc = fail(&c, EINVAL, "magic pages of domain %u moved", domid);
        goto fail;
    }
    c.res = &res;
    c.console_port = (uint32_t)console_port;
    rc = console_ring_nodes(&c);
    if (rc < 0)
        goto fail;
    tern_timing("console ring nodes");
    if (!xs_introduce_domain(ctx->xsh, domid, res.store_gfn, (unsigned)store_port)) {
        rc = fail(&c, errno, "introduce domain %u to xenstored", domid);
        goto fail;
    }
    tern_timing("introduce");
    if (!paused && xc_domain_unpause(ctx->xch, domid) < 0) {
        rc = fail(&c, errno, "unpause domain %u", domid);
        goto fail;
    }
    tern_timing("unpause");
    free(job);
    free(others);
    free(plan);
    *domid_out = domid;
    return 0;
fail : {
    char derr[256];

    if (worker_running)
        pthread_join(worker, NULL); /* its nodes must be written before they are removed */
    free(job);
    free(others);
    free(plan);
    tern_domain_destroy(ctx, domid, 5000, derr, sizeof(derr));
    return rc;
}
}

/* ---------------------------------------------------------------- destroy */

static bool domain_exists(struct tern_ctx *ctx, uint32_t domid)
{
    xc_domaininfo_t info;

    return xc_domain_getinfolist(ctx->xch, domid, 1, &info) == 1 && info.domain == domid;
}

int tern_domain_destroy(struct tern_ctx *ctx, uint32_t domid, int timeout_ms, char *err,
                        size_t errlen)
{
    char *vm = NULL, path[128];
    int rc = 0;

    err[0] = '\0';
    if (domid == 0) {
        snprintf(err, errlen, "destroy domain 0: %s", strerror(EPERM));
        return -EPERM;
    }
    if (ctx->xsh) {
        vm = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/vm", domid);
        /* As libxl: the domain is paused, its devices closed (backends get
         * TERN_DEV_CLOSE_MS to reach Closed) and removed, then the domain destroyed. */
        tern_dev_remove_all(ctx, domid, TERN_DEV_CLOSE_MS);
    }
    if (xc_domain_destroy(ctx->xch, domid) < 0 && errno != ESRCH) {
        rc = -errno;
        snprintf(err, errlen, "destroy domain %u (XEN_DOMCTL_destroydomain): %s", domid,
                 strerror(errno));
    }
    if (ctx->xsh) {
        struct tern_xs_batch b;
        int failed;

        /* Pipelined (one round trip); one at a time if there is no daemon socket. */
        tern_xs_batch_init(&b);
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        tern_xs_batch_rm(&b, path);
        snprintf(path, sizeof(path), "/libxl/%u", domid);
        tern_xs_batch_rm(&b, path);
        snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u", domid);
        tern_xs_batch_rm(&b, path);
        if (vm && !strncmp(vm, "/vm/", 4))
            tern_xs_batch_rm(&b, vm);
        if (tern_xs_batch_run(&b, false, &failed) == -ENOTCONN)
            for (unsigned int i = 0; i < b.count; i++)
                xs_rm(ctx->xsh, XBT_NULL, b.paths[i]);
        tern_xs_batch_free(&b);
    }
    free(vm);
    /* The domain lingers as "dying" until every mapping of its pages is gone (xenstored and
     * the console daemon drop theirs on VIRQ_DOM_EXC); its memory is free after that. */
    for (int waited = 0; rc == 0 && domain_exists(ctx, domid); waited += 20) {
        if (waited >= timeout_ms) {
            rc = -EBUSY;
            snprintf(err, errlen,
                     "destroy domain %u: still dying after %d ms (pages still mapped?): %s", domid,
                     timeout_ms, strerror(EBUSY));
            break;
        }
        usleep(20000);
    }
    return rc;
}
