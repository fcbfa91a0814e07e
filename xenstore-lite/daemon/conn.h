/*
 * A client connection, whatever carries it (unix socket or shared ring): message framing
 * on input, a queue of replies and watch events on output, the client's watches and
 * transactions, and the limits that keep one client from hurting the others.
 */
#ifndef XSL_DAEMON_CONN_H
#define XSL_DAEMON_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <xen/io/xs_wire.h>

struct conn;
struct watch;
struct txn;
struct domain;

struct conn_ops {
    /* Bytes read (0: nothing now), or -1 on a dead peer / broken transport. */
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    /* Bytes written (0: no room now), or -1. */
    ssize_t (*write)(struct conn *c, const void *buf, size_t len);
    /* Called once per batch after reads/writes (ring: kick the event channel). */
    void (*kick)(struct conn *c);
    /* Transport teardown. */
    void (*close)(struct conn *c);
};

#define CONN_RBUF (64 * 1024)

struct conn {
    struct conn *next, *prev;
    const struct conn_ops *ops;
    int fd;             /* socket, or -1 */
    struct domain *dom; /* ring connection's domain, or NULL */
    uint32_t id;        /* domid the connection acts as */
    bool priv;
    int64_t target; /* SET_TARGET: domid it may act for, -1 */
    bool dead;
    bool pending;       /* input left unprocessed this round (fairness) */
    bool stalled;       /* reading stopped until the output backlog drains */
    bool queued;        /* on the work list (see conn_service) */
    uint32_t ep_events; /* what the event loop watches fd for (EPOLLIN/EPOLLOUT) */

    char *rbuf;
    size_t roff, rlen; /* unparsed bytes are rbuf[roff..rlen) */

    char *out;
    size_t out_off, out_len, out_cap;
    uint32_t replies_queued;
    uint64_t events_dropped;

    struct watch *watches;
    uint32_t nwatches;
    struct txn *txns;
    uint32_t ntxns, next_txid;
};

struct conn *conn_new(const struct conn_ops *ops, int fd, uint32_t domid);
/* Drop transactions and watches and close the transport; freed by conn_reap(). */
void conn_kill(struct conn *c, const char *why);
/* Free the connections killed since the last call. */
void conn_reap(void);

/*
 * The event loop's side.  Only the connections that need something are looked at in a
 * round: those with output queued, input left unprocessed (fairness), or reading stalled.
 * conn_set_epoll(): socket connections made from now on are registered there (data.ptr is
 * the connection), and conn_service() keeps their EPOLLIN/EPOLLOUT up to date.
 */
void conn_set_epoll(int epfd);
void conn_queue(struct conn *c);
/* True if some connection has input left to process (poll with no timeout). */
bool conn_work_pending(void);
/* One round after the transports' events: serve input left pending, call before_send
 * (the journal: acknowledged changes are saved before the acknowledgements leave), then
 * send what is queued and resume stalled readers. */
void conn_service(void (*before_send)(void));

/* Queue a reply / error for request hdr. */
void conn_reply(struct conn *c, const struct xsd_sockmsg *hdr, uint32_t type, const void *data,
                uint32_t len);
void conn_error(struct conn *c, const struct xsd_sockmsg *hdr, int err);
/* Queue a watch event (dropped if the client's backlog is over its memory limit). */
void conn_event(struct conn *c, const char *path, const char *token);

/* Read and dispatch what the transport has (bounded per call); output is queued. */
void conn_handle_input(struct conn *c);
void conn_flush(struct conn *c);
/* True while the connection should not read more (backlog, outstanding replies). */
bool conn_throttled(const struct conn *c);

void conn_drop_watches(struct conn *c);
void conn_drop_transactions(struct conn *c);

#endif
