/* SPDX-License-Identifier: MIT */
/*
 * memory_op (Xen: xen/common/memory.c, xen/arch/arm/mm.c xenmem_add_to_physmap_one).
 *
 * Accounting: d->tot_pages counts the RAM pages assigned to d, exactly; it changes only
 * here (populate/increase: +1 per page allocated, through common/claim.c, which keeps claims
 * in step), in page_release.c (decrease: -1 per page freed after the batch's TLB flush, also
 * through claim.c) and at dom0 build.  Direct-mapped dom0 never frees on
 * decrease_reservation: its frames keep their owner so populate_physmap can bring the same gfn ==
 * mfn back (Xen).
 *
 * The reservation ops return the number of extents done (never an error), as Xen.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XENMEM_reserved_device_memory_map's struct */
#endif

#include <hv/arch_hooks.h>
#include <hv/claim.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/page_release.h>

#include <xen/memory.h>

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1 << MEMOP_EXTENT_SHIFT) - 1)
/* Largest extent order (Xen's CONFIG_DOMU_MAX_ORDER / CONFIG_HWDOM_MAX_ORDER). */
#define DOMU_MAX_ORDER  9
#define HWDOM_MAX_ORDER 12

static bool may_target(struct vcpu *v, struct domain *d)
{
    return v->domain == d || v->domain->is_privileged;
}

static unsigned int max_order(const struct domain *d)
{
    return d->is_privileged ? HWDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

static bool is_ram(unsigned int t)
{
    return t == P2M_RAM_RW || t == P2M_RAM_RO;
}

/* ------------------------------------------------------------------ reservations */

/* Allocate 2^order pages to d, and map them at gfn.. unless gfn is INVALID_GFN
 * (increase_reservation: auto-translated guests get the pages unmapped, as Xen).
 * All or nothing. */
static bool alloc_extent(struct domain *d, gfn_t gfn, unsigned int order)
{
    unsigned long n = 1UL << order, j;
    mfn_t mfn;

    spin_lock(&d->domain_lock);
    if (d->tot_pages + n > d->max_pages) {
        spin_unlock(&d->domain_lock);
        return false;
    }
    for (j = 0; j < n; j++) {
        mfn = claim_alloc_page(d); /* tot_pages + 1 */
        if (mfn == INVALID_MFN)
            break;
        if (gfn != INVALID_GFN && p2m_map(d, gfn + j, mfn, P2M_RAM_RW)) {
            free_domheap_page(d, mfn);
            claim_adjust_tot_pages(d, -1);
            break;
        }
    }
    if (j < n) {
        /* Undo this extent's pages. */
        while (j--) {
            if (gfn != INVALID_GFN) {
                mfn = p2m_lookup(d, gfn + j, NULL);
                p2m_unmap(d, gfn + j);
                free_domheap_page(d, mfn);
            }
            claim_adjust_tot_pages(d, -1);
        }
        spin_unlock(&d->domain_lock);
        return false;
    }
    spin_unlock(&d->domain_lock);
    return true;
}

/* Direct-mapped: map back frames gfn.. == mfn.. that d still owns. */
static bool repopulate_direct(struct domain *d, gfn_t gfn, unsigned int order)
{
    unsigned long n = 1UL << order, j;

    for (j = 0; j < n; j++)
        if (!mfn_owned_by(d, gfn + j))
            return false;
    spin_lock(&d->domain_lock);
    for (j = 0; j < n; j++)
        if (p2m_map(d, gfn + j, gfn + j, P2M_RAM_RW))
            break;
    spin_unlock(&d->domain_lock);
    return j == n;
}

/* guest_remove_page: 0, or -errno (stops decrease_reservation).  The entry goes at once;
 * the frame is freed with r's batch, after its TLB flush. */
static int remove_page(struct domain *d, gfn_t gfn, struct page_release *r)
{
    unsigned int t;
    mfn_t mfn = p2m_lookup(d, gfn, &t);

    if (mfn == INVALID_MFN)
        return -EINVAL;
    if (!is_ram(t) || !mfn_owned_by(d, mfn))
        return -ENXIO; /* grant/foreign/MMIO entries and xenheap frames are not RAM of d */
    if (evtchn_uses_frame(d, mfn))
        return -EBUSY; /* a FIFO event page: the hypervisor still writes to it */
    return page_release_add(r, gfn, mfn, !is_domain_direct_mapped(d));
}

/* decrease_reservation: extents start.. of r; the number done. */
static unsigned long decrease_reservation(struct domain *d, const struct xen_memory_reservation *r,
                                          unsigned long start)
{
    struct page_release rel;
    unsigned long i;

    page_release_init(&rel, d);
    for (i = start; i < r->nr_extents; i++) {
        xen_pfn_t gfn;
        unsigned long j;
        bool ok = true;

        if (copy_from_guest_va(&gfn, r->extent_start.q + i * sizeof(gfn), sizeof(gfn)))
            break;
        spin_lock(&d->domain_lock);
        for (j = 0; j < (1UL << r->extent_order) && ok; j++)
            ok = remove_page(d, gfn + j, &rel) == 0;
        spin_unlock(&d->domain_lock);
        if (!ok)
            break;
    }
    /* Also after a bad extent: what was unmapped is flushed and freed. */
    spin_lock(&d->domain_lock);
    page_release_flush(&rel);
    spin_unlock(&d->domain_lock);
    return i;
}

static long reservation_op(struct vcpu *cur, int op, unsigned long start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    unsigned long i;

    if (copy_from_guest_va(&r, arg, sizeof(r)))
        return start;
    if (r.nr_extents > (0xffffffffUL >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents)
        return start;
    d = domain_lookup_any(cur, r.domid);
    if (!d || !may_target(cur, d))
        return start;
    /* Only address_bits 0 (any) is meaningful here; populate-on-demand is x86. */
    if (r.extent_order > max_order(cur->domain) || (r.mem_flags & XENMEMF_populate_on_demand))
        return start;
    if (op == XENMEM_decrease_reservation)
        return decrease_reservation(d, &r, start);

    for (i = start; i < r.nr_extents; i++) {
        xen_pfn_t gfn = INVALID_GFN;
        bool ok = true;

        if (op != XENMEM_increase_reservation &&
            copy_from_guest_va(&gfn, r.extent_start.q + i * sizeof(gfn), sizeof(gfn)))
            break;
        if (op == XENMEM_increase_reservation) {
            ok = alloc_extent(d, INVALID_GFN, r.extent_order);
        } else if (op == XENMEM_populate_physmap) {
            if (gfn + (1UL << r.extent_order) < gfn)
                break;
            ok = is_domain_direct_mapped(d) ? repopulate_direct(d, gfn, r.extent_order)
                                            : alloc_extent(d, gfn, r.extent_order);
        }
        if (!ok)
            break;
    }
    return i;
}

/* ------------------------------------------------------------------ physmap */

/* Map a hypervisor-owned frame (shared_info, grant frame) at gfn of d. */
static int map_xenheap_frame(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    return p2m_map(d, gfn, mfn, P2M_RAM_RW);
}

static int add_to_physmap_one(struct vcpu *cur, struct domain *d, unsigned int space,
                              domid_t foreign, xen_ulong_t idx, gfn_t gfn)
{
    mfn_t mfn;
    int rc;

    if (gfn == INVALID_GFN)
        return -EINVAL;
    switch (space) {
    case XENMAPSPACE_shared_info:
        if (idx != 0)
            return -EINVAL;
        spin_lock(&d->domain_lock);
        /* Xen on Arm: one location at a time; remove it before mapping it again. */
        if (d->shared_info_gfn != INVALID_GFN) {
            spin_unlock(&d->domain_lock);
            return -EBUSY;
        }
        rc = map_xenheap_frame(d, gfn, d->shared_info_mfn);
        if (!rc)
            d->shared_info_gfn = gfn;
        spin_unlock(&d->domain_lock);
        return rc;
    case XENMAPSPACE_grant_table:
        rc = gnttab_map_frame(d, idx, gfn, &mfn);
        if (rc)
            return rc;
        rc = map_xenheap_frame(d, gfn, mfn);
        if (rc)
            gnttab_forget_frame(d, mfn);
        return rc;
    case XENMAPSPACE_gmfn_foreign: {
        struct domain *od = domain_lookup_any(cur, foreign);
        unsigned int t;

        if (!od)
            return -ESRCH;
        if (od == d)
            return -EINVAL;
        if (!d->is_privileged)
            return -EPERM;
        mfn = p2m_lookup(od, idx, &t);
        if (mfn == INVALID_MFN || !is_ram(t))
            return -EINVAL;
        return p2m_map(d, gfn, mfn, P2M_FOREIGN_RW);
    }
    default:
        /* gmfn, gmfn_range: not on Arm (Xen: -ENOSYS); dev_mmio: not yet in Tern. */
        return -ENOSYS;
    }
}

static long add_to_physmap(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;

    if (start > 0xffff)
        return -EDOM;
    if (copy_from_guest_va(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS; /* only through add_to_physmap_batch */
    d = domain_lookup_any(cur, x.domid);
    if (!d)
        return -ESRCH;
    if (x.space == XENMAPSPACE_dev_mmio && (!d->is_privileged || d != cur->domain))
        return -EACCES;
    if (!may_target(cur, d))
        return -EPERM;
    return add_to_physmap_one(cur, d, x.space, DOMID_INVALID, x.idx, x.gpfn);
}

static long add_to_physmap_batch(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_add_to_physmap_batch b;
    struct domain *d;

    if (start > 0xffff)
        return -EDOM;
    if (copy_from_guest_va(&b, arg, sizeof(b)))
        return -EFAULT;
    if (b.space == XENMAPSPACE_gmfn_range)
        return -EOPNOTSUPP;
    d = domain_lookup_any(cur, b.domid);
    if (!d)
        return -ESRCH;
    if (b.space == XENMAPSPACE_dev_mmio && (!d->is_privileged || d != cur->domain))
        return -EACCES;
    if (!may_target(cur, d))
        return -EPERM;
    if (b.size < start)
        return -EILSEQ;
    if (b.space == XENMAPSPACE_dev_mmio && b.u.res0)
        return -EOPNOTSUPP;
    for (; start < b.size; start++) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int rc;

        if (copy_from_guest_va(&idx, b.idxs.q + start * sizeof(idx), sizeof(idx)) ||
            copy_from_guest_va(&gpfn, b.gpfns.q + start * sizeof(gpfn), sizeof(gpfn)))
            return -EFAULT;
        if (gpfn == INVALID_GFN)
            return -EINVAL;
        rc = add_to_physmap_one(cur, d, b.space, b.u.foreign_domid, idx, gpfn);
        if (copy_to_guest_va(b.errs.q + start * sizeof(rc), &rc, sizeof(rc)))
            return -EFAULT;
    }
    return 0;
}

static long remove_from_physmap(struct vcpu *cur, uint64_t arg)
{
    struct xen_remove_from_physmap x;
    struct domain *d;
    unsigned int t;
    mfn_t mfn;

    if (copy_from_guest_va(&x, arg, sizeof(x)))
        return -EFAULT;
    d = domain_lookup_any(cur, x.domid);
    if (!d)
        return -ESRCH;
    if (!may_target(cur, d))
        return -EPERM;
    spin_lock(&d->domain_lock);
    mfn = p2m_lookup(d, x.gpfn, &t);
    if (mfn == INVALID_MFN || t == P2M_MMIO) {
        spin_unlock(&d->domain_lock);
        return -ENOENT;
    }
    p2m_unmap(d, x.gpfn);
    /* A hypervisor frame leaves its location; a RAM page stays d's (Xen). */
    if (mfn == d->shared_info_mfn)
        d->shared_info_gfn = INVALID_GFN;
    spin_unlock(&d->domain_lock);
    gnttab_forget_frame(d, mfn);
    return 0;
}

/* Map frames of another domain's resource (its grant table) into the caller's p2m at
 * the gfns the caller lists (Xen: acquire_resource with a translated caller). */
static long acquire_resource(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_mem_acquire_resource x;
    struct domain *d;
    unsigned int max_frames;

    if (copy_from_guest_va(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.pad != 0)
        return -EINVAL;
    if ((x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
        return -EINVAL;
    d = domain_lookup(x.domid);
    if (!d)
        return -ESRCH;
    if (d == cur->domain)
        return -EPERM;
    if (!cur->domain->is_privileged)
        return -EPERM;
    if (x.type != XENMEM_resource_grant_table)
        return -EOPNOTSUPP; /* ioreq servers, vmtrace buffers: not in Tern */
    max_frames = x.id == XENMEM_resource_grant_table_id_shared ? gnttab_max_frames(d) : 0;
    if (!max_frames)
        return -EINVAL;
    if (!x.frame_list.q) {
        /* Size query. */
        if (x.nr_frames || start)
            return -EINVAL;
        x.nr_frames = max_frames;
        return copy_to_guest_va(arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
                                &x.nr_frames, sizeof(x.nr_frames))
                   ? -EFAULT
                   : 0;
    }
    if (start >= x.nr_frames || x.nr_frames > (0xffffffffU >> MEMOP_EXTENT_SHIFT))
        return -EINVAL;
    while (start < x.nr_frames) {
        xen_pfn_t mfns[32], gfns[32];
        unsigned int todo = x.nr_frames - start < 32 ? x.nr_frames - start : 32, i;
        int rc = gnttab_acquire_frames(d, x.id, x.frame + start, todo, mfns);

        if (rc < 0)
            return rc;
        if (copy_from_guest_va(gfns, x.frame_list.q + start * sizeof(xen_pfn_t),
                               todo * sizeof(xen_pfn_t)))
            return -EFAULT;
        for (i = 0; i < todo; i++)
            if (p2m_map(cur->domain, gfns[i], mfns[i], P2M_FOREIGN_RW))
                return start + i == 0 ? -EINVAL : -EIO; /* Xen: -EIO after the first */
        start += todo;
    }
    return 0;
}

static long reservation_query(struct vcpu *cur, int op, unsigned long start, uint64_t arg)
{
    domid_t domid;
    struct domain *d;

    if (start)
        return -EINVAL;
    if (copy_from_guest_va(&domid, arg, sizeof(domid)))
        return -EFAULT;
    d = domain_lookup_any(cur, domid);
    if (!d)
        return -ESRCH;
    if (!may_target(cur, d))
        return -EPERM;
    if (op == XENMEM_maximum_gpfn)
        return (long)p2m_max_mapped_gfn(d);
    return op == XENMEM_current_reservation ? (long)d->tot_pages : (long)d->max_pages;
}

/* ------------------------------------------------------------------ ops Xen on Arm refuses */

/* The NUMA node in mem_flags, as Xen's propagate_node with one node (Xen 4.17 on Arm has
 * no NUMA): none given is fine; dom0 may name node 0 only; a domU may name any node
 * unless it asks for that node exactly. */
static bool node_ok(struct vcpu *cur, unsigned int mem_flags)
{
    unsigned int node = XENMEMF_get_node(mem_flags);

    if (node == 0xff) /* NUMA_NO_NODE */
        return true;
    if (cur->domain->is_privileged)
        return node < 1;
    return !(mem_flags & XENMEMF_exact_node_request);
}

/* XENMEM_exchange: Xen checks the request, then fails at the first input page, whose
 * steal_page is -EOPNOTSUPP on Arm (-EINVAL when the gfn holds no page).  The same
 * checks in the same order here; nr_exchanged is written back as Xen does. */
static long memory_exchange(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_memory_exchange x;
    unsigned int in_chunk, order, t;
    struct domain *d;
    xen_pfn_t gfn;
    long rc;

    if (start)
        return -EINVAL;
    if (copy_from_guest_va(&x, arg, sizeof(x)))
        return -EFAULT;
    order = x.in.extent_order > x.out.extent_order ? x.in.extent_order : x.out.extent_order;
    if (order > max_order(cur->domain)) {
        rc = -EPERM;
        goto out;
    }
    if (x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        (~0UL >> x.in.extent_order) < x.in.nr_extents ||
        (~0UL >> x.out.extent_order) < x.out.nr_extents ||
        (x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order)) {
        rc = -EINVAL;
        goto out;
    }
    if (x.nr_exchanged == x.in.nr_extents)
        return 0;
    if (!node_ok(cur, x.out.mem_flags)) {
        rc = -EINVAL;
        goto out;
    }
    d = domain_lookup_any(cur, x.in.domid);
    if (!d) {
        rc = -ESRCH;
        goto out;
    }
    if (!may_target(cur, d)) {
        rc = -EPERM;
        goto out;
    }
    in_chunk = x.in.extent_order < x.out.extent_order ? x.out.extent_order - x.in.extent_order : 0;
    x.nr_exchanged = (x.nr_exchanged >> in_chunk) << in_chunk;
    if (copy_from_guest_va(&gfn, x.in.extent_start.q + x.nr_exchanged * sizeof(gfn), sizeof(gfn)))
        rc = -EFAULT;
    else if (p2m_lookup(d, gfn, &t) == INVALID_MFN || t == P2M_MMIO)
        rc = -EINVAL;
    else
        rc = -EOPNOTSUPP; /* Xen on Arm: steal_page */
out:
    if (copy_to_guest_va(arg + offsetof(struct xen_memory_exchange, nr_exchanged), &x.nr_exchanged,
                         sizeof(x.nr_exchanged)))
        rc = -EFAULT;
    return rc;
}

/* XENMEM_get_vnumainfo: no domain has a virtual NUMA topology (Tern has no
 * XEN_DOMCTL_setvnumainfo; Xen on Arm's libxl sets none), so -EOPNOTSUPP after Xen's
 * checks. */
static long get_vnumainfo(struct vcpu *cur, unsigned long start, uint64_t arg)
{
    struct xen_vnuma_topology_info t;
    struct domain *d;

    if (start)
        return -EINVAL;
    if (copy_from_guest_va(&t, arg, sizeof(t)))
        return -EFAULT;
    if (t.pad)
        return -EINVAL;
    d = domain_lookup_any(cur, t.domid);
    if (!d)
        return -ESRCH;
    if (!may_target(cur, d))
        return -EPERM;
    return -EOPNOTSUPP;
}

/* XENMEM_reserved_device_memory_map: Xen on Arm (HAS_PASSTHROUGH, no IOMMU op that lists
 * regions) has none to report: any caller gets 0 with nr_entries 0 written back. */
static long reserved_device_memory_map(unsigned long start, uint64_t arg)
{
    struct xen_reserved_device_memory_map m;

    if (start)
        return -EINVAL;
    if (copy_from_guest_va(&m, arg, sizeof(m)))
        return -EFAULT;
    if (m.flags & ~XENMEM_RDM_ALL)
        return -EINVAL;
    m.nr_entries = 0;
    return copy_to_guest_va(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

long hc_memory_op(struct vcpu *v, const uint64_t a[5])
{
    unsigned long start = a[0] >> MEMOP_EXTENT_SHIFT;
    int op = a[0] & MEMOP_CMD_MASK;
    uint64_t arg = a[1];

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(v, op, start, arg);
    case XENMEM_maximum_ram_page:
        return start ? -EINVAL : (long)arch_max_mfn();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation_query(v, op, start, arg);
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, start, arg);
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(v, start, arg);
    case XENMEM_remove_from_physmap:
        return start ? -EINVAL : remove_from_physmap(v, arg);
    case XENMEM_acquire_resource:
        return acquire_resource(v, start, arg);
    case XENMEM_claim_pages:
        return claim_pages_op(v, start, arg); /* common/claim.c */
    case XENMEM_exchange:
        return memory_exchange(v, start, arg);
    case XENMEM_get_vnumainfo:
        return get_vnumainfo(v, start, arg);
    case XENMEM_reserved_device_memory_map:
        return reserved_device_memory_map(start, arg);
    default:
        /* Xen hands the whole cmd, cut to an int, to arch_memory_op: on Arm the two
         * sharing counters are 0 ("memsharing not working yet"), only with no
         * continuation bits; everything else (x86's machphys, PoD, sharing/paging ops,
         * access_op) is -ENOSYS (docs/hypervisor/hypercalls.md). */
        if ((int)a[0] == XENMEM_get_sharing_freed_pages ||
            (int)a[0] == XENMEM_get_sharing_shared_pages)
            return 0;
        return -ENOSYS;
    }
}
