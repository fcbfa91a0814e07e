/* tern-xenstored's state: the tree, the limits, the connections. */
#ifndef XSL_DAEMON_DAEMON_H
#define XSL_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

/* Xen 4.17's default quotas (tools/xenstore/xenstored_core.c); see main.c for the options. */
struct limits {
    unsigned int entries;      /* -E: nodes owned per unprivileged domain (1000) */
    unsigned int watches;      /* -W: watches per unprivileged connection (128) */
    unsigned int entry_size;   /* -S: bytes of value per node for unprivileged (2048) */
    unsigned int transactions; /* -t: open transactions per unprivileged connection (10) */
    unsigned int perms;        /* -A: permissions per node for unprivileged (5) */
    unsigned int path_max;     /* -M: relative path length (XENSTORE_REL_PATH_MAX) */
    unsigned int outstanding;  /* -Q outstanding=: replies queued before reading stops (20) */
    unsigned int trans_nodes;  /* -Q transaction-nodes=: nodes touched per transaction (1024) */
    unsigned int memory;       /* -Q memory=: output backlog per connection (2.5 MiB) */
};

#define XSL_SPECIAL_PERMS_MAX 16

struct special_perms {
    struct xsl_perm p[XSL_SPECIAL_PERMS_MAX];
    uint32_t n;
};

struct conn;

struct daemon {
    struct store tree;
    struct limits lim;
    struct conn *conns;
    struct special_perms intro_perms, release_perms;
    bool xen; /* Xen devices available: domain rings served */
};

extern struct daemon xsd;

/* The tree a fresh xenstored starts with (Xen's setup_structure()). */
void daemon_init_tree(void);
void limits_default(struct limits *l);
/* store_change_fn of the global tree: fires watches. */
void daemon_tree_changed(void *ctx, const char *path, const struct node *n, bool exact);

#endif
