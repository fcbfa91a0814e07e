/*
 * Grant table v1, guest side.  Frames are mapped with XENMEM_add_to_physmap(grant_table)
 * into the region the device tree gives (/hypervisor reg[0]), as Linux's gnttab_init does.
 * An entry is published by writing frame and domid first and flags last (grant_table.h:
 * "the flags field must be written last").
 */
#include <tg/arch.h>
#include <tg/gnttab.h>

#define INITIAL_FRAMES    1
#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))

grant_entry_v1_t *gnttab_table;
unsigned gnttab_nr_frames, gnttab_max_frames;
uint64_t gnttab_base_gfn;
static uint64_t used[INITIAL_FRAMES * ENTRIES_PER_FRAME / 64];

int gnttab_init(uint64_t region_base)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    long rc = hyp_grant_table_op(GNTTABOP_query_size, &q, 1);

    if (rc || q.status != GNTST_okay)
        return rc ? (int)rc : (int)q.status;
    gnttab_max_frames = q.max_nr_frames;
    gnttab_base_gfn = region_base >> PAGE_SHIFT;
    for (unsigned i = 0; i < INITIAL_FRAMES; i++) {
        struct xen_add_to_physmap xatp = {
            .domid = DOMID_SELF,
            .space = XENMAPSPACE_grant_table,
            .idx = i,
            .gpfn = gnttab_base_gfn + i,
        };
        rc = hyp_memory_op(XENMEM_add_to_physmap, &xatp);
        if (rc)
            return (int)rc;
    }
    gnttab_nr_frames = INITIAL_FRAMES;
    gnttab_table = (grant_entry_v1_t *)(uintptr_t)region_base;
    return 0;
}

long gnttab_grant_access(domid_t domid, uint64_t gfn, bool readonly)
{
    for (unsigned ref = GNTTAB_NR_RESERVED_ENTRIES; ref < INITIAL_FRAMES * ENTRIES_PER_FRAME;
         ref++) {
        if (used[ref / 64] & (1UL << (ref % 64)))
            continue;
        used[ref / 64] |= 1UL << (ref % 64);
        gnttab_table[ref].frame = (uint32_t)gfn;
        gnttab_table[ref].domid = domid;
        wmb();
        gnttab_table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
        return ref;
    }
    return -1;
}

bool gnttab_end_access(grant_ref_t ref)
{
    if (ref >= INITIAL_FRAMES * ENTRIES_PER_FRAME)
        return false;
    uint16_t flags = READ_ONCE(gnttab_table[ref].flags);

    /* Revoke only if no mapping or copy is in progress: compare-and-swap to 0. */
    for (;;) {
        if (flags & (GTF_reading | GTF_writing))
            return false;
        if (__atomic_compare_exchange_n(&gnttab_table[ref].flags, &flags, 0, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    used[ref / 64] &= ~(1UL << (ref % 64));
    return true;
}
