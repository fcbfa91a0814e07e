/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 translation tables (Arm ARM D8.3, "stage 2" descriptor attributes): 4 KiB
 * granule, 39-bit IPA starting at level 1.  Every entry is Normal Inner/Outer WB
 * Inner-Shareable at stage 2, as Xen's p2m_ram_rw / p2m_mmio_direct_c: the guest's
 * stage-1 attributes then decide (Device mappings stay Device).  The p2m type is kept in
 * the software bits [58:55] of the descriptor so p2m_lookup can report it.
 */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>

#define DESC_VALID      (1UL << 0)
#define DESC_TABLE      (1UL << 1) /* table (levels 1-2) or page (level 3) */
#define S2_MEMATTR_WB   (0xfUL << 2)
#define S2AP_RO         (1UL << 6)
#define S2AP_RW         (3UL << 6)
#define S2_SH_INNER     (3UL << 8)
#define S2_AF           (1UL << 10)
#define S2_XN           (2UL << 53)
#define DESC_TYPE_SHIFT 55
#define DESC_ADDR_MASK  0x0000fffffffff000UL

static uint64_t leaf_bits(unsigned int type)
{
    bool ro = type == P2M_RAM_RO || type == P2M_GRANT_RO;
    uint64_t b = DESC_VALID | S2_MEMATTR_WB | S2_SH_INNER | S2_AF | (ro ? S2AP_RO : S2AP_RW);

    if (type == P2M_MMIO)
        b |= S2_XN;
    return b | ((uint64_t)type << DESC_TYPE_SHIFT);
}

/* Grant and foreign entries map another domain's frame: the allocator counts them, so the
 * frame cannot go back to the pool while they exist (page_alloc.c).  Leaves only: such
 * entries are always single pages. */
static bool counted(uint64_t desc)
{
    unsigned int type = (desc >> DESC_TYPE_SHIFT) & 0xf;

    return (desc & DESC_VALID) &&
           (type == P2M_GRANT_RW || type == P2M_GRANT_RO || type == P2M_FOREIGN_RW);
}

/* Replaces a level-3 entry, keeping the frames' mapping counts. */
static void set_leaf(uint64_t *slot, uint64_t desc)
{
    uint64_t old = *slot;

    if (counted(desc))
        frame_map_get((desc & DESC_ADDR_MASK) >> PAGE_SHIFT);
    *slot = desc;
    if (counted(old))
        frame_map_put((old & DESC_ADDR_MASK) >> PAGE_SHIFT);
}

static uint64_t *table_of(uint64_t desc)
{
    return (uint64_t *)(uintptr_t)(desc & DESC_ADDR_MASK);
}

/* A zeroed table page for d's stage-2, counted in d->arch.p2m_tables. */
static uint64_t *new_table(struct domain *d)
{
    uint64_t *t = alloc_xenheap_pages(0);

    if (t) {
        memset(t, 0, PAGE_SIZE);
        d->arch.p2m_tables++;
    }
    return t;
}

int p2m_init(struct domain *d)
{
    d->arch.p2m_root = new_table(d);
    return d->arch.p2m_root ? 0 : -ENOMEM;
}

static void free_level(uint64_t *t, int level)
{
    for (int i = 0; level < 3 && i < 512; i++)
        if ((t[i] & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE))
            free_level(table_of(t[i]), level + 1);
    for (int i = 0; level == 3 && i < 512; i++)
        set_leaf(&t[i], 0); /* a dead domain's grant/foreign entries let their frames go */
    free_xenheap_pages(t, 0);
}

void p2m_destroy(struct domain *d)
{
    if (d->arch.p2m_root)
        free_level(d->arch.p2m_root, 1);
    d->arch.p2m_root = NULL;
    d->arch.p2m_tables = 0;
}

unsigned long p2m_table_pages(struct domain *d)
{
    return d->arch.p2m_tables;
}

uint64_t p2m_vtcr(void)
{
    /* VTCR_EL2 (D17.2.184): T0SZ = 25, SL0 = 1 (start at level 1), IRGN0/ORGN0 = WB,
     * SH0 = inner, TG0 = 4 KiB, PS = 40 bits, RES1 bit 31. */
    return (1UL << 31) | (2UL << 16) | (3UL << 12) | (1UL << 10) | (1UL << 8) | (1UL << 6) |
           (64 - P2M_IPA_BITS);
}

static uint64_t vttbr_of(struct domain *d)
{
    return ((uint64_t)d->arch.vmid << 48) | (uintptr_t)d->arch.p2m_root;
}

void p2m_load(struct domain *d)
{
    WRITE_SYSREG(vtcr_el2, p2m_vtcr());
    WRITE_SYSREG(vttbr_el2, vttbr_of(d));
    isb();
}

/* Invalidate d's stage-2 TLB entries for one IPA (or all of d's when gpa == ~0). */
static void p2m_flush(struct domain *d, gpaddr_t gpa)
{
    uint64_t saved = READ_SYSREG(vttbr_el2);

    WRITE_SYSREG(vttbr_el2, vttbr_of(d));
    isb();
    dsb_ish();
    if (gpa != ~0UL)
        asm volatile("tlbi ipas2e1is, %0" ::"r"(gpa >> 12) : "memory");
    dsb_ish();
    asm volatile("tlbi vmalle1is" ::: "memory");
    dsb_ish();
    WRITE_SYSREG(vttbr_el2, saved);
    isb();
}

/* TLBI VMALLS12E1IS invalidates the entries of the VMID in VTTBR_EL2 (Arm ARM D8.13):
 * d's VTTBR (VMID and its tables, so nothing speculative walks other tables under d's
 * VMID) is loaded for it, and the current one restored after. */
void p2m_flush_vmid(struct domain *d)
{
    uint64_t saved = READ_SYSREG(vttbr_el2);

    WRITE_SYSREG(vttbr_el2, vttbr_of(d));
    isb();
    dsb_ish();
    asm volatile("tlbi vmalls12e1is" ::: "memory"); /* stage 1 and 2 of this VMID */
    dsb_ish();
    WRITE_SYSREG(vttbr_el2, saved);
    isb();
}

/* Replace a block descriptor at `level` by a table of the next level mapping the same. */
static int split_block(struct domain *d, uint64_t *slot, int level)
{
    uint64_t *t = new_table(d);
    uint64_t step = level == 1 ? (1UL << 21) : PAGE_SIZE;
    uint64_t attrs = *slot & ~DESC_ADDR_MASK & ~DESC_TABLE;

    if (!t)
        return -ENOMEM;
    for (int i = 0; i < 512; i++)
        t[i] = ((*slot & DESC_ADDR_MASK) + i * step) | attrs | (level == 2 ? DESC_TABLE : 0);
    dsb_ish();
    *slot = (uintptr_t)t | DESC_VALID | DESC_TABLE;
    return 0;
}

/* Slot for gpa at target level (1..3), creating or splitting tables on the way. */
static uint64_t *walk(struct domain *d, gpaddr_t gpa, int target, bool create)
{
    uint64_t *t = d->arch.p2m_root;

    for (int level = 1; level <= 3; level++) {
        uint64_t *slot = &t[(gpa >> (39 - 9 * level)) & 511];

        if (level == target)
            return slot;
        if (!(*slot & DESC_VALID)) {
            uint64_t *n;
            if (!create)
                return NULL;
            if (!(n = new_table(d)))
                return NULL;
            *slot = (uintptr_t)n | DESC_VALID | DESC_TABLE;
        } else if (!(*slot & DESC_TABLE)) {
            if (!create)
                return slot; /* a block covers gpa */
            if (split_block(d, slot, level))
                return NULL;
        }
        t = table_of(*slot);
    }
    return NULL;
}

int p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int type)
{
    gpaddr_t gpa = gfn << PAGE_SHIFT;
    uint64_t *slot;

    if (gpa >> P2M_IPA_BITS)
        return -EINVAL;
    spin_lock(&d->arch.p2m_lock);
    slot = walk(d, gpa, 3, true);
    if (slot) {
        bool was_valid = *slot & DESC_VALID;
        set_leaf(slot, (mfn << PAGE_SHIFT) | leaf_bits(type) | DESC_TABLE);
        d->arch.max_mapped_gfn = MAX(d->arch.max_mapped_gfn, gfn);
        if (was_valid)
            p2m_flush(d, gpa);
        else
            dsb_ish();
    }
    spin_unlock(&d->arch.p2m_lock);
    return slot ? 0 : -ENOMEM;
}

static int unmap(struct domain *d, gfn_t gfn, bool flush)
{
    gpaddr_t gpa = gfn << PAGE_SHIFT;
    uint64_t *slot;
    int rc = 0;

    if (gpa >> P2M_IPA_BITS)
        return -EINVAL;
    spin_lock(&d->arch.p2m_lock);
    slot = walk(d, gpa, 3, false);
    if (slot && (*slot & DESC_VALID)) {
        /* walk() stops at a block covering gpa: split it down to pages first. */
        slot = walk(d, gpa, 3, true);
        if (!slot) {
            rc = -ENOMEM;
        } else {
            set_leaf(slot, 0);
            if (flush)
                p2m_flush(d, gpa); /* else the caller's p2m_flush_vmid (its DSB first) */
        }
    }
    spin_unlock(&d->arch.p2m_lock);
    return rc;
}

int p2m_unmap(struct domain *d, gfn_t gfn)
{
    return unmap(d, gfn, true);
}

int p2m_unmap_noflush(struct domain *d, gfn_t gfn)
{
    return unmap(d, gfn, false);
}

gfn_t p2m_max_mapped_gfn(struct domain *d)
{
    return d->arch.max_mapped_gfn;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, unsigned int *type)
{
    gpaddr_t gpa = gfn << PAGE_SHIFT;
    uint64_t *t = d->arch.p2m_root, desc = 0;
    int level;

    if (type)
        *type = P2M_INVALID;
    if (gpa >> P2M_IPA_BITS)
        return INVALID_MFN;
    for (level = 1; level <= 3; level++) {
        desc = t[(gpa >> (39 - 9 * level)) & 511];
        if (!(desc & DESC_VALID))
            return INVALID_MFN;
        if (level == 3 || !(desc & DESC_TABLE))
            break;
        t = table_of(desc);
    }
    if (type)
        *type = (desc >> DESC_TYPE_SHIFT) & 0xf;
    {
        uint64_t span = 1UL << (39 - 9 * level);
        return ((desc & DESC_ADDR_MASK & ~(span - 1)) + (gpa & (span - 1))) >> PAGE_SHIFT;
    }
}

int p2m_map_range(struct domain *d, gpaddr_t gpa, paddr_t pa, uint64_t size, unsigned int type)
{
    gpaddr_t end = gpa + ROUNDUP(size, PAGE_SIZE);

    if (end > (1UL << P2M_IPA_BITS))
        return -EINVAL;
    spin_lock(&d->arch.p2m_lock);
    while (gpa < end) {
        int level = 3;
        uint64_t *slot;

        for (int l = 1; l < 3; l++) {
            uint64_t span = 1UL << (39 - 9 * l);
            if (!((gpa | pa) & (span - 1)) && end - gpa >= span) {
                slot = walk(d, gpa, l, false);
                if (!slot || !(*slot & DESC_VALID)) {
                    level = l;
                    break;
                }
            }
        }
        slot = walk(d, gpa, level, true);
        if (!slot) {
            spin_unlock(&d->arch.p2m_lock);
            return -ENOMEM;
        }
        if (level == 3)
            set_leaf(slot, pa | leaf_bits(type) | DESC_TABLE);
        else
            *slot = pa | leaf_bits(type);
        d->arch.max_mapped_gfn =
            MAX(d->arch.max_mapped_gfn, (gpa + (1UL << (39 - 9 * level)) - 1) >> PAGE_SHIFT);
        gpa += 1UL << (39 - 9 * level);
        pa += 1UL << (39 - 9 * level);
    }
    dsb_ish();
    spin_unlock(&d->arch.p2m_lock);
    p2m_flush(d, ~0UL);
    return 0;
}
