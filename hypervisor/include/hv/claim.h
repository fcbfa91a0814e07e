/* SPDX-License-Identifier: MIT */
/*
 * Memory claims (XENMEM_claim_pages), common/claim.c: a domain may reserve pages of the
 * free pool before it is built; other domains' RAM allocations cannot take them, and the
 * claim shrinks as the claiming domain is given pages (Xen's outstanding pages).
 */
#ifndef HV_CLAIM_H
#define HV_CLAIM_H

#include <hv/sched.h>

/* XENMEM_claim_pages on d: pages is the total d should own once built (claim =
 * pages - tot_pages); 0 cancels.  0, -EINVAL (a claim already stands, pages not above
 * tot_pages or above max_pages), -ENOMEM (not that many unclaimed free pages). */
int claim_set(struct domain *d, unsigned long pages);
/* One page of RAM for d (alloc_domheap_page) unless it would eat into other domains'
 * claims; on success tot_pages grows by one and d's claim shrinks.  d->domain_lock held. */
mfn_t claim_alloc_page(struct domain *d);
/* d's tot_pages changes by delta pages outside claim_alloc_page (frees: negative), and
 * its claim, if any, moves the other way (as Xen's domain_adjust_tot_pages).
 * d->domain_lock held. */
void claim_adjust_tot_pages(struct domain *d, long delta);
/* XENMEM_claim_pages: the memory_op handler (start = the continuation bits of cmd). */
long claim_pages_op(struct vcpu *cur, unsigned long start, uint64_t arg);
/* Sum of every domain's outstanding claim (XEN_SYSCTL_physinfo outstanding_pages). */
unsigned long claim_outstanding_total(void);

#endif /* HV_CLAIM_H */
