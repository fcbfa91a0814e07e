/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: one bit per 4 KiB frame of the RAM bank, first fit on
 * naturally aligned runs.  Frames also carry an owner (the domain they are assigned to),
 * which is what mfn_owned_by() and domain teardown consult, and a count of the grant and
 * foreign entries other stage-2 tables hold for them (p2m.c counts them as it writes and
 * removes such entries).  A frame so mapped is never returned to the pool: when its owner
 * lets it go (decrease_reservation, death) it becomes an orphan, owned by no one, and is
 * freed when its last mapping goes, as Xen keeps a page until its last reference drops.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/spinlock.h>

#define MAX_FRAMES (1UL << 20) /* 4 GiB of RAM */

static uint64_t used_map[MAX_FRAMES / 64]; /* 1 = not free */
static uint16_t owner[MAX_FRAMES];         /* domain_id + 1 of the owner; 0 = none */
static uint32_t maps[MAX_FRAMES];          /* grant/foreign entries elsewhere for it */
#define ORPHAN 0xffff                      /* owner let it go while it was mapped */
static mfn_t base_mfn, nr_frames, free_frames, hint;
static spinlock_t alloc_lock = SPINLOCK_INIT;

static bool is_used(mfn_t i)
{
    return used_map[i / 64] & (1UL << (i % 64));
}

/* A word (64 frames) at a time: boot reserves and releases ranges of hundreds of MiB. */
static void set_range(mfn_t i, mfn_t n, bool used)
{
    while (n) {
        unsigned int bit = i % 64;
        mfn_t k = MIN(n, 64 - bit);
        uint64_t mask = (k == 64 ? ~0UL : (1UL << k) - 1) << bit;
        uint64_t *w = &used_map[i / 64];
        uint64_t change = mask & (used ? ~*w : *w);
        mfn_t count = __builtin_popcountl(change);

        *w ^= change;
        free_frames = used ? free_frames - count : free_frames + count;
        i += k;
        n -= k;
    }
}

void page_alloc_init(paddr_t ram_start, paddr_t ram_end)
{
    base_mfn = ram_start >> PAGE_SHIFT;
    nr_frames = MIN((ram_end - ram_start) >> PAGE_SHIFT, MAX_FRAMES);
    memset(used_map, 0xff, sizeof(used_map));
    free_frames = 0;
    set_range(0, nr_frames, false);
}

static void clip(paddr_t *start, paddr_t *end)
{
    paddr_t lo = base_mfn << PAGE_SHIFT, hi = (base_mfn + nr_frames) << PAGE_SHIFT;

    *start = MAX(ROUNDDOWN(*start, PAGE_SIZE), lo);
    *end = MIN(ROUNDUP(*end, PAGE_SIZE), hi);
}

void page_alloc_reserve(paddr_t start, paddr_t end)
{
    clip(&start, &end);
    if (start < end)
        set_range((start >> PAGE_SHIFT) - base_mfn, (end - start) >> PAGE_SHIFT, true);
}

void page_alloc_release(paddr_t start, paddr_t end)
{
    clip(&start, &end);
    if (start < end)
        set_range((start >> PAGE_SHIFT) - base_mfn, (end - start) >> PAGE_SHIFT, false);
}

unsigned long page_alloc_free_pages(void)
{
    return free_frames;
}

static long find_run(mfn_t from, mfn_t n)
{
    for (mfn_t i = ROUNDUP(from, n); i + n <= nr_frames; i += n) {
        mfn_t j = 0;

        while (j < n && !is_used(i + j))
            j++;
        if (j == n)
            return (long)i;
    }
    return -1;
}

static mfn_t alloc_frames(unsigned int order)
{
    mfn_t n = 1UL << order;
    long i;

    spin_lock(&alloc_lock);
    i = find_run(order ? 0 : hint, n);
    if (i < 0 && !order)
        i = find_run(0, n);
    if (i >= 0) {
        set_range(i, n, true);
        if (!order)
            hint = i + 1;
    }
    spin_unlock(&alloc_lock);
    return i < 0 ? INVALID_MFN : base_mfn + i;
}

static void free_frames_at(mfn_t mfn, unsigned int order)
{
    BUG_ON(mfn < base_mfn || mfn + (1UL << order) > base_mfn + nr_frames);
    spin_lock(&alloc_lock);
    set_range(mfn - base_mfn, 1UL << order, false);
    for (mfn_t i = 0; i < (1UL << order); i++)
        owner[mfn - base_mfn + i] = 0;
    spin_unlock(&alloc_lock);
}

/* A domain page its owner gives up: to the pool, or an orphan while others map it. */
static void release_frame(mfn_t i)
{
    spin_lock(&alloc_lock);
    if (maps[i]) {
        owner[i] = ORPHAN;
    } else {
        set_range(i, 1, false);
        owner[i] = 0;
    }
    spin_unlock(&alloc_lock);
}

void frame_map_get(mfn_t mfn)
{
    if (mfn < base_mfn || mfn >= base_mfn + nr_frames)
        return; /* not RAM of the pool (MMIO): nothing to keep */
    spin_lock(&alloc_lock);
    maps[mfn - base_mfn]++;
    spin_unlock(&alloc_lock);
}

void frame_map_put(mfn_t mfn)
{
    mfn_t i = mfn - base_mfn;

    if (mfn < base_mfn || mfn >= base_mfn + nr_frames)
        return;
    spin_lock(&alloc_lock);
    BUG_ON(!maps[i]);
    if (!--maps[i] && owner[i] == ORPHAN) {
        set_range(i, 1, false);
        owner[i] = 0;
    }
    spin_unlock(&alloc_lock);
}

unsigned long frame_orphans(void)
{
    unsigned long n = 0;

    spin_lock(&alloc_lock);
    for (mfn_t i = 0; i < nr_frames; i++)
        n += owner[i] == ORPHAN;
    spin_unlock(&alloc_lock);
    return n;
}

void *alloc_xenheap_pages(unsigned int order)
{
    mfn_t mfn = alloc_frames(order);

    return mfn == INVALID_MFN ? NULL : mfn_to_virt(mfn);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    if (va)
        free_frames_at(virt_to_mfn(va), order);
}

unsigned long avail_domheap_pages(void)
{
    return free_frames;
}

mfn_t alloc_domheap_page(struct domain *d)
{
    mfn_t mfn = alloc_frames(0);

    if (mfn == INVALID_MFN)
        return mfn;
    owner[mfn - base_mfn] = d->domain_id + 1;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn;
}

void free_domheap_page(struct domain *d, mfn_t mfn)
{
    if (mfn_owned_by(d, mfn))
        release_frame(mfn - base_mfn);
}

bool mfn_owned_by(const struct domain *d, mfn_t mfn)
{
    return mfn >= base_mfn && mfn < base_mfn + nr_frames &&
           owner[mfn - base_mfn] == d->domain_id + 1;
}

/* Assign an already reserved physical range to d (dom0's 1:1 RAM). */
void assign_frames(struct domain *d, mfn_t mfn, mfn_t n)
{
    for (; n; n--, mfn++)
        if (mfn >= base_mfn && mfn < base_mfn + nr_frames)
            owner[mfn - base_mfn] = d->domain_id + 1;
}

/* Free every frame owned by d (domain teardown). */
void free_domain_frames(struct domain *d)
{
    for (mfn_t i = 0; i < nr_frames; i++)
        if (owner[i] == d->domain_id + 1)
            release_frame(i);
}

mfn_t arch_max_mfn(void)
{
    return base_mfn + nr_frames;
}
