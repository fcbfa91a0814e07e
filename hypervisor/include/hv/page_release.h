/* SPDX-License-Identifier: MIT */
/*
 * Giving a domain's RAM pages back in batches (XENMEM_decrease_reservation,
 * common/page_release.c): up to PAGE_RELEASE_BATCH stage-2 entries are removed without a
 * TLB flush, then one flush of the domain's VMID (p2m_flush_vmid), and only then are the
 * frames freed to the heap: a frame is never reused while a stale TLB entry of the guest
 * may still map it.
 */
#ifndef HV_PAGE_RELEASE_H
#define HV_PAGE_RELEASE_H

#include <hv/types.h>

struct domain;

#define PAGE_RELEASE_BATCH 512 /* entries unmapped per TLB flush (2 MiB of 4 KiB pages) */

struct page_release {
    struct domain *d;
    unsigned int unmapped;         /* entries removed since the last flush */
    unsigned int nr;               /* frames waiting for that flush */
    mfn_t mfn[PAGE_RELEASE_BATCH]; /* ... to be freed after it */
};

void page_release_init(struct page_release *r, struct domain *d);
/* Remove d's stage-2 entry for gfn (which maps mfn, RAM of d); the frame is freed (and
 * d->tot_pages lowered) after the next flush unless free_frame is false (direct-mapped
 * dom0 keeps its frames).  Flushes the batch when it is full.  Caller holds
 * d->domain_lock.  0, or the p2m's -errno (nothing changed then). */
int page_release_add(struct page_release *r, gfn_t gfn, mfn_t mfn, bool free_frame);
/* One TLB flush of d's VMID if any entry was removed since the last one, then free the
 * frames waiting for it.  Caller holds d->domain_lock. */
void page_release_flush(struct page_release *r);

#endif /* HV_PAGE_RELEASE_H */
