/*
 * libxenstore-compatible client: the xs_* API declared by Debian's <xenstore.h> (Xen 4.17),
 * over the daemon's unix socket or, failing that, the kernel's /dev/xen/xenbus.
 *
 * Requests are synchronous.  Watch events that arrive while waiting for a reply are queued.
 * As in Xen's library, a reader thread starts with the first watch or xs_fileno(): it owns
 * the connection's input, hands replies to the waiting caller and queues events, signalling
 * a pipe whose read end xs_fileno() returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

#include "../proto/wire.h"

struct msg {
    struct msg *next;
    struct xsd_sockmsg hdr;
    char *body; /* hdr.len bytes + a NUL */
};

struct xs_handle {
    int fd;
    unsigned long flags;
    uint32_t req_id;
    pthread_mutex_t req_lock; /* one request at a time */
    pthread_mutex_t lock;     /* the queues below */
    pthread_cond_t cond;
    struct msg *events, **events_tail;
    struct msg *reply;
    bool reader, dead;
    pthread_t thread;
    int pipe[2];
    /* Input buffer: one read usually brings a whole reply (header and payload). */
    char ibuf[2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)];
    size_t ioff, ilen;
};

/* ------------------------------------------------------------------ paths */

const char *xs_daemon_rundir(void)
{
    const char *s = getenv("XENSTORED_RUNDIR");
    return s && *s ? s : "/var/run/xenstored";
}

const char *xs_daemon_socket(void)
{
    static char buf[256];
    const char *s = getenv("XENSTORED_PATH");

    if (s && *s)
        return s;
    snprintf(buf, sizeof(buf), "%s/socket", xs_daemon_rundir());
    return buf;
}

const char *xs_daemon_socket_ro(void)
{
    return xs_daemon_socket();
}

bool xs_write_all(int fd, const void *data, unsigned int len)
{
    const char *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (unsigned int)n;
    }
    return true;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num, const char *strings)
{
    for (unsigned int i = 0; i < num; i++, strings += strlen(strings) + 1) {
        char *end;
        switch (strings[0]) {
        case 'r':
            perms[i].perms = XS_PERM_READ;
            break;
        case 'w':
            perms[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            perms[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        case 'n':
            perms[i].perms = XS_PERM_NONE;
            break;
        default:
            errno = EINVAL;
            return false;
        }
        perms[i].id = (unsigned int)strtoul(strings + 1, &end, 10);
        if (end == strings + 1 || *end) {
            errno = EINVAL;
            return false;
        }
    }
    return true;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t len = strlen(parent);

    if (len == 0 || strncmp(child, parent, len) != 0)
        return false;
    return parent[len - 1] == '/' || child[len] == '/' || child[len] == '\0';
}

/* ------------------------------------------------------------------ open / close */

static int connect_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = EINVAL;
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static const char *xenbus_dev(void)
{
    const char *s = getenv("XENSTORED_PATH");
    if (s && strncmp(s, "/dev/", 5) == 0)
        return s;
    return access("/dev/xen/xenbus", F_OK) == 0 ? "/dev/xen/xenbus" : "/proc/xen/xenbus";
}

static struct xs_handle *new_handle(int fd, unsigned long flags)
{
    struct xs_handle *h = calloc(1, sizeof(*h));

    if (!h) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->flags = flags;
    h->pipe[0] = h->pipe[1] = -1;
    h->events_tail = &h->events;
    pthread_mutex_init(&h->req_lock, NULL);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    return h;
}

struct xs_handle *xs_open(unsigned long flags)
{
    int fd = connect_socket(xs_daemon_socket());

    /* No daemon socket (e.g. in a guest): the kernel's xenbus device, as Xen's library. */
    if (fd < 0 && !(flags & XS_OPEN_SOCKETONLY))
        fd = open(xenbus_dev(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    return new_handle(fd, flags);
}

struct xs_handle *xs_daemon_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_daemon_open_readonly(void)
{
    return xs_open(XS_OPEN_READONLY);
}

struct xs_handle *xs_domain_open(void)
{
    int fd = open(xenbus_dev(), O_RDWR | O_CLOEXEC);
    return fd < 0 ? NULL : new_handle(fd, 0);
}

static void free_msgs(struct msg *m)
{
    while (m) {
        struct msg *n = m->next;
        free(m->body);
        free(m);
        m = n;
    }
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    if (h->reader) {
        pthread_cancel(h->thread);
        pthread_join(h->thread, NULL);
    }
    close(h->fd);
    if (h->pipe[0] >= 0) {
        close(h->pipe[0]);
        close(h->pipe[1]);
    }
    free_msgs(h->events);
    free_msgs(h->reply);
    pthread_mutex_destroy(&h->req_lock);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
    free(h);
}

void xs_daemon_close(struct xs_handle *h)
{
    xs_close(h);
}

void xs_daemon_destroy_postfork(struct xs_handle *h)
{
    /* After fork: the reader thread does not exist in the child; just let go. */
    close(h->fd);
    free(h);
}

/* ------------------------------------------------------------------ messages */

/* Read at least `want` buffered bytes (one read() per call of the transport, as many bytes
 * as it has). */
static bool fill(struct xs_handle *h, size_t want)
{
    if (h->ioff > 0 && h->ilen - h->ioff < want) {
        memmove(h->ibuf, h->ibuf + h->ioff, h->ilen - h->ioff);
        h->ilen -= h->ioff;
        h->ioff = 0;
    }
    while (h->ilen - h->ioff < want) {
        ssize_t n = read(h->fd, h->ibuf + h->ilen, sizeof(h->ibuf) - h->ilen);
        if (n == 0) {
            errno = ECONNRESET;
            return false;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        h->ilen += (size_t)n;
    }
    return true;
}

static struct msg *read_msg(struct xs_handle *h)
{
    struct msg *m = calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    if (!fill(h, sizeof(m->hdr)))
        goto fail;
    memcpy(&m->hdr, h->ibuf + h->ioff, sizeof(m->hdr));
    if (m->hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = EIO;
        goto fail;
    }
    if (!fill(h, sizeof(m->hdr) + m->hdr.len) || !(m->body = malloc(m->hdr.len + 1)))
        goto fail;
    memcpy(m->body, h->ibuf + h->ioff + sizeof(m->hdr), m->hdr.len);
    m->body[m->hdr.len] = '\0';
    h->ioff += sizeof(m->hdr) + m->hdr.len;
    if (h->ioff == h->ilen)
        h->ioff = h->ilen = 0;
    return m;
fail:
    free(m);
    return NULL;
}

/* Queue an event (caller holds h->lock). */
static void queue_event(struct xs_handle *h, struct msg *m)
{
    m->next = NULL;
    *h->events_tail = m;
    h->events_tail = &m->next;
    if (h->pipe[1] >= 0) {
        char c = 0;
        if (write(h->pipe[1], &c, 1) < 0) { /* the pipe only needs to be readable */
        }
    }
    pthread_cond_broadcast(&h->cond);
}

static void *reader_main(void *arg)
{
    struct xs_handle *h = arg;

    for (;;) {
        struct msg *m = read_msg(h);

        pthread_mutex_lock(&h->lock);
        if (!m) {
            h->dead = true;
            pthread_cond_broadcast(&h->cond);
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        if (m->hdr.type == XS_WATCH_EVENT) {
            queue_event(h, m);
        } else {
            free_msgs(h->reply);
            h->reply = m;
            pthread_cond_broadcast(&h->cond);
        }
        pthread_mutex_unlock(&h->lock);
    }
}

static bool start_reader(struct xs_handle *h)
{
    bool ok = true;

    pthread_mutex_lock(&h->req_lock); /* no request in flight while we take over input */
    if (!h->reader) {
        if (pthread_create(&h->thread, NULL, reader_main, h) == 0)
            h->reader = true;
        else
            ok = false;
    }
    pthread_mutex_unlock(&h->req_lock);
    return ok;
}

/* Send a request made of iovecs; returns the reply body (malloc, NUL-terminated) or NULL. */
static void *xs_talk(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                     const struct iovec *iov, int n, unsigned int *len)
{
    struct xsd_sockmsg hdr = {.type = type, .tx_id = t};
    struct msg *reply = NULL;
    void *ret = NULL;

    for (int i = 0; i < n; i++)
        hdr.len += (uint32_t)iov[i].iov_len;
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    pthread_mutex_lock(&h->req_lock);
    hdr.req_id = ++h->req_id;
    /* One write for the whole message: the daemon wakes once, and the kernel's xenbus
     * device gets the message in one piece. */
    char buf[sizeof(hdr) + XENSTORE_PAYLOAD_MAX];
    size_t blen = sizeof(hdr);
    memcpy(buf, &hdr, sizeof(hdr));
    for (int i = 0; i < n; i++) {
        memcpy(buf + blen, iov[i].iov_base, iov[i].iov_len);
        blen += iov[i].iov_len;
    }
    if (!xs_write_all(h->fd, buf, (unsigned int)blen))
        goto out;
    if (h->reader) {
        pthread_mutex_lock(&h->lock);
        while (!h->reply && !h->dead)
            pthread_cond_wait(&h->cond, &h->lock);
        reply = h->reply;
        h->reply = NULL;
        pthread_mutex_unlock(&h->lock);
        if (!reply)
            errno = ECONNRESET;
    } else {
        while ((reply = read_msg(h)) && reply->hdr.type == XS_WATCH_EVENT) {
            pthread_mutex_lock(&h->lock);
            queue_event(h, reply);
            pthread_mutex_unlock(&h->lock);
        }
    }
    if (!reply)
        goto out;
    if (reply->hdr.type == XS_ERROR) {
        errno = xsl_err_from_name(reply->body, strnlen(reply->body, reply->hdr.len));
    } else if (reply->hdr.type != type) {
        errno = EBADF; /* as Xen's library: a reply that does not match */
    } else {
        ret = reply->body;
        reply->body = NULL;
        if (len)
            *len = reply->hdr.len;
    }
    free_msgs(reply);
out:
    pthread_mutex_unlock(&h->req_lock);
    return ret;
}

static void *single(struct xs_handle *h, xs_transaction_t t, uint32_t type, const char *s,
                    unsigned int *len)
{
    struct iovec iov = {.iov_base = (void *)s, .iov_len = strlen(s) + 1};
    return xs_talk(h, t, type, &iov, 1, len);
}

static bool ack(struct xs_handle *h, xs_transaction_t t, uint32_t type, const struct iovec *iov,
                int n)
{
    char *r = xs_talk(h, t, type, iov, n, NULL);
    if (!r)
        return false;
    free(r);
    return true;
}

static bool single_ack(struct xs_handle *h, xs_transaction_t t, uint32_t type, const char *s)
{
    struct iovec iov = {.iov_base = (void *)s, .iov_len = strlen(s) + 1};
    return ack(h, t, type, &iov, 1);
}

/* NUL-separated strings -> one malloc block: pointer array followed by the strings. */
static char **split_strings(const char *buf, unsigned int len, unsigned int *num)
{
    unsigned int n = xsl_count_strings(buf, len);
    char **ret = malloc((n + 1) * sizeof(char *) + len);
    char *p;

    if (!ret)
        return NULL;
    p = (char *)(ret + n + 1);
    memcpy(p, buf, len);
    for (unsigned int i = 0; i < n; i++) {
        ret[i] = p;
        p += strlen(p) + 1;
    }
    ret[n] = NULL;
    *num = n;
    return ret;
}

/* ------------------------------------------------------------------ the API */

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    return single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
              unsigned int len)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)data, len}};
    return ack(h, t, XS_WRITE, iov, 2);
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return single_ack(h, t, XS_MKDIR, path);
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return single_ack(h, t, XS_RM, path);
}

bool xs_restrict(struct xs_handle *h, unsigned domid)
{
    errno = ENOSYS; /* XS_RESTRICT is gone from Xen's protocol */
    return false;
}

/* A directory too large for one reply: gather it with DIRECTORY_PART, restarting if the
 * node's generation changes underneath (Xen's library does the same). */
static char *directory_part(struct xs_handle *h, xs_transaction_t t, const char *path,
                            unsigned int *total)
{
    char *acc = NULL, gen[32] = "";
    unsigned int len = 0;

    for (int tries = 0; tries < 16; tries++) {
        len = 0;
        for (;;) {
            char off[16];
            unsigned int rlen;
            struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {off, 0}};
            iov[1].iov_len = (size_t)snprintf(off, sizeof(off), "%u", len) + 1;
            char *r = xs_talk(h, t, XS_DIRECTORY_PART, iov, 2, &rlen);
            if (!r) {
                free(acc);
                return NULL;
            }
            size_t glen = strnlen(r, rlen);
            if (glen >= rlen || glen >= sizeof(gen)) {
                free(r);
                free(acc);
                errno = EIO;
                return NULL;
            }
            if (len == 0)
                strcpy(gen, r);
            else if (strcmp(gen, r) != 0) {
                free(r);
                break; /* changed: start over */
            }
            unsigned int part = rlen - (unsigned int)glen - 1;
            /* the list ends with an empty name: two NULs in a row */
            bool end = part == 0 || (rlen >= 2 && r[rlen - 1] == '\0' && r[rlen - 2] == '\0');
            if (end && part > 0)
                part--; /* the terminating empty string */
            char *n = realloc(acc, len + part + 1);
            if (!n) {
                free(r);
                free(acc);
                errno = ENOMEM;
                return NULL;
            }
            acc = n;
            memcpy(acc + len, r + glen + 1, part);
            len += part;
            free(r);
            if (end) {
                *total = len;
                return acc;
            }
        }
    }
    free(acc);
    errno = EAGAIN;
    return NULL;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    unsigned int len;
    char *r = single(h, t, XS_DIRECTORY, path, &len), **ret;

    if (!r && errno == E2BIG)
        r = directory_part(h, t, path, &len);
    if (!r)
        return NULL;
    ret = split_strings(r, len, num);
    free(r);
    return ret;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                                          unsigned int *num)
{
    unsigned int len;
    char *r = single(h, t, XS_GET_PERMS, path, &len);
    struct xs_permissions *p;

    if (!r)
        return NULL;
    *num = xsl_count_strings(r, len);
    p = malloc((*num ? *num : 1) * sizeof(*p));
    if (p && !xs_strings_to_perms(p, *num, r)) {
        free(p);
        p = NULL;
    }
    free(r);
    return p;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                        struct xs_permissions *perms, unsigned int num_perms)
{
    static const char letter[4] = {'n', 'r', 'w', 'b'};
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;

    for (unsigned int i = 0; i < num_perms; i++) {
        int n =
            snprintf(buf + len, sizeof(buf) - len, "%c%u", letter[perms[i].perms & 3], perms[i].id);
        if (n < 0 || (size_t)n + 1 >= sizeof(buf) - len) {
            errno = E2BIG;
            return false;
        }
        len += (size_t)n + 1;
    }
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {buf, len}};
    return ack(h, t, XS_SET_PERMS, iov, 2);
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)token, strlen(token) + 1}};

    if (!start_reader(h))
        return false;
    return ack(h, XBT_NULL, XS_WATCH, iov, 2);
}

int xs_fileno(struct xs_handle *h)
{
    pthread_mutex_lock(&h->lock);
    if (h->pipe[0] < 0 && pipe2(h->pipe, O_CLOEXEC) == 0) {
        for (struct msg *m = h->events; m; m = m->next) { /* already queued */
            char c = 0;
            if (write(h->pipe[1], &c, 1) < 0) {
            }
        }
    }
    pthread_mutex_unlock(&h->lock);
    if (h->pipe[0] < 0 || !start_reader(h))
        return -1;
    return h->pipe[0];
}

/* Take the first queued event (wait for one if block); caller frees the result. */
static char **take_event(struct xs_handle *h, bool block, unsigned int *num)
{
    struct msg *m = NULL;
    char **ret;

    pthread_mutex_lock(&h->lock);
    for (;;) {
        if (h->events)
            break;
        if (!block || h->dead)
            break;
        if (h->reader) {
            pthread_cond_wait(&h->cond, &h->lock);
            continue;
        }
        /* No reader thread: read from the connection ourselves. */
        pthread_mutex_unlock(&h->lock);
        pthread_mutex_lock(&h->req_lock);
        struct msg *r = read_msg(h);
        pthread_mutex_unlock(&h->req_lock);
        pthread_mutex_lock(&h->lock);
        if (!r) {
            h->dead = true;
            break;
        }
        if (r->hdr.type == XS_WATCH_EVENT)
            queue_event(h, r);
        else
            free_msgs(r);
    }
    m = h->events;
    if (m) {
        h->events = m->next;
        if (!h->events)
            h->events_tail = &h->events;
        if (h->pipe[0] >= 0) {
            char c;
            if (read(h->pipe[0], &c, 1) < 0) {
            }
        }
    }
    pthread_mutex_unlock(&h->lock);
    if (!m) {
        errno = block ? ECONNRESET : EAGAIN;
        return NULL;
    }
    unsigned int n;
    ret = split_strings(m->body, m->hdr.len, &n);
    free_msgs((m->next = NULL, m));
    if (ret && n < 2) {
        free(ret);
        errno = EIO;
        return NULL;
    }
    if (num)
        *num = 2;
    return ret;
}

char **xs_check_watch(struct xs_handle *h)
{
    return take_event(h, false, NULL);
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    return take_event(h, true, num);
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)token, strlen(token) + 1}};

    if (!ack(h, XBT_NULL, XS_UNWATCH, iov, 2))
        return false;
    if (h->flags & XS_UNWATCH_FILTER) {
        /* Drop queued events of this watch. */
        pthread_mutex_lock(&h->lock);
        struct msg **pp = &h->events;
        h->events_tail = &h->events;
        while (*pp) {
            struct msg *m = *pp;
            const char *p = m->body, *tok = p + strlen(p) + 1;
            if (strcmp(tok, token) == 0 && xs_path_is_subpath(path, p)) {
                *pp = m->next;
                m->next = NULL;
                free_msgs(m);
                continue;
            }
            h->events_tail = &m->next;
            pp = &m->next;
        }
        pthread_mutex_unlock(&h->lock);
    }
    return true;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *r = single(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    unsigned long id;

    if (!r)
        return XBT_NULL;
    if (!xsl_parse_uint(r, UINT32_MAX, &id)) {
        free(r);
        errno = EIO;
        return XBT_NULL;
    }
    free(r);
    return (xs_transaction_t)id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return single_ack(h, t, XS_TRANSACTION_END, abort ? "F" : "T");
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
                         unsigned int eventchn)
{
    char d[16], m[24], e[16];
    struct iovec iov[3] = {{d, (size_t)sprintf(d, "%u", domid) + 1},
                           {m, (size_t)sprintf(m, "%lu", mfn) + 1},
                           {e, (size_t)sprintf(e, "%u", eventchn) + 1}};
    return ack(h, XBT_NULL, XS_INTRODUCE, iov, 3);
}

bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
    char d[16], t[16];
    struct iovec iov[2] = {{d, (size_t)sprintf(d, "%u", domid) + 1},
                           {t, (size_t)sprintf(t, "%u", target) + 1}};
    return ack(h, XBT_NULL, XS_SET_TARGET, iov, 2);
}

static bool domid_ack(struct xs_handle *h, uint32_t type, unsigned int domid)
{
    char d[16];
    sprintf(d, "%u", domid);
    return single_ack(h, XBT_NULL, type, d);
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return domid_ack(h, XS_RESUME, domid);
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return domid_ack(h, XS_RELEASE, domid);
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    char d[16];
    sprintf(d, "%u", domid);
    return single(h, XBT_NULL, XS_GET_DOMAIN_PATH, d, NULL);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char d[16], *r;
    bool yes;

    sprintf(d, "%u", domid);
    r = single(h, XBT_NULL, XS_IS_DOMAIN_INTRODUCED, d, NULL);
    if (!r)
        return false;
    yes = strcmp(r, "F") != 0;
    free(r);
    return yes;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    struct iovec iov[2] = {{(void *)cmd, strlen(cmd) + 1}, {data, len}};
    return xs_talk(h, XBT_NULL, XS_CONTROL, iov, data ? 2 : 1, NULL);
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data, unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}

int xs_suspend_evtchn_port(int domid)
{
    struct xs_handle *h = xs_open(0);
    char path[64], *r;
    unsigned int len;
    int port = -1;

    if (!h)
        return -1;
    snprintf(path, sizeof(path), "/local/domain/%d/device/suspend/event-channel", domid);
    r = xs_read(h, XBT_NULL, path, &len);
    if (r) {
        port = atoi(r);
        free(r);
    }
    xs_close(h);
    return port > 0 ? port : -1;
}
