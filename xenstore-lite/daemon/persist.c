/* Persistence across restarts (see persist.h). */
#include "persist.h"
#include "daemon.h"
#include "util.h"
#include "../proto/path.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "TERN-XENSTORED-1"
/* The journal is a file of this size, mapped shared: a batch of records is a memcpy, no
 * system call, and the page cache keeps it if the daemon is killed (as write() would).
 * A batch that does not fit makes a new snapshot instead. */
#define JOURNAL_BYTES (4u << 20)

enum rec_kind {
    REC_NODE = 'N',
    REC_DOMAIN = 'D',
    REC_RELEASE = 'X',
    REC_WATCH = 'A',
    REC_UNWATCH = 'U',
    REC_UNWATCH_ALL = 'Z',
};

struct rec_hdr {
    uint32_t len; /* bytes after this header */
    uint8_t kind;
    uint8_t pad[3];
    int64_t owner;
    uint32_t plen, dlen;
};

struct file_hdr {
    char magic[16];
    char boot_id[40];
    uint64_t epoch;
};

static struct {
    char *dir;
    int jfd;
    uint64_t epoch;
    char boot_id[40];
    char *buf;
    size_t len, cap;
    char *map;   /* the journal file mapped (NULL: records go out with pwrite) */
    size_t joff; /* end of the journal's records in the file */
} P = {.jfd = -1};

static void read_boot_id(char *out)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

    memset(out, 0, 40);
    if (f) {
        if (!fgets(out, 40, f))
            out[0] = '\0';
        fclose(f);
    }
    out[strcspn(out, "\n")] = '\0';
}

static char *file_path(const char *name)
{
    char *p = xmalloc(strlen(P.dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", P.dir, name);
    return p;
}

static void buf_put(const void *d, size_t n)
{
    if (P.len + n > P.cap) {
        P.cap = (P.len + n) * 2;
        P.buf = xrealloc(P.buf, P.cap);
    }
    memcpy(P.buf + P.len, d, n);
    P.len += n;
}

static void put_rec(uint8_t kind, int64_t owner, const char *path, const void *d1, uint32_t l1,
                    const void *d2, uint32_t l2)
{
    uint32_t plen = path ? (uint32_t)strlen(path) : 0;
    struct rec_hdr h = {.kind = kind, .owner = owner, .plen = plen, .dlen = l1 + l2};

    h.len = (uint32_t)(sizeof(h) - sizeof(h.len)) + plen + l1 + l2;
    buf_put(&h, sizeof(h));
    buf_put(path, plen);
    if (l1)
        buf_put(d1, l1);
    if (l2)
        buf_put(d2, l2);
}

void persist_log(const struct txop *op)
{
    uint32_t dlen = op->kind == TXOP_PERMS ? op->len * (uint32_t)sizeof(struct xsl_perm) : op->len;

    if (P.jfd < 0)
        return;
    put_rec(op->kind, op->owner, op->path, op->data, dlen, NULL, 0);
}

void persist_domain(uint32_t domid, uint64_t gfn, uint32_t port, bool introduced)
{
    if (P.jfd < 0)
        return;
    if (introduced) {
        struct {
            uint64_t gfn;
            uint32_t port;
        } d = {gfn, port};
        put_rec(REC_DOMAIN, domid, "", &d, sizeof(d), NULL, 0);
    } else {
        put_rec(REC_RELEASE, domid, "", NULL, 0, NULL, 0);
    }
}

void persist_watch(uint32_t domid, const char *path, const char *token, uint32_t rel_off, bool add)
{
    if (P.jfd < 0)
        return;
    put_rec(add ? REC_WATCH : REC_UNWATCH, domid, path, &rel_off, 4, token,
            (uint32_t)strlen(token));
}

void persist_watch_clear(uint32_t domid)
{
    if (P.jfd < 0)
        return;
    put_rec(REC_UNWATCH_ALL, domid, "", NULL, 0, NULL, 0);
}

static bool write_all(int fd, const void *d, size_t n)
{
    const char *p = d;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* ---------------------------------------------------------------- loading */

static void apply_rec(const struct rec_hdr *h, const char *path, const char *data)
{
    switch (h->kind) {
    case REC_NODE: {
        uint32_t np;
        if (h->dlen < 4)
            return;
        memcpy(&np, data, 4);
        if ((uint64_t)np * sizeof(struct xsl_perm) > h->dlen - 4 || np == 0)
            return;
        struct xsl_perm *perms = xmemdup(data + 4, np * sizeof(*perms));
        const char *val = data + 4 + np * sizeof(*perms);
        uint32_t vlen = h->dlen - 4 - np * (uint32_t)sizeof(*perms);
        store_write(&xsd.tree, path, val, vlen, -1, true);
        store_set_perms(&xsd.tree, path, perms, np);
        free(perms);
        break;
    }
    case REC_DOMAIN: {
        struct {
            uint64_t gfn;
            uint32_t port;
        } d;
        if (h->dlen >= sizeof(d)) {
            memcpy(&d, data, sizeof(d));
            domain_restore((uint32_t)h->owner, d.gfn, d.port);
        }
        break;
    }
    case REC_RELEASE:
        domain_restore((uint32_t)h->owner, 0, 0);
        break;
    case REC_WATCH:
    case REC_UNWATCH:
        if (h->dlen >= 4 && h->dlen < 4096) {
            uint32_t rel_off;
            char token[4096];
            memcpy(&rel_off, data, 4);
            memcpy(token, data + 4, h->dlen - 4);
            token[h->dlen - 4] = '\0';
            domain_restore_watch((uint32_t)h->owner, path, token, rel_off, h->kind == REC_WATCH);
        }
        break;
    case REC_UNWATCH_ALL:
        domain_restore_watch((uint32_t)h->owner, NULL, NULL, 0, false);
        break;
    case TXOP_PERMS:
        if (h->dlen >= sizeof(struct xsl_perm)) {
            struct xsl_perm *perms = xmemdup(data, h->dlen);
            store_set_perms(&xsd.tree, path, perms, h->dlen / sizeof(struct xsl_perm));
            free(perms);
        }
        break;
    case TXOP_WRITE:
        store_write(&xsd.tree, path, data, h->dlen, h->owner, true);
        break;
    case TXOP_MKDIR:
        if (!store_get(&xsd.tree, path))
            store_write(&xsd.tree, path, NULL, 0, h->owner, false);
        break;
    case TXOP_RM:
        store_rm(&xsd.tree, path);
        break;
    }
}

/* Replay a snapshot or journal file; returns its epoch, or -1 if absent / foreign. */
static int64_t load_file(const char *name)
{
    char *path = file_path(name);
    FILE *f = fopen(path, "rb");
    struct file_hdr fh;
    struct rec_hdr h;
    char *rec = NULL;
    int64_t epoch = -1;

    free(path);
    if (!f)
        return -1;
    if (fread(&fh, sizeof(fh), 1, f) != 1 || memcmp(fh.magic, MAGIC, 16) != 0 ||
        strncmp(fh.boot_id, P.boot_id, sizeof(fh.boot_id)) != 0)
        goto out;
    epoch = (int64_t)fh.epoch;
    while (fread(&h, sizeof(h), 1, f) == 1) {
        size_t body = h.len - (sizeof(h) - sizeof(h.len));
        if (h.len < sizeof(h) - sizeof(h.len) || body != (size_t)h.plen + h.dlen ||
            h.plen >= XSL_PATH_BUF || h.dlen > (1u << 20))
            break; /* torn or corrupt tail: stop here */
        rec = xrealloc(rec, body + 1);
        if (fread(rec, 1, body, f) != body)
            break;
        char pathbuf[XSL_PATH_BUF];
        memcpy(pathbuf, rec, h.plen);
        pathbuf[h.plen] = '\0';
        if (h.kind != REC_DOMAIN && h.kind != REC_RELEASE && h.kind != REC_UNWATCH_ALL &&
            pathbuf[0] != '/' && pathbuf[0] != '@')
            continue;
        apply_rec(&h, pathbuf, rec + h.plen);
    }
out:
    free(rec);
    fclose(f);
    return epoch;
}

/* ---------------------------------------------------------------- snapshot */

static void snap_node(void *ctx, const struct node *n)
{
    uint32_t np = n->nperms;
    char *tmp = xmalloc(4 + np * sizeof(struct xsl_perm));

    memcpy(tmp, &np, 4);
    memcpy(tmp + 4, n->perms, np * sizeof(struct xsl_perm));
    put_rec(REC_NODE, -1, n->path, tmp, 4 + np * (uint32_t)sizeof(struct xsl_perm), n->value,
            n->vlen);
    free(tmp);
}

static void snap_domain(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port)
{
    persist_domain(domid, gfn, port, true);
}

static void snap_watch(void *ctx, uint32_t domid, const char *path, const char *token,
                       uint32_t rel_off)
{
    persist_watch(domid, path, token, rel_off, true);
}

static int write_file_atomic(const char *name, const void *d, size_t n)
{
    char *path = file_path(name), *tmp = xmalloc(strlen(path) + 8);
    int fd, rc = -1;

    sprintf(tmp, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && write_all(fd, d, n) && fsync(fd) == 0 && close(fd) == 0) {
        fd = -1;
        rc = rename(tmp, path);
    }
    if (fd >= 0)
        close(fd);
    free(tmp);
    free(path);
    return rc;
}

static void journal_close(void)
{
    if (P.map)
        munmap(P.map, JOURNAL_BYTES);
    P.map = NULL;
    if (P.jfd >= 0)
        close(P.jfd);
    P.jfd = -1;
}

static int compact(void)
{
    struct file_hdr fh = {.epoch = P.epoch + 1};
    char *saved = P.buf;
    size_t saved_len = P.len, saved_cap = P.cap;
    int jfd = P.jfd, rc;

    memcpy(fh.magic, MAGIC, 16);
    memcpy(fh.boot_id, P.boot_id, sizeof(fh.boot_id));
    P.buf = NULL;
    P.len = P.cap = 0;
    P.jfd = 0; /* let put_rec run */
    buf_put(&fh, sizeof(fh));
    store_walk(&xsd.tree, "/", snap_node, NULL);
    domain_foreach(snap_domain, NULL);
    domain_foreach_watch(snap_watch, NULL);
    rc = write_file_atomic("tern-xenstored.db", P.buf, P.len);
    free(P.buf);
    P.buf = saved;
    P.len = saved_len;
    P.cap = saved_cap;
    P.jfd = jfd;
    if (rc)
        return -1;
    P.epoch++;
    /* New journal for the new epoch. */
    if (write_file_atomic("tern-xenstored.journal", &fh, sizeof(fh)))
        return -1;
    journal_close();
    char *jp = file_path("tern-xenstored.journal");
    P.jfd = open(jp, O_RDWR | O_CLOEXEC);
    free(jp);
    P.joff = sizeof(fh);
    if (P.jfd < 0)
        return -1;
    /* Space reserved up front (a mapped write past the end of a full file system would be
     * SIGBUS); the zero tail reads as the end of the journal.  Else: pwrite per batch. */
    if (posix_fallocate(P.jfd, 0, JOURNAL_BYTES) == 0) {
        void *m = mmap(NULL, JOURNAL_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, P.jfd, 0);
        P.map = m == MAP_FAILED ? NULL : m;
    }
    return 0;
}

int persist_open(const char *dir)
{
    int64_t se, je;

    P.dir = xstrdup(dir);
    read_boot_id(P.boot_id);
    mkdir(dir, 0755);
    store_init(&xsd.tree, NULL); /* start from an empty tree: the snapshot holds "/" */
    se = load_file("tern-xenstored.db");
    if (se >= 0) {
        je = -1;
        char *jp = file_path("tern-xenstored.journal");
        FILE *f = fopen(jp, "rb");
        struct file_hdr fh;
        free(jp);
        if (f) {
            if (fread(&fh, sizeof(fh), 1, f) == 1 && fh.epoch == (uint64_t)se)
                je = se;
            fclose(f);
        }
        if (je == se)
            load_file("tern-xenstored.journal");
        P.epoch = (uint64_t)se;
        xsl_log("restored %u nodes from %s", xsd.tree.count, dir);
    } else {
        store_free(&xsd.tree);
        daemon_init_tree();
    }
    if (compact()) {
        xsl_log("cannot write state under %s: running without persistence", dir);
        journal_close();
        return -1;
    }
    return 0;
}

/* Append the buffered records at P.joff.  The first record's length goes last: a daemon
 * killed in the middle of the copy leaves a zero length there, which ends the journal
 * before the torn batch (none of whose changes had been acknowledged). */
static bool journal_append(void)
{
    const char *b = P.buf;
    size_t n = P.len;

    if (!P.map) {
        for (size_t off = 0; off < n;) {
            ssize_t w = pwrite(P.jfd, b + off, n - off, (off_t)(P.joff + off));
            if (w <= 0)
                return false;
            off += (size_t)w;
        }
        P.joff += n;
        return true;
    }
    memcpy(P.map + P.joff + sizeof(uint32_t), b + sizeof(uint32_t), n - sizeof(uint32_t));
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    memcpy(P.map + P.joff, b, sizeof(uint32_t));
    P.joff += n;
    return true;
}

void persist_flush(void)
{
    if (P.jfd < 0 || P.len == 0)
        return;
    if (P.joff + P.len > JOURNAL_BYTES) {
        /* These changes are in the tree already: the new snapshot holds them. */
        P.len = 0;
        if (compact()) {
            xsl_log("cannot write a snapshot: persistence disabled");
            journal_close();
        }
        return;
    }
    if (!journal_append()) {
        xsl_log("journal write failed: persistence disabled");
        journal_close();
    }
    P.len = 0;
}
