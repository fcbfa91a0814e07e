/*
 * xsl-nulld: a null xenstore daemon for measuring the floor of the benchmark, i.e. what the
 * client, the kernel and the socket cost whatever daemon answers.  It keeps no tree: every
 * request gets a canned reply of the right shape (READ "v", DIRECTORY 64 names,
 * TRANSACTION_START "1", GET_PERMS "n0", the rest "OK"); WATCH registers the path and fires
 * once, WRITE fires the watches whose path is a prefix of the written one.  It does the same
 * system calls per request as tern-xenstored (one epoll_wait, one read of every buffered
 * request, one send per reply batch), so ours minus this is the daemon's own work.
 *
 * Not a xenstored: benchmark use only.
 * usage: xsl-nulld [-N] [--pid-file FILE]   (socket: XENSTORED_PATH, else
 *        $XENSTORED_RUNDIR/socket, else /var/run/xenstored/socket)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#define MAX_CONNS   64
#define MAX_WATCHES 64
#define RBUF        (64 * 1024)

struct client {
    int fd;
    char rbuf[RBUF];
    size_t rlen;
    char *out;
    size_t out_len, out_cap;
};

struct watch {
    struct client *c;
    char path[256], token[256];
};

static struct client *clients[MAX_CONNS];
static struct watch watches[MAX_WATCHES];
static int nwatches;
static char dirbuf[1024];
static unsigned int dirlen;

static void put(struct client *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a,
                size_t alen, const void *b, size_t blen)
{
    struct xsd_sockmsg h = {
        .type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)(alen + blen)};
    size_t need = sizeof(h) + alen + blen;

    if (c->out_len + need > c->out_cap) {
        c->out_cap = (c->out_len + need) * 2;
        c->out = realloc(c->out, c->out_cap);
        if (!c->out)
            abort();
    }
    memcpy(c->out + c->out_len, &h, sizeof(h));
    memcpy(c->out + c->out_len + sizeof(h), a, alen);
    if (blen)
        memcpy(c->out + c->out_len + sizeof(h) + alen, b, blen);
    c->out_len += need;
}

static void event(struct watch *w, const char *path)
{
    put(w->c, XS_WATCH_EVENT, 0, 0, path, strlen(path) + 1, w->token, strlen(w->token) + 1);
}

static void handle(struct client *c, const struct xsd_sockmsg *h, const char *body)
{
    const char *arg = h->len ? body : "";

    switch (h->type) {
    case XS_READ:
        put(c, h->type, h->req_id, h->tx_id, "v", 1, NULL, 0);
        break;
    case XS_DIRECTORY:
        put(c, h->type, h->req_id, h->tx_id, dirbuf, dirlen, NULL, 0);
        break;
    case XS_TRANSACTION_START:
        put(c, h->type, h->req_id, h->tx_id, "1", 2, NULL, 0);
        break;
    case XS_GET_PERMS:
        put(c, h->type, h->req_id, h->tx_id, "n0", 3, NULL, 0);
        break;
    case XS_WATCH:
        put(c, h->type, h->req_id, h->tx_id, "OK", 3, NULL, 0);
        if (nwatches < MAX_WATCHES && strnlen(arg, h->len) + 1 < h->len) {
            struct watch *w = &watches[nwatches++];
            w->c = c;
            snprintf(w->path, sizeof(w->path), "%s", arg);
            snprintf(w->token, sizeof(w->token), "%s", arg + strlen(arg) + 1);
            event(w, w->path);
        }
        break;
    case XS_WRITE:
        put(c, h->type, h->req_id, h->tx_id, "OK", 3, NULL, 0);
        if (h->tx_id == 0 && memchr(arg, '\0', h->len))
            for (int i = 0; i < nwatches; i++)
                if (strncmp(arg, watches[i].path, strlen(watches[i].path)) == 0)
                    event(&watches[i], arg);
        break;
    default:
        put(c, h->type, h->req_id, h->tx_id, "OK", 3, NULL, 0);
        break;
    }
}

static void drop(int i)
{
    struct client *c = clients[i];

    for (int w = 0; w < nwatches;)
        if (watches[w].c == c)
            watches[w] = watches[--nwatches];
        else
            w++;
    close(c->fd);
    free(c->out);
    free(c);
    clients[i] = NULL;
}

static void serve_client(int i)
{
    struct client *c = clients[i];
    ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF - c->rlen);
    size_t off = 0;

    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            drop(i);
        return;
    }
    c->rlen += (size_t)n;
    while (c->rlen - off >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg h;
        memcpy(&h, c->rbuf + off, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX) {
            drop(i);
            return;
        }
        if (c->rlen - off < sizeof(h) + h.len)
            break;
        handle(c, &h, c->rbuf + off + sizeof(h));
        off += sizeof(h) + h.len;
    }
    memmove(c->rbuf, c->rbuf + off, c->rlen - off);
    c->rlen -= off;
}

static void flush_all(void)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        struct client *c = clients[i];
        size_t off = 0;
        if (!c)
            continue;
        while (off < c->out_len) { /* replies are small: the socket buffer takes them */
            ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        c->out_len = 0;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    const char *path = getenv("XENSTORED_PATH"), *rundir = getenv("XENSTORED_RUNDIR");
    const char *pidfile = NULL;
    bool fg = false;
    int lfd;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-N") == 0 || strcmp(argv[i], "--no-fork") == 0)
            fg = true;
        else if ((strcmp(argv[i], "--pid-file") == 0 || strcmp(argv[i], "-F") == 0) && i + 1 < argc)
            pidfile = argv[++i];
    }
    if (path && *path)
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    else
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/socket",
                 rundir && *rundir ? rundir : "/var/run/xenstored");
    for (int i = 0; i < 64; i++)
        dirlen += (unsigned int)sprintf(dirbuf + dirlen, "entry%d", i) + 1;
    signal(SIGPIPE, SIG_IGN);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unlink(addr.sun_path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(lfd, 128)) {
        perror("xsl-nulld");
        return 1;
    }
    if (!fg && fork() > 0)
        return 0;
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) {
            fprintf(f, "%ld\n", (long)getpid());
            fclose(f);
        }
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0) {
        perror("xsl-nulld: epoll");
        return 1;
    }
    for (;;) {
        struct epoll_event evs[MAX_CONNS + 1];
        int n = epoll_wait(ep, evs, MAX_CONNS + 1, -1);

        for (int k = 0; k < n; k++) {
            uint32_t i = evs[k].data.u32;
            if (i != UINT32_MAX) {
                if (clients[i])
                    serve_client((int)i);
                continue;
            }
            int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            for (uint32_t j = 0; fd >= 0 && j < MAX_CONNS; j++)
                if (!clients[j]) {
                    clients[j] = calloc(1, sizeof(struct client));
                    if (!clients[j])
                        abort();
                    clients[j]->fd = fd;
                    ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = j};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                    fd = -1;
                }
            if (fd >= 0)
                close(fd);
        }
        flush_all();
    }
}
