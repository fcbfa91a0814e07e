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

/* Requests handled per connection per round before the others get their turn. */
#define CONN_BATCH 64
/* Output backlog above which we stop reading a connection's requests. */
#define CONN_BACKLOG_STOP (256 * 1024)

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
    return c;
}

void conn_drop_watches(struct conn *c)
{
    while (c->watches) {
        struct watch *w = c->watches;
        c->watches = w->next;
        free(w->path);
        free(w->token);
        free(w);
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
    conn_drop_watches(c);
    conn_drop_transactions(c);
    if (c->ops->close)
        c->ops->close(c);
}

void conn_reap(void)
{
    struct conn *c = xsd.conns, *next;

    for (; c; c = next) {
        next = c->next;
        if (!c->dead)
            continue;
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
        drained = (size_t)n < room;
    }
    if (c->dead)
        return;
    if (conn_throttled(c))
        c->stalled = true; /* resumed by the main loop once its output drains */
    else if (more && (done >= CONN_BATCH || c->rlen > c->roff))
        c->pending = true;
}
