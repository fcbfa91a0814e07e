/*
 * Request dispatch: one table row per xs_wire message type, with the handler and the
 * flags Xen's xenstored keeps in its wire_funcs[] (privileged only, transaction id ignored).
 */
#ifndef XSL_DAEMON_DISPATCH_H
#define XSL_DAEMON_DISPATCH_H

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "conn.h"
#include "tree.h"

struct txn;

/* One request being handled. */
struct req {
    struct conn *c;
    const struct xsd_sockmsg *hdr;
    const char *data;
    uint32_t len;
    struct txn *tx;   /* the transaction named by tx_id, or NULL */
    struct store *st; /* tx ? &tx->view : &xsd.tree */
};

/* Handlers reply themselves and return 0, or return an errno to send as XS_ERROR. */
typedef int (*req_handler)(struct req *r);

void dispatch(struct conn *c, const struct xsd_sockmsg *hdr, const char *data, uint32_t len);

/* Reply helpers. */
void req_reply(struct req *r, const void *data, uint32_t len);
void req_ok(struct req *r);

/* Handlers living next to their subsystem. */
int do_watch(struct req *r);
int do_unwatch(struct req *r);
int do_reset_watches(struct req *r);
int do_transaction_start(struct req *r);
int do_transaction_end(struct req *r);
int do_introduce(struct req *r);
int do_release(struct req *r);
int do_resume(struct req *r);
int do_set_target(struct req *r);
int do_is_domain_introduced(struct req *r);
int do_get_domain_path(struct req *r);
int do_control(struct req *r);

#endif
