/* The node store (see tree.h). */
#include "tree.h"
#include "util.h"
#include "../proto/path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t path_hash(const char *p)
{
    uint32_t h = 2166136261u;
    for (; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return h;
}

static uint64_t next_gen(struct store *s)
{
    return s->base ? 0 : ++s->gen;
}

static void count_owner(struct store *s, const struct node *n, int delta)
{
    if (s->owned && n->nperms > 0 && n->perms[0].id < XSL_MAX_DOMID)
        s->owned[n->perms[0].id] += (uint32_t)delta;
}

static void grow(struct store *s)
{
    uint32_t nsize = (s->mask + 1) * 2;
    struct node **tab = xcalloc(nsize, sizeof(*tab));

    for (uint32_t i = 0; i <= s->mask; i++) {
        struct node *n = s->tab[i], *next;
        for (; n; n = next) {
            next = n->hnext;
            n->hnext = tab[n->hash & (nsize - 1)];
            tab[n->hash & (nsize - 1)] = n;
        }
    }
    free(s->tab);
    s->tab = tab;
    s->mask = nsize - 1;
}

static void insert(struct store *s, struct node *n)
{
    if (s->count > s->mask)
        grow(s);
    n->hnext = s->tab[n->hash & s->mask];
    s->tab[n->hash & s->mask] = n;
    s->count++;
}

static void unlink_node(struct store *s, struct node *n)
{
    struct node **pp = &s->tab[n->hash & s->mask];
    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
    s->count--;
}

static void clear_contents(struct node *n)
{
    free(n->value);
    free(n->kids);
    free(n->perms);
    n->value = n->kids = NULL;
    n->perms = NULL;
    n->vlen = n->kidlen = n->nperms = 0;
}

static void node_free(struct node *n)
{
    clear_contents(n);
    free(n);
}

static struct node *node_new(const char *path, uint32_t hash)
{
    size_t len = strlen(path);
    struct node *n = xcalloc(1, sizeof(*n) + len + 1);
    memcpy(n->path, path, len + 1);
    n->hash = hash;
    n->present = true;
    return n;
}

int store_init(struct store *s, struct store *base)
{
    memset(s, 0, sizeof(*s));
    s->mask = base ? 63 : 4095;
    s->tab = xcalloc(s->mask + 1, sizeof(*s->tab));
    s->base = base;
    if (!base) {
        struct node *root = node_new("/", path_hash("/"));
        s->owned = xcalloc(XSL_MAX_DOMID, sizeof(*s->owned));
        root->perms = xcalloc(1, sizeof(*root->perms));
        root->nperms = 1;
        root->gen = root->cgen = next_gen(s);
        insert(s, root);
        count_owner(s, root, 1);
    }
    return 0;
}

void store_free(struct store *s)
{
    for (uint32_t i = 0; s->tab && i <= s->mask; i++) {
        struct node *n = s->tab[i], *next;
        for (; n; n = next) {
            next = n->hnext;
            node_free(n);
        }
    }
    free(s->tab);
    free(s->owned);
    memset(s, 0, sizeof(*s));
}

struct node *store_find(const struct store *s, const char *path)
{
    uint32_t h = path_hash(path);
    for (struct node *n = s->tab[h & s->mask]; n; n = n->hnext)
        if (n->hash == h && strcmp(n->path, path) == 0)
            return n;
    return NULL;
}

/* In an overlay: is path hidden by a deleted (or re-created) ancestor in this overlay? */
static bool hidden_by_overlay(const struct store *s, const char *path)
{
    char buf[XSL_PATH_BUF];
    size_t len = strlen(path);

    if (len >= sizeof(buf))
        return true;
    memcpy(buf, path, len + 1);
    while ((len = xsl_path_parent_len(buf)) > 0) {
        buf[len] = '\0';
        struct node *a = store_find(s, buf);
        if (a)
            return !a->present || a->reset;
    }
    return false;
}

static struct node *copy_in(struct store *s, const char *path)
{
    struct node *g = store_find(s->base, path);
    struct node *n = node_new(path, path_hash(path));

    n->present = n->seen_present = g != NULL;
    if (g) {
        n->value = xmemdup(g->value, g->vlen);
        n->vlen = g->vlen;
        n->kids = xmemdup(g->kids, g->kidlen);
        n->kidlen = g->kidlen;
        n->perms = xmemdup(g->perms, g->nperms * sizeof(*g->perms));
        n->nperms = g->nperms;
        n->seen_gen = g->gen;
        n->seen_cgen = g->cgen;
    }
    insert(s, n);
    return n;
}

struct node *store_get(struct store *s, const char *path)
{
    struct node *n = store_find(s, path);

    if (!n && s->base) {
        if (hidden_by_overlay(s, path))
            return NULL;
        n = copy_in(s, path);
    }
    return n && n->present ? n : NULL;
}

unsigned int store_missing(struct store *s, const char *path)
{
    char buf[XSL_PATH_BUF];
    unsigned int count = 0;
    size_t len = strlen(path);

    if (len >= sizeof(buf))
        return 0;
    memcpy(buf, path, len + 1);
    while (!store_get(s, buf)) {
        count++;
        len = xsl_path_parent_len(buf);
        if (len == 0)
            break;
        buf[len] = '\0';
    }
    return count;
}

static void add_kid(struct store *s, struct node *parent, const char *name)
{
    size_t len = strlen(name) + 1;
    parent->kids = xrealloc(parent->kids, parent->kidlen + len);
    memcpy(parent->kids + parent->kidlen, name, len);
    parent->kidlen += (uint32_t)len;
    parent->cgen = next_gen(s);
}

static void del_kid(struct store *s, struct node *parent, const char *name)
{
    size_t len = strlen(name) + 1;
    for (uint32_t off = 0; off < parent->kidlen;) {
        size_t l = strlen(parent->kids + off) + 1;
        if (l == len && memcmp(parent->kids + off, name, len) == 0) {
            memmove(parent->kids + off, parent->kids + off + l, parent->kidlen - off - l);
            parent->kidlen -= (uint32_t)l;
            break;
        }
        off += (uint32_t)l;
    }
    parent->cgen = next_gen(s);
}

/* Create path under its existing parent (which must be present). */
static struct node *create_one(struct store *s, const char *path, struct node *parent,
                               int64_t owner)
{
    struct node *n = store_find(s, path);

    if (n) { /* a tombstone in an overlay comes back to life */
        clear_contents(n);
        n->present = true;
        n->reset = true;
    } else {
        n = node_new(path, path_hash(path));
        insert(s, n);
    }
    n->perms = xmemdup(parent->perms, parent->nperms * sizeof(*parent->perms));
    n->nperms = parent->nperms;
    if (owner >= 0)
        n->perms[0].id = (uint32_t)owner;
    n->gen = n->cgen = next_gen(s);
    n->dirty = s->base != NULL;
    add_kid(s, parent, xsl_path_base(path));
    count_owner(s, n, 1);
    return n;
}

int store_write(struct store *s, const char *path, const void *val, uint32_t len, int64_t owner,
                bool set_value)
{
    struct node *n = store_get(s, path);
    bool changed = set_value;

    if (!n) {
        char buf[XSL_PATH_BUF];
        size_t plen = strlen(path), cut[XSL_PATH_BUF / 2];
        unsigned int levels = 0;
        struct node *parent;

        if (plen >= sizeof(buf))
            return EINVAL;
        memcpy(buf, path, plen + 1);
        /* Walk up to the nearest existing ancestor, remembering where each level ends. */
        do {
            cut[levels++] = strlen(buf);
            buf[xsl_path_parent_len(buf)] = '\0';
            if (buf[0] == '\0') {
                buf[0] = '/';
                buf[1] = '\0';
            }
        } while (!(parent = store_get(s, buf)));
        /* Walk down creating each missing level. */
        memcpy(buf, path, plen + 1);
        while (levels > 0) {
            char save;
            size_t end = cut[--levels];
            save = buf[end];
            buf[end] = '\0';
            parent = create_one(s, buf, parent, owner);
            buf[end] = save;
        }
        n = parent;
        changed = true;
    }
    if (set_value) {
        free(n->value);
        n->value = xmemdup(val, len);
        n->vlen = len;
        n->gen = next_gen(s);
        n->dirty = s->base != NULL;
    }
    if (changed && s->changed)
        s->changed(s->changed_ctx, path, n, false);
    return 0;
}

static void child_path(char *out, const char *parent, const char *name)
{
    if (parent[1] == '\0')
        out[0] = '\0';
    else
        strcpy(out, parent);
    strcat(out, "/");
    strcat(out, name);
}

static void rm_rec(struct store *s, struct node *n, bool exact)
{
    char cpath[XSL_PATH_BUF];

    for (uint32_t off = 0; off < n->kidlen; off += (uint32_t)strlen(n->kids + off) + 1) {
        if (strlen(n->path) + strlen(n->kids + off) + 2 > sizeof(cpath))
            continue;
        child_path(cpath, n->path, n->kids + off);
        struct node *c = store_get(s, cpath);
        if (c)
            rm_rec(s, c, true);
    }
    if (s->changed)
        s->changed(s->changed_ctx, n->path, n, exact);
    count_owner(s, n, -1);
    if (s->base) {
        clear_contents(n);
        n->present = false;
    } else {
        unlink_node(s, n);
        node_free(n);
    }
}

void store_rm(struct store *s, const char *path)
{
    char buf[XSL_PATH_BUF];
    struct node *n = store_get(s, path), *parent;
    size_t plen;

    if (!n || strcmp(path, "/") == 0 || strlen(path) >= sizeof(buf))
        return;
    strcpy(buf, path);
    plen = xsl_path_parent_len(buf);
    buf[plen] = '\0';
    if (plen == 1)
        buf[0] = '/';
    parent = store_get(s, buf);
    rm_rec(s, n, false);
    if (parent)
        del_kid(s, parent, xsl_path_base(path));
}

int store_set_perms(struct store *s, const char *path, const struct xsl_perm *p, uint32_t n)
{
    struct node *node = store_get(s, path);

    if (!node)
        return ENOENT;
    count_owner(s, node, -1);
    free(node->perms);
    node->perms = xmemdup(p, n * sizeof(*p));
    node->nperms = n;
    node->gen = next_gen(s);
    node->dirty = s->base != NULL;
    count_owner(s, node, 1);
    if (s->changed)
        s->changed(s->changed_ctx, path, node, false);
    return 0;
}

static void walk_rec(struct store *s, struct node *n, void (*fn)(void *, const struct node *),
                     void *ctx)
{
    char cpath[XSL_PATH_BUF];

    fn(ctx, n);
    for (uint32_t off = 0; off < n->kidlen; off += (uint32_t)strlen(n->kids + off) + 1) {
        if (strlen(n->path) + strlen(n->kids + off) + 2 > sizeof(cpath))
            continue;
        child_path(cpath, n->path, n->kids + off);
        struct node *c = store_get(s, cpath);
        if (c)
            walk_rec(s, c, fn, ctx);
    }
}

void store_walk(struct store *s, const char *root, void (*fn)(void *ctx, const struct node *n),
                void *ctx)
{
    struct node *n = store_get(s, root);
    if (n)
        walk_rec(s, n, fn, ctx);
}

uint32_t store_owned(const struct store *s, uint32_t domid)
{
    return s->owned && domid < XSL_MAX_DOMID ? s->owned[domid] : 0;
}
