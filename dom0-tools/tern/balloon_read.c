/* Gathers a domain's balloon observation from the hypervisor and xenstore (balloon.h). */
#include <errno.h>
#include <stdlib.h>
#include "balloon_read.h"

static uint64_t read_kb(struct tern_ctx *ctx, uint32_t domid, const char *key, bool *found)
{
    char *v = tern_xs_read(ctx, XBT_NULL, "/local/domain/%u/%s", domid, key);
    uint64_t n = 0;

    if (v) {
        n = strtoull(v, NULL, 10);
        if (found)
            *found = true;
    }
    free(v);
    return n;
}

int tern_balloon_observe(struct tern_ctx *ctx, uint32_t domid, struct tern_balloon_obs *o)
{
    xc_domaininfo_t info;
    xc_physinfo_t phys = {0};
    bool total = false, avail = false;
    uint64_t maxmem;

    *o = (struct tern_balloon_obs){0};
    if (xc_domain_getinfolist(ctx->xch, domid, 1, &info) != 1 || info.domain != domid) {
        errno = ESRCH;
        return -1;
    }
    o->actual_kb = info.tot_pages << (XC_PAGE_SHIFT - 10);
    o->maxmem_kb = info.max_pages << (XC_PAGE_SHIFT - 10);
    if (xc_physinfo(ctx->xch, &phys) == 0)
        o->host_free_kb = phys.free_pages << (XC_PAGE_SHIFT - 10);
    o->target_kb = read_kb(ctx, domid, "memory/target", NULL);
    o->static_max_kb = read_kb(ctx, domid, "memory/static-max", NULL);
    /* maxmem above the boot size (tern create, docs/memory.md): the ceiling. */
    maxmem = read_kb(ctx, domid, "memory/tern-maxmem", NULL);

    o->static_max_kb = maxmem > o->static_max_kb ? maxmem : o->static_max_kb;
    o->guest_total_kb = read_kb(ctx, domid, "data/meminfo_total", &total);
    o->guest_avail_kb = read_kb(ctx, domid, "data/meminfo_free", &avail);
    o->guest_cma_total_kb = read_kb(ctx, domid, "data/meminfo_cma_total", NULL);
    o->guest_cma_free_kb = read_kb(ctx, domid, "data/meminfo_cma_free", NULL);
    o->have_agent = total && avail;
    return 0;
}
