/* tern-blkback: one device's xenbus handshake (see vbd.h and docs/blkback.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>
#include "paths.h"
#include "queue.h"
#include "vbd.h"

struct vbd {
    uint32_t domid, devid;
    char be[96];  /* backend directory */
    char fe[128]; /* frontend directory (read once) */
    uint32_t fe_domid;
    int state; /* the backend state we last wrote (or found) */
    struct blk_disk disk;
    unsigned nq;
    struct blk_queue q[BLK_MAX_QUEUES];
    char fe_token[64];
    struct vbd *next;
};

static struct vbd *vbds;

bool blk_persistent = false;

static void vlog(const struct vbd *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vlog(const struct vbd *v, const char *fmt, ...)
{
    va_list al;

    fprintf(stderr, "tern-blkback: vbd %u/%u: ", v->domid, v->devid);
    va_start(al, fmt);
    vfprintf(stderr, fmt, al);
    va_end(al);
    fputc('\n', stderr);
}

static char *be_read(struct tern_ctx *ctx, const struct vbd *v, const char *key)
{
    return tern_xs_read(ctx, XBT_NULL, "%s/%s", v->be, key);
}

static long read_num(struct tern_ctx *ctx, const char *dir, const char *key, long dflt)
{
    char *s = tern_xs_read(ctx, XBT_NULL, "%s/%s", dir, key), *end;
    long n = dflt;

    if (s && *s) {
        n = strtol(s, &end, 10);
        if (*end)
            n = -1;
    }
    free(s);
    return n;
}

static void be_write(struct tern_ctx *ctx, const struct vbd *v, const char *key, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
static void be_write(struct tern_ctx *ctx, const struct vbd *v, const char *key, const char *fmt,
                     ...)
{
    char val[64];
    va_list al;

    va_start(al, fmt);
    vsnprintf(val, sizeof(val), fmt, al);
    va_end(al);
    if (!tern_xs_write(ctx, XBT_NULL, val, "%s/%s", v->be, key))
        vlog(v, "write %s/%s: %s", v->be, key, strerror(errno));
}

static void set_state(struct tern_ctx *ctx, struct vbd *v, int state)
{
    be_write(ctx, v, "state", "%d", state);
    v->state = state;
}

static uint64_t image_sectors(int fd)
{
    struct stat st;
    uint64_t bytes = 0;

    if (fstat(fd, &st) < 0)
        return 0;
    if (S_ISBLK(st.st_mode)) {
        if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
            return 0;
    } else {
        bytes = (uint64_t)st.st_size;
    }
    return bytes / BLK_SECTOR;
}

/* Opens params with mode and tern-cache; publishes what blkfront reads before it sets up its
 * rings (max-ring-page-order, multi-queue-max-queues) and at connect (features, size). */
static int open_image(struct tern_ctx *ctx, struct vbd *v)
{
    char *params = be_read(ctx, v, "params"), *mode = be_read(ctx, v, "mode");
    char *cache = be_read(ctx, v, "tern-cache");
    long discard = read_num(ctx, v->be, "discard-enable", 1);
    int flags = O_CLOEXEC;

    if (!params || !*params) {
        vlog(v, "no params (image path)");
        goto fail;
    }
    v->disk.readonly = mode && mode[0] == 'r';
    flags |= v->disk.readonly ? O_RDONLY : O_RDWR;
    if (cache && !strcmp(cache, "none"))
        flags |= O_DIRECT;
    v->disk.fd = open(params, flags);
    if (v->disk.fd < 0) {
        vlog(v, "open %s: %s", params, strerror(errno));
        goto fail;
    }
    v->disk.sectors = image_sectors(v->disk.fd);
    v->disk.discard = !v->disk.readonly && discard != 0;
    free(params);
    free(mode);
    free(cache);
    return 0;
fail:
    free(params);
    free(mode);
    free(cache);
    return -1;
}

static void publish(struct tern_ctx *ctx, struct vbd *v)
{
    be_write(ctx, v, "feature-flush-cache", "1");
    be_write(ctx, v, "feature-barrier", "0");
    /* What we offer, not what was agreed: Linux's blkfront reads it when we are Connected
     * and uses persistent grants if it offered them too (its own feature-persistent). */
    be_write(ctx, v, "feature-persistent", "%d", blk_persistent);
    be_write(ctx, v, "feature-max-indirect-segments", "%u", BLK_MAX_INDIRECT_SEGS);
    be_write(ctx, v, "max-ring-page-order", "%u", BLK_MAX_RING_ORDER);
    be_write(ctx, v, "multi-queue-max-queues", "%u", BLK_MAX_QUEUES);
    be_write(ctx, v, "feature-discard", "%d", v->disk.discard);
    if (v->disk.discard) {
        be_write(ctx, v, "discard-granularity", "%u", BLK_PAGE);
        be_write(ctx, v, "discard-alignment", "0");
        be_write(ctx, v, "discard-secure", "0");
    }
    be_write(ctx, v, "sector-size", "%u", BLK_SECTOR);
    be_write(ctx, v, "physical-sector-size", "%u", BLK_PAGE);
    be_write(ctx, v, "sectors", "%" PRIu64, v->disk.sectors);
    be_write(ctx, v, "info", "%u", v->disk.readonly ? VDISK_READONLY : 0);
}

static void close_image(struct vbd *v)
{
    if (v->disk.fd >= 0)
        close(v->disk.fd);
    v->disk.fd = -1;
}

static void disconnect(struct vbd *v)
{
    for (unsigned i = 0; i < v->nq; i++)
        blk_queue_stop(&v->q[i]);
    v->nq = 0;
}

/* Reads one queue's ring-ref(s) and event-channel from dir (the frontend's or queue-N). */
static int read_queue(struct tern_ctx *ctx, struct vbd *v, struct blk_queue *q, const char *dir,
                      unsigned pages)
{
    long port = read_num(ctx, dir, "event-channel", -1);

    if (port <= 0) {
        vlog(v, "%s/event-channel missing or bad", dir);
        return -1;
    }
    q->remote_port = (evtchn_port_t)port;
    q->pages = pages;
    for (unsigned i = 0; i < pages; i++) {
        char key[32];
        long ref;

        if (pages == 1 && read_num(ctx, dir, "ring-ref", -1) >= 0)
            snprintf(key, sizeof(key), "ring-ref");
        else
            snprintf(key, sizeof(key), "ring-ref%u", i);
        ref = read_num(ctx, dir, key, -1);
        if (ref < 0) {
            vlog(v, "%s/%s missing or bad", dir, key);
            return -1;
        }
        q->refs[i] = (grant_ref_t)ref;
    }
    return 0;
}

static int connect_rings(struct tern_ctx *ctx, struct vbd *v)
{
    long nq = read_num(ctx, v->fe, "multi-queue-num-queues", 1);
    long order = read_num(ctx, v->fe, "ring-page-order", 0);
    char *proto = tern_xs_read(ctx, XBT_NULL, "%s/protocol", v->fe);
    char err[256];
    bool native = !proto || !*proto || !strcmp(proto, XEN_IO_PROTO_ABI_NATIVE);
    /* Both ends must offer them: a frontend that did not would end its grants' access after
     * each request, which our mappings would block. */
    bool persistent = blk_persistent && read_num(ctx, v->fe, "feature-persistent", 0) > 0;

    if (!native) {
        vlog(v, "frontend protocol '%s' is not %s", proto, XEN_IO_PROTO_ABI_NATIVE);
        free(proto);
        return -1;
    }
    free(proto);
    if (nq < 1 || nq > BLK_MAX_QUEUES || order < 0 || order > BLK_MAX_RING_ORDER) {
        vlog(v, "frontend asks for %ld queues of ring order %ld (at most %u, %u)", nq, order,
             BLK_MAX_QUEUES, BLK_MAX_RING_ORDER);
        return -1;
    }
    for (long i = 0; i < nq; i++) {
        struct blk_queue *q = &v->q[i];
        char dir[160];

        memset(q, 0, sizeof(*q));
        if (nq == 1)
            snprintf(dir, sizeof(dir), "%s", v->fe);
        else
            snprintf(dir, sizeof(dir), "%s/queue-%ld", v->fe, i);
        q->disk = &v->disk;
        q->domid = v->fe_domid;
        q->index = (unsigned)i;
        q->persistent = persistent;
        snprintf(q->name, sizeof(q->name), "vbd %u/%u queue %ld", v->domid, v->devid, i);
        if (read_queue(ctx, v, q, dir, 1u << order) < 0 ||
            blk_queue_start(q, err, sizeof(err)) < 0) {
            if (q->pages && q->remote_port)
                vlog(v, "%s", err);
            disconnect(v);
            return -1;
        }
        v->nq = (unsigned)i + 1;
    }
    return 0;
}

static struct vbd *find(uint32_t domid, uint32_t devid)
{
    for (struct vbd *v = vbds; v; v = v->next)
        if (v->domid == domid && v->devid == devid)
            return v;
    return NULL;
}

static void unlink_stats(const struct vbd *v)
{
    char path[160];

    blk_stats_path(path, sizeof(path), BLK_STATS_DIR, v->domid, v->devid);
    if (unlink(path) < 0 && errno != ENOENT)
        vlog(v, "remove %s: %s", path, strerror(errno));
}

/* A device a previous daemon served (its state beyond Initialising) goes on from the counts
 * in its file; a new one starts from zero (a file of an earlier device is stale). */
static void load_stats(struct vbd *v)
{
    if (v->state > XenbusStateInitialising &&
        blk_stats_read(BLK_STATS_DIR, v->domid, v->devid, &v->disk.stats) == 0)
        vlog(v, "counters read back: %" PRIu64 " reads, %" PRIu64 " writes", v->disk.stats.rd_req,
             v->disk.stats.wr_req);
    else
        unlink_stats(v);
}

void blk_vbd_write_stats(void)
{
    for (struct vbd *v = vbds; v; v = v->next) {
        struct blk_vbd_stats st;

        if (!__atomic_exchange_n(&v->disk.stats_dirty, false, __ATOMIC_ACQ_REL))
            continue;
        blk_stats_snapshot(&v->disk, &st);
        if (blk_stats_write(BLK_STATS_DIR, v->domid, v->devid, &st) < 0)
            vlog(v, "write counters to " BLK_STATS_DIR ": %s", strerror(errno));
    }
}

static void drop(struct tern_ctx *ctx, struct vbd *v)
{
    struct vbd **pp;

    disconnect(v);
    close_image(v);
    if (v->fe_token[0]) {
        char path[160];

        snprintf(path, sizeof(path), "%s/state", v->fe);
        xs_unwatch(ctx->xsh, path, v->fe_token);
    }
    for (pp = &vbds; *pp != v; pp = &(*pp)->next)
        ;
    *pp = v->next;
    unlink_stats(v); /* the device is gone: so are its counters */
    free(v);
}

/* Starts tracking a device whose backend directory exists: frontend path and its watch. */
static struct vbd *track(struct tern_ctx *ctx, uint32_t domid, uint32_t devid)
{
    struct vbd *v = calloc(1, sizeof(*v));
    char *fe, path[160];

    if (!v)
        return NULL;
    v->domid = domid;
    v->devid = devid;
    v->disk.fd = -1;
    snprintf(v->be, sizeof(v->be), "%s/%u/%u", BLK_BACKEND_ROOT, domid, devid);
    fe = be_read(ctx, v, "frontend");
    if (!fe || !*fe) {
        free(fe);
        free(v);
        return NULL; /* not (fully) written yet: the next event brings it */
    }
    snprintf(v->fe, sizeof(v->fe), "%s", fe);
    free(fe);
    v->fe_domid = (uint32_t)read_num(ctx, v->be, "frontend-id", domid);
    v->state = (int)read_num(ctx, v->be, "state", XenbusStateUnknown);
    load_stats(v);
    blk_stats_mark(&v->disk); /* the file exists (zeros for a new device) */
    blk_frontend_token(domid, devid, v->fe_token, sizeof(v->fe_token));
    snprintf(path, sizeof(path), "%s/state", v->fe);
    if (!xs_watch(ctx->xsh, path, v->fe_token)) {
        vlog(v, "watch %s: %s", path, strerror(errno));
        v->fe_token[0] = '\0';
    }
    v->next = vbds;
    vbds = v;
    return v;
}

/* Online resize: the image grew (tern block-resize writes tern-resize after growing it). */
static void check_resize(struct tern_ctx *ctx, struct vbd *v)
{
    uint64_t now = image_sectors(v->disk.fd);

    if (!now || now == __atomic_load_n(&v->disk.sectors, __ATOMIC_ACQUIRE))
        return;
    __atomic_store_n(&v->disk.sectors, now, __ATOMIC_RELEASE);
    be_write(ctx, v, "sectors", "%" PRIu64, now);
    /* blkfront re-reads sectors when the backend (re)announces Connected */
    set_state(ctx, v, XenbusStateConnected);
    vlog(v, "resized to %" PRIu64 " sectors", now);
}

static void to_initwait(struct tern_ctx *ctx, struct vbd *v)
{
    if (v->disk.fd < 0 && open_image(ctx, v) < 0) {
        set_state(ctx, v, XenbusStateClosed);
        return;
    }
    publish(ctx, v);
    set_state(ctx, v, XenbusStateInitWait);
}

static void to_connected(struct tern_ctx *ctx, struct vbd *v, bool adopt)
{
    if (v->disk.fd < 0 && open_image(ctx, v) < 0) {
        set_state(ctx, v, XenbusStateClosed);
        return;
    }
    if (connect_rings(ctx, v) < 0) {
        if (!adopt)
            set_state(ctx, v, XenbusStateClosing);
        return;
    }
    be_write(ctx, v, "sectors", "%" PRIu64, v->disk.sectors);
    if (!adopt)
        set_state(ctx, v, XenbusStateConnected);
    vlog(v, "%s: %u queue(s) of %u page(s), persistent grants %s",
         adopt ? "re-adopted" : "connected", v->nq, v->q[0].pages,
         v->q[0].persistent ? "on" : "off");
}

static bool ring_broken(const struct vbd *v)
{
    for (unsigned i = 0; i < v->nq; i++)
        if (__atomic_load_n(&v->q[i].broken, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

void blk_vbd_update(struct tern_ctx *ctx, uint32_t domid, uint32_t devid)
{
    struct vbd *v = find(domid, devid);
    long online, fe_state, be_state;
    char be[96];

    snprintf(be, sizeof(be), "%s/%u/%u", BLK_BACKEND_ROOT, domid, devid);
    be_state = read_num(ctx, be, "state", -2);
    if (be_state == -2) { /* the toolstack removed the device */
        if (v)
            drop(ctx, v);
        return;
    }
    if (!v)
        v = track(ctx, domid, devid);
    if (!v)
        return;
    online = read_num(ctx, be, "online", 1);
    fe_state = read_num(ctx, v->fe, "state", XenbusStateClosed);
    if (!online) {
        if (v->state != XenbusStateClosed) {
            disconnect(v);
            close_image(v);
            set_state(ctx, v, XenbusStateClosed);
            vlog(v, "closed (offline)");
        }
        return;
    }
    if (v->nq && ring_broken(v)) { /* a hostile frontend: its device is disconnected */
        disconnect(v);
        set_state(ctx, v, XenbusStateClosing);
        vlog(v, "the frontend broke its ring: disconnected (Closing)");
        return;
    }
    switch (fe_state) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        /* new device, or the frontend starts over (guest rebooted its driver) */
        if (v->state == XenbusStateInitialising || v->state == XenbusStateClosed ||
            v->state == XenbusStateUnknown || v->state == XenbusStateClosing) {
            disconnect(v);
            to_initwait(ctx, v);
        }
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->nq)
            check_resize(ctx, v);
        else if (v->state == XenbusStateInitWait)
            to_connected(ctx, v, false);
        else if (v->state == XenbusStateConnected)
            to_connected(ctx, v, true); /* a previous daemon connected it */
        else if (v->state == XenbusStateInitialising)
            to_initwait(ctx, v);
        break;
    case XenbusStateClosing:
        if (v->state != XenbusStateClosing && v->state != XenbusStateClosed) {
            disconnect(v);
            set_state(ctx, v, XenbusStateClosing);
        }
        break;
    default: /* Closed, Unknown, or no frontend any more */
        if (v->state != XenbusStateClosed) {
            disconnect(v);
            close_image(v);
            set_state(ctx, v, XenbusStateClosed);
        }
        break;
    }
    (void)be_state;
}

void blk_vbd_scan(struct tern_ctx *ctx)
{
    unsigned nd = 0, nn;
    char **doms = xs_directory(ctx->xsh, XBT_NULL, BLK_BACKEND_ROOT, &nd);

    for (struct vbd *v = vbds, *next; v; v = next) {
        next = v->next;
        blk_vbd_update(ctx, v->domid, v->devid); /* drops it if gone */
    }
    for (unsigned i = 0; doms && i < nd; i++) {
        char path[128];
        char **devs;

        snprintf(path, sizeof(path), "%s/%s", BLK_BACKEND_ROOT, doms[i]);
        nn = 0;
        devs = xs_directory(ctx->xsh, XBT_NULL, path, &nn);
        for (unsigned j = 0; devs && j < nn; j++)
            blk_vbd_update(ctx, (uint32_t)strtoul(doms[i], NULL, 10),
                           (uint32_t)strtoul(devs[j], NULL, 10));
        free(devs);
    }
    free(doms);
}
