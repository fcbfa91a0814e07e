/* Connections (see conn.h). */
#include "conn.h"
#include "daemon.h"
#include "dispatch.h"
#include "transaction.h"
#include "util.h"
#include "watch.h"
#include "../proto/wire.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

/* Requests handled per connection per round before the others get their turn. */
#define CONN_BATCH 64
/* Output backlog above which we stop reading a connection's requests. */
#define CONN_BACKLOG_STOP (256 * 1024)

/* Connections needing attention this round, and connections killed (freed by conn_reap). */
struct conn_vec {
    struct conn **v;
    size_t n, cap;
};
static struct conn_vec work, dead;
static int epfd = -1;

static void vec_push(struct conn_vec *q, struct conn *c)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
    }
    q->v[q->n++] = c;
}

void conn_set_epoll(int fd)
{
    epfd = fd;
}

void conn_queue(struct conn *c)
{
    if (!c->queued && !c->dead) {
        c->queued = true;
        vec_push(&work, c);
    }
}

struct conn *conn_new(const struct conn_ops *ops, int fd, uint32_t domid)
{
    struct conn *c = xcalloc(1, sizeof(*c));

    c->ops = ops;
    c->fd = fd;
    c->id = domid;
    c->priv = domid == 0;
    c->target = -1;
    c->next_txid = 1;
    c->rbuf = xmalloc(CONN_RBUF);
    c->next = xsd.conns;
    if (xsd.conns)
        xsd.conns->prev = c;
    xsd.conns = c;
    if (epfd >= 0 && fd >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        c->ep_events = EPOLLIN;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
            conn_kill(c, "cannot watch the connection (epoll)");
    }
    return c;
}

void conn_drop_watches(struct conn *c)
{
    while (c->watches) {
        struct watch *w = c->watches;
        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
}

void conn_drop_transactions(struct conn *c)
{
    while (c->txns) {
        struct txn *t = c->txns;
        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
}

void conn_kill(struct conn *c, const char *why)
{
    if (c->dead)
        return;
    if (why && (xsl_verbose || c->id != 0))
        xsl_log("dropping connection (domain %u, fd %d, watches %u): %s", c->id, c->fd, c->nwatches,
                why);
    c->dead = true;
    vec_push(&dead, c);
    conn_drop_watches(c);
    conn_drop_transactions(c);
    if (c->ops->close)
        c->ops->close(c);
}

void conn_reap(void)
{
    size_t keep = 0;

    if (dead.n == 0)
        return;
    for (size_t i = 0; i < work.n; i++)
        if (!work.v[i]->dead)
            work.v[keep++] = work.v[i];
    work.n = keep;
    for (size_t i = 0; i < dead.n; i++) {
        struct conn *c = dead.v[i];
        if (c->prev)
            c->prev->next = c->next;
        else
            xsd.conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        free(c->rbuf);
        free(c->out);
        free(c);
    }
    dead.n = 0;
}

bool conn_work_pending(void)
{
    for (size_t i = 0; i < work.n; i++)
        if (work.v[i]->pending && !work.v[i]->dead)
            return true;
    return false;
}

static void update_epoll(struct conn *c)
{
    uint32_t want = (c->stalled ? 0 : EPOLLIN) | (c->out_off < c->out_len ? EPOLLOUT : 0);
    struct epoll_event ev = {.events = want, .data.ptr = c};

    if (epfd < 0 || c->fd < 0 || want == c->ep_events)
        return;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        conn_kill(c, "cannot watch the connection (epoll)");
        return;
    }
    c->ep_events = want;
}

void conn_service(void (*before_send)(void))
{
    size_t n0 = work.n, keep = 0;

    for (size_t i = 0; i < n0; i++) {
        struct conn *c = work.v[i];
        if (c->pending && !c->dead)
            conn_handle_input(c);
    }
    if (before_send)
        before_send();
    for (size_t i = 0; i < work.n; i++) {
        struct conn *c = work.v[i];
        if (!c->dead && c->out_off < c->out_len)
            conn_flush(c);
        if (!c->dead && c->stalled && !conn_throttled(c)) {
            c->stalled = false;
            c->pending = true;
        }
        if (!c->dead)
            update_epoll(c);
        if (!c->dead && (c->pending || c->stalled || c->out_off < c->out_len))
            work.v[keep++] = c; /* again next round */
        else
            c->queued = false;
    }
    work.n = keep;
}

static void out_append(struct conn *c, const void *a, size_t alen, const void *b, size_t blen)
{
    size_t need = alen + blen;

    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    if (c->out_len + need > c->out_cap && c->out_off > 0) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    if (c->out_len + need > c->out_cap) {
        c->out_cap = (c->out_len + need) * 2;
        c->out = xrealloc(c->out, c->out_cap);
    }
    memcpy(c->out + c->out_len, a, alen);
    if (blen)
        memcpy(c->out + c->out_len + alen, b, blen);
    c->out_len += need;
    conn_queue(c);
}

void conn_reply(struct conn *c, const struct xsd_sockmsg *req, uint32_t type, const void *data,
                uint32_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = req->req_id, .tx_id = req->tx_id, .len = len};

    if (c->dead)
        return;
    if (len > XENSTORE_PAYLOAD_MAX) {
        /* e.g. a directory too big for one reply: clients then use DIRECTORY_PART */
        conn_error(c, req, E2BIG);
        return;
    }
    out_append(c, &hdr, sizeof(hdr), data, len);
    c->replies_queued++;
}

void conn_error(struct conn *c, const struct xsd_sockmsg *req, int err)
{
    const char *name = xsl_err_name(err);
    conn_reply(c, req, XS_ERROR, name, (uint32_t)strlen(name) + 1);
}

void conn_event(struct conn *c, const char *path, const char *token)
{
    size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
    struct xsd_sockmsg hdr = {.type = XS_WATCH_EVENT, .len = (uint32_t)(plen + tlen)};

    if (c->dead)
        return;
    if (c->out_len - c->out_off > xsd.lim.memory) {
        /* A client that never reads its events: keep the daemon's memory bounded. */
        if (c->fd >= 0) {
            conn_kill(c, "watch event backlog over the memory quota");
            return;
        }
        if (c->events_dropped++ == 0)
            xsl_log("domain %u: watch events dropped (backlog over quota)", c->id);
        return;
    }
    out_append(c, &hdr, sizeof(hdr), path, plen);
    out_append(c, token, tlen, NULL, 0);
}

bool conn_throttled(const struct conn *c)
{
    if (c->out_len - c->out_off > CONN_BACKLOG_STOP)
        return true;
    return !c->priv && c->replies_queued >= xsd.lim.outstanding;
}

void conn_flush(struct conn *c)
{
    while (!c->dead && c->out_off < c->out_len) {
        ssize_t n = c->ops->write(c, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0) {
            conn_kill(c, "write failed");
            return;
        }
        if (n == 0)
            break;
        c->out_off += (size_t)n;
    }
    if (c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
        c->replies_queued = 0;
    }
    if (c->ops->kick && !c->dead)
        c->ops->kick(c);
}

/* Dispatch every complete message in rbuf, up to the batch limit. Returns messages handled. */
static unsigned int parse_messages(struct conn *c, unsigned int budget)
{
    unsigned int done = 0;

    while (done < budget && !c->dead && !conn_throttled(c) &&
           c->rlen - c->roff >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg hdr;

        memcpy(&hdr, c->rbuf + c->roff, sizeof(hdr));
        if (hdr.len > XENSTORE_PAYLOAD_MAX) {
            conn_kill(c, "message longer than XENSTORE_PAYLOAD_MAX");
            return done;
        }
        if (c->rlen - c->roff < sizeof(hdr) + hdr.len)
            break;
        c->roff += sizeof(hdr) + hdr.len;
        dispatch(c, &hdr, c->rbuf + c->roff - hdr.len, hdr.len);
        done++;
    }
    return done;
}

void conn_handle_input(struct conn *c)
{
    unsigned int done = 0;
    bool more = true, drained = false;

    c->pending = false;
    c->stalled = false;
    while (!c->dead && done < CONN_BATCH && !conn_throttled(c)) {
        done += parse_messages(c, CONN_BATCH - done);
        if (c->dead || done >= CONN_BATCH || conn_throttled(c))
            break;
        if (c->roff > 0) {
            memmove(c->rbuf, c->rbuf + c->roff, c->rlen - c->roff);
            c->rlen -= c->roff;
            c->roff = 0;
        }
        if (drained) {
            /* The last read did not fill the buffer: the transport had no more.  Poll or
             * the event channel says when there is (saves a read() answering EAGAIN). */
            more = false;
            break;
        }
        size_t room = CONN_RBUF - c->rlen;
        ssize_t n = c->ops->read(c, c->rbuf + c->rlen, room);
        if (n < 0) {
            conn_kill(c, "connection closed");
            return;
        }
        if (n == 0) {
            more = false;
            break;
        }
        c->rlen += (size_t)n;
        /* A socket that returned less than asked has no more: poll says when it has.  A
         * ring does not: its writer notifies only when it saw everything it wrote before
         * consumed (Linux xb_write: "if (prod <= intf->req_cons) notify"), so bytes it added
         * while we read come with no event, and the ring is read until it is empty. */
        drained = (size_t)n < room && c->fd >= 0;
    }
    if (c->dead)
        return;
    if (conn_throttled(c))
        c->stalled = true; /* resumed by conn_service() once its output drains */
    else if (more && (done >= CONN_BATCH || c->rlen > c->roff))
        c->pending = true;
    if (c->stalled || c->pending)
        conn_queue(c);
}
