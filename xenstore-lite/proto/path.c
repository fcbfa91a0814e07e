/* Xenstore path syntax (see path.h). */
#include "path.h"

#include <stdio.h>
#include <string.h>
#include <xen/io/xs_wire.h>

/* Xen's node-name characters: [a-zA-Z0-9-/_@] (a table: this runs for every byte of every
 * request's path). */
static const bool name_char[256] = {
    ['-'] = true,         ['/'] = true,         ['_'] = true,         ['@'] = true,
    ['0' ... '9'] = true, ['a' ... 'z'] = true, ['A' ... 'Z'] = true,
};

static bool valid_char(char c)
{
    return name_char[(unsigned char)c];
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

/* One pass (this runs for every request): characters, "//", and the length. */
bool xsl_path_valid(const char *path, unsigned int max_rel)
{
    size_t len;

    if (path[0] != '/')
        return false;
    for (len = 1; path[len]; len++)
        if (!valid_char(path[len]) || (path[len] == '/' && path[len - 1] == '/'))
            return false;
    if (len > 1 && path[len - 1] == '/')
        return false;
    return len <= local_prefix_len(path) + max_rel;
}

bool xsl_path_special(const char *path)
{
    return path[0] == '@';
}

bool xsl_path_canon(const char *in, unsigned int domid, char *out, size_t outsz)
{
    size_t len = strlen(in);
    int n;

    if (in[0] == '/' || in[0] == '@') {
        if (len >= outsz)
            return false;
        memcpy(out, in, len + 1);
        return true;
    }
    n = snprintf(out, outsz, "/local/domain/%u/", domid);
    if (n < 0 || (size_t)n + len >= outsz)
        return false;
    memcpy(out + n, in, len + 1);
    return true;
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
