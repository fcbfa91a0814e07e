/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, v1 entries only (Xen on Arm: GNTTAB_MAX_VERSION 1), after
 * xen/common/grant_table.c (4.17) and xen/arch/arm/mm.c (create/replace_grant_host_mapping).
 *
 * Shared frames are xenheap pages the guest maps with XENMAPSPACE_grant_table.  A map
 * pins an "active" entry of the granter (pin counts, the frame) and records a maptrack
 * handle in the mapper; GTF_reading/GTF_writing in the granter's shared entry say the
 * grant is in use, set with a 32-bit cmpxchg on flags|domid<<16 so a racing revocation
 * by the granter is seen.
 *
 * Locking: gnttab_lock (global) serialises every grant operation; under it we call
 * p2m_map/p2m_unmap/p2m_lookup and map_guest_frame (arch), nothing else.
 */
#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/string.h>
#include <hv/xsm.h>

#include <xen/grant_table.h>
#include <xen/memory.h>

/* Bits of cmd above 12 carry cache_flush's continuation index (Xen-internal ABI). */
#define GNTTABOP_CMD_MASK ((1U << 12) - 1)
#define GNTTABOP_ARG_MASK (~GNTTABOP_CMD_MASK)

#define ENTRIES_PER_FRAME  (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define MAPTRACK_PER_FRAME (PAGE_SIZE / sizeof(struct grant_mapping))
#define MAX_GRANT_FRAMES   DEFAULT_MAX_GRANT_FRAMES
#define MAX_MAPTRACK       DEFAULT_MAX_MAPTRACK_FRAMES

struct active_grant {
    uint16_t rd_pins; /* read-only host mappings */
    uint16_t wr_pins; /* writable host mappings */
    domid_t domid;    /* the mapping domain (one at a time, as Xen) */
    gfn_t gfn;        /* the granter's frame */
    mfn_t mfn;
};

struct grant_mapping {
    uint32_t ref;   /* in use: the granter's ref; free: next free handle */
    domid_t domid;  /* granter */
    uint16_t flags; /* GNTMAP_host_map [| GNTMAP_readonly]; 0 = free */
};

struct grant_table {
    unsigned int nr_frames, max_frames;
    grant_entry_v1_t *shared[MAX_GRANT_FRAMES];
    gfn_t shared_gfn[MAX_GRANT_FRAMES]; /* where the guest mapped it, or INVALID_GFN */
    struct active_grant *active[MAX_GRANT_FRAMES];
    unsigned int maptrack_frames, maptrack_max, maptrack_free;
    struct grant_mapping *maptrack[MAX_MAPTRACK];
};

#define MAPTRACK_NONE 0xffffffffu

static spinlock_t gnttab_lock = SPINLOCK_INIT;

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * ENTRIES_PER_FRAME;
}

static grant_entry_v1_t *shared_entry(struct grant_table *gt, uint32_t ref)
{
    return &gt->shared[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct active_grant *active_entry(struct grant_table *gt, uint32_t ref)
{
    return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct grant_mapping *maptrack_entry(struct grant_table *gt, uint32_t handle)
{
    return &gt->maptrack[handle / MAPTRACK_PER_FRAME][handle % MAPTRACK_PER_FRAME];
}

static bool may_target(struct vcpu *v, struct domain *d)
{
    return v->domain == d || v->domain->is_privileged;
}

/* ------------------------------------------------------------------ table state */

static int gnttab_grow(struct grant_table *gt, unsigned int nr);

int grant_table_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack)
{
    struct grant_table *gt = hv_zalloc(sizeof(*gt));
    unsigned int i;

    if (!gt)
        return -ENOMEM;
    gt->max_frames = max_frames < MAX_GRANT_FRAMES ? max_frames : MAX_GRANT_FRAMES;
    gt->maptrack_max = max_maptrack < MAX_MAPTRACK ? max_maptrack : MAX_MAPTRACK;
    gt->maptrack_free = MAPTRACK_NONE;
    for (i = 0; i < MAX_GRANT_FRAMES; i++)
        gt->shared_gfn[i] = INVALID_GFN;
    d->grant.gt = gt;
    /* Xen on Arm starts every table with INITIAL_NR_GRANT_FRAMES = 1. */
    if (gnttab_grow(gt, 1)) {
        grant_table_destroy(d);
        return -ENOMEM;
    }
    return 0;
}

unsigned int gnttab_max_frames(const struct domain *d)
{
    return d->grant.gt->max_frames;
}

/* Grow to nr frames (nr <= max_frames checked by the caller).  New frames are zeroed. */
static int gnttab_grow(struct grant_table *gt, unsigned int nr)
{
    while (gt->nr_frames < nr) {
        unsigned int i = gt->nr_frames;
        void *f = alloc_xenheap_pages(0);
        struct active_grant *a = hv_zalloc(ENTRIES_PER_FRAME * sizeof(*a));

        if (!f || !a) {
            if (f)
                free_xenheap_pages(f, 0);
            hv_free(a, ENTRIES_PER_FRAME * sizeof(*a));
            return -ENOMEM;
        }
        memset(f, 0, PAGE_SIZE);
        gt->shared[i] = f;
        gt->active[i] = a;
        gt->nr_frames = i + 1;
    }
    return 0;
}

int gnttab_map_frame(struct domain *d, unsigned long idx, gfn_t gfn, mfn_t *mfn)
{
    struct grant_table *gt = d->grant.gt;
    int rc = 0;

    /* Status frames exist only with v2, which Arm does not offer. */
    if (idx & XENMAPIDX_grant_table_status)
        return -EINVAL;
    if (idx >= gt->max_frames)
        return -EINVAL;
    spin_lock(&gnttab_lock);
    if (idx >= gt->nr_frames)
        rc = gnttab_grow(gt, idx + 1);
    if (!rc && gt->shared_gfn[idx] != INVALID_GFN)
        rc = -EBUSY; /* Xen on Arm: unmap (remove_from_physmap) before mapping again */
    if (!rc) {
        gt->shared_gfn[idx] = gfn;
        *mfn = virt_to_mfn(gt->shared[idx]);
    }
    spin_unlock(&gnttab_lock);
    return rc;
}

int gnttab_acquire_frames(struct domain *d, unsigned int id, unsigned int frame, unsigned int nr,
                          xen_pfn_t *mfns)
{
    struct grant_table *gt = d->grant.gt;
    unsigned int i;
    int rc;

    if (id != XENMEM_resource_grant_table_id_shared || nr == 0 || frame + nr > gt->max_frames)
        return -EINVAL;
    spin_lock(&gnttab_lock);
    rc = gnttab_grow(gt, frame + nr);
    for (i = 0; !rc && i < nr; i++)
        mfns[i] = virt_to_mfn(gt->shared[frame + i]);
    spin_unlock(&gnttab_lock);
    return rc ? rc : (int)nr;
}

bool gnttab_forget_frame(struct domain *d, mfn_t mfn)
{
    struct grant_table *gt = d->grant.gt;
    unsigned int i;
    bool found = false;

    spin_lock(&gnttab_lock);
    for (i = 0; i < gt->nr_frames && !found; i++)
        if (virt_to_mfn(gt->shared[i]) == mfn) {
            gt->shared_gfn[i] = INVALID_GFN;
            found = true;
        }
    spin_unlock(&gnttab_lock);
    return found;
}

/* ------------------------------------------------------------------ maptrack */

static uint32_t get_maptrack_handle(struct grant_table *gt)
{
    uint32_t h = gt->maptrack_free;

    if (h == MAPTRACK_NONE) {
        struct grant_mapping *f;
        unsigned int i, base;

        if (gt->maptrack_frames >= gt->maptrack_max)
            return MAPTRACK_NONE;
        f = hv_zalloc(PAGE_SIZE);
        if (!f)
            return MAPTRACK_NONE;
        base = gt->maptrack_frames * MAPTRACK_PER_FRAME;
        for (i = 0; i < MAPTRACK_PER_FRAME; i++)
            f[i].ref = i + 1 < MAPTRACK_PER_FRAME ? base + i + 1 : MAPTRACK_NONE;
        gt->maptrack[gt->maptrack_frames++] = f;
        h = base;
    }
    gt->maptrack_free = maptrack_entry(gt, h)->ref;
    return h;
}

static void put_maptrack_handle(struct grant_table *gt, uint32_t h)
{
    struct grant_mapping *m = maptrack_entry(gt, h);

    m->flags = 0;
    m->ref = gt->maptrack_free;
    gt->maptrack_free = h;
}

/* ------------------------------------------------------------------ pinning */

/* Mark the granter's entry in use by ldom (GTF_reading, and GTF_writing unless
 * readonly), checking type, grantee and readonly with a cmpxchg loop as Xen. */
static int16_t set_status(grant_entry_v1_t *e, domid_t ldom, bool readonly)
{
    uint32_t *raw = (uint32_t *)e; /* flags (low 16) | domid << 16, little endian */
    uint32_t old = __atomic_load_n(raw, __ATOMIC_SEQ_CST);
    unsigned int tries;

    for (tries = 0; tries < 5; tries++) {
        uint16_t flags = old & 0xffff;
        uint32_t new;

        if ((flags & GTF_type_mask) != GTF_permit_access || (old >> 16) != ldom)
            return GNTST_general_error;
        if (!readonly && (flags & GTF_readonly))
            return GNTST_general_error;
        new = old | GTF_reading | (readonly ? 0 : GTF_writing);
        if (__atomic_compare_exchange_n(raw, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return GNTST_okay;
    }
    return GNTST_general_error; /* the granter keeps changing it */
}

static void clear_status(grant_entry_v1_t *e, const struct active_grant *act)
{
    uint16_t clear = 0;

    if (!act->wr_pins)
        clear |= GTF_writing;
    if (!act->wr_pins && !act->rd_pins)
        clear |= GTF_reading;
    __atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ map / unmap */

static void map_grant_ref(struct vcpu *cur, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = cur->domain, *rd;
    struct grant_table *lgt = ld->grant.gt, *rgt;
    bool ro = op->flags & GNTMAP_readonly;
    struct active_grant *act;
    grant_entry_v1_t *e;
    unsigned int p2mt;
    uint32_t handle;
    mfn_t mfn;
    int16_t st;

    if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        op->status = GNTST_bad_gntref;
        return;
    }
    /* Arm (auto-translated): host mappings only, host_addr is an IPA. */
    if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) {
        op->status = GNTST_general_error;
        return;
    }
    rd = domain_lookup(op->dom);
    if (!rd) {
        op->status = GNTST_bad_domain;
        return;
    }
    if (xsm_grant_mapref(cur, ld, rd)) {
        op->status = GNTST_permission_denied;
        return;
    }
    if (rd->is_dying) {
        op->status = GNTST_general_error; /* its frames are going away */
        return;
    }
    rgt = rd->grant.gt;
    handle = get_maptrack_handle(lgt);
    if (handle == MAPTRACK_NONE) {
        op->status = GNTST_no_space;
        return;
    }
    if (op->ref >= nr_entries(rgt)) {
        st = GNTST_bad_gntref;
        goto fail;
    }
    e = shared_entry(rgt, op->ref);
    act = active_entry(rgt, op->ref);
    if ((act->rd_pins || act->wr_pins) && act->domid != ld->domain_id) {
        st = GNTST_general_error;
        goto fail;
    }
    if (act->rd_pins == 0xffff || act->wr_pins == 0xffff) {
        st = GNTST_general_error; /* pin count would overflow */
        goto fail;
    }
    if (!act->rd_pins && !act->wr_pins) {
        gfn_t gfn = e->frame;

        st = set_status(e, ld->domain_id, ro);
        if (st != GNTST_okay)
            goto fail;
        mfn = p2m_lookup(rd, gfn, &p2mt);
        if (mfn == INVALID_MFN || (p2mt != P2M_RAM_RW && !(ro && p2mt == P2M_RAM_RO))) {
            act->wr_pins = act->rd_pins = 0;
            clear_status(e, act);
            st = GNTST_bad_page;
            goto fail;
        }
        act->gfn = gfn;
        act->mfn = mfn;
        act->domid = ld->domain_id;
    } else if (!ro && !act->wr_pins) {
        st = set_status(e, ld->domain_id, false);
        if (st != GNTST_okay)
            goto fail;
    }
    if (p2m_map(ld, op->host_addr >> PAGE_SHIFT, act->mfn, ro ? P2M_GRANT_RO : P2M_GRANT_RW)) {
        clear_status(e, act);
        st = GNTST_general_error;
        goto fail;
    }
    if (ro)
        act->rd_pins++;
    else
        act->wr_pins++;
    maptrack_entry(lgt, handle)->ref = op->ref;
    maptrack_entry(lgt, handle)->domid = op->dom;
    maptrack_entry(lgt, handle)->flags = op->flags;
    /* swiotlb-xen in dom0 uses this as the DMA address of the granted page. */
    op->dev_bus_addr = act->mfn << PAGE_SHIFT;
    op->handle = handle;
    op->status = GNTST_okay;
    return;

fail:
    put_maptrack_handle(lgt, handle);
    op->status = st;
}

static void unmap_common(struct vcpu *cur, struct gnttab_unmap_grant_ref *op, uint64_t new_addr)
{
    struct domain *ld = cur->domain, *rd;
    struct grant_table *lgt = ld->grant.gt;
    struct grant_mapping *m;
    struct active_grant *act;
    unsigned int p2mt;
    gfn_t gfn = op->host_addr >> PAGE_SHIFT;

    if (op->handle >= lgt->maptrack_frames * MAPTRACK_PER_FRAME ||
        !maptrack_entry(lgt, op->handle)->flags) {
        op->status = GNTST_bad_handle;
        return;
    }
    m = maptrack_entry(lgt, op->handle);
    rd = domain_lookup(m->domid);
    if (!rd || m->ref >= nr_entries(rd->grant.gt)) {
        op->status = GNTST_bad_handle;
        return;
    }
    act = active_entry(rd->grant.gt, m->ref);
    if (op->host_addr && new_addr) {
        op->status = GNTST_general_error; /* no replacement on Arm, as Xen */
        return;
    }
    if (op->host_addr) {
        /* Xen on Arm: the IPA must hold this very grant mapping. */
        if (p2m_lookup(ld, gfn, &p2mt) != act->mfn ||
            (p2mt != P2M_GRANT_RW && p2mt != P2M_GRANT_RO)) {
            op->status = GNTST_general_error;
            return;
        }
        p2m_unmap(ld, gfn);
        if (m->flags & GNTMAP_readonly)
            act->rd_pins--;
        else
            act->wr_pins--;
        clear_status(shared_entry(rd->grant.gt, m->ref), act);
        put_maptrack_handle(lgt, op->handle);
    }
    op->status = GNTST_okay;
}

/* GNTTABOP_unmap_and_replace: Xen on Arm cannot put another frame in the unmapped
 * slot (replace_grant_host_mapping), so new_addr != 0 is GNTST_general_error once the
 * handle is found good (and leaves the mapping); new_addr == 0 is a plain unmap. */
static void unmap_and_replace(struct vcpu *cur, struct gnttab_unmap_and_replace *op)
{
    struct gnttab_unmap_grant_ref u = {.host_addr = op->host_addr, .handle = op->handle};

    unmap_common(cur, &u, op->new_addr);
    op->status = u.status;
}

/* GNTTABOP_swap_grant_ref: exchange two entries of the caller's own table.  Refs are
 * checked first (GNTST_bad_gntref), a ref with itself is a no-op, an entry mapped by
 * someone is GNTST_eagain (Xen: the active entry is pinned). */
static int16_t swap_grant_ref(struct vcpu *cur, uint32_t ref_a, uint32_t ref_b)
{
    struct grant_table *gt = cur->domain->grant.gt;
    const struct active_grant *aa, *ab;
    grant_entry_v1_t tmp;

    if (ref_a >= nr_entries(gt) || ref_b >= nr_entries(gt))
        return GNTST_bad_gntref;
    if (ref_a == ref_b)
        return GNTST_okay;
    aa = active_entry(gt, ref_a);
    ab = active_entry(gt, ref_b);
    if (aa->rd_pins || aa->wr_pins || ab->rd_pins || ab->wr_pins)
        return GNTST_eagain;
    tmp = *shared_entry(gt, ref_a);
    *shared_entry(gt, ref_a) = *shared_entry(gt, ref_b);
    *shared_entry(gt, ref_b) = tmp;
    return GNTST_okay;
}

static void unmap_grant_ref(struct vcpu *cur, struct gnttab_unmap_grant_ref *op)
{
    unmap_common(cur, op, 0);
}

/* Unmap everything d has mapped (domain destruction): the granters see their
 * GTF_reading/GTF_writing go, and d's stage-2 no longer points at their frames. */
void grant_table_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant.gt;
    uint32_t h;

    if (!gt)
        return;
    spin_lock(&gnttab_lock);
    for (h = 0; h < gt->maptrack_frames * MAPTRACK_PER_FRAME; h++) {
        struct grant_mapping *m = maptrack_entry(gt, h);
        struct domain *rd;
        struct active_grant *act;

        if (!m->flags)
            continue;
        rd = domain_lookup(m->domid);
        if (rd && rd->grant.gt && m->ref < nr_entries(rd->grant.gt)) {
            act = active_entry(rd->grant.gt, m->ref);
            if (m->flags & GNTMAP_readonly)
                act->rd_pins--;
            else
                act->wr_pins--;
            clear_status(shared_entry(rd->grant.gt, m->ref), act);
        }
        /* d's stage-2 entries for these frames go with its p2m (arch_domain_destroy);
         * a dying d does not run again. */
        put_maptrack_handle(gt, h);
    }
    spin_unlock(&gnttab_lock);
}

bool grant_table_in_use(struct domain *d)
{
    struct grant_table *gt = d->grant.gt;
    unsigned int i, j;
    bool busy = false;

    if (!gt)
        return false;
    spin_lock(&gnttab_lock);
    for (i = 0; i < gt->nr_frames && !busy; i++)
        for (j = 0; j < ENTRIES_PER_FRAME && !busy; j++)
            busy = gt->active[i][j].rd_pins || gt->active[i][j].wr_pins;
    spin_unlock(&gnttab_lock);
    return busy;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant.gt;
    unsigned int i;

    if (!gt)
        return;
    grant_table_release_mappings(d);
    for (i = 0; i < gt->nr_frames; i++) {
        free_xenheap_pages(gt->shared[i], 0);
        hv_free(gt->active[i], ENTRIES_PER_FRAME * sizeof(struct active_grant));
    }
    for (i = 0; i < gt->maptrack_frames; i++)
        hv_free(gt->maptrack[i], PAGE_SIZE);
    hv_free(gt, sizeof(*gt));
    d->grant.gt = NULL;
}

/* ------------------------------------------------------------------ copy */

/* Resolve one side of a copy to a hypervisor mapping, pinning a granted frame for the
 * duration (GTF_reading/writing set).  *va is the page; release with copy_release. */
struct copy_side {
    struct domain *rd;   /* granter when by ref */
    uint32_t ref;        /* when by ref */
    bool by_ref, pinned; /* pinned: we set the status bits and must clear them */
    void *va;
};

/* The domain one side of a copy names, as Xen resolves both before any grant is touched:
 * a gfn must be the caller's own (GNTST_permission_denied), a ref names the granter
 * (GNTST_bad_domain when there is none). */
static int16_t copy_domain(struct vcpu *cur, const struct gnttab_copy_ptr *p, bool is_ref,
                           struct copy_side *s)
{
    struct domain *ld = cur->domain;

    s->by_ref = is_ref;
    s->pinned = false;
    if (!is_ref) {
        if (p->domid != DOMID_SELF && p->domid != ld->domain_id)
            return GNTST_permission_denied;
        s->rd = ld;
        return GNTST_okay;
    }
    s->rd = domain_lookup_any(cur, p->domid);
    return s->rd ? GNTST_okay : GNTST_bad_domain;
}

/* After copy_domain: the page itself, a granted frame pinned for the copy. */
static int16_t copy_acquire(struct vcpu *cur, const struct gnttab_copy_ptr *p, bool write,
                            struct copy_side *s)
{
    struct domain *ld = cur->domain;
    gfn_t gfn;

    if (!s->by_ref) {
        gfn = p->u.gmfn;
    } else {
        struct grant_table *gt = s->rd->grant.gt;
        struct active_grant *act;
        int16_t st;

        if (p->u.ref >= nr_entries(gt))
            return GNTST_bad_gntref;
        s->ref = p->u.ref;
        act = active_entry(gt, s->ref);
        if ((act->rd_pins || act->wr_pins) && act->domid != ld->domain_id)
            return GNTST_general_error;
        st = set_status(shared_entry(gt, s->ref), ld->domain_id, !write);
        if (st != GNTST_okay)
            return st;
        s->pinned = true;
        gfn = shared_entry(gt, s->ref)->frame;
    }
    s->va = map_guest_frame(s->rd, gfn);
    return s->va ? GNTST_okay : GNTST_bad_page;
}

static void copy_release(struct copy_side *s)
{
    if (s->va)
        unmap_guest_frame(s->va);
    if (s->pinned)
        clear_status(shared_entry(s->rd->grant.gt, s->ref), active_entry(s->rd->grant.gt, s->ref));
    s->va = NULL;
    s->pinned = false;
}

static void gnttab_copy_one(struct vcpu *cur, struct gnttab_copy *op)
{
    struct copy_side src = {0}, dst = {0};
    int16_t st;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref)) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    if (op->source.offset > PAGE_SIZE || op->dest.offset > PAGE_SIZE || op->len > PAGE_SIZE ||
        op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    st = copy_domain(cur, &op->source, op->flags & GNTCOPY_source_gref, &src);
    if (st == GNTST_okay)
        st = copy_domain(cur, &op->dest, op->flags & GNTCOPY_dest_gref, &dst);
    /* The policy (hv/xsm.h) before any grant is pinned, as Xen. */
    if (st == GNTST_okay && xsm_grant_copy(cur, src.rd, dst.rd))
        st = GNTST_permission_denied;
    if (st == GNTST_okay)
        st = copy_acquire(cur, &op->source, false, &src);
    if (st == GNTST_okay)
        st = copy_acquire(cur, &op->dest, true, &dst);
    if (st == GNTST_okay)
        memmove((char *)dst.va + op->dest.offset, (char *)src.va + op->source.offset, op->len);
    copy_release(&dst);
    copy_release(&src);
    op->status = st;
}

/* ------------------------------------------------------------------ whole-table ops */

static long gnttab_setup_table(struct vcpu *cur, uint64_t uop, unsigned long count)
{
    struct gnttab_setup_table op;
    struct domain *d;
    unsigned int i;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest_va(&op, uop, sizeof(op)))
        return -EFAULT;
    d = domain_lookup_any(cur, op.dom);
    if (!d) {
        op.status = GNTST_bad_domain;
    } else if (!may_target(cur, d)) {
        op.status = GNTST_permission_denied;
    } else if (op.nr_frames > d->grant.gt->max_frames) {
        op.status = GNTST_general_error;
    } else {
        spin_lock(&gnttab_lock);
        op.status = gnttab_grow(d->grant.gt, op.nr_frames) ? GNTST_general_error : GNTST_okay;
        for (i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
            xen_pfn_t gfn = d->grant.gt->shared_gfn[i];

            if (copy_to_guest_va(op.frame_list.q + i * sizeof(gfn), &gfn, sizeof(gfn)))
                op.status = GNTST_bad_virt_addr;
        }
        spin_unlock(&gnttab_lock);
    }
    if (copy_to_guest_va(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status)))
        return -EFAULT;
    return 0;
}

static long gnttab_query_size(struct vcpu *cur, uint64_t uop, unsigned long count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest_va(&op, uop, sizeof(op)))
        return -EFAULT;
    d = domain_lookup_any(cur, op.dom);
    if (!d) {
        op.status = GNTST_bad_domain;
    } else if (!may_target(cur, d)) {
        op.status = GNTST_permission_denied;
    } else {
        op.nr_frames = d->grant.gt->nr_frames;
        op.max_nr_frames = d->grant.gt->max_frames;
        op.status = GNTST_okay;
    }
    return copy_to_guest_va(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gnttab_set_version(struct vcpu *cur, uint64_t uop)
{
    struct gnttab_set_version op;

    long rc = 0;

    if (copy_from_guest_va(&op, uop, sizeof(op)))
        return -EFAULT;
    if (op.version != 1 && op.version != 2)
        rc = -EINVAL;
    else if (op.version == 2)
        rc = -ENOSYS; /* Xen on Arm: max_version 1, "as before set_version existed" */
    /* Xen writes the table's version back whatever the outcome. */
    op.version = 1;
    if (copy_to_guest_va(uop, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

static long gnttab_get_version(struct vcpu *cur, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;

    if (copy_from_guest_va(&op, uop, sizeof(op)))
        return -EFAULT;
    d = domain_lookup_any(cur, op.dom);
    if (!d)
        return -ESRCH;
    if (!may_target(cur, d))
        return -EPERM;
    op.version = 1;
    if (copy_to_guest_va(uop + offsetof(struct gnttab_get_version, version), &op.version,
                         sizeof(op.version)))
        return -EFAULT;
    return 0;
}

static long gnttab_get_status_frames(struct vcpu *cur, uint64_t uop, unsigned long count)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest_va(&op, uop, sizeof(op)))
        return -EFAULT;
    d = domain_lookup_any(cur, op.dom);
    if (!d)
        op.status = GNTST_bad_domain;
    else if (!may_target(cur, d))
        op.status = GNTST_permission_denied;
    else if (op.nr_frames > 0)
        op.status = GNTST_general_error; /* v1: there are no status frames */
    else
        op.status = GNTST_okay;
    if (copy_to_guest_va(uop + offsetof(struct gnttab_get_status_frames, status), &op.status,
                         sizeof(op.status)))
        return -EFAULT;
    return 0;
}

/* One GNTTABOP_cache_flush element: 0, 1 (not granted to us: Xen's "no mapping"),
 * or -errno. */
static int cache_flush_one(struct vcpu *cur, const struct gnttab_cache_flush *cf)
{
    struct domain *d = cur->domain, *owner = NULL;
    mfn_t mfn = cf->a.dev_bus_addr >> PAGE_SHIFT;
    gfn_t gfn = INVALID_GFN;
    unsigned int p2mt;
    void *va;

    if (cf->offset >= PAGE_SIZE || cf->length > PAGE_SIZE || cf->offset + cf->length > PAGE_SIZE ||
        (cf->op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return -EINVAL;
    if (cf->length == 0 || cf->op == 0)
        return 0;
    if (is_domain_direct_mapped(d) && p2m_lookup(d, mfn, &p2mt) == mfn &&
        (p2mt == P2M_RAM_RW || p2mt == P2M_RAM_RO)) {
        owner = d;
        gfn = mfn;
    } else {
        /* A frame granted to us and currently mapped by us. */
        struct grant_table *lgt = d->grant.gt;
        uint32_t h;

        for (h = 0; h < lgt->maptrack_frames * MAPTRACK_PER_FRAME && !owner; h++) {
            struct grant_mapping *m = maptrack_entry(lgt, h);
            struct domain *rd;

            if (!m->flags || !(rd = domain_lookup(m->domid)) || m->ref >= nr_entries(rd->grant.gt))
                continue;
            if (active_entry(rd->grant.gt, m->ref)->mfn == mfn) {
                owner = rd;
                gfn = active_entry(rd->grant.gt, m->ref)->gfn;
            }
        }
        if (!owner)
            return -EPERM;
    }
    va = map_guest_frame(owner, gfn);
    if (!va)
        return -EINVAL;
    arch_flush_dcache((char *)va + cf->offset, cf->length, cf->op & GNTTAB_CACHE_INVAL);
    unmap_guest_frame(va);
    return 0;
}

/* Array ops: element by element, status in each element; the hypercall fails only
 * when an element cannot be read or written back. */
#define GNTTAB_ARRAY(type, body)                                                                   \
    do {                                                                                           \
        unsigned long i;                                                                           \
        for (i = 0; i < count; i++) {                                                              \
            struct type op;                                                                        \
            uint64_t at = uop + i * sizeof(op);                                                    \
            if (copy_from_guest_va(&op, at, sizeof(op)))                                           \
                return -EFAULT;                                                                    \
            spin_lock(&gnttab_lock);                                                               \
            body;                                                                                  \
            spin_unlock(&gnttab_lock);                                                             \
            if (copy_to_guest_va(at, &op, sizeof(op)))                                             \
                return -EFAULT;                                                                    \
        }                                                                                          \
        return 0;                                                                                  \
    } while (0)

long do_grant_table_op(struct vcpu *v, unsigned long cmd, uint64_t uop, unsigned long count)
{
    unsigned int opaque = cmd & GNTTABOP_ARG_MASK;

    if ((int)count < 0 || count > 0xffffffffUL)
        return -EINVAL;
    cmd &= GNTTABOP_CMD_MASK;
    if (cmd != GNTTABOP_cache_flush && opaque)
        return -EINVAL;

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        GNTTAB_ARRAY(gnttab_map_grant_ref, map_grant_ref(v, &op));
    case GNTTABOP_unmap_grant_ref:
        GNTTAB_ARRAY(gnttab_unmap_grant_ref, unmap_grant_ref(v, &op));
    case GNTTABOP_copy:
        GNTTAB_ARRAY(gnttab_copy, gnttab_copy_one(v, &op));
    case GNTTABOP_unmap_and_replace:
        GNTTAB_ARRAY(gnttab_unmap_and_replace, unmap_and_replace(v, &op));
    case GNTTABOP_swap_grant_ref:
        GNTTAB_ARRAY(gnttab_swap_grant_ref, op.status = swap_grant_ref(v, op.ref_a, op.ref_b));
    case GNTTABOP_transfer:
        /* Xen has grant transfer only with CONFIG_PV (x86): -EOPNOTSUPP on Arm. */
        return -EOPNOTSUPP;
    case GNTTABOP_setup_table:
        return gnttab_setup_table(v, uop, count);
    case GNTTABOP_query_size:
        return gnttab_query_size(v, uop, count);
    case GNTTABOP_set_version:
        return gnttab_set_version(v, uop);
    case GNTTABOP_get_version:
        return gnttab_get_version(v, uop);
    case GNTTABOP_get_status_frames:
        return gnttab_get_status_frames(v, uop, count);
    case GNTTABOP_cache_flush: {
        unsigned long i;

        for (i = 0; i < count; i++) {
            struct gnttab_cache_flush cf;
            int rc;

            if (copy_from_guest_va(&cf, uop + i * sizeof(cf), sizeof(cf)))
                return -EFAULT;
            spin_lock(&gnttab_lock);
            rc = cache_flush_one(v, &cf);
            spin_unlock(&gnttab_lock);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    default:
        /* dump_table is gone from Xen (no case in its switch): -ENOSYS, as Xen. */
        return -ENOSYS;
    }
}

long hc_grant_table_op(struct vcpu *v, const uint64_t a[5])
{
    return do_grant_table_op(v, a[0], a[1], a[2]);
}
