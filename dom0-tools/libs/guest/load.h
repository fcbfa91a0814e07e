/* Copying kernel, ramdisk and DTB into a new domain's RAM (load.c). */
#ifndef TERN_GUEST_LOAD_H
#define TERN_GUEST_LOAD_H

#define __XEN_TOOLS__ 1
#include <stdbool.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xen/grant_table.h>

struct tern_loader {
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    xengnttab_handle *xgt;    /* NULL: grant copy unavailable, foreign mappings only */
    grant_entry_v1_t *gnttab; /* the domain's grant table frame 0, mapped */
    uint32_t domid, backend;  /* backend: the domain doing the copies (dom0) */
    bool refs_used;           /* copy-window refs were written: clear them at the end */
    const char *method;       /* "grant copy" or "foreign map" (for TERN_TIMING) */
};

/* gnttab: the domain's grant frame 0 mapped writable (refs TERN_COPY_FIRST_REF.. are used as
 * the copy window and cleared again by tern_loader_finish). */
void tern_loader_init(struct tern_loader *ld, xc_interface *xch, xenforeignmemory_handle *fmem,
                      grant_entry_v1_t *gnttab, uint32_t domid, uint32_t backend);
/* Copies len bytes to page-aligned gpa, zero-fills the last page and cleans the range to the
 * point of coherency. Returns 0 or -errno with err filled ("load <what>: ..."). */
int tern_loader_copy(struct tern_loader *ld, uint64_t gpa, const void *src, size_t len,
                     const char *what, char *err, size_t errlen);
/* The same for a kernel Image: from memory, or inflated window by window (gzip). */
struct tern_image;
int tern_loader_copy_image(struct tern_loader *ld, uint64_t gpa, struct tern_image *img, char *err,
                           size_t errlen);
/* Revokes the copy-window grants and closes gntdev. */
void tern_loader_finish(struct tern_loader *ld);

#define TERN_COPY_FIRST_REF 8   /* refs 0-7 are reserved (GNTTAB_NR_RESERVED_ENTRIES) */
#define TERN_COPY_NR_REFS   504 /* the rest of grant frame 0 (512 v1 entries) */

#endif
