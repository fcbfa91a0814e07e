/* Request dispatch and the node operations (see dispatch.h). */
#include "dispatch.h"
#include "daemon.h"
#include "mutate.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"
#include "../proto/path.h"
#include "../proto/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F_PRIV  (1u << 0) /* privileged connections only (EACCES otherwise) */
#define F_NOTID (1u << 1) /* the header's tx_id is not a transaction */

/* Xen's tdb record header, counted against the entry-size quota as Xen does. */
#define NODE_HDR_BYTES 24

static struct xsl_who who(const struct req *r)
{
    return (struct xsl_who){.domid = r->c->id, .priv = r->c->priv, .target = r->c->target};
}

void req_reply(struct req *r, const void *data, uint32_t len)
{
    conn_reply(r->c, r->hdr, r->hdr->type, data, len);
}

void req_ok(struct req *r)
{
    req_reply(r, "OK", 3);
}

/* Canonical, valid node path from a client string. */
static int canon(const struct req *r, const char *arg, char *out)
{
    if (!arg || !xsl_path_canon(arg, r->c->id, out, XSL_PATH_BUF))
        return EINVAL;
    return xsl_path_valid(out, xsd.lim.path_max) ? 0 : EINVAL;
}

/* The single path argument of READ, MKDIR, RM, DIRECTORY, GET_PERMS. */
static int path_arg(const struct req *r, char *out)
{
    return canon(r, xsl_onearg(r->data, r->len) ? r->data : NULL, out);
}

enum observe { SEE_NONE, SEE_VALUE, SEE_KIDS };

static void observe(struct req *r, const char *path, enum observe what)
{
    struct node *n;

    if (!r->tx || what == SEE_NONE)
        return;
    n = store_find(r->st, path);
    if (!n || n->dirty)
        return;
    if (what == SEE_VALUE)
        n->read_val = true;
    else
        n->read_kids = true;
}

/*
 * Find path with the access perm.  A missing node answers ENOENT only if the nearest
 * existing ancestor grants perm, else EACCES: no information leaks about hidden subtrees
 * (Xen's errno_from_parents()).
 */
static int lookup(struct req *r, const char *path, uint32_t perm, enum observe what,
                  struct node **out)
{
    struct xsl_who w = who(r);
    struct node *n = store_get(r->st, path);
    char buf[XSL_PATH_BUF];
    size_t len;

    observe(r, path, what);
    if (n) {
        if ((xsl_perm_for(n->perms, n->nperms, &w) & perm) != perm)
            return EACCES;
        *out = n;
        return 0;
    }
    strcpy(buf, path);
    do {
        len = xsl_path_parent_len(buf);
        buf[len ? len : 1] = '\0';
        if (len <= 1) {
            buf[0] = '/';
            buf[1] = '\0';
        }
        n = store_get(r->st, buf);
    } while (!n && len > 1);
    if (n && (xsl_perm_for(n->perms, n->nperms, &w) & perm))
        return ENOENT;
    return EACCES;
}

static void apply(struct req *r, const struct txop *op)
{
    if (r->tx) {
        mutate_apply(&r->tx->view, op);
        txn_log(r->tx, op);
    } else {
        mutate_global(op);
    }
}

static int64_t creator(const struct req *r)
{
    /* Nodes created by an unprivileged domain are owned by it (Xen's construct_node()). */
    return r->c->priv ? -1 : (int64_t)r->c->id;
}

static int check_entries(struct req *r, const char *path)
{
    unsigned int missing;

    if (r->c->priv)
        return 0;
    missing = store_missing(r->st, path);
    if (store_owned(&xsd.tree, r->c->id) + (r->tx ? r->tx->created : 0) + missing > xsd.lim.entries)
        return ENOSPC;
    if (r->tx)
        r->tx->created += missing;
    return 0;
}

static int do_read(struct req *r)
{
    char path[XSL_PATH_BUF];
    struct node *n;
    int err = path_arg(r, path);

    if (!err)
        err = lookup(r, path, XSL_PERM_READ, SEE_VALUE, &n);
    if (err)
        return err;
    req_reply(r, n->value, n->vlen);
    return 0;
}

static int do_write(struct req *r)
{
    char path[XSL_PATH_BUF];
    const char *end = memchr(r->data, '\0', r->len);
    struct node *n = NULL;
    uint32_t vlen;
    int err;

    if (!end)
        return EINVAL;
    vlen = r->len - (uint32_t)(end + 1 - r->data);
    err = canon(r, r->data, path);
    if (!err)
        err = lookup(r, path, XSL_PERM_WRITE, SEE_NONE, &n);
    if (err == ENOENT)
        err = check_entries(r, path);
    if (err)
        return err;
    if (!r->c->priv &&
        NODE_HDR_BYTES + vlen + (n ? n->kidlen + 8 * n->nperms : 8) >= xsd.lim.entry_size)
        return ENOSPC;
    apply(r,
          &(struct txop){
              .kind = TXOP_WRITE, .owner = creator(r), .path = path, .data = end + 1, .len = vlen});
    req_ok(r);
    return 0;
}

static int do_mkdir(struct req *r)
{
    char path[XSL_PATH_BUF];
    struct node *n;
    int err = path_arg(r, path);

    if (!err)
        err = lookup(r, path, XSL_PERM_WRITE, SEE_NONE, &n);
    if (err == ENOENT) {
        err = check_entries(r, path);
        if (!err)
            apply(r, &(struct txop){.kind = TXOP_MKDIR, .owner = creator(r), .path = path});
    }
    if (err)
        return err;
    req_ok(r);
    return 0;
}

static int do_rm(struct req *r)
{
    char path[XSL_PATH_BUF], parent[XSL_PATH_BUF];
    struct node *n;
    int err = path_arg(r, path);

    if (!err)
        err = lookup(r, path, XSL_PERM_WRITE, SEE_NONE, &n);
    if (err == ENOENT) {
        /* Removing a missing node is fine if its parent exists. */
        size_t len = xsl_path_parent_len(path);
        memcpy(parent, path, len);
        parent[len] = '\0';
        if (len == 1)
            parent[1] = '\0';
        if (len > 0 && store_get(r->st, parent)) {
            observe(r, path, SEE_VALUE);
            req_ok(r);
            return 0;
        }
    }
    if (err)
        return err;
    if (strcmp(path, "/") == 0)
        return EINVAL;
    apply(r, &(struct txop){.kind = TXOP_RM, .owner = -1, .path = path});
    req_ok(r);
    return 0;
}

static int do_directory(struct req *r)
{
    char path[XSL_PATH_BUF];
    struct node *n;
    int err = path_arg(r, path);

    if (!err)
        err = lookup(r, path, XSL_PERM_READ, SEE_KIDS, &n);
    if (err)
        return err;
    req_reply(r, n->kids, n->kidlen);
    return 0;
}

/* DIRECTORY_PART: "<generation>\0" + as many names from byte offset as fit; a final empty
 * name marks the end of the list (Xen 4.17's send_directory_part()). */
static int do_directory_part(struct req *r)
{
    const char *argv[2];
    char path[XSL_PATH_BUF], *buf;
    unsigned long off;
    struct node *n;
    uint32_t genlen, len = 0, maxlen;
    int err;

    if (xsl_count_strings(r->data, r->len) != 2 || xsl_split(r->data, r->len, argv, 2) != 2)
        return EINVAL;
    err = canon(r, argv[0], path);
    if (!err)
        err = lookup(r, path, XSL_PERM_READ, SEE_KIDS, &n);
    if (err)
        return err;
    if (!xsl_parse_uint(argv[1], UINT32_MAX, &off))
        return EINVAL;
    buf = xmalloc(XENSTORE_PAYLOAD_MAX + 32);
    genlen = (uint32_t)sprintf(buf, "%llu", (unsigned long long)n->cgen) + 1;
    if (off >= n->kidlen) {
        buf[genlen] = '\0';
        req_reply(r, buf, genlen + 1);
        free(buf);
        return 0;
    }
    maxlen = XENSTORE_PAYLOAD_MAX - genlen - 1;
    while (off + len < n->kidlen) {
        uint32_t l = (uint32_t)strlen(n->kids + off + len) + 1;
        if (len + l > maxlen)
            break;
        len += l;
    }
    memcpy(buf + genlen, n->kids + off, len);
    if (off + len == n->kidlen)
        buf[genlen + len++] = '\0';
    req_reply(r, buf, genlen + len);
    free(buf);
    return 0;
}

static int do_get_perms(struct req *r)
{
    char path[XSL_PATH_BUF], buf[XENSTORE_PAYLOAD_MAX];
    struct node *n;
    uint32_t len = 0;
    int err = path_arg(r, path);

    if (!err)
        err = lookup(r, path, XSL_PERM_READ, SEE_VALUE, &n);
    if (err)
        return err;
    for (uint32_t i = 0; i < n->nperms && len + 16 < sizeof(buf); i++)
        len += (uint32_t)xsl_perm_format(&n->perms[i], buf + len) + 1;
    req_reply(r, buf, len);
    return 0;
}

static struct special_perms *special(const char *name)
{
    if (strcmp(name, "@introduceDomain") == 0)
        return &xsd.intro_perms;
    if (strcmp(name, "@releaseDomain") == 0)
        return &xsd.release_perms;
    return NULL;
}

static int do_set_perms(struct req *r)
{
    unsigned int count = xsl_count_strings(r->data, r->len);
    char path[XSL_PATH_BUF];
    struct xsl_perm perms[XENSTORE_PAYLOAD_MAX / 2];
    struct xsl_who w = who(r);
    struct node *n;
    int err;

    if (count < 2)
        return EINVAL;
    count--;
    if (!r->c->priv && count > xsd.lim.perms)
        return ENOSPC;
    if (xsl_perms_parse(r->data + strlen(r->data) + 1, count, perms))
        return EINVAL;
    if (xsl_path_special(r->data)) {
        struct special_perms *sp = special(r->data);
        if (!sp || count > XSL_SPECIAL_PERMS_MAX)
            return EINVAL;
        if ((xsl_perm_for(sp->p, sp->n, &w) & (XSL_PERM_WRITE | XSL_PERM_OWNER)) !=
            (XSL_PERM_WRITE | XSL_PERM_OWNER))
            return EACCES;
        memcpy(sp->p, perms, count * sizeof(*perms));
        sp->n = count;
        req_ok(r);
        return 0;
    }
    err = canon(r, r->data, path);
    if (!err)
        err = lookup(r, path, XSL_PERM_WRITE | XSL_PERM_OWNER, SEE_NONE, &n);
    if (err)
        return err;
    if (!r->c->priv && perms[0].id != n->perms[0].id)
        return EPERM;
    apply(r, &(struct txop){
                 .kind = TXOP_PERMS, .owner = -1, .path = path, .data = perms, .len = count});
    req_ok(r);
    return 0;
}

static const struct {
    req_handler fn;
    uint32_t flags;
} ops[XSL_TYPE_COUNT] = {
    [XS_CONTROL] = {do_control, F_PRIV},
    [XS_DIRECTORY] = {do_directory, 0},
    [XS_READ] = {do_read, 0},
    [XS_GET_PERMS] = {do_get_perms, 0},
    [XS_WATCH] = {do_watch, F_NOTID},
    [XS_UNWATCH] = {do_unwatch, F_NOTID},
    [XS_TRANSACTION_START] = {do_transaction_start, 0},
    [XS_TRANSACTION_END] = {do_transaction_end, 0},
    [XS_INTRODUCE] = {do_introduce, F_PRIV},
    [XS_RELEASE] = {do_release, F_PRIV},
    [XS_GET_DOMAIN_PATH] = {do_get_domain_path, 0},
    [XS_WRITE] = {do_write, 0},
    [XS_MKDIR] = {do_mkdir, 0},
    [XS_RM] = {do_rm, 0},
    [XS_SET_PERMS] = {do_set_perms, 0},
    [XS_IS_DOMAIN_INTRODUCED] = {do_is_domain_introduced, F_PRIV},
    [XS_RESUME] = {do_resume, F_PRIV},
    [XS_SET_TARGET] = {do_set_target, F_PRIV},
    [XS_RESET_WATCHES] = {do_reset_watches, 0},
    [XS_DIRECTORY_PART] = {do_directory_part, 0},
};

static struct txn *find_txn(struct conn *c, uint32_t id)
{
    for (struct txn *t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

void dispatch(struct conn *c, const struct xsd_sockmsg *hdr, const char *data, uint32_t len)
{
    struct req r = {.c = c, .hdr = hdr, .data = data, .len = len};
    int err;

    if (xsl_verbose)
        xsl_log("dom%u %s req %u tx %u len %u", c->id, xsl_type_name(hdr->type), hdr->req_id,
                hdr->tx_id, len);
    if (hdr->type >= XSL_TYPE_COUNT || !ops[hdr->type].fn) {
        conn_error(c, hdr, ENOSYS);
        return;
    }
    if ((ops[hdr->type].flags & F_PRIV) && !c->priv) {
        conn_error(c, hdr, EACCES);
        return;
    }
    if (!(ops[hdr->type].flags & F_NOTID) && hdr->tx_id != 0) {
        r.tx = find_txn(c, hdr->tx_id);
        if (!r.tx) {
            conn_error(c, hdr, ENOENT);
            return;
        }
        if (!c->priv && txn_nodes(r.tx) >= xsd.lim.trans_nodes && hdr->type != XS_TRANSACTION_END) {
            conn_error(c, hdr, ENOSPC);
            return;
        }
    }
    r.st = r.tx ? &r.tx->view : &xsd.tree;
    err = ops[hdr->type].fn(&r);
    if (err)
        conn_error(c, hdr, err);
}

/* ------------------------------------------------------------------ transactions */

int do_transaction_start(struct req *r)
{
    struct conn *c = r->c;
    struct txn *t;
    char buf[16];

    if (r->tx)
        return EBUSY;
    if (!c->priv && c->ntxns >= xsd.lim.transactions)
        return ENOSPC;
    while (c->next_txid == 0 || find_txn(c, c->next_txid))
        c->next_txid++;
    t = txn_new(&xsd.tree, c->next_txid++);
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    req_reply(r, buf, (uint32_t)sprintf(buf, "%u", t->id) + 1);
    return 0;
}

int do_transaction_end(struct req *r)
{
    struct conn *c = r->c;
    struct txn *t = r->tx, **pp;
    bool commit;

    if (!xsl_onearg(r->data, r->len))
        return EINVAL;
    if (strcmp(r->data, "T") == 0)
        commit = true;
    else if (strcmp(r->data, "F") == 0)
        commit = false;
    else
        return EINVAL;
    if (!t)
        return ENOENT;
    for (pp = &c->txns; *pp != t; pp = &(*pp)->next)
        ;
    *pp = t->next;
    c->ntxns--;
    if (commit && txn_conflicts(t)) {
        txn_free(t);
        return EAGAIN;
    }
    if (commit)
        for (uint32_t i = 0; i < t->nops; i++)
            mutate_global(&t->ops[i]);
    txn_free(t);
    req_ok(r);
    return 0;
}

/* ------------------------------------------------------------------ control */

int do_control(struct req *r)
{
    const char *argv[2];
    unsigned int n = xsl_split(r->data, r->len, argv, 2);
    char buf[512];

    if (n < 1)
        return EINVAL;
    if (strcmp(argv[0], "check") == 0 || strcmp(argv[0], "log") == 0 ||
        strcmp(argv[0], "logfile") == 0) {
        req_ok(r);
    } else if (strcmp(argv[0], "print") == 0) {
        if (n < 2)
            return EINVAL;
        xsl_log("control print: %s", argv[1]);
        req_ok(r);
    } else if (strcmp(argv[0], "help") == 0) {
        static const char help[] = "Available commands:\ncheck\nhelp\nlog\nprint <string>\nquota\n";
        req_reply(r, help, sizeof(help));
    } else if (strcmp(argv[0], "quota") == 0) {
        int len = snprintf(buf, sizeof(buf),
                           "Quota settings:\nentries-per-domain: %u\nwatches-per-domain: %u\n"
                           "entry-size: %u\ntransactions-per-domain: %u\nperms-per-node: %u\n"
                           "path-max: %u\noutstanding: %u\ntransaction-nodes: %u\nmemory: %u\n",
                           xsd.lim.entries, xsd.lim.watches, xsd.lim.entry_size,
                           xsd.lim.transactions, xsd.lim.perms, xsd.lim.path_max,
                           xsd.lim.outstanding, xsd.lim.trans_nodes, xsd.lim.memory);
        req_reply(r, buf, (uint32_t)len + 1);
    } else {
        return EINVAL;
    }
    return 0;
}
