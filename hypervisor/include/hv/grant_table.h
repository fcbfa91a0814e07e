/* SPDX-License-Identifier: MIT */
/*
 * Grant tables (common/grant_table.c, v1 entries as Xen on Arm): per-domain state and
 * interface.  Guest ABI: <xen/grant_table.h>.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/types.h>

#include <xen/xen.h>

struct domain;
struct vcpu;
struct grant_table; /* common/grant_table.c */

/* Defaults as Xen's (opt_max_grant_frames 64, opt_max_maptrack_frames 1024). */
#define DEFAULT_MAX_GRANT_FRAMES    64
#define DEFAULT_MAX_MAPTRACK_FRAMES 1024

/* Per-domain grant-table state (contents owned by common/grant_table.c). */
struct grant_domain {
    struct grant_table *gt;
};

int grant_table_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack);
/* Drop every grant mapping d holds (granters see GTF_reading/writing cleared). */
void grant_table_release_mappings(struct domain *d);
/* True while another domain still maps one of d's grants: d's memory must outlive it. */
bool grant_table_in_use(struct domain *d);
/* Release d's mappings and free its table (d's grants must no longer be in use). */
void grant_table_destroy(struct domain *d);

/* XENMAPSPACE_grant_table: the mfn of shared frame idx (grown on demand), recording gfn
 * as its location.  -EINVAL bad idx / status frame in v1; -EBUSY already mapped
 * elsewhere (unmap first, as Xen on Arm); -ENOMEM. */
int gnttab_map_frame(struct domain *d, unsigned long idx, gfn_t gfn, mfn_t *mfn);
/* A p2m entry at gfn holding mfn is going away: forget the frame's location if it is
 * one of d's grant frames (returns true then). */
bool gnttab_forget_frame(struct domain *d, mfn_t mfn);
/* XENMEM_acquire_resource (grant_table, id_shared): the mfns of shared frames
 * [frame, frame + nr), growing the table as needed.  nr, or -EINVAL (v1 has no status
 * frames; beyond max_frames) / -ENOMEM. */
int gnttab_acquire_frames(struct domain *d, unsigned int id, unsigned int frame, unsigned int nr,
                          xen_pfn_t *mfns);
/* max_nr_frames advertised by query_size (dom0's DT grant region must hold them). */
unsigned int gnttab_max_frames(const struct domain *d);

/* GNTTABOP_* dispatch (hypercall 20). */
long do_grant_table_op(struct vcpu *v, unsigned long cmd, uint64_t uop, unsigned long count);

#endif /* HV_GRANT_TABLE_H */
