/*
 * Keeping the store across a daemon restart.
 *
 * <rootdir>/tern-xenstored.db is a snapshot (every node with value and permissions, the
 * introduced domains); <rootdir>/tern-xenstored.journal logs every change since, one record
 * per mutation, written before the reply that acknowledges it.  Both carry the boot id and
 * an epoch: on start the snapshot is loaded, the journal of the same epoch replayed, and a
 * new snapshot written atomically (temporary file, fsync, rename) before the journal is
 * restarted.  Files from an earlier boot are ignored: a rebooted host starts empty.
 */
#ifndef XSL_DAEMON_PERSIST_H
#define XSL_DAEMON_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "transaction.h"

/* Load state from dir (if any) into xsd.tree and the domain records, then start logging.
 * Returns 0, or -1 if dir is unusable (the daemon then runs without persistence). */
int persist_open(const char *dir);
/* Record a global mutation (buffered until persist_flush). */
void persist_log(const struct txop *op);
/* Record a domain introduction / release. */
void persist_domain(uint32_t domid, uint64_t gfn, uint32_t port, bool introduced);
/* Record a watch of a domain connection (those survive a restart with the domain), or the
 * removal of one; clear: all watches of domid dropped. */
void persist_watch(uint32_t domid, const char *path, const char *token, uint32_t rel_off, bool add);
void persist_watch_clear(uint32_t domid);
/* Write buffered records (before replies go out); compacts a large journal. */
void persist_flush(void);

/* Provided by domain.c: restore an introduction found in the saved state, and list the
 * currently introduced domains for a snapshot. */
void domain_restore(uint32_t domid, uint64_t gfn, uint32_t port);
void domain_foreach(void (*fn)(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port), void *ctx);
/* Provided by domain.c: a saved watch of a domain (add or remove; path NULL: clear all), and
 * the watches of the connected domains for a snapshot. */
void domain_restore_watch(uint32_t domid, const char *path, const char *token, uint32_t rel_off,
                          bool add);
void domain_foreach_watch(void (*fn)(void *ctx, uint32_t domid, const char *path, const char *token,
                                     uint32_t rel_off),
                          void *ctx);

#endif
