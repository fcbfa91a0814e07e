/* In-memory test clients (see harness.h). */
#include "harness.h"

#include "../../../xenstore-lite/daemon/conn.h"
#include "../../../xenstore-lite/daemon/daemon.h"
#include "../../../xenstore-lite/daemon/dispatch.h"
#include "../../../xenstore-lite/proto/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXTC 64
#define MAXEV 256

struct tc {
    struct conn *c;
    char *in; /* bytes the "daemon" wrote to us */
    size_t len, cap;
    uint32_t req_id;
    uint32_t last_req, last_tx;
    char evpath[MAXEV][256], evtoken[MAXEV][64];
    int nev, evhead;
};

static struct tc *clients[MAXTC];
static int nclients;

static struct tc *find(struct conn *c)
{
    for (int i = 0; i < nclients; i++)
        if (clients[i] && clients[i]->c == c)
            return clients[i];
    return NULL;
}

static ssize_t t_read(struct conn *c, void *buf, size_t len)
{
    return 0;
}

static ssize_t t_write(struct conn *c, const void *buf, size_t len)
{
    struct tc *t = find(c);
    if (t->len + len > t->cap) {
        t->cap = (t->len + len) * 2;
        t->in = realloc(t->in, t->cap);
    }
    memcpy(t->in + t->len, buf, len);
    t->len += len;
    return (ssize_t)len;
}

static const struct conn_ops t_ops = {.read = t_read, .write = t_write};

void tc_reset(void)
{
    for (int i = 0; i < nclients; i++) {
        if (clients[i]) {
            conn_kill(clients[i]->c, NULL);
            free(clients[i]->in);
            free(clients[i]);
        }
    }
    nclients = 0;
    conn_reap();
    if (xsd.tree.tab)
        store_free(&xsd.tree);
    limits_default(&xsd.lim);
    xsd.intro_perms.n = xsd.release_perms.n = 1;
    xsd.intro_perms.p[0].id = xsd.release_perms.p[0].id = 0;
    xsd.intro_perms.p[0].perms = xsd.release_perms.p[0].perms = 0;
    daemon_init_tree();
    xsd.tree.changed = daemon_tree_changed;
}

struct tc *tc_new(uint32_t domid)
{
    struct tc *t = calloc(1, sizeof(*t));
    t->c = conn_new(&t_ops, -1, domid);
    clients[nclients++] = t;
    return t;
}

void tc_kill(struct tc *t)
{
    conn_kill(t->c, NULL);
    for (int i = 0; i < nclients; i++)
        if (clients[i] == t)
            clients[i] = NULL;
    conn_reap();
    free(t->in);
    free(t);
}

struct conn *tc_conn(struct tc *t)
{
    return t->c;
}

static void flush_all(void)
{
    for (int i = 0; i < nclients; i++)
        if (clients[i] && !clients[i]->c->dead)
            conn_flush(clients[i]->c);
}

/* Take one message off t's input; events are queued.  Returns false if none complete. */
static bool take(struct tc *t, struct xsd_sockmsg *hdr, char *out, size_t *outlen)
{
    if (t->len < sizeof(*hdr))
        return false;
    memcpy(hdr, t->in, sizeof(*hdr));
    if (t->len < sizeof(*hdr) + hdr->len)
        return false;
    const char *p = t->in + sizeof(*hdr);
    if (hdr->type == XS_WATCH_EVENT) {
        int slot = (t->evhead + t->nev) % MAXEV;
        snprintf(t->evpath[slot], 256, "%s", p);
        snprintf(t->evtoken[slot], 64, "%s", p + strlen(p) + 1);
        t->nev++;
    } else if (out) {
        memcpy(out, p, hdr->len);
        out[hdr->len] = '\0';
        if (outlen)
            *outlen = hdr->len;
    }
    memmove(t->in, t->in + sizeof(*hdr) + hdr->len, t->len - sizeof(*hdr) - hdr->len);
    t->len -= sizeof(*hdr) + hdr->len;
    return true;
}

static void drain_events(void)
{
    struct xsd_sockmsg hdr;
    for (int i = 0; i < nclients; i++) {
        struct tc *t = clients[i];
        if (!t)
            continue;
        /* events before any reply are queued; stop at the first non-event */
        while (t->len >= sizeof(hdr)) {
            memcpy(&hdr, t->in, sizeof(hdr));
            if (hdr.type != XS_WATCH_EVENT)
                break;
            take(t, &hdr, NULL, NULL);
        }
    }
}

uint32_t tc_req(struct tc *t, uint32_t type, uint32_t tx, const void *data, size_t len, char *out,
                size_t *outlen)
{
    struct xsd_sockmsg hdr = {
        .type = type, .req_id = ++t->req_id + 1000, .tx_id = tx, .len = (uint32_t)len};
    struct xsd_sockmsg rh = {0};
    char dummy[XENSTORE_PAYLOAD_MAX + 1];

    dispatch(t->c, &hdr, data, (uint32_t)len);
    flush_all();
    for (;;) {
        if (!take(t, &rh, out ? out : dummy, outlen))
            return UINT32_MAX; /* no reply */
        if (rh.type != XS_WATCH_EVENT)
            break;
    }
    drain_events();
    t->last_req = rh.req_id;
    t->last_tx = rh.tx_id;
    return rh.type;
}

static int result(uint32_t type, const char *out)
{
    if (type == XS_ERROR)
        return xsl_err_from_name(out, strlen(out));
    return type == UINT32_MAX ? -1 : 0;
}

int tc_write(struct tc *t, uint32_t tx, const char *path, const char *val)
{
    char buf[XENSTORE_PAYLOAD_MAX + 1], out[XENSTORE_PAYLOAD_MAX + 1];
    size_t pl = strlen(path) + 1, vl = strlen(val);
    memcpy(buf, path, pl);
    memcpy(buf + pl, val, vl);
    return result(tc_req(t, XS_WRITE, tx, buf, pl + vl, out, NULL), out);
}

static int onearg(struct tc *t, uint32_t type, uint32_t tx, const char *path, char *out,
                  size_t *len)
{
    char tmp[XENSTORE_PAYLOAD_MAX + 1];
    if (!out)
        out = tmp;
    return result(tc_req(t, type, tx, path, strlen(path) + 1, out, len), out);
}

int tc_read(struct tc *t, uint32_t tx, const char *path, char *out)
{
    return onearg(t, XS_READ, tx, path, out, NULL);
}

int tc_mkdir(struct tc *t, uint32_t tx, const char *path)
{
    return onearg(t, XS_MKDIR, tx, path, NULL, NULL);
}

int tc_rm(struct tc *t, uint32_t tx, const char *path)
{
    return onearg(t, XS_RM, tx, path, NULL, NULL);
}

int tc_dir(struct tc *t, uint32_t tx, const char *path, char *out, size_t *len)
{
    return onearg(t, XS_DIRECTORY, tx, path, out, len);
}

int tc_getperms(struct tc *t, uint32_t tx, const char *path, char *out, size_t *len)
{
    return onearg(t, XS_GET_PERMS, tx, path, out, len);
}

int tc_setperms(struct tc *t, uint32_t tx, const char *path, const char *const *perms, int n)
{
    char buf[XENSTORE_PAYLOAD_MAX], out[XENSTORE_PAYLOAD_MAX + 1];
    size_t len = strlen(path) + 1;
    memcpy(buf, path, len);
    for (int i = 0; i < n; i++) {
        memcpy(buf + len, perms[i], strlen(perms[i]) + 1);
        len += strlen(perms[i]) + 1;
    }
    return result(tc_req(t, XS_SET_PERMS, tx, buf, len, out, NULL), out);
}

static int twoargs(struct tc *t, uint32_t type, const char *a, const char *b)
{
    char buf[XENSTORE_PAYLOAD_MAX], out[XENSTORE_PAYLOAD_MAX + 1];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    return result(tc_req(t, type, 0, buf, la + lb, out, NULL), out);
}

int tc_watch(struct tc *t, const char *path, const char *token)
{
    return twoargs(t, XS_WATCH, path, token);
}

int tc_unwatch(struct tc *t, const char *path, const char *token)
{
    return twoargs(t, XS_UNWATCH, path, token);
}

int tc_tx_start(struct tc *t, uint32_t *tx)
{
    char out[64];
    int err = result(tc_req(t, XS_TRANSACTION_START, 0, "", 1, out, NULL), out);
    if (!err)
        *tx = (uint32_t)strtoul(out, NULL, 10);
    return err;
}

int tc_tx_end(struct tc *t, uint32_t tx, bool commit)
{
    char out[64];
    return result(tc_req(t, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, out, NULL), out);
}

bool tc_event(struct tc *t, char *path, char *token)
{
    flush_all();
    drain_events();
    if (t->nev == 0)
        return false;
    strcpy(path, t->evpath[t->evhead]);
    strcpy(token, t->evtoken[t->evhead]);
    t->evhead = (t->evhead + 1) % MAXEV;
    t->nev--;
    return true;
}

int tc_nevents(struct tc *t)
{
    flush_all();
    drain_events();
    return t->nev;
}

uint32_t tc_last_req_id(struct tc *t)
{
    return t->last_req;
}

uint32_t tc_last_tx_id(struct tc *t)
{
    return t->last_tx;
}
