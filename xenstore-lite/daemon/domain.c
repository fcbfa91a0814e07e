/* Domain connections (see domain.h). */
#define __XEN_TOOLS__ 1
#include "domain.h"
#include "conn.h"
#include "daemon.h"
#include "dispatch.h"
#include "mutate.h"
#include "persist.h"
#include "util.h"
#include "watch.h"
#include "xen_dev.h"
#include "../proto/path.h"
#include "../proto/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/io/xs_wire.h>

#define PAGE 4096

enum map_kind { MAP_NONE, MAP_GNTDEV, MAP_FOREIGN, MAP_XENBUS };

/* A watch of a domain from the saved state, re-created when the domain reconnects. */
struct saved_watch {
    struct saved_watch *next;
    char *path, *token;
    uint32_t rel_off;
};

struct domain {
    struct domain *next;
    uint32_t domid;
    uint64_t gfn;
    uint32_t remote_port;
    int local_port; /* -1: not bound */
    struct xenstore_domain_interface *intf;
    enum map_kind map;
    uint64_t gnt_index;
    struct conn *conn;
    bool shutdown;
    bool need_kick;
    bool restored; /* from saved state, not yet reconnected */
    struct saved_watch *saved;
};

static struct domain *domains;
/* dom0's kernel connection is re-made at every start, not restored: its saved watches wait
 * here until it is. */
static struct domain dom0_saved;
static int evtchn_fd = -1, gntdev_fd = -1, privcmd_fd = -1, xenbus_fd = -1;
static int virq_port = -1;
static void *hcall_buf;

int domain_evtchn_fd(void)
{
    return evtchn_fd;
}

static struct domain *find_domain(uint32_t domid)
{
    for (struct domain *d = domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

/* ------------------------------------------------------------------ event channels */

static int evtchn_bind(uint32_t domid, uint32_t port)
{
    struct xsl_evtchn_bind_interdomain b = {.remote_domain = domid, .remote_port = port};
    return ioctl(evtchn_fd, XSL_IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static void evtchn_notify(int port)
{
    struct xsl_evtchn_port p = {.port = (unsigned int)port};
    if (port >= 0)
        ioctl(evtchn_fd, XSL_IOCTL_EVTCHN_NOTIFY, &p);
}

static void evtchn_unbind(int port)
{
    struct xsl_evtchn_port p = {.port = (unsigned int)port};
    if (port >= 0)
        ioctl(evtchn_fd, XSL_IOCTL_EVTCHN_UNBIND, &p);
}

/* ------------------------------------------------------------------ ring transport */

/* Index sanity as Xen's xenstored: a producer more than a ring ahead is a broken guest. */
static bool indexes_ok(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    return prod - cons <= XENSTORE_RING_SIZE;
}

static ssize_t ring_read(struct conn *c, void *buf, size_t len)
{
    struct domain *d = c->dom;
    volatile struct xenstore_domain_interface *intf = d->intf;
    XENSTORE_RING_IDX cons = intf->req_cons, prod = intf->req_prod;
    size_t done = 0;

    __sync_synchronize();
    if (!indexes_ok(cons, prod))
        return -1;
    while (done < len && cons != prod) {
        size_t off = MASK_XENSTORE_IDX(cons), chunk = XENSTORE_RING_SIZE - off;
        if (chunk > prod - cons)
            chunk = prod - cons;
        if (chunk > len - done)
            chunk = len - done;
        memcpy((char *)buf + done, (const char *)intf->req + off, chunk);
        done += chunk;
        cons += (XENSTORE_RING_IDX)chunk;
    }
    __sync_synchronize();
    intf->req_cons = cons;
    /* Full barrier: the next look at req_prod comes after the guest can see req_cons, or
     * the guest may skip its notification (it notifies only if we had caught up) while we
     * still read the old req_prod: its request would wait for an event that never comes. */
    __sync_synchronize();
    if (done)
        d->need_kick = true;
    return (ssize_t)done;
}

static ssize_t ring_write(struct conn *c, const void *buf, size_t len)
{
    struct domain *d = c->dom;
    volatile struct xenstore_domain_interface *intf = d->intf;
    XENSTORE_RING_IDX cons = intf->rsp_cons, prod = intf->rsp_prod;
    size_t done = 0;

    __sync_synchronize();
    if (!indexes_ok(cons, prod))
        return -1;
    while (done < len && prod - cons < XENSTORE_RING_SIZE) {
        size_t off = MASK_XENSTORE_IDX(prod), chunk = XENSTORE_RING_SIZE - off;
        if (chunk > XENSTORE_RING_SIZE - (prod - cons))
            chunk = XENSTORE_RING_SIZE - (prod - cons);
        if (chunk > len - done)
            chunk = len - done;
        memcpy((char *)intf->rsp + off, (const char *)buf + done, chunk);
        done += chunk;
        prod += (XENSTORE_RING_IDX)chunk;
    }
    __sync_synchronize();
    intf->rsp_prod = prod;
    /* Full barrier, the same race the other way: the guest notifies after reading only if
     * the ring was full (Linux xb_read), so our next look at rsp_cons must come after it can
     * see rsp_prod. */
    __sync_synchronize();
    if (done)
        d->need_kick = true;
    return (ssize_t)done;
}

static void ring_kick(struct conn *c)
{
    if (c->dom && c->dom->need_kick) {
        c->dom->need_kick = false;
        evtchn_notify(c->dom->local_port);
    }
}

static void ring_close(struct conn *c)
{
    if (c->dom) {
        /* Tell the guest, as Xen does, why its connection stopped. */
        if (c->dom->intf)
            c->dom->intf->error = XENSTORE_ERROR_COMM;
        persist_watch_clear(c->id);
        c->dom->conn = NULL;
        c->dom = NULL;
    }
}

static const struct conn_ops ring_ops = {
    .read = ring_read,
    .write = ring_write,
    .kick = ring_kick,
    .close = ring_close,
};

/* ------------------------------------------------------------------ mapping */

static void *map_grant(struct domain *d)
{
    struct xsl_gntdev_map_one m = {.count = 1};
    void *p;

    if (gntdev_fd < 0)
        return NULL;
    m.refs[0].domid = d->domid;
    m.refs[0].ref = XSL_GNTTAB_RESERVED_XENSTORE;
    if (ioctl(gntdev_fd, XSL_IOCTL_GNTDEV_MAP_GRANT_REF, &m) != 0)
        return NULL;
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd, (off_t)m.index);
    if (p == MAP_FAILED) {
        struct xsl_gntdev_unmap u = {.index = m.index, .count = 1};
        ioctl(gntdev_fd, XSL_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        return NULL;
    }
    d->gnt_index = m.index;
    d->map = MAP_GNTDEV;
    return p;
}

static void *map_foreign(struct domain *d)
{
    uint64_t gfn = d->gfn;
    int err = 0;
    struct xsl_privcmd_mmapbatch_v2 b = {
        .num = 1, .dom = (uint16_t)d->domid, .arr = &gfn, .err = &err};
    void *p;

    if (privcmd_fd < 0 || gfn == 0)
        return NULL;
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd_fd, 0);
    if (p == MAP_FAILED)
        return NULL;
    b.addr = (uint64_t)(uintptr_t)p;
    if (ioctl(privcmd_fd, XSL_IOCTL_PRIVCMD_MMAPBATCH_V2, &b) != 0 || err != 0) {
        munmap(p, PAGE);
        return NULL;
    }
    d->map = MAP_FOREIGN;
    return p;
}

static void unmap_ring(struct domain *d)
{
    if (!d->intf)
        return;
    munmap((void *)d->intf, PAGE);
    if (d->map == MAP_GNTDEV) {
        struct xsl_gntdev_unmap u = {.index = d->gnt_index, .count = 1};
        ioctl(gntdev_fd, XSL_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    }
    d->intf = NULL;
    d->map = MAP_NONE;
}

/* ------------------------------------------------------------------ lifecycle */

static struct domain *domain_alloc(uint32_t domid)
{
    struct domain *d = xcalloc(1, sizeof(*d));
    d->domid = domid;
    d->local_port = -1;
    d->next = domains;
    domains = d;
    return d;
}

/* Map, bind, create the connection. */
static int domain_connect(struct domain *d)
{
    int port;

    if (!d->intf)
        d->intf = map_grant(d);
    if (!d->intf)
        d->intf = map_foreign(d);
    if (!d->intf)
        return errno ? errno : EINVAL;
    port = evtchn_bind(d->domid, d->remote_port);
    if (port < 0) {
        int err = errno;
        unmap_ring(d);
        return err;
    }
    d->local_port = port;
    d->conn = conn_new(&ring_ops, -1, d->domid);
    d->conn->dom = d;
    d->conn->priv = d->domid == 0;
    return 0;
}

static void domain_disconnect(struct domain *d)
{
    if (d->conn)
        conn_kill(d->conn, NULL);
    d->conn = NULL;
    evtchn_unbind(d->local_port);
    d->local_port = -1;
    if (d->map != MAP_XENBUS)
        unmap_ring(d);
}

static void free_saved(struct domain *d)
{
    while (d->saved) {
        struct saved_watch *w = d->saved;
        d->saved = w->next;
        free(w->path);
        free(w->token);
        free(w);
    }
}

static void domain_free(struct domain *d)
{
    free_saved(d);
    for (struct domain **pp = &domains; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    free(d);
}

/* Remove the nodes a dead domain owned (Xen does so unless --keep-orphans). */
struct orphans {
    uint32_t domid;
    char **paths;
    unsigned int n;
};

static void find_orphan(void *ctx, const struct node *n)
{
    struct orphans *o = ctx;

    if (n->nperms == 0 || n->perms[0].id != o->domid || strcmp(n->path, "/") == 0)
        return;
    for (unsigned int i = 0; i < o->n; i++)
        if (xsl_path_is_child(n->path, o->paths[i]))
            return;
    o->paths = xrealloc(o->paths, (o->n + 1) * sizeof(char *));
    o->paths[o->n++] = xstrdup(n->path);
}

static void remove_orphans(uint32_t domid)
{
    struct orphans o = {.domid = domid};

    if (store_owned(&xsd.tree, domid) == 0)
        return;
    store_walk(&xsd.tree, "/", find_orphan, &o);
    for (unsigned int i = 0; i < o.n; i++) {
        mutate_global(&(struct txop){.kind = TXOP_RM, .owner = -1, .path = o.paths[i]});
        free(o.paths[i]);
    }
    free(o.paths);
}

static void domain_release(struct domain *d)
{
    uint32_t domid = d->domid;

    domain_disconnect(d);
    domain_free(d);
    persist_domain(domid, 0, 0, false);
    remove_orphans(domid);
    watch_fire_special("@releaseDomain");
}

/* ------------------------------------------------------------------ dead domains */

/* XEN_DOMCTL_getdomaininfo through privcmd; returns flags, -1 if gone, -2 if unknowable. */
static int64_t domain_flags(uint32_t domid)
{
    struct xen_domctl *dc = hcall_buf;
    struct xsl_privcmd_hypercall h = {.op = __HYPERVISOR_domctl};
    int rc;

    if (privcmd_fd < 0 || !hcall_buf)
        return -2;
    memset(dc, 0, sizeof(*dc));
    dc->cmd = XEN_DOMCTL_getdomaininfo;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = (domid_t)domid;
    h.arg[0] = (uint64_t)(uintptr_t)dc;
    rc = ioctl(privcmd_fd, XSL_IOCTL_PRIVCMD_HYPERCALL, &h);
    if (rc < 0)
        return errno == ESRCH ? -1 : -2;
    if (dc->u.getdomaininfo.domain != domid)
        return -1;
    return dc->u.getdomaininfo.flags;
}

static void check_domains(void)
{
    bool notify = false;
    struct domain *d, *next;

    for (d = domains; d; d = next) {
        next = d->next;
        if (d->domid == 0)
            continue;
        int64_t f = domain_flags(d->domid);
        if (f == -2) {
            notify = true; /* cannot tell: let the toolstack look */
            continue;
        }
        if (f == -1 || (f & XEN_DOMINF_dying)) {
            domain_release(d); /* fires @releaseDomain */
            continue;
        }
        if ((f & XEN_DOMINF_shutdown) && !d->shutdown) {
            d->shutdown = true;
            notify = true;
        }
    }
    if (notify || !domains)
        watch_fire_special("@releaseDomain");
}

void domain_handle_events(void)
{
    uint32_t ports[64];
    ssize_t n = read(evtchn_fd, ports, sizeof(ports));

    if (n <= 0)
        return;
    for (size_t i = 0; i < (size_t)n / sizeof(ports[0]); i++) {
        if ((int)ports[i] == virq_port) {
            check_domains();
            continue;
        }
        for (struct domain *d = domains; d; d = d->next)
            if (d->local_port == (int)ports[i] && d->conn)
                conn_handle_input(d->conn);
    }
    /* Re-enable the ports (writing them back unmasks, see Linux's evtchn.c). */
    if (write(evtchn_fd, ports, (size_t)n) < 0)
        xsl_log("evtchn unmask failed: %s", strerror(errno));
}

/* ------------------------------------------------------------------ dom0 */

/* dom0's kernel xenbus: its ring page and unbound port come from xenbus_backend; binding
 * and then notifying the port is what wakes the kernel's xenbus_probe (xen-arm-abi §4.4). */
static void connect_dom0(void)
{
    struct domain *d;
    int port = -1;
    void *page = MAP_FAILED;

    xenbus_fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC);
    if (xenbus_fd >= 0) {
        port = ioctl(xenbus_fd, XSL_IOCTL_XENBUS_BACKEND_EVTCHN, 0);
        page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, xenbus_fd, 0);
    }
    if (port < 0) {
        FILE *f = fopen("/proc/xen/xsd_port", "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = -1;
            fclose(f);
        }
    }
    if (page == MAP_FAILED) {
        int fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            close(fd);
        }
    }
    if (port < 0 || page == MAP_FAILED) {
        xsl_log("dom0 kernel connection unavailable (xenbus_backend): %s", strerror(errno));
        return;
    }
    d = domain_alloc(0);
    d->intf = page;
    d->map = MAP_XENBUS;
    d->remote_port = (uint32_t)port;
    if (domain_connect(d)) {
        xsl_log("cannot bind dom0's xenstore port %d: %s", port, strerror(errno));
        munmap(page, PAGE);
        domain_free(d);
        return;
    }
    d->conn->priv = true;
    for (struct saved_watch *w = dom0_saved.saved; w; w = w->next)
        watch_restore(d->conn, w->path, w->token, w->rel_off);
    free_saved(&dom0_saved);
    conn_handle_input(d->conn);
    evtchn_notify(d->local_port);
}

bool domain_init(bool do_dom0)
{
    struct xsl_evtchn_bind_virq v = {.virq = XSL_VIRQ_DOM_EXC};
    int fd;

    evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if (evtchn_fd < 0)
        return false;
    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        hcall_buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (hcall_buf == MAP_FAILED)
            hcall_buf = NULL;
        close(fd);
    }
    virq_port = ioctl(evtchn_fd, XSL_IOCTL_EVTCHN_BIND_VIRQ, &v);
    if (virq_port < 0)
        xsl_log("cannot bind VIRQ_DOM_EXC: %s", strerror(errno));
    if (do_dom0)
        connect_dom0();
    return true;
}

/* ------------------------------------------------------------------ restart */

void domain_restore(uint32_t domid, uint64_t gfn, uint32_t port)
{
    struct domain *d = find_domain(domid);

    if (port == 0) {
        if (d)
            domain_free(d);
        return;
    }
    if (!d)
        d = domain_alloc(domid);
    d->gfn = gfn;
    d->remote_port = port;
    d->restored = true;
}

void domain_foreach(void (*fn)(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port), void *ctx)
{
    for (struct domain *d = domains; d; d = d->next)
        if (d->domid != 0 && (d->conn || d->restored))
            fn(ctx, d->domid, d->gfn, d->remote_port);
}

void domain_restore_watch(uint32_t domid, const char *path, const char *token, uint32_t rel_off,
                          bool add)
{
    struct domain *d = domid == 0 ? &dom0_saved : find_domain(domid);
    struct saved_watch **pp;

    if (!d)
        return;
    if (!path) {
        free_saved(d);
        return;
    }
    for (pp = &d->saved; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->path, path) == 0 && strcmp((*pp)->token, token) == 0) {
            struct saved_watch *w = *pp;
            if (add)
                return;
            *pp = w->next;
            free(w->path);
            free(w->token);
            free(w);
            return;
        }
    }
    if (add) {
        struct saved_watch *w = xcalloc(1, sizeof(*w));
        w->path = xstrdup(path);
        w->token = xstrdup(token);
        w->rel_off = rel_off;
        *pp = w;
    }
}

void domain_foreach_watch(void (*fn)(void *ctx, uint32_t domid, const char *path, const char *token,
                                     uint32_t rel_off),
                          void *ctx)
{
    for (struct domain *d = domains; d; d = d->next) {
        /* dom0's kernel, like every guest, never re-registers: it did not see us go */
        if (d->conn)
            for (struct watch *w = d->conn->watches; w; w = w->next)
                fn(ctx, d->domid, w->path, w->token, (uint32_t)w->rel_off);
        else
            for (struct saved_watch *w = d->saved; w; w = w->next)
                fn(ctx, d->domid, w->path, w->token, w->rel_off);
    }
}

void domain_reconnect_restored(void)
{
    struct domain *d, *next;

    for (d = domains; d; d = next) {
        next = d->next;
        if (!d->restored)
            continue;
        d->restored = false;
        if (evtchn_fd < 0 || domain_flags(d->domid) == -1 || domain_connect(d)) {
            xsl_log("domain %u from the saved state is gone: released", d->domid);
            domain_free(d);
            continue;
        }
        for (struct saved_watch *w = d->saved; w; w = w->next)
            watch_restore(d->conn, w->path, w->token, w->rel_off);
        free_saved(d);
        xsl_log("domain %u reconnected", d->domid);
        conn_handle_input(d->conn);
        evtchn_notify(d->local_port);
    }
}

/* ------------------------------------------------------------------ requests */

static int domid_arg(const char *s, uint32_t *domid)
{
    unsigned long v;
    if (!xsl_parse_uint(s, 0xffff, &v))
        return EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

/* INTRODUCE domid\0 gfn\0 evtchn\0 */
int do_introduce(struct req *r)
{
    const char *argv[3];
    unsigned long gfn, port;
    uint32_t domid;
    struct domain *d;
    int err;

    if (xsl_split(r->data, r->len, argv, 3) != 3 || domid_arg(argv[0], &domid) ||
        !xsl_parse_uint(argv[1], UINT64_MAX, &gfn) || !xsl_parse_uint(argv[2], UINT32_MAX, &port) ||
        port == 0)
        return EINVAL;
    if (evtchn_fd < 0)
        return ENOSYS; /* no Xen here: nothing to connect to */
    d = find_domain(domid);
    if (d && d->conn) {
        /* Already introduced: re-bind the event channel (Xen's behaviour). */
        evtchn_unbind(d->local_port);
        int p = evtchn_bind(domid, (uint32_t)port);
        d->local_port = p < 0 ? -1 : p;
        d->remote_port = (uint32_t)port;
    } else {
        if (!d)
            d = domain_alloc(domid);
        d->gfn = gfn;
        d->remote_port = (uint32_t)port;
        err = domain_connect(d);
        if (err) {
            domain_free(d);
            return err;
        }
        /* Fresh connection: start from empty rings as Xen's domain_conn_reset(). */
        d->intf->req_cons = d->intf->req_prod = 0;
        d->intf->rsp_cons = d->intf->rsp_prod = 0;
        __sync_synchronize();
        persist_domain(domid, gfn, (uint32_t)port, true);
        watch_fire_special("@introduceDomain");
    }
    if (d->intf && d->intf->connection == XENSTORE_RECONNECT) {
        d->intf->connection = XENSTORE_CONNECTED;
        __sync_synchronize();
    }
    evtchn_notify(d->local_port);
    req_ok(r);
    return 0;
}

static int connected_domain(const char *s, struct domain **out)
{
    uint32_t domid;
    struct domain *d;

    if (domid_arg(s, &domid))
        return EINVAL;
    d = find_domain(domid);
    if (!d)
        return ENOENT;
    if (!d->conn)
        return EINVAL;
    *out = d;
    return 0;
}

int do_release(struct req *r)
{
    struct domain *d;
    int err;

    if (!xsl_onearg(r->data, r->len) || strcmp(r->data, "0") == 0)
        return EINVAL;
    err = connected_domain(r->data, &d);
    if (err)
        return err;
    if (d->conn == r->c)
        return EINVAL;
    domain_release(d);
    req_ok(r);
    return 0;
}

int do_resume(struct req *r)
{
    struct domain *d;
    int err;

    if (!xsl_onearg(r->data, r->len) || strcmp(r->data, "0") == 0)
        return EINVAL;
    err = connected_domain(r->data, &d);
    if (err)
        return err;
    d->shutdown = false;
    req_ok(r);
    return 0;
}

int do_set_target(struct req *r)
{
    const char *argv[2];
    struct domain *d, *t;
    int err;

    if (xsl_split(r->data, r->len, argv, 2) != 2)
        return EINVAL;
    err = connected_domain(argv[0], &d);
    if (!err)
        err = connected_domain(argv[1], &t);
    if (err)
        return err;
    d->conn->target = t->domid;
    req_ok(r);
    return 0;
}

int do_is_domain_introduced(struct req *r)
{
    uint32_t domid;
    struct domain *d;

    if (!xsl_onearg(r->data, r->len) || domid_arg(r->data, &domid))
        return EINVAL;
    d = find_domain(domid);
    req_reply(r, (domid == DOMID_SELF || (d && d->conn)) ? "T" : "F", 2);
    return 0;
}

int do_get_domain_path(struct req *r)
{
    char buf[32];
    uint32_t domid;

    if (!xsl_onearg(r->data, r->len) || domid_arg(r->data, &domid))
        return EINVAL;
    req_reply(r, buf, (uint32_t)sprintf(buf, "/local/domain/%u", domid) + 1);
    return 0;
}
