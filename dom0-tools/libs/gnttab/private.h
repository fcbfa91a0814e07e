/* libxengnttab internals: portable core.c over one OS back end (linux.c). */
#ifndef TERN_XENGNTTAB_PRIVATE_H
#define TERN_XENGNTTAB_PRIVATE_H

#include <stdint.h>
#include <xengnttab.h>
#include <xentoollog.h>

struct xengntdev_handle {
    xentoollog_logger *logger;
    int fd;
};

int osdep_gnttab_open(xengnttab_handle *xgt);
void osdep_gnttab_close(xengnttab_handle *xgt);
/* Maps count grants (domids[i] or domids[0] when one_domid) into one range; NULL + errno. */
void *osdep_gnttab_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids, int one_domid,
                       const uint32_t *refs, int prot);
int osdep_gnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count);
int osdep_gnttab_set_max_grants(xengnttab_handle *xgt, uint32_t count);
/* GNTTABOP_copy of count segments; per-segment results (GNTST_*) in segs[i].status. */
int osdep_gnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
                            xengnttab_grant_copy_segment_t *segs);

#endif
