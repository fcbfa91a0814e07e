/* tern-netback: which vif (and which of its nodes) a xenstore watch event under
 * /local/domain/0/backend/vif names. */
#ifndef TERN_NETBACK_PATH_H
#define TERN_NETBACK_PATH_H

#include <stdbool.h>

#define NB_BACKEND_ROOT "/local/domain/0/backend/vif"

struct nb_vif_path {
    unsigned domid, devid;
    const char *node; /* points into the path: "" for the device directory itself */
};

/* Parses ROOT/<domid>/<devid>[/<node>]. Returns 0, or -1 for paths above a device (the root,
 * a domain's directory) or not under ROOT, or with non-decimal ids. */
int nb_vif_path_parse(const char *path, struct nb_vif_path *out);

/* Whether a device's node is one only tern-netback writes (its features, hotplug-status): a
 * watch event for it is our own write coming back and needs no re-read of the device. */
bool nb_vif_node_is_ours(const char *node);

#endif
