/* Watches: registration per connection, and firing on node changes and special events. */
#ifndef XSL_DAEMON_WATCH_H
#define XSL_DAEMON_WATCH_H

#include <stdbool.h>

#include "conn.h"
#include "tree.h"

struct watch {
    struct watch *next; /* the connection's list */
    char *path;         /* canonical (absolute or '@' name) */
    char *token;
    size_t rel_off; /* relative watch: bytes of "/local/domain/<id>/" to strip, else 0 */
    /* The index of every watch by path (watch.c): a change looks up its path and each
     * ancestor instead of walking every connection's watches. */
    struct conn *c;
    struct watch *hnext;
    uint32_t hash;
    size_t plen;
};

/* Register; 0 or an errno (EEXIST duplicate, E2BIG quota). Sends OK then the initial event. */
int watch_add(struct conn *c, const struct xsd_sockmsg *hdr, const char *path, const char *token);
/* Re-create a watch saved across a restart (no reply, no initial event). */
void watch_restore(struct conn *c, const char *path, const char *token, size_t rel_off);
int watch_remove(struct conn *c, const char *path, const char *token);
/* Take w out of the index and free it (the caller unlinks it from its connection). */
void watch_free(struct watch *w);

/*
 * A node changed (n: its state as the watchers may see it, possibly just before deletion).
 * exact: only watches on exactly this path fire (descendants of a removed node).
 */
void watch_fire(const char *path, const struct node *n, bool exact);
/* "@introduceDomain" / "@releaseDomain". */
void watch_fire_special(const char *name);

#endif
