/* Grant table v1, guest side (xen/grant_table.h): this domain's frames, mapped at the
 * grant-table region of the device tree (/hypervisor reg[0], GUEST_GNTTAB_BASE). */
#ifndef TG_GNTTAB_H
#define TG_GNTTAB_H

#include "xen.h"

extern grant_entry_v1_t *gnttab_table;
extern unsigned gnttab_nr_frames, gnttab_max_frames;
extern uint64_t gnttab_base_gfn;

int gnttab_init(uint64_t region_base);
/* Grant `domid` access to `gfn`; returns the ref (>= GNTTAB_NR_RESERVED_ENTRIES) or -1. */
long gnttab_grant_access(domid_t domid, uint64_t gfn, bool readonly);
/* Revoke; false if the grant is still in use (GTF_reading/GTF_writing). */
bool gnttab_end_access(grant_ref_t ref);

#endif
