/* Pipelined xenstore requests for domain creation (xs_batch.c).
 *
 * Creating a domain writes ~65 xenstore nodes. Through the synchronous xs_* API each is one
 * round trip to xenstored (10-20 ms each in dom0 under emulation); a batch sends them all
 * back to back on its own connection and then reads the replies, in one transaction: three
 * round trips in all (start, the batch, commit). xs_wire allows this: a daemon answers a
 * connection's requests in order, echoing req_id. */
#ifndef TERN_XS_BATCH_H
#define TERN_XS_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenstore.h>

struct tern_xs_reply {
    int err;     /* 0, or the errno of an XS_ERROR reply */
    char *value; /* reply payload, NUL-terminated (reads); owned by the batch */
    unsigned int len;
};

struct tern_xs_batch {
    char *buf; /* encoded requests, tx_id filled in at send time */
    size_t len, cap;
    unsigned int count;
    int err;                       /* -errno if building failed (out of memory, path too long) */
    char **paths;                  /* per request, for error messages */
    struct tern_xs_reply *replies; /* after tern_xs_batch_run */
};

void tern_xs_batch_init(struct tern_xs_batch *b);
void tern_xs_batch_free(struct tern_xs_batch *b);
/* Queue requests. value NULL: XS_MKDIR. */
void tern_xs_batch_write(struct tern_xs_batch *b, const char *path, const char *value);
void tern_xs_batch_perms(struct tern_xs_batch *b, const char *path,
                         const struct xs_permissions *perms, unsigned int n);
void tern_xs_batch_read(struct tern_xs_batch *b, const char *path);
void tern_xs_batch_rm(struct tern_xs_batch *b, const char *path); /* ENOENT is no error */

/* Encoding and decoding, separated for the unit tests. */
/* Sets every queued request's tx_id. */
void tern_xs_batch_set_tx(struct tern_xs_batch *b, uint32_t tx_id);
/* Parses one complete reply at buf (len bytes available): returns its size, 0 if incomplete,
 * -EIO if malformed. type/req_id/payload returned. */
long tern_xs_parse_reply(const char *buf, size_t len, uint32_t *type, uint32_t *req_id,
                         const char **payload, uint32_t *plen);
/* errno for an XS_ERROR payload ("ENOENT"...); EIO if unknown. */
int tern_xs_error_errno(const char *payload, uint32_t plen);

/* Runs the batch on a new connection to xenstored's socket; in a transaction when
 * transactional (retried on EAGAIN), committed only if every request succeeded.
 * Returns 0; -errno with *failed = index of the first failing request (or -1 if the
 * connection or transaction failed); replies[] holds each request's result.
 * -ENOTCONN: no daemon socket (the caller falls back to the xs_* API). */
int tern_xs_batch_run(struct tern_xs_batch *b, bool transactional, int *failed);

#endif
