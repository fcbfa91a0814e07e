/* A simulated guest's side of GNTTABOP_copy for the backends' ring tests: grant ref N is
 * guest page N, of page_size bytes, granted to every domain or to one. */
#ifndef TERN_TEST_FAKE_GRANT_COPY_H
#define TERN_TEST_FAKE_GRANT_COPY_H

#include <stdint.h>
#include <xengnttab.h>

/* Does each segment's copy between pages[ref] and its local buffer; a ref past npages, a
 * range past the page or (domid >= 0) another domain gets GNTST_bad_gntref. */
void fake_grant_copy(xengnttab_grant_copy_segment_t *segs, uint32_t count, uint8_t *pages,
                     unsigned npages, unsigned page_size, int domid);

#endif
