/* Building node lists (devices_nodes.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "devices_nodes.h"

struct tern_dev_node *tern_dev_add(struct tern_dev_nodes *out, const char *dir, const char *name,
                                   const char *value)
{
    struct tern_dev_node *n;
    int len;

    if (out->count == TERN_DEV_MAX_NODES) {
        out->overflow = 1;
        return NULL;
    }
    n = &out->n[out->count];
    memset(n, 0, sizeof(*n));
    len = snprintf(n->path, sizeof(n->path), "%s%s%s", dir, name ? "/" : "", name ? name : "");
    if (len < 0 || (size_t)len >= sizeof(n->path) || (value && strlen(value) >= sizeof(n->value))) {
        out->overflow = 1;
        return NULL;
    }
    n->dir = !value;
    if (value)
        strcpy(n->value, value);
    out->count++;
    return n;
}

struct tern_dev_node *tern_dev_addf(struct tern_dev_nodes *out, const char *dir, const char *name,
                                    const char *fmt, ...)
{
    char value[300];
    va_list al;
    int len;

    va_start(al, fmt);
    len = vsnprintf(value, sizeof(value), fmt, al);
    va_end(al);
    if (len < 0 || (size_t)len >= sizeof(value)) {
        out->overflow = 1;
        return NULL;
    }
    return tern_dev_add(out, dir, name, value);
}

void tern_dev_perms(struct tern_dev_node *n, unsigned int owner, unsigned int reader)
{
    if (!n)
        return;
    n->perms[0] = (struct xs_permissions){.id = owner, .perms = XS_PERM_NONE};
    n->perms[1] = (struct xs_permissions){.id = reader, .perms = XS_PERM_READ};
    n->nperms = 2;
}
