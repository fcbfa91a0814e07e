/* How a byte range is cut into copy windows and grant copy segments (used by load.c; pure,
 * unit-tested on the host). */
#include "tern/guest.h"

size_t tern_copy_plan(uint64_t gpa, size_t len, size_t max_pages, struct tern_copy_window *out,
                      size_t max_out)
{
    size_t pages = (size_t)((len + TERN_PAGE_SIZE - 1) / TERN_PAGE_SIZE), n = 0;

    if (!max_pages)
        return 0;
    for (size_t first = 0; first < pages; first += max_pages, n++) {
        size_t np = pages - first < max_pages ? pages - first : max_pages;
        size_t off = first * TERN_PAGE_SIZE;

        if (n < max_out)
            out[n] = (struct tern_copy_window){
                .gfn = gpa / TERN_PAGE_SIZE + first,
                .npages = np,
                .src_off = off,
                .data_len = len - off < np * TERN_PAGE_SIZE ? len - off : np * TERN_PAGE_SIZE};
    }
    return n;
}

size_t tern_copy_segments(const struct tern_copy_window *w, uint32_t first_ref,
                          struct tern_copy_seg *segs)
{
    size_t n = 0;

    for (size_t i = 0; i < w->npages; i++) {
        size_t at = i * TERN_PAGE_SIZE;
        size_t data = w->data_len > at ? w->data_len - at : 0;

        if (data > TERN_PAGE_SIZE)
            data = TERN_PAGE_SIZE;
        if (data)
            segs[n++] = (struct tern_copy_seg){.ref = first_ref + (uint32_t)i,
                                               .offset = 0,
                                               .len = (uint16_t)data,
                                               .src_off = w->src_off + at};
        if (data < TERN_PAGE_SIZE)
            segs[n++] = (struct tern_copy_seg){.ref = first_ref + (uint32_t)i,
                                               .offset = (uint16_t)data,
                                               .len = (uint16_t)(TERN_PAGE_SIZE - data),
                                               .src_off = TERN_COPY_ZEROS};
    }
    return n;
}
