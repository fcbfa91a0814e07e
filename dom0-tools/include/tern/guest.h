/* The Arm domain builder (libs/guest): what libxc's xc_dom_* + libxl's Arm parts do to turn
 * an empty domain into a bootable one. Pure parts (Image parsing, memory layout, DTB) have
 * no Xen-header dependency beyond <xen/arch-arm.h> and are unit-tested on the host. */
#ifndef TERN_GUEST_H
#define TERN_GUEST_H

#include <stddef.h>
#include <stdint.h>

#define TERN_PAGE_SIZE 4096ULL

/* ---- kernel Image (image.c) */
struct tern_gz;
struct tern_image {
    uint8_t *data;        /* whole Image (raw, or parsed from memory); NULL for gzip */
    size_t size;          /* bytes of Image (gzip: from the trailer, checked at the end) */
    uint64_t text_offset; /* from the Image header (Documentation/arm64/booting.rst) */
    uint64_t image_size;  /* effective size incl. BSS; never less than size */
    size_t mapped;        /* non-zero: map is the kernel file mmap()ed (length) */
    void *map;
    struct tern_gz *gz; /* gzip: inflated as tern_image_read goes */
    size_t pos;         /* bytes read so far by tern_image_read */
};
/* Loads a raw or gzip-compressed arm64 Image. Returns 0, or -errno with err filled. */
int tern_image_load(const char *path, struct tern_image *img, char *err, size_t errlen);
/* Parses an Image already in memory (takes ownership of data on success). */
int tern_image_parse(uint8_t *data, size_t size, struct tern_image *img, char *err, size_t errlen);
/* Reads the Image's next len bytes in order (inflating a gzip one); -errno if the stream is
 * corrupt, or ends before or after the size its trailer gave. */
int tern_image_read(struct tern_image *img, void *buf, size_t len);
/* Inflates a gzip buffer; returns 0 and a malloc'ed result, or -errno. */
int tern_gunzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);
void tern_image_free(struct tern_image *img);

/* ---- guest physical memory layout (layout.c) */
struct tern_layout {
    uint64_t ram_base[2], ram_size[2]; /* GUEST_RAM0/1 banks */
    uint64_t kernel_base, kernel_end;  /* kernel_end = base + image_size */
    uint64_t entry;
    uint64_t ramdisk_base, ramdisk_size; /* size 0: none */
    uint64_t dtb_base, dtb_size;
    uint64_t magic_pfn_base; /* console +0, xenstore +1, mem-access +2, vuart +3 */
    uint64_t gnttab_base, gnttab_size;
};
#define TERN_MAGIC_CONSOLE  0
#define TERN_MAGIC_XENSTORE 1
#define TERN_MAGIC_MONITOR  2
#define TERN_MAGIC_VUART    3
#define TERN_NR_MAGIC_PAGES 4
/* Places kernel, ramdisk and DTB in mem_bytes of RAM as libxc does (ramdisk at RAM base +
 * 128 MiB when it fits, else at the end of bank 0; DTB right after the ramdisk). */
int tern_layout_compute(struct tern_layout *l, uint64_t mem_bytes, uint64_t text_offset,
                        uint64_t image_size, uint64_t ramdisk_size, uint64_t dtb_size, char *err,
                        size_t errlen);

/* The console and xenstore pages' frames (fixed by the memory map: GUEST_MAGIC_BASE). */
void tern_layout_magic_gfns(uint64_t *console_gfn, uint64_t *store_gfn);

/* ---- device tree (dtb.c) */
struct tern_dt_params {
    unsigned int nr_vcpus;
    const struct tern_layout *layout;
    const char *bootargs; /* may be NULL */
    uint32_t clock_frequency;
    unsigned int xen_major, xen_minor;
    unsigned int gic_version; /* XEN_DOMCTL_CONFIG_GIC_V2: a GICv2 node; else GICv3 */
};
/* Writes the guest DTB into buf (bufsize bytes). Returns its size or -errno. */
int tern_dtb_build(void *buf, size_t bufsize, const struct tern_dt_params *p);

/* ---- copying bytes into guest RAM (plan.c: the pure part of load.c)
 * A range is copied in windows of at most max_pages guest pages; in each window page i goes
 * through grant ref first_ref + i (grant copy) or mapping page i (foreign map). The bytes of
 * the last page beyond the data are zeroed. */
struct tern_copy_window {
    uint64_t gfn;    /* first guest frame of the window */
    size_t npages;   /* pages in the window */
    size_t src_off;  /* offset in the source of the window's first byte */
    size_t data_len; /* source bytes in the window (the rest of npages * 4 KiB is zeros) */
};
/* Splits len bytes for guest-physical gpa (page aligned) into windows; fills at most max_out
 * and returns how many there are in all. */
size_t tern_copy_plan(uint64_t gpa, size_t len, size_t max_pages, struct tern_copy_window *out,
                      size_t max_out);
#define TERN_COPY_ZEROS SIZE_MAX /* src_off of a segment that writes zeros */
struct tern_copy_seg {
    uint32_t ref;    /* destination grant ref */
    uint16_t offset; /* in the destination page */
    uint16_t len;
    size_t src_off; /* offset in the source, or TERN_COPY_ZEROS */
};
/* The grant copy segments of one window (page i through ref first_ref + i): one per page plus
 * a zero segment for a partial last page; segs needs w->npages + 1 entries. Returns the
 * count. */
size_t tern_copy_segments(const struct tern_copy_window *w, uint32_t first_ref,
                          struct tern_copy_seg *segs);

/* ---- timing (timing.c): TERN_TIMING=1 in the environment prints, on stderr, each step's
 * milliseconds and the running total since the last tern_timing(NULL) (for bench/). */
void tern_timing(const char *step);
/* A thread started during a create: its first step counts from here. */
void tern_timing_thread_start(void);

/* ---- the builder (build.c): needs a domain created with its vCPUs and max memory set. */
struct tern_build_config {
    uint32_t domid;
    uint64_t mem_kb;
    unsigned int vcpus;
    const char *kernel;
    const char *ramdisk; /* NULL: none */
    const char *cmdline; /* NULL: none */
    uint32_t store_domid, console_domid;
    uint32_t store_port, console_port; /* unbound ports in the new domain */
    uint32_t clock_frequency;          /* from createdomain's arch config */
    unsigned int gic_version;          /* idem (XEN_DOMCTL_CONFIG_GIC_*) */
};
struct tern_build_result {
    uint64_t store_gfn, console_gfn;
    uint64_t entry, dtb_base;
};
struct xc_interface_core;
int tern_guest_build(struct xc_interface_core *xch, const struct tern_build_config *cfg,
                     struct tern_build_result *res, char *err, size_t errlen);

/* Sets vCPU 0's boot registers (arch back end: vcpu_arm64.c). Returns 0 or -errno. */
int tern_guest_boot_vcpu(struct xc_interface_core *xch, uint32_t domid, uint64_t entry,
                         uint64_t dtb);

#endif
