/* Read-only flattened device tree lookups (enough for /chosen, /memory, /hypervisor). */
#ifndef TG_FDT_H
#define TG_FDT_H

#include "types.h"

bool fdt_valid(const void *fdt);
uint32_t fdt_total_size(const void *fdt);
/* Property of the node at `path` ("/chosen", "/memory", "/hypervisor"); a path component
 * matches a node name with or without its "@unit-address".  Returns NULL if absent. */
const void *fdt_get_prop(const void *fdt, const char *path, const char *prop, uint32_t *len);
static inline uint32_t fdt32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static inline uint64_t fdt64(const void *p)
{
    return ((uint64_t)fdt32(p) << 32) | fdt32((const uint8_t *)p + 4);
}

#endif
