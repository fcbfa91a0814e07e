/* A minimal libxenstore-compatible client (the xs_* calls the toolstack uses), speaking
 * xs_wire to xenstored over its unix socket or /dev/xen/xenbus.
 *
 * Fallback only: it is linked until xenstore-lite/lib provides the full library. It does
 * not support watches (the toolstack polls instead) and is not thread-safe. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>
#include <xen/io/xs_wire.h>

struct xs_handle {
    int fd;
    uint32_t req_id;
};

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = ECONNRESET;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int open_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

struct xs_handle *xs_open(unsigned long flags)
{
    struct xs_handle *h = calloc(1, sizeof(*h));
    const char *path = getenv("XENSTORED_PATH");

    if (!h)
        return NULL;
    h->fd = open_socket(path ? path : "/run/xenstored/socket");
    if (h->fd < 0)
        h->fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    if (h->fd < 0) {
        int saved = errno;

        free(h);
        errno = saved;
        return NULL;
    }
    return h;
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    close(h->fd);
    free(h);
}

struct xs_handle *xs_daemon_open(void)
{
    return xs_open(0);
}

void xs_daemon_close(struct xs_handle *h)
{
    xs_close(h);
}

int xs_fileno(struct xs_handle *h)
{
    return h->fd;
}

static int error_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (!strcmp(name, xsd_errors[i].errstring))
            return xsd_errors[i].errnum;
    return EIO;
}

/* Sends one request made of iov parts, returns the malloc'ed, NUL-terminated reply payload
 * (length in *len) or NULL with errno. Watch events arriving in between are dropped. */
static void *xs_talk(struct xs_handle *h, xs_transaction_t t, enum xsd_sockmsg_type type,
                     const struct iovec *iov, unsigned int n, unsigned int *len)
{
    struct xsd_sockmsg msg = {.type = type, .req_id = ++h->req_id, .tx_id = t};
    char *buf, *reply;
    size_t off;

    for (unsigned int i = 0; i < n; i++)
        msg.len += iov[i].iov_len;
    if (msg.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    /* One write per message: /dev/xen/xenbus needs whole messages. */
    buf = malloc(sizeof(msg) + msg.len);
    if (!buf)
        return NULL;
    memcpy(buf, &msg, sizeof(msg));
    off = sizeof(msg);
    for (unsigned int i = 0; i < n; i++) {
        memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
        off += iov[i].iov_len;
    }
    if (write_all(h->fd, buf, off) < 0) {
        free(buf);
        return NULL;
    }
    free(buf);
    for (;;) {
        struct xsd_sockmsg rep;

        if (read_all(h->fd, &rep, sizeof(rep)) < 0)
            return NULL;
        if (rep.len > XENSTORE_PAYLOAD_MAX) {
            errno = EIO;
            return NULL;
        }
        reply = malloc(rep.len + 1);
        if (!reply)
            return NULL;
        if (read_all(h->fd, reply, rep.len) < 0) {
            free(reply);
            return NULL;
        }
        reply[rep.len] = '\0';
        if (rep.type == XS_WATCH_EVENT) {
            free(reply);
            continue;
        }
        if (rep.type == XS_ERROR) {
            int err = error_from_name(reply);

            free(reply);
            errno = err;
            return NULL;
        }
        if (rep.type != type) {
            free(reply);
            errno = EBADMSG;
            return NULL;
        }
        if (len)
            *len = rep.len;
        return reply;
    }
}

static void *talk_str(struct xs_handle *h, xs_transaction_t t, enum xsd_sockmsg_type type,
                      const char *s, unsigned int *len)
{
    struct iovec iov = {.iov_base = (void *)s, .iov_len = strlen(s) + 1};

    return xs_talk(h, t, type, &iov, 1, len);
}

static bool talk_bool(struct xs_handle *h, xs_transaction_t t, enum xsd_sockmsg_type type,
                      const struct iovec *iov, unsigned int n)
{
    void *reply = xs_talk(h, t, type, iov, n, NULL);

    free(reply);
    return reply != NULL;
}

/* Splits a payload of NUL-terminated strings into a malloc'ed vector (one allocation). */
static char **split(char *payload, unsigned int len, unsigned int *num)
{
    unsigned int count = 0;
    char **vec, *p;

    for (unsigned int i = 0; i < len; i++)
        if (!payload[i])
            count++;
    vec = malloc(sizeof(char *) * (count + 1) + len);
    if (!vec) {
        free(payload);
        return NULL;
    }
    p = (char *)(vec + count + 1);
    memcpy(p, payload, len);
    free(payload);
    for (unsigned int i = 0; i < count; i++) {
        vec[i] = p;
        p += strlen(p) + 1;
    }
    vec[count] = NULL;
    *num = count;
    return vec;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    unsigned int len;
    char *reply = talk_str(h, t, XS_DIRECTORY, path, &len);

    if (!reply)
        return NULL;
    return split(reply, len, num);
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    return talk_str(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
              unsigned int len)
{
    struct iovec iov[2] = {{.iov_base = (void *)path, .iov_len = strlen(path) + 1},
                           {.iov_base = (void *)data, .iov_len = len}};

    return talk_bool(h, t, XS_WRITE, iov, 2);
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    struct iovec iov = {.iov_base = (void *)path, .iov_len = strlen(path) + 1};

    return talk_bool(h, t, XS_MKDIR, &iov, 1);
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    struct iovec iov = {.iov_base = (void *)path, .iov_len = strlen(path) + 1};

    return talk_bool(h, t, XS_RM, &iov, 1);
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                        struct xs_permissions *perms, unsigned int num_perms)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t off;
    struct iovec iov;

    off = (size_t)snprintf(buf, sizeof(buf), "%s", path) + 1;
    for (unsigned int i = 0; i < num_perms && off < sizeof(buf) - 16; i++) {
        static const char letters[] = {'n', 'r', 'w', 'b'};

        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%c%u", letters[perms[i].perms & 3],
                                perms[i].id) +
               1;
    }
    iov.iov_base = buf;
    iov.iov_len = off;
    return talk_bool(h, t, XS_SET_PERMS, &iov, 1);
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *reply = talk_str(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    xs_transaction_t t;

    if (!reply)
        return XBT_NULL;
    t = (xs_transaction_t)strtoul(reply, NULL, 10);
    free(reply);
    return t;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    char *reply = talk_str(h, t, XS_TRANSACTION_END, abort ? "F" : "T", NULL);

    free(reply);
    return reply != NULL;
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
                         unsigned int eventchn)
{
    char a[16], b[24], c[16];
    struct iovec iov[3];

    snprintf(a, sizeof(a), "%u", domid);
    snprintf(b, sizeof(b), "%lu", mfn);
    snprintf(c, sizeof(c), "%u", eventchn);
    iov[0] = (struct iovec){a, strlen(a) + 1};
    iov[1] = (struct iovec){b, strlen(b) + 1};
    iov[2] = (struct iovec){c, strlen(c) + 1};
    return talk_bool(h, XBT_NULL, XS_INTRODUCE, iov, 3);
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    char a[16];

    char *reply;

    snprintf(a, sizeof(a), "%u", domid);
    reply = talk_str(h, XBT_NULL, XS_RELEASE, a, NULL);
    free(reply);
    return reply != NULL;
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    char a[16];

    snprintf(a, sizeof(a), "%u", domid);
    return talk_str(h, XBT_NULL, XS_GET_DOMAIN_PATH, a, NULL);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char a[16], *reply;
    bool yes;

    snprintf(a, sizeof(a), "%u", domid);
    reply = talk_str(h, XBT_NULL, XS_IS_DOMAIN_INTRODUCED, a, NULL);
    yes = reply && !strcmp(reply, "T");
    free(reply);
    return yes;
}
