/* The daemon's state and its defaults. */
#include "daemon.h"
#include "watch.h"

#include <xen/io/xs_wire.h>

struct daemon xsd;
void limits_default(struct limits *l)
{
    l->entries = 1000;
    l->watches = 128;
    l->entry_size = 2048;
    l->transactions = 10;
    l->perms = 5;
    l->path_max = XENSTORE_REL_PATH_MAX;
    l->outstanding = 20;
    l->trans_nodes = 1024;
    l->memory = 2 * 1024 * 1024 + 512 * 1024;
}

void daemon_tree_changed(void *ctx, const char *path, const struct node *n, bool exact)
{
    watch_fire(path, n, exact);
}

/* The tree a fresh xenstored starts with (Xen's setup_structure()). */
void daemon_init_tree(void)
{
    static const char *const initial[] = {"/tool", "/tool/xenstored"};

    store_init(&xsd.tree, NULL);
    for (size_t i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
        store_write(&xsd.tree, initial[i], NULL, 0, -1, false);
}
