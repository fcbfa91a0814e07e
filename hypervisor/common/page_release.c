/* SPDX-License-Identifier: MIT */
/*
 * Batched release of a domain's RAM pages (hv/page_release.h).  Unmapping page by page
 * with a TLB invalidation each (tlbi ipas2e1is + vmalle1is, three DSBs) cost 131072
 * flushes for a 512 MiB balloon-down; one VMID-wide invalidation per 512 entries does the
 * same job.  Order matters: unmap, flush, then free (Xen: the page's reference is
 * dropped only after the p2m's TLB flush).
 */
#include <hv/arch_hooks.h>
#include <hv/claim.h>
#include <hv/page_release.h>
#include <hv/sched.h>

void page_release_init(struct page_release *r, struct domain *d)
{
    r->d = d;
    r->unmapped = 0;
    r->nr = 0;
}

int page_release_add(struct page_release *r, gfn_t gfn, mfn_t mfn, bool free_frame)
{
    int rc = p2m_unmap_noflush(r->d, gfn);

    if (rc)
        return rc;
    r->unmapped++;
    if (free_frame)
        r->mfn[r->nr++] = mfn;
    if (r->unmapped == PAGE_RELEASE_BATCH || r->nr == PAGE_RELEASE_BATCH)
        page_release_flush(r);
    return 0;
}

void page_release_flush(struct page_release *r)
{
    unsigned int i;

    if (!r->unmapped)
        return;
    p2m_flush_vmid(r->d);
    for (i = 0; i < r->nr; i++) {
        free_domheap_page(r->d, r->mfn[i]);
        claim_adjust_tot_pages(r->d, -1); /* keeps claims in step (claim.c) */
    }
    r->unmapped = 0;
    r->nr = 0;
}
