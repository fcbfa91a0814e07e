/* SPDX-License-Identifier: MIT */
/*
 * XENMEM_claim_pages: memory claims, with Xen 4.17's semantics (behaviour of
 * xen/common/page_alloc.c's outstanding pages, written for Tern).
 *
 * A claim is a number of pages d->outstanding_pages that the free pool keeps for d: an
 * allocation for any domain fails when it would leave fewer free pages than all claims
 * together, unless the allocating domain's own claim covers it.  Every page d is given
 * shrinks its claim by one (never below 0); a page d gives back grows it again while the
 * claim stands (Xen does the same).  Claims gate domain RAM only (alloc_domheap_page),
 * not the hypervisor's own objects.  A claim ends when set to 0, when it is used up, or
 * when the domain dies (domain_destroy).
 *
 * Locking: claim_lock covers outstanding_claims, every d->outstanding_pages and the
 * check-and-allocate in claim_alloc_page; taken under d->domain_lock.
 */
#include <hv/arch_hooks.h>
#include <hv/claim.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/spinlock.h>

#include <xen/memory.h>

static spinlock_t claim_lock = SPINLOCK_INIT;
static unsigned long outstanding_claims;

int claim_set(struct domain *d, unsigned long pages)
{
    unsigned long avail;
    int rc = 0;

    spin_lock(&d->domain_lock);
    spin_lock(&claim_lock);
    if (pages == 0) {
        outstanding_claims -= d->outstanding_pages;
        d->outstanding_pages = 0;
    } else if (d->outstanding_pages) {
        rc = -EINVAL; /* one claim at a time */
    } else if (pages <= d->tot_pages || pages > d->max_pages) {
        rc = -EINVAL;
    } else {
        avail = avail_domheap_pages();
        avail = avail > outstanding_claims ? avail - outstanding_claims : 0;
        if (pages - d->tot_pages > avail) {
            rc = -ENOMEM;
        } else {
            d->outstanding_pages = pages - d->tot_pages;
            outstanding_claims += d->outstanding_pages;
        }
    }
    spin_unlock(&claim_lock);
    spin_unlock(&d->domain_lock);
    return rc;
}

static void adjust_locked(struct domain *d, long delta)
{
    long before = (long)d->outstanding_pages, after;

    d->tot_pages += delta;
    if (!before)
        return;
    after = before - delta;
    if (after < 0)
        after = 0;
    d->outstanding_pages = (unsigned long)after;
    outstanding_claims = outstanding_claims - (unsigned long)before + (unsigned long)after;
}

mfn_t claim_alloc_page(struct domain *d)
{
    mfn_t mfn = INVALID_MFN;

    spin_lock(&claim_lock);
    if (outstanding_claims + 1 <= avail_domheap_pages() || d->outstanding_pages >= 1)
        mfn = alloc_domheap_page(d);
    if (mfn != INVALID_MFN)
        adjust_locked(d, 1);
    spin_unlock(&claim_lock);
    return mfn;
}

void claim_adjust_tot_pages(struct domain *d, long delta)
{
    spin_lock(&claim_lock);
    adjust_locked(d, delta);
    spin_unlock(&claim_lock);
}

unsigned long claim_outstanding_total(void)
{
    unsigned long n;

    spin_lock(&claim_lock);
    n = outstanding_claims;
    spin_unlock(&claim_lock);
    return n;
}

/* XENMEM_claim_pages (memory_op 24), as Xen 4.17: a reservation struct with no list,
 * order 0 and no flags (-EINVAL); the domain by id, DOMID_SELF not accepted (-EINVAL,
 * as Xen's rcu_lock_domain_by_id); dom0 only (-EPERM, XSM_PRIV); then claim_set(). */
long claim_pages_op(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    long rc;

    if (start)
        return -EINVAL;
    if (copy_from_guest_va(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.extent_start.q || r.extent_order || r.mem_flags)
        return -EINVAL;
    d = domain_lookup(r.domid);
    if (!d)
        return -EINVAL;
    if (!cur->domain->is_privileged)
        return -EPERM;
    rc = claim_set(d, r.nr_extents);
    if (rc == 0 && r.nr_extents)
        printk("memory: d%u claims %llu pages (XENMEM_claim_pages)\n", d->domain_id,
               (unsigned long long)d->outstanding_pages);
    return rc;
}
