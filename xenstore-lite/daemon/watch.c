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
            free(w->path);
            free(w->token);
            free(w);
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

void watch_fire(const char *path, const struct node *n, bool exact)
{
    for (struct conn *c = xsd.conns; c; c = c->next) {
        bool checked = false, ok = false;

        if (c->dead || !c->watches)
            continue;
        for (struct watch *w = c->watches; w; w = w->next) {
            if (exact ? strcmp(path, w->path) != 0 : !xsl_path_is_child(path, w->path))
                continue;
            if (!checked) {
                ok = permitted(c, path, n);
                checked = true;
            }
            if (ok)
                conn_event(c, event_path(w, path), w->token);
            if (c->dead)
                break; /* dropped for its backlog: its watches are gone */
        }
    }
}

void watch_fire_special(const char *name)
{
    const struct special_perms *sp =
        strcmp(name, "@introduceDomain") == 0 ? &xsd.intro_perms : &xsd.release_perms;

    for (struct conn *c = xsd.conns; c; c = c->next) {
        struct xsl_who who = {.domid = c->id, .priv = c->priv, .target = c->target};

        if (c->dead || !c->watches)
            continue;
        if (!(xsl_perm_for(sp->p, sp->n, &who) & XSL_PERM_READ))
            continue;
        for (struct watch *w = c->watches; w; w = w->next)
            if (strcmp(w->path, name) == 0) {
                conn_event(c, name, w->token);
                if (c->dead)
                    break;
            }
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
