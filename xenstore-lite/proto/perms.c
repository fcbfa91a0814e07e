/* Xenstore node permissions (see perms.h). */
#include "perms.h"
#include "wire.h"

#include <stdio.h>
#include <string.h>

int xsl_perms_parse(const char *s, unsigned int n, struct xsl_perm *out)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned long id;

        switch (s[0]) {
        case 'r':
            out[i].perms = XSL_PERM_READ;
            break;
        case 'w':
            out[i].perms = XSL_PERM_WRITE;
            break;
        case 'b':
            out[i].perms = XSL_PERM_READ | XSL_PERM_WRITE;
            break;
        case 'n':
            out[i].perms = XSL_PERM_NONE;
            break;
        default:
            return EINVAL;
        }
        if (!xsl_parse_uint(s + 1, UINT32_MAX, &id))
            return EINVAL;
        out[i].id = (uint32_t)id;
        s += strlen(s) + 1;
    }
    return 0;
}

size_t xsl_perm_format(const struct xsl_perm *p, char *buf)
{
    static const char letter[4] = {'n', 'r', 'w', 'b'};
    return (size_t)sprintf(buf, "%c%u", letter[p->perms & 3], p->id);
}

static bool is_me(uint32_t id, const struct xsl_who *who)
{
    return id == who->domid || (who->target >= 0 && id == (uint32_t)who->target);
}

uint32_t xsl_perm_for(const struct xsl_perm *p, unsigned int n, const struct xsl_who *who)
{
    const uint32_t all = XSL_PERM_READ | XSL_PERM_WRITE | XSL_PERM_OWNER;

    if (who->priv || (n > 0 && is_me(p[0].id, who)))
        return all;
    for (unsigned int i = 1; i < n; i++)
        if (is_me(p[i].id, who))
            return p[i].perms & all;
    return n > 0 ? (p[0].perms & all) : XSL_PERM_NONE;
}
