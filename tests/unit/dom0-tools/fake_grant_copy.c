/* See fake_grant_copy.h. */
#include <stdbool.h>
#include <string.h>
#include "fake_grant_copy.h"

void fake_grant_copy(xengnttab_grant_copy_segment_t *segs, uint32_t count, uint8_t *pages,
                     unsigned npages, unsigned page_size, int domid)
{
    for (uint32_t i = 0; i < count; i++) {
        xengnttab_grant_copy_segment_t *s = &segs[i];
        bool from_guest = s->flags & GNTCOPY_source_gref;
        uint32_t ref = from_guest ? s->source.foreign.ref : s->dest.foreign.ref;
        uint16_t off = from_guest ? s->source.foreign.offset : s->dest.foreign.offset;
        uint16_t dom = from_guest ? s->source.foreign.domid : s->dest.foreign.domid;
        uint8_t *page = pages + (size_t)ref * page_size;

        if (ref >= npages || (domid >= 0 && dom != domid) || off + s->len > page_size) {
            s->status = GNTST_bad_gntref;
            continue;
        }
        if (from_guest)
            memcpy(s->dest.virt, page + off, s->len);
        else
            memcpy(page + off, s->source.virt, s->len);
        s->status = GNTST_okay;
    }
}
