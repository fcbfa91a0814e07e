/* Xenstore path syntax (see path.h). */
#include "path.h"

#include <stdio.h>
#include <string.h>
#include <xen/io/xs_wire.h>

static bool valid_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '/' || c == '_' || c == '@';
}

/* Length of a "/local/domain/<id>/" prefix, as Xen counts it (id up to 5 digits). */
static size_t local_prefix_len(const char *path)
{
    static const char pfx[] = "/local/domain/";
    size_t n = sizeof(pfx) - 1, digits = 0;

    if (strncmp(path, pfx, n) != 0)
        return 0;
    while (path[n + digits] >= '0' && path[n + digits] <= '9' && digits < 5)
        digits++;
    if (digits == 0 || path[n + digits] != '/')
        return 0;
    return n + digits + 1;
}

bool xsl_path_valid(const char *path, unsigned int max_rel)
{
    size_t len = strlen(path);

    if (path[0] != '/')
        return false;
    if (len > 1 && path[len - 1] == '/')
        return false;
    if (strstr(path, "//"))
        return false;
    if (len > local_prefix_len(path) + max_rel)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!valid_char(path[i]))
            return false;
    return true;
}

bool xsl_path_special(const char *path)
{
    return path[0] == '@';
}

bool xsl_path_canon(const char *in, unsigned int domid, char *out, size_t outsz)
{
    int n;

    if (in[0] == '/' || in[0] == '@')
        n = snprintf(out, outsz, "%s", in);
    else
        n = snprintf(out, outsz, "/local/domain/%u/%s", domid, in);
    return n >= 0 && (size_t)n < outsz;
}

bool xsl_path_is_child(const char *child, const char *parent)
{
    size_t len = strlen(parent);

    if (parent[0] == '/' && parent[1] == '\0')
        return child[0] == '/';
    if (strncmp(child, parent, len) != 0)
        return false;
    return child[len] == '/' || child[len] == '\0';
}

size_t xsl_path_parent_len(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash || (slash == path && path[1] == '\0'))
        return 0;
    if (slash == path)
        return 1;
    return (size_t)(slash - path);
}

const char *xsl_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
