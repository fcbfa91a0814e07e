/* Pipelined xenstore requests (see xs_batch.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>
#include "xs_batch.h"

#define MAX_TRIES 8 /* transaction restarts on EAGAIN */

const char *xs_daemon_socket(void); /* libxenstore's (xenstore-lite's client) */

void tern_xs_batch_init(struct tern_xs_batch *b)
{
    *b = (struct tern_xs_batch){0};
}

static void free_replies(struct tern_xs_batch *b)
{
    if (b->replies)
        for (unsigned int i = 0; i < b->count; i++)
            free(b->replies[i].value);
    free(b->replies);
    b->replies = NULL;
}

void tern_xs_batch_free(struct tern_xs_batch *b)
{
    free_replies(b);
    for (unsigned int i = 0; i < b->count; i++)
        free(b->paths ? b->paths[i] : NULL);
    free(b->paths);
    free(b->buf);
    tern_xs_batch_init(b);
}

/* Appends one request: header + the parts (each with its NUL when nul[i]). */
static void queue(struct tern_xs_batch *b, uint32_t type, const char *path, const char *parts[],
                  const size_t lens[], unsigned int nparts)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = b->count};
    size_t need = sizeof(hdr);
    char **paths;

    if (b->err)
        return;
    for (unsigned int i = 0; i < nparts; i++)
        need += lens[i];
    if (need - sizeof(hdr) > XENSTORE_PAYLOAD_MAX) {
        b->err = -E2BIG;
        return;
    }
    if (b->len + need > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 8192) + need;
        char *nbuf = realloc(b->buf, cap);

        if (!nbuf) {
            b->err = -ENOMEM;
            return;
        }
        b->buf = nbuf;
        b->cap = cap;
    }
    paths = realloc(b->paths, (b->count + 1) * sizeof(*paths));
    if (!paths) {
        b->err = -ENOMEM;
        return;
    }
    b->paths = paths;
    b->paths[b->count] = strdup(path);
    hdr.len = (uint32_t)(need - sizeof(hdr));
    memcpy(b->buf + b->len, &hdr, sizeof(hdr));
    b->len += sizeof(hdr);
    for (unsigned int i = 0; i < nparts; i++) {
        memcpy(b->buf + b->len, parts[i], lens[i]);
        b->len += lens[i];
    }
    b->count++;
}

void tern_xs_batch_write(struct tern_xs_batch *b, const char *path, const char *value)
{
    const char *parts[2] = {path, value};
    size_t lens[2] = {strlen(path) + 1, value ? strlen(value) : 0};

    queue(b, value ? XS_WRITE : XS_MKDIR, path, parts, lens, value ? 2 : 1);
}

void tern_xs_batch_rm(struct tern_xs_batch *b, const char *path)
{
    const char *parts[1] = {path};
    size_t lens[1] = {strlen(path) + 1};

    queue(b, XS_RM, path, parts, lens, 1);
}

void tern_xs_batch_read(struct tern_xs_batch *b, const char *path)
{
    const char *parts[1] = {path};
    size_t lens[1] = {strlen(path) + 1};

    queue(b, XS_READ, path, parts, lens, 1);
}

void tern_xs_batch_perms(struct tern_xs_batch *b, const char *path,
                         const struct xs_permissions *perms, unsigned int n)
{
    static const char letter[4] = {'n', 'r', 'w', 'b'}; /* XS_PERM_READ 1, WRITE 2 */
    char text[16 * 16];
    const char *parts[2] = {path, text};
    size_t lens[2] = {strlen(path) + 1, 0};

    if (n > 16) {
        b->err = b->err ? b->err : -E2BIG;
        return;
    }
    for (unsigned int i = 0; i < n; i++)
        lens[1] += (size_t)snprintf(text + lens[1], sizeof(text) - lens[1], "%c%u",
                                    letter[perms[i].perms & 3], perms[i].id) +
                   1; /* each entry keeps its NUL */
    queue(b, XS_SET_PERMS, path, parts, lens, 2);
}

void tern_xs_batch_set_tx(struct tern_xs_batch *b, uint32_t tx_id)
{
    for (size_t off = 0; off + sizeof(struct xsd_sockmsg) <= b->len;) {
        struct xsd_sockmsg hdr;

        memcpy(&hdr, b->buf + off, sizeof(hdr));
        hdr.tx_id = tx_id;
        memcpy(b->buf + off, &hdr, sizeof(hdr));
        off += sizeof(hdr) + hdr.len;
    }
}

long tern_xs_parse_reply(const char *buf, size_t len, uint32_t *type, uint32_t *req_id,
                         const char **payload, uint32_t *plen)
{
    struct xsd_sockmsg hdr;

    if (len < sizeof(hdr))
        return 0;
    memcpy(&hdr, buf, sizeof(hdr));
    if (hdr.len > XENSTORE_PAYLOAD_MAX)
        return -EIO;
    if (len < sizeof(hdr) + hdr.len)
        return 0;
    *type = hdr.type;
    *req_id = hdr.req_id;
    *payload = buf + sizeof(hdr);
    *plen = hdr.len;
    return (long)(sizeof(hdr) + hdr.len);
}

int tern_xs_error_errno(const char *payload, uint32_t plen)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
        size_t n = strlen(xsd_errors[i].errstring);

        if ((plen == n || (plen == n + 1 && !payload[n])) &&
            !memcmp(payload, xsd_errors[i].errstring, n))
            return xsd_errors[i].errnum;
    }
    return EIO;
}

static int send_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -errno;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads replies to requests 0..count-1 (in any order) into replies[]; stray messages
 * (watch events: none are set on this connection) are skipped. */
static int read_replies(int fd, unsigned int count, struct tern_xs_reply *replies)
{
    size_t cap = 65536, have = 0;
    char *buf = malloc(cap);
    unsigned int got = 0;
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    while (got < count && rc == 0) {
        uint32_t type, id, plen;
        const char *payload;
        long used = tern_xs_parse_reply(buf, have, &type, &id, &payload, &plen);

        if (used < 0) {
            rc = (int)used;
            break;
        }
        if (used == 0) {
            ssize_t n;

            if (have == cap) {
                rc = -EIO; /* cannot happen: a reply is at most 4 KiB + header */
                break;
            }
            n = recv(fd, buf + have, cap - have, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                rc = n < 0 ? -errno : -ECONNRESET;
                break;
            }
            have += (size_t)n;
            continue;
        }
        if (type != XS_WATCH_EVENT && id < count && !replies[id].value && !replies[id].err) {
            replies[id].err = type == XS_ERROR ? tern_xs_error_errno(payload, plen) : 0;
            replies[id].value = malloc(plen + 1);
            if (!replies[id].value) {
                rc = -ENOMEM;
                break;
            }
            memcpy(replies[id].value, payload, plen);
            replies[id].value[plen] = '\0';
            replies[id].len = plen;
            got++;
        }
        memmove(buf, buf + used, have - (size_t)used);
        have -= (size_t)used;
    }
    free(buf);
    return rc;
}

/* One request outside the batch (transaction start/end); returns 0 and the reply. */
static int simple(int fd, uint32_t type, uint32_t tx, const char *arg, char *out, size_t outlen)
{
    struct tern_xs_batch one;
    struct tern_xs_reply r = {0};
    const char *parts[1] = {arg};
    size_t lens[1] = {strlen(arg) + 1};
    int rc;

    tern_xs_batch_init(&one);
    queue(&one, type, arg, parts, lens, 1);
    tern_xs_batch_set_tx(&one, tx);
    rc = one.err ? one.err : send_all(fd, one.buf, one.len);
    if (rc == 0)
        rc = read_replies(fd, 1, &r);
    if (rc == 0 && r.err)
        rc = -r.err;
    if (rc == 0 && out)
        snprintf(out, outlen, "%s", r.value);
    free(r.value);
    tern_xs_batch_free(&one);
    return rc;
}

static int connect_daemon(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    const char *path = xs_daemon_socket();
    int fd;

    if (!path || strlen(path) >= sizeof(addr.sun_path))
        return -ENOTCONN;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        close(fd);
        return -ENOTCONN;
    }
    return fd;
}

int tern_xs_batch_run(struct tern_xs_batch *b, bool transactional, int *failed)
{
    int fd, rc = 0;

    *failed = -1;
    if (b->err)
        return b->err;
    fd = connect_daemon();
    if (fd < 0)
        return fd;
    for (int tries = 0; tries < MAX_TRIES; tries++) {
        char txs[32] = "0";
        uint32_t tx = 0;

        free_replies(b);
        b->replies = calloc(b->count ? b->count : 1, sizeof(*b->replies));
        if (!b->replies) {
            rc = -ENOMEM;
            break;
        }
        if (transactional) {
            rc = simple(fd, XS_TRANSACTION_START, 0, "", txs, sizeof(txs));
            if (rc < 0)
                break;
            tx = (uint32_t)strtoul(txs, NULL, 10);
        }
        tern_xs_batch_set_tx(b, tx);
        rc = send_all(fd, b->buf, b->len);
        if (rc == 0)
            rc = read_replies(fd, b->count, b->replies);
        for (unsigned int i = 0; rc == 0 && i < b->count; i++) {
            if (b->replies[i].err && b->replies[i].err != ENOENT) {
                *failed = (int)i;
                rc = -b->replies[i].err;
            }
        }
        /* ENOENT is an answer for reads and removals (no such node), an error for the
         * rest. */
        for (unsigned int i = 0; rc == 0 && i < b->count; i++) {
            struct xsd_sockmsg hdr;
            size_t off = 0;

            if (!b->replies[i].err)
                continue;
            for (unsigned int k = 0; k < i; k++) {
                memcpy(&hdr, b->buf + off, sizeof(hdr));
                off += sizeof(hdr) + hdr.len;
            }
            memcpy(&hdr, b->buf + off, sizeof(hdr));
            if (hdr.type != XS_READ && hdr.type != XS_RM) {
                *failed = (int)i;
                rc = -b->replies[i].err;
            }
        }
        if (!transactional)
            break;
        if (rc < 0) {
            simple(fd, XS_TRANSACTION_END, tx, "F", NULL, 0);
            break;
        }
        rc = simple(fd, XS_TRANSACTION_END, tx, "T", NULL, 0);
        if (rc != -EAGAIN)
            break;
    }
    close(fd);
    return rc;
}
