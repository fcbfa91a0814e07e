/* In-memory clients for the daemon's unit tests: requests go straight to the dispatcher,
 * replies and watch events come back from the connection's output queue. */
#ifndef XSL_TEST_HARNESS_H
#define XSL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

struct tc;

/* Fresh daemon state (default limits, initial tree, no connections). */
void tc_reset(void);
/* A client acting as domid (dom0 is privileged). */
struct tc *tc_new(uint32_t domid);
void tc_kill(struct tc *t);
struct conn *tc_conn(struct tc *t);

/* Send a request; returns the reply's type, payload copied to out (NUL-terminated). */
uint32_t tc_req(struct tc *t, uint32_t type, uint32_t tx, const void *data, size_t len, char *out,
                size_t *outlen);
/* Helpers returning 0 or the errno named by an XS_ERROR reply. */
int tc_write(struct tc *t, uint32_t tx, const char *path, const char *val);
int tc_read(struct tc *t, uint32_t tx, const char *path, char *out);
int tc_mkdir(struct tc *t, uint32_t tx, const char *path);
int tc_rm(struct tc *t, uint32_t tx, const char *path);
int tc_dir(struct tc *t, uint32_t tx, const char *path, char *out, size_t *len);
int tc_setperms(struct tc *t, uint32_t tx, const char *path, const char *const *perms, int n);
int tc_getperms(struct tc *t, uint32_t tx, const char *path, char *out, size_t *len);
int tc_watch(struct tc *t, const char *path, const char *token);
int tc_unwatch(struct tc *t, const char *path, const char *token);
int tc_tx_start(struct tc *t, uint32_t *tx);
int tc_tx_end(struct tc *t, uint32_t tx, bool commit);
/* Pop the next queued watch event; false if none. */
bool tc_event(struct tc *t, char *path, char *token);
int tc_nevents(struct tc *t);
/* The req_id and tx_id of the last reply. */
uint32_t tc_last_req_id(struct tc *t);
uint32_t tc_last_tx_id(struct tc *t);

#endif
