/* SPDX-License-Identifier: MIT */
/*
 * Grant tables (common/grant_table.c): per-domain state and interface.
 * Guest ABI: <xen/grant_table.h>.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/types.h>

/* Per-domain grant-table state (contents owned by common/grant_table.c). */
struct grant_domain {
    unsigned int nr_frames;
};

#endif /* HV_GRANT_TABLE_H */
