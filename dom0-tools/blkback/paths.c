/* tern-blkback: watch events to devices (see paths.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"

/* "D/N" (followed by the end or '/'): 1 with both numbers, 0 with only "D", -1 if malformed. */
static int parse_ids(const char *s, uint32_t *domid, uint32_t *devid)
{
    char *end;
    unsigned long d, n;

    if (*s < '0' || *s > '9')
        return -1;
    d = strtoul(s, &end, 10);
    if (d > 0x7fef)
        return -1;
    *domid = (uint32_t)d;
    if (*end == '\0')
        return 0;
    if (*end != '/')
        return -1;
    s = end + 1;
    if (*s < '0' || *s > '9')
        return -1;
    n = strtoul(s, &end, 10);
    if (n > 0xffffffffUL || (*end != '\0' && *end != '/'))
        return -1;
    *devid = (uint32_t)n;
    return 1;
}

/* Whether a device's node is one only tern-blkback writes (vbd.c: its features and the disk's
 * geometry), not the toolstack (state, online, params, mode, tern-resize...) or the frontend. */
static int node_is_ours(const char *node)
{
    static const char *const prefixes[] = {"feature-", "discard-"};
    static const char *const names[] = {
        "info",        "max-ring-page-order",  "multi-queue-max-queues",
        "sector-size", "physical-sector-size", "sectors"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (!strncmp(node, prefixes[i], strlen(prefixes[i])))
            return 1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(node, names[i]))
            return 1;
    return 0;
}

int blk_watch_target(const char *path, const char *token, uint32_t *domid, uint32_t *devid)
{
    size_t root = strlen(BLK_BACKEND_ROOT), ft = strlen(BLK_TOKEN_FRONTEND);
    const char *node;
    int rc;

    if (!strcmp(token, BLK_TOKEN_BACKEND)) {
        if (strncmp(path, BLK_BACKEND_ROOT, root))
            return -1;
        if (path[root] == '\0')
            return 0;
        if (path[root] != '/')
            return -1;
        rc = parse_ids(path + root + 1, domid, devid);
        node = rc == 1 ? strchr(strchr(path + root + 1, '/') + 1, '/') : NULL;
        /* our own writes coming back need no re-read of the device */
        return node && node_is_ours(node + 1) ? -1 : rc;
    }
    if (!strncmp(token, BLK_TOKEN_FRONTEND, ft))
        return parse_ids(token + ft, domid, devid) == 1 ? 1 : -1;
    return -1;
}

void blk_frontend_token(uint32_t domid, uint32_t devid, char *out, size_t len)
{
    snprintf(out, len, "%s%u/%u", BLK_TOKEN_FRONTEND, domid, devid);
}
