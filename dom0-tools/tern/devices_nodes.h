/* Helpers shared by devices_vbd.c and devices_vif.c to append to a node list. */
#ifndef TERN_DEVICES_NODES_H
#define TERN_DEVICES_NODES_H

#include "devices.h"

/* Appends dir/name = value (name NULL: dir itself; value NULL: a directory). */
struct tern_dev_node *tern_dev_add(struct tern_dev_nodes *out, const char *dir, const char *name,
                                   const char *value);
struct tern_dev_node *tern_dev_addf(struct tern_dev_nodes *out, const char *dir, const char *name,
                                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void tern_dev_perms(struct tern_dev_node *n, unsigned int owner, unsigned int reader);

#endif
