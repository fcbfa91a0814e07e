/* Minimal read-only walk of a flattened device tree (devicetree specification v0.4 ch. 5). */
#include <tg/fdt.h>
#include <tg/lib.h>

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

bool fdt_valid(const void *fdt)
{
    return fdt && fdt32(fdt) == FDT_MAGIC && fdt32((const uint8_t *)fdt + 20) >= 16;
}

uint32_t fdt_total_size(const void *fdt)
{
    return fdt32((const uint8_t *)fdt + 4);
}

/* Does node name `name` match path component [c, c+len)?  "memory@40000000" matches
 * "memory". */
static bool name_matches(const char *name, const char *c, size_t len)
{
    return !strncmp(name, c, len) && (name[len] == '\0' || name[len] == '@');
}

const void *fdt_get_prop(const void *fdt, const char *path, const char *prop, uint32_t *len)
{
    const uint8_t *base = fdt;
    const uint8_t *p = base + fdt32(base + 8);
    const char *strings = (const char *)base + fdt32(base + 12);
    const uint8_t *end = base + fdt_total_size(fdt);
    int depth = 0, matched = 0; /* nodes open; path components matched */
    const char *comp[8];
    size_t comp_len[8];
    int ncomp = 0;

    if (!fdt_valid(fdt))
        return NULL;
    for (const char *c = path; *c && ncomp < 8;) {
        while (*c == '/')
            c++;
        if (!*c)
            break;
        comp[ncomp] = c;
        while (*c && *c != '/')
            c++;
        comp_len[ncomp] = (size_t)(c - comp[ncomp]);
        ncomp++;
    }

    while (p + 4 <= end) {
        uint32_t tok = fdt32(p);

        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            size_t n = strlen(name);

            /* The node sits at level `depth` (the root, with an empty name, is level 0);
             * it extends the match if all its ancestors matched. */
            if (depth >= 1 && matched == depth - 1 && depth - 1 < ncomp &&
                name_matches(name, comp[depth - 1], comp_len[depth - 1]))
                matched = depth;
            depth++;
            p += ALIGN_UP(n + 1, 4);
        } else if (tok == FDT_END_NODE) {
            depth--; /* closing the node at level `depth` */
            if (matched >= depth && depth >= 1)
                matched = depth - 1;
        } else if (tok == FDT_PROP) {
            uint32_t plen = fdt32(p);
            uint32_t nameoff = fdt32(p + 4);

            if (depth - 1 == ncomp && matched == ncomp && !strcmp(strings + nameoff, prop)) {
                if (len)
                    *len = plen;
                return p + 8;
            }
            p += 8 + ALIGN_UP(plen, 4);
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break;
        }
    }
    return NULL;
}
