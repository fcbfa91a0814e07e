/* tern-netback: watch paths to vif ids (see path.h). */
#include "path.h"

#include <ctype.h>
#include <string.h>

static int parse_id(const char **p, unsigned *out)
{
    unsigned long v = 0;

    if (!isdigit((unsigned char)**p))
        return -1;
    while (isdigit((unsigned char)**p)) {
        v = v * 10 + (unsigned long)(**p - '0');
        if (v > 0xffffu)
            return -1;
        (*p)++;
    }
    *out = (unsigned)v;
    return 0;
}

int nb_vif_path_parse(const char *path, struct nb_vif_path *out)
{
    size_t root = strlen(NB_BACKEND_ROOT);
    const char *p = path;

    if (!path || strncmp(path, NB_BACKEND_ROOT, root) != 0 || path[root] != '/')
        return -1;
    p += root + 1;
    if (parse_id(&p, &out->domid) || *p != '/')
        return -1;
    p++;
    if (parse_id(&p, &out->devid))
        return -1;
    if (*p == '\0') {
        out->node = p;
        return 0;
    }
    if (*p != '/' || p[1] == '\0')
        return -1;
    out->node = p + 1;
    return 0;
}

bool nb_vif_node_is_ours(const char *node)
{
    static const char *const ours[] = {"multi-queue-max-queues", "hotplug-status"};

    if (!strncmp(node, "feature-", strlen("feature-")))
        return true;
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        if (!strcmp(node, ours[i]))
            return true;
    return false;
}
