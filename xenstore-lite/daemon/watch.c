/* Watches (see watch.h). */
#include "watch.h"
#include "daemon.h"
#include "dispatch.h"
#include "persist.h"
#include "util.h"
#include "../proto/path.h"
#include "../proto/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ index by path */

static struct {
    struct watch **tab;
    size_t mask, count;
} idx;

#define FNV_OFFSET 2166136261u
#define FNV_PRIME  16777619u

static uint32_t fnv_step(uint32_t h, char ch)
{
    return (h ^ (uint8_t)ch) * FNV_PRIME;
}

static uint32_t path_hash(const char *p, size_t n)
{
    uint32_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, p[i]);
    return h;
}

static void index_grow(void)
{
    size_t size = idx.tab ? (idx.mask + 1) * 2 : 64;
    struct watch **tab = xcalloc(size, sizeof(*tab));

    for (size_t i = 0; idx.tab && i <= idx.mask; i++) {
        while (idx.tab[i]) {
            struct watch *w = idx.tab[i];
            idx.tab[i] = w->hnext;
            w->hnext = tab[w->hash & (size - 1)];
            tab[w->hash & (size - 1)] = w;
        }
    }
    free(idx.tab);
    idx.tab = tab;
    idx.mask = size - 1;
}

static void index_add(struct conn *c, struct watch *w)
{
    if (!idx.tab || idx.count >= idx.mask + 1)
        index_grow();
    w->c = c;
    w->plen = strlen(w->path);
    w->hash = path_hash(w->path, w->plen);
    w->hnext = idx.tab[w->hash & idx.mask];
    idx.tab[w->hash & idx.mask] = w;
    idx.count++;
}

void watch_free(struct watch *w)
{
    for (struct watch **pp = idx.tab ? &idx.tab[w->hash & idx.mask] : NULL; pp && *pp;
         pp = &(*pp)->hnext)
        if (*pp == w) {
            *pp = w->hnext;
            idx.count--;
            break;
        }
    free(w->path);
    free(w->token);
    free(w);
}

/* Watches found for one change: collected first, since firing can drop a connection (and
 * its watches) whose backlog is over quota. */
static struct {
    struct watch **v;
    bool *ok; /* hits_fire: permission of v[i]'s connection */
    size_t n, cap;
} hits;

static void hits_lookup(const char *p, size_t n, uint32_t h)
{
    if (!idx.tab)
        return;
    for (struct watch *w = idx.tab[h & idx.mask]; w; w = w->hnext) {
        if (w->hash != h || w->plen != n || memcmp(w->path, p, n) != 0 || w->c->dead)
            continue;
        if (hits.n == hits.cap) {
            hits.cap = hits.cap ? hits.cap * 2 : 16;
            hits.v = xrealloc(hits.v, hits.cap * sizeof(*hits.v));
            hits.ok = xrealloc(hits.ok, hits.cap * sizeof(*hits.ok));
        }
        hits.v[hits.n++] = w;
    }
}

/* ------------------------------------------------------------------ registration */

/* The path a watcher is told: relative watches get paths relative to their domain home. */
static const char *event_path(const struct watch *w, const char *path)
{
    if (!w->rel_off)
        return path;
    if (strlen(path) < w->rel_off)
        return ""; /* the home node itself */
    return path + w->rel_off;
}

int watch_add(struct conn *c, const struct xsd_sockmsg *hdr, const char *path, const char *token)
{
    char canon[XSL_PATH_BUF];
    struct watch *w;

    if (xsl_path_special(path)) {
        if (strlen(path) > XENSTORE_REL_PATH_MAX)
            return EINVAL;
        strcpy(canon, path);
    } else if (!xsl_path_canon(path, c->id, canon, sizeof(canon)) ||
               !xsl_path_valid(canon, xsd.lim.path_max)) {
        return EINVAL;
    }
    for (w = c->watches; w; w = w->next)
        if (strcmp(w->path, canon) == 0 && strcmp(w->token, token) == 0)
            return EEXIST;
    if (!c->priv && c->nwatches >= xsd.lim.watches)
        return E2BIG;
    w = xcalloc(1, sizeof(*w));
    w->path = xstrdup(canon);
    w->token = xstrdup(token);
    if (path[0] != '/' && path[0] != '@')
        w->rel_off = strlen(canon) - strlen(path);
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    index_add(c, w);
    if (c->dom) /* domain connections outlive a daemon restart, their watches too */
        persist_watch(c->id, w->path, w->token, (uint32_t)w->rel_off, true);
    conn_reply(c, hdr, XS_WATCH, "OK", 3);
    /* Fire once at registration (clients rely on it to read initial state). */
    conn_event(c, event_path(w, w->path), w->token);
    return 0;
}

void watch_restore(struct conn *c, const char *path, const char *token, size_t rel_off)
{
    struct watch *w = xcalloc(1, sizeof(*w));

    w->path = xstrdup(path);
    w->token = xstrdup(token);
    w->rel_off = rel_off;
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    index_add(c, w);
}

int watch_remove(struct conn *c, const char *path, const char *token)
{
    char canon[XSL_PATH_BUF];

    if (!xsl_path_canon(path, c->id, canon, sizeof(canon)))
        return EINVAL;
    for (struct watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct watch *w = *pp;
        if (strcmp(w->path, canon) == 0 && strcmp(w->token, token) == 0) {
            *pp = w->next;
            if (c->dom)
                persist_watch(c->id, w->path, w->token, (uint32_t)w->rel_off, false);
            watch_free(w);
            c->nwatches--;
            return 0;
        }
    }
    return ENOENT;
}

/* May c see a change of node n (at path)?  Read access to it or to its parent suffices,
 * as in Xen (a deleted child is visible to whoever can read the directory). */
static bool permitted(const struct conn *c, const char *path, const struct node *n)
{
    struct xsl_who w = {.domid = c->id, .priv = c->priv, .target = c->target};
    char parent[XSL_PATH_BUF];
    const struct node *p;
    size_t len;

    if (c->priv)
        return true;
    if (n && (xsl_perm_for(n->perms, n->nperms, &w) & XSL_PERM_READ))
        return true;
    len = xsl_path_parent_len(path);
    if (len == 0 || len >= sizeof(parent))
        return false;
    memcpy(parent, path, len);
    parent[len] = '\0';
    p = store_find(&xsd.tree, len == 1 ? "/" : parent);
    return p && (xsl_perm_for(p->perms, p->nperms, &w) & XSL_PERM_READ);
}

/* Fire the collected watches; a connection's read permission is checked once per change. */
static void hits_fire(const char *path, const struct node *n)
{
    for (size_t i = 0; i < hits.n; i++) {
        struct watch *w = hits.v[i];
        struct conn *c = w->c;
        size_t j;

        if (c->dead)
            continue; /* dropped for its backlog while firing: its watches are gone */
        for (j = 0; j < i && hits.v[j]->c != c; j++)
            ;
        if (j < i ? !hits.ok[j] : !(hits.ok[i] = permitted(c, path, n)))
            continue;
        hits.ok[i] = true;
        conn_event(c, event_path(w, path), w->token);
    }
}

void watch_fire(const char *path, const struct node *n, bool exact)
{
    size_t len = strlen(path);
    uint32_t h = FNV_OFFSET;

    hits.n = 0;
    if (exact) {
        hits_lookup(path, len, path_hash(path, len));
    } else if (path[0] == '/') {
        /* The path and each ancestor: "/", "/a", "/a/b" ... */
        for (size_t k = 0; k < len; k++) {
            if (k > 0 && path[k] == '/')
                hits_lookup(path, k, h);
            h = fnv_step(h, path[k]);
            if (k == 0)
                hits_lookup(path, 1, h);
        }
        if (len > 1)
            hits_lookup(path, len, h);
    }
    hits_fire(path, n);
}

void watch_fire_special(const char *name)
{
    const struct special_perms *sp =
        strcmp(name, "@introduceDomain") == 0 ? &xsd.intro_perms : &xsd.release_perms;
    size_t len = strlen(name);

    hits.n = 0;
    hits_lookup(name, len, path_hash(name, len));
    for (size_t i = 0; i < hits.n; i++) {
        struct conn *c = hits.v[i]->c;
        struct xsl_who who = {.domid = c->id, .priv = c->priv, .target = c->target};

        if (!c->dead && (xsl_perm_for(sp->p, sp->n, &who) & XSL_PERM_READ))
            conn_event(c, name, hits.v[i]->token);
    }
}

int do_watch(struct req *r)
{
    const char *argv[2];

    if (xsl_split(r->data, r->len, argv, 2) != 2)
        return EINVAL;
    return watch_add(r->c, r->hdr, argv[0], argv[1]);
}

int do_unwatch(struct req *r)
{
    const char *argv[2];
    int err;

    if (xsl_split(r->data, r->len, argv, 2) != 2)
        return EINVAL;
    err = watch_remove(r->c, argv[0], argv[1]);
    if (!err)
        req_ok(r);
    return err;
}

int do_reset_watches(struct req *r)
{
    if (r->c->dom)
        persist_watch_clear(r->c->id);
    conn_drop_watches(r->c);
    conn_drop_transactions(r->c);
    req_ok(r);
    return 0;
}
