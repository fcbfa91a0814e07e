/* PV devices in xenstore: applying node lists, listing a domain's devices, and removing
 * them as libxl does (Closing, wait for Closed within a deadline, remove). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "devices_nodes.h"
#include "tern.h"
#include "xs_batch.h"

#define POLL_US 10000

static bool apply_one(struct xs_handle *xsh, xs_transaction_t t, const struct tern_dev_node *n)
{
    if (n->rm)
        return xs_rm(xsh, t, n->path) || errno == ENOENT;
    if (n->dir ? !xs_mkdir(xsh, t, n->path)
               : !xs_write(xsh, t, n->path, n->value, strlen(n->value)))
        return false;
    return !n->nperms ||
           xs_set_permissions(xsh, t, n->path, (struct xs_permissions *)n->perms, n->nperms);
}

int tern_dev_apply(struct tern_ctx *ctx, const struct tern_dev_nodes *nodes, char *err,
                   size_t errlen)
{
    struct tern_xs_batch b;
    int rc, failed;

    if (nodes->overflow) {
        snprintf(err, errlen, "device node list too long");
        return -E2BIG;
    }
    tern_xs_batch_init(&b);
    for (unsigned int i = 0; i < nodes->count; i++) {
        const struct tern_dev_node *n = &nodes->n[i];

        if (n->rm) {
            tern_xs_batch_rm(&b, n->path);
            continue;
        }
        tern_xs_batch_write(&b, n->path, n->dir ? NULL : n->value);
        if (n->nperms)
            tern_xs_batch_perms(&b, n->path, n->perms, n->nperms);
    }
    rc = tern_xs_batch_run(&b, true, &failed);
    if (rc != -ENOTCONN) {
        if (rc < 0)
            snprintf(err, errlen, "xenstore %s: %s", failed >= 0 ? b.paths[failed] : "transaction",
                     strerror(-rc));
        tern_xs_batch_free(&b);
        return rc;
    }
    tern_xs_batch_free(&b);
    for (;;) { /* no daemon socket: the xs_* API, one request at a time */
        xs_transaction_t t = xs_transaction_start(ctx->xsh);
        unsigned int i;

        if (t == XBT_NULL) {
            snprintf(err, errlen, "xenstore transaction: %s", strerror(errno));
            return -errno;
        }
        for (i = 0; i < nodes->count; i++)
            if (!apply_one(ctx->xsh, t, &nodes->n[i]))
                break;
        if (i < nodes->count) {
            rc = -errno;
            xs_transaction_end(ctx->xsh, t, true);
            snprintf(err, errlen, "xenstore %s: %s", nodes->n[i].path, strerror(-rc));
            return rc;
        }
        if (xs_transaction_end(ctx->xsh, t, false))
            return 0;
        if (errno != EAGAIN) {
            snprintf(err, errlen, "xenstore commit: %s", strerror(errno));
            return -errno;
        }
    }
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

    return x < y ? -1 : x > y;
}

int tern_dev_list(struct tern_ctx *ctx, uint32_t domid, const char *kind, unsigned int *ids,
                  int max)
{
    char path[96], **ents, *end;
    unsigned int n = 0;
    int count = 0;

    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kind, domid);
    ents = xs_directory(ctx->xsh, XBT_NULL, path, &n);
    if (!ents)
        return errno == ENOENT ? 0 : -1;
    for (unsigned int i = 0; i < n && count < max; i++) {
        unsigned long id = strtoul(ents[i], &end, 10);

        if (*ents[i] && !*end && id <= 0x7fffffff)
            ids[count++] = (unsigned int)id;
    }
    free(ents);
    qsort(ids, (size_t)count, sizeof(*ids), cmp_uint);
    return count;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

struct dev_ref {
    const char *kind;
    unsigned int devid;
    bool waiting; /* set Closing; waiting for Closed */
};

static int backend_state(struct tern_ctx *ctx, uint32_t domid, const struct dev_ref *d)
{
    char *s = tern_xs_read(ctx, XBT_NULL, "/local/domain/0/backend/%s/%u/%u/state", d->kind, domid,
                           d->devid);
    int v = s ? atoi(s) : -1;

    free(s);
    return v;
}

/* Closes, waits and removes the devices; returns how many did not reach Closed in time. */
static int remove_devices(struct tern_ctx *ctx, uint32_t domid, struct dev_ref *devs, int n,
                          int timeout_ms, bool drop_parents)
{
    struct tern_dev_nodes *rm = calloc(1, sizeof(*rm));
    long deadline = now_ms() + timeout_ms;
    char dir[96], err[256];
    int late = 0, waiting = 0;

    if (!rm)
        return n;
    /* A backend that has taken the device (states 2..4) is told to close, as libxl does
     * (online=0, state=5 in a transaction); one already closing (5) is waited for. A device
     * still in state 1 has no backend yet: it is removed at once. */
    for (int i = 0; i < n; i++) {
        struct tern_dev_nodes *close;
        int st = backend_state(ctx, domid, &devs[i]);

        if (st == 5) {
            devs[i].waiting = true;
            waiting++;
        }
        if (st < 2 || st > 4)
            continue;
        close = calloc(1, sizeof(*close));
        if (!close)
            continue;
        snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u/%u", devs[i].kind, domid,
                 devs[i].devid);
        tern_dev_add(close, dir, "online", "0");
        tern_dev_add(close, dir, "state", "5");
        devs[i].waiting = tern_dev_apply(ctx, close, err, sizeof(err)) == 0;
        waiting += devs[i].waiting;
        free(close);
    }
    while (waiting) {
        waiting = 0;
        for (int i = 0; i < n; i++) {
            if (!devs[i].waiting)
                continue;
            int st = backend_state(ctx, domid, &devs[i]);

            devs[i].waiting = st != 6 && st != -1;
            waiting += devs[i].waiting;
        }
        if (!waiting)
            break;
        if (now_ms() >= deadline) {
            late = waiting;
            break;
        }
        usleep(POLL_US);
    }
    for (int i = 0; i < n; i++) {
        struct tern_dev_node *node;

        snprintf(dir, sizeof(dir), "/local/domain/%u/device/%s/%u", domid, devs[i].kind,
                 devs[i].devid);
        if ((node = tern_dev_add(rm, dir, NULL, NULL)))
            node->rm = true;
        snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u/%u", devs[i].kind, domid,
                 devs[i].devid);
        if ((node = tern_dev_add(rm, dir, NULL, NULL)))
            node->rm = true;
        snprintf(dir, sizeof(dir), "/libxl/%u/device/%s/%u", domid, devs[i].kind, devs[i].devid);
        if ((node = tern_dev_add(rm, dir, NULL, NULL)))
            node->rm = true;
    }
    if (drop_parents) {
        static const char *const kinds[] = {"vbd", "vif"};

        for (int k = 0; k < 2; k++) {
            struct tern_dev_node *node;

            snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", kinds[k], domid);
            if ((node = tern_dev_add(rm, dir, NULL, NULL)))
                node->rm = true;
        }
    }
    tern_dev_apply(ctx, rm, err, sizeof(err));
    free(rm);
    return late;
}

int tern_dev_remove(struct tern_ctx *ctx, uint32_t domid, const char *kind, unsigned int devid,
                    int timeout_ms)
{
    struct dev_ref d = {.kind = kind, .devid = devid};
    unsigned int left[1];
    int late = remove_devices(ctx, domid, &d, 1, timeout_ms, false);

    /* The last device of its kind takes the domain's directory in the backend with it. */
    if (tern_dev_list(ctx, domid, kind, left, 1) == 0) {
        char path[96];

        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", kind, domid);
        xs_rm(ctx->xsh, XBT_NULL, path);
    }
    return late ? 1 : 0;
}

void tern_dev_remove_all(struct tern_ctx *ctx, uint32_t domid, int timeout_ms)
{
    struct dev_ref devs[2 * 32]; /* 3 removals each fit one node list */
    unsigned int ids[32];
    int n = 0, k;

    k = tern_dev_list(ctx, domid, "vbd", ids, 32);
    for (int i = 0; i < k; i++)
        devs[n++] = (struct dev_ref){.kind = "vbd", .devid = ids[i]};
    k = tern_dev_list(ctx, domid, "vif", ids, 32);
    for (int i = 0; i < k; i++)
        devs[n++] = (struct dev_ref){.kind = "vif", .devid = ids[i]};
    if (n == 0)
        return; /* no device: no round trip more for a destroy */
    /* As libxl: the guest is paused while its devices go (it cannot answer a closing
     * backend then; the backend closes on its own). */
    xc_domain_pause(ctx->xch, domid);
    remove_devices(ctx, domid, devs, n, timeout_ms, true);
}
