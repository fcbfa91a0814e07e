/* Loading bytes into a new domain's RAM.
 *
 * Preferred: GNTTABOP_copy through gntdev's IOCTL_GNTDEV_GRANT_COPY. The builder writes
 * grant entries for the destination frames into the (still paused) domain's grant table,
 * and Xen copies from dom0's pages into them: no guest page is mapped into dom0, so dom0's
 * P2M is not touched and no TLB flush happens; Linux batches 16 copies per hypercall.
 *
 * Fallback (no gntdev, or a hypervisor without grant copy): privcmd foreign mappings
 * (IOCTL_PRIVCMD_MMAPBATCH_V2), large windows, memcpy. On Arm each mapped page costs dom0
 * an XENMEM_add_to_physmap_range and, on unmap, an XENMEM_remove_from_physmap with a TLB
 * flush, which is what made loading a 32 MiB kernel slow.
 *
 * Either way the range is then cleaned to the point of coherency with XEN_DOMCTL_cacheflush
 * (the guest starts with its MMU and caches off). */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "tern/guest.h"
#include "load.h"

#define MAP_WINDOW_PAGES  4096u  /* pages per foreign mapping (16 MiB of dom0 space) */
#define FLUSH_CHUNK_PAGES 16384u /* per XEN_DOMCTL_cacheflush (Xen: at most 1 << MAX_ORDER) */

static const uint8_t zero_page[TERN_PAGE_SIZE] __attribute__((aligned(4096)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list al;
    size_t n;

    va_start(al, fmt);
    vsnprintf(err, errlen, fmt, al);
    va_end(al);
    n = strlen(err);
    snprintf(err + n, errlen - n, ": %s", strerror(-rc));
    return rc;
}

void tern_loader_init(struct tern_loader *ld, xc_interface *xch, xenforeignmemory_handle *fmem,
                      grant_entry_v1_t *gnttab, uint32_t domid, uint32_t backend)
{
    *ld = (struct tern_loader){
        .xch = xch, .fmem = fmem, .gnttab = gnttab, .domid = domid, .backend = backend};
    ld->xgt = gnttab ? xengnttab_open(NULL, 0) : NULL;
    ld->method = ld->xgt ? "grant copy" : "foreign map";
}

/* One window through grant copy. Returns 0, or -errno if the copy did not happen (the caller
 * then falls back to a mapping). */
static int copy_window_grant(struct tern_loader *ld, const struct tern_copy_window *w,
                             const uint8_t *wsrc)
{
    struct tern_copy_seg segs[TERN_COPY_NR_REFS + 1];
    xengnttab_grant_copy_segment_t xs[TERN_COPY_NR_REFS + 1];
    size_t n = tern_copy_segments(w, TERN_COPY_FIRST_REF, segs);

    /* Entries first, flags last (Xen reads flags, then domid/frame). */
    for (size_t i = 0; i < w->npages; i++) {
        grant_entry_v1_t *e = &ld->gnttab[TERN_COPY_FIRST_REF + i];

        e->domid = (domid_t)ld->backend;
        e->frame = (uint32_t)(w->gfn + i);
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    for (size_t i = 0; i < w->npages; i++)
        ld->gnttab[TERN_COPY_FIRST_REF + i].flags = GTF_permit_access;
    ld->refs_used = true;
    for (size_t i = 0; i < n; i++) {
        xs[i] = (xengnttab_grant_copy_segment_t){.len = segs[i].len, .flags = GNTCOPY_dest_gref};
        xs[i].source.virt =
            (void *)(segs[i].src_off == TERN_COPY_ZEROS ? zero_page
                                                        : wsrc + (segs[i].src_off - w->src_off));
        xs[i].dest.foreign.ref = segs[i].ref;
        xs[i].dest.foreign.offset = segs[i].offset;
        xs[i].dest.foreign.domid = (uint16_t)ld->domid;
    }
    if (xengnttab_grant_copy(ld->xgt, (uint32_t)n, xs) < 0)
        return -errno;
    for (size_t i = 0; i < n; i++)
        if (xs[i].status != GNTST_okay)
            return -EIO;
    return 0;
}

/* One window through a foreign mapping; the data from wsrc, or read from stream into the
 * mapping itself (a gzip kernel is inflated straight into guest memory). */
static int copy_window_map(struct tern_loader *ld, const struct tern_copy_window *w,
                           const uint8_t *wsrc, struct tern_image *stream)
{
    xen_pfn_t *pfns = malloc(w->npages * sizeof(*pfns));
    uint8_t *p;
    int rc = 0;

    if (!pfns)
        return -ENOMEM;
    for (size_t i = 0; i < w->npages; i++)
        pfns[i] = w->gfn + i;
    p = xenforeignmemory_map(ld->fmem, ld->domid, PROT_READ | PROT_WRITE, w->npages, pfns, NULL);
    free(pfns);
    if (!p)
        return -errno;
    if (stream)
        rc = tern_image_read(stream, p, w->data_len);
    else
        memcpy(p, wsrc, w->data_len);
    memset(p + w->data_len, 0, w->npages * TERN_PAGE_SIZE - w->data_len);
    xenforeignmemory_unmap(ld->fmem, p, w->npages);
    return rc;
}

static int flush(struct tern_loader *ld, uint64_t gfn, size_t pages, const char *what, char *err,
                 size_t errlen)
{
    for (size_t done = 0; done < pages;) {
        size_t n = pages - done < FLUSH_CHUNK_PAGES ? pages - done : FLUSH_CHUNK_PAGES;

        if (xc_domain_cacheflush(ld->xch, ld->domid, gfn + done, n) < 0)
            return fail(err, errlen, -errno, "load %s: cache flush of gfn %#llx+%zu of domain %u",
                        what, (unsigned long long)(gfn + done), n, ld->domid);
        done += n;
    }
    return 0;
}

/* Copies len bytes from mem, or read from stream, to gpa. */
static int copy_range(struct tern_loader *ld, uint64_t gpa, size_t len, const uint8_t *mem,
                      struct tern_image *stream, const char *what, char *err, size_t errlen)
{
    size_t pages = (size_t)((len + TERN_PAGE_SIZE - 1) / TERN_PAGE_SIZE);
    uint8_t *staging = NULL;
    int rc = 0;

    if (gpa % TERN_PAGE_SIZE)
        return fail(err, errlen, -EINVAL, "load %s: address %#llx not page aligned", what,
                    (unsigned long long)gpa);
    for (size_t first = 0; first < pages;) {
        struct tern_copy_window w;
        size_t max = ld->xgt ? TERN_COPY_NR_REFS : MAP_WINDOW_PAGES;
        const uint8_t *wsrc;

        tern_copy_plan(gpa + first * TERN_PAGE_SIZE, len - first * TERN_PAGE_SIZE, max, &w, 1);
        w.src_off += first * TERN_PAGE_SIZE; /* plan offsets are relative to the window */
        wsrc = mem ? mem + w.src_off : NULL;
        if (ld->xgt) {
            if (stream) { /* grant copy needs the bytes in dom0: inflate a window's worth */
                if (!staging && !(staging = aligned_alloc(TERN_PAGE_SIZE,
                                                          TERN_COPY_NR_REFS * TERN_PAGE_SIZE))) {
                    rc = fail(err, errlen, -ENOMEM, "load %s", what);
                    break;
                }
                rc = tern_image_read(stream, staging, w.data_len);
                if (rc < 0) {
                    rc = fail(err, errlen, rc, "load %s: read at offset %zu", what, w.src_off);
                    break;
                }
                wsrc = staging;
            }
            rc = copy_window_grant(ld, &w, wsrc);
            if (rc < 0) {
                /* Grant copy refused (old kernel, hypervisor without GNTTABOP_copy): this
                 * window and the rest through mappings. */
                xengnttab_close(ld->xgt);
                ld->xgt = NULL;
                ld->method = "foreign map";
                rc = copy_window_map(ld, &w, wsrc, NULL);
            }
        } else {
            rc = copy_window_map(ld, &w, wsrc, stream);
        }
        if (rc < 0) {
            rc = fail(err, errlen, rc, "load %s: gfn %#llx+%zu of domain %u", what,
                      (unsigned long long)w.gfn, w.npages, ld->domid);
            break;
        }
        first += w.npages;
    }
    free(staging);
    return rc < 0 ? rc : flush(ld, gpa / TERN_PAGE_SIZE, pages, what, err, errlen);
}

int tern_loader_copy(struct tern_loader *ld, uint64_t gpa, const void *src, size_t len,
                     const char *what, char *err, size_t errlen)
{
    return copy_range(ld, gpa, len, src, NULL, what, err, errlen);
}

int tern_loader_copy_image(struct tern_loader *ld, uint64_t gpa, struct tern_image *img, char *err,
                           size_t errlen)
{
    return copy_range(ld, gpa, img->size, img->data, img->data ? NULL : img, "kernel", err, errlen);
}

void tern_loader_finish(struct tern_loader *ld)
{
    if (ld->refs_used) {
        /* Revoke: flags first, so no half-cleared entry is ever valid. */
        for (size_t i = 0; i < TERN_COPY_NR_REFS; i++)
            ld->gnttab[TERN_COPY_FIRST_REF + i].flags = 0;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        for (size_t i = 0; i < TERN_COPY_NR_REFS; i++) {
            ld->gnttab[TERN_COPY_FIRST_REF + i].domid = 0;
            ld->gnttab[TERN_COPY_FIRST_REF + i].frame = 0;
        }
        ld->refs_used = false;
    }
    xengnttab_close(ld->xgt);
    ld->xgt = NULL;
}
