/* The Arm domain builder proper: populate RAM, load kernel/ramdisk/DTB through foreign
 * mappings, magic pages, grant seeds, HVM params, boot vCPU (xen-arm-abi.md 5.4).
 *
 * Error policy: the first failing step fills err with "step: object: reason" and returns
 * -errno; the caller destroys the domain, which frees everything populated here. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xen/grant_table.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include "tern/guest.h"
#include "load.h"

#define DTB_RESERVE (64u << 10) /* room kept for the DTB after the ramdisk */
#define ORDER_2M    9
#define PAGES_2M    (1u << ORDER_2M)
#define RAMDISK_MAX (512u << 20)
/* HVM_PARAM_CALLBACK_IRQ on Arm: type PPI (2) in bits 63:56, level-low flag (2) in 15:8. */
#define CALLBACK_VIA_PPI(ppi) ((2ULL << 56) | (2ULL << 8) | (ppi))
#define EVTCHN_PPI            31 /* GUEST_EVTCHN_PPI */

struct builder {
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    grant_entry_v1_t *gnttab; /* the domain's grant frame 0, mapped for the whole build */
    const struct tern_build_config *cfg;
    char *err;
    size_t errlen;
};

static int fail(struct builder *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct builder *b, int rc, const char *fmt, ...)
{
    va_list al;
    size_t n;

    va_start(al, fmt);
    vsnprintf(b->err, b->errlen, fmt, al);
    va_end(al);
    n = strlen(b->err);
    snprintf(b->err + n, b->errlen - n, ": %s", strerror(-rc));
    return rc;
}

/* Maps a file read-only (the copy source: no read() into a buffer). Empty files give
 * *size 0 and no mapping. */
static int map_file(const char *path, uint8_t **data, size_t *size)
{
    struct stat st;
    void *p = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0)
        rc = -errno;
    else if (st.st_size < 0 || (uint64_t)st.st_size > RAMDISK_MAX)
        rc = -EFBIG;
    else if (st.st_size > 0 &&
             (p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
        rc = -errno;
    close(fd);
    if (rc == 0) {
        *data = p;
        *size = (size_t)st.st_size;
    }
    return rc;
}

static int populate_bank(struct builder *b, uint64_t base, uint64_t size)
{
    uint64_t pfn = base >> 12, end = (base + size) >> 12;
    xen_pfn_t *list;
    unsigned long n = 0;
    int rc = 0;

    if (!size)
        return 0;
    list = malloc(sizeof(*list) * (size_t)((end - pfn) / PAGES_2M + 1));
    if (!list)
        return fail(b, -ENOMEM, "populate RAM of domain %u", b->cfg->domid);
    /* 2 MiB extents where aligned (fewer stage-2 entries), 4 KiB pages for the rest. */
    for (; pfn + PAGES_2M <= end && !(pfn % PAGES_2M); pfn += PAGES_2M)
        list[n++] = pfn;
    if (n && xc_domain_populate_physmap_exact(b->xch, b->cfg->domid, n, ORDER_2M, 0, list) < 0)
        rc = fail(b, -errno, "populate %lu MiB of RAM at %#llx in domain %u", n * 2,
                  (unsigned long long)base, b->cfg->domid);
    free(list);
    for (; !rc && pfn < end; pfn++) {
        xen_pfn_t one = pfn;

        if (xc_domain_populate_physmap_exact(b->xch, b->cfg->domid, 1, 0, 0, &one) < 0)
            rc = fail(b, -errno, "populate gfn %#llx in domain %u", (unsigned long long)pfn,
                      b->cfg->domid);
    }
    return rc;
}

static int setup_magic_pages(struct builder *b, struct tern_loader *ld, const struct tern_layout *l)
{
    static const uint8_t zeros[TERN_NR_MAGIC_PAGES * TERN_PAGE_SIZE] __attribute__((aligned(4096)));
    xen_pfn_t pfns[TERN_NR_MAGIC_PAGES];
    uint32_t domid = b->cfg->domid;

    for (int i = 0; i < TERN_NR_MAGIC_PAGES; i++)
        pfns[i] = l->magic_pfn_base + i;
    if (xc_domain_populate_physmap_exact(b->xch, domid, TERN_NR_MAGIC_PAGES, 0, 0, pfns) < 0)
        return fail(b, -errno, "populate magic pages of domain %u", domid);
    /* A zeroed xenstore page reads as connection == XENSTORE_CONNECTED, as Linux needs. */
    return tern_loader_copy(ld, l->magic_pfn_base * TERN_PAGE_SIZE, zeros, sizeof(zeros),
                            "magic pages", b->err, b->errlen);
}

/* Maps the domain's grant table frame 0 (XENMEM_acquire_resource): the loader's copy
 * window and the console/xenstore seeds live there. */
static xenforeignmemory_resource_handle *map_grant_frame(struct builder *b)
{
    xenforeignmemory_resource_handle *fres;

    fres = xenforeignmemory_map_resource(b->fmem, b->cfg->domid, XENMEM_resource_grant_table,
                                         XENMEM_resource_grant_table_id_shared, 0, 1,
                                         (void **)&b->gnttab, PROT_READ | PROT_WRITE, 0);
    if (!fres)
        fail(b, -errno, "map grant table frame 0 of domain %u", b->cfg->domid);
    return fres;
}

/* Grant refs 0 (console) and 1 (xenstore), which backends map with gntdev (libxc's
 * xc_dom_gnttab_seed; Linux never allocates refs 0-7). */
static void seed_grant_table(struct builder *b, uint64_t console_gfn, uint64_t store_gfn)
{
    const struct tern_build_config *cfg = b->cfg;
    grant_entry_v1_t *gnttab = b->gnttab;

    if (cfg->console_domid != cfg->domid) {
        gnttab[GNTTAB_RESERVED_CONSOLE].domid = cfg->console_domid;
        gnttab[GNTTAB_RESERVED_CONSOLE].frame = (uint32_t)console_gfn;
    }
    if (cfg->store_domid != cfg->domid) {
        gnttab[GNTTAB_RESERVED_XENSTORE].domid = cfg->store_domid;
        gnttab[GNTTAB_RESERVED_XENSTORE].frame = (uint32_t)store_gfn;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE); /* entries before their flags */
    if (cfg->console_domid != cfg->domid)
        gnttab[GNTTAB_RESERVED_CONSOLE].flags = GTF_permit_access;
    if (cfg->store_domid != cfg->domid)
        gnttab[GNTTAB_RESERVED_XENSTORE].flags = GTF_permit_access;
}

static int set_params(struct builder *b, const struct tern_layout *l)
{
    const struct tern_build_config *cfg = b->cfg;
    const struct {
        uint32_t index;
        uint64_t value;
        const char *name;
    } params[] = {
        {HVM_PARAM_CONSOLE_PFN, l->magic_pfn_base + TERN_MAGIC_CONSOLE, "CONSOLE_PFN"},
        {HVM_PARAM_STORE_PFN, l->magic_pfn_base + TERN_MAGIC_XENSTORE, "STORE_PFN"},
        {HVM_PARAM_MONITOR_RING_PFN, l->magic_pfn_base + TERN_MAGIC_MONITOR, "MONITOR_RING_PFN"},
        {HVM_PARAM_CONSOLE_EVTCHN, cfg->console_port, "CONSOLE_EVTCHN"},
        {HVM_PARAM_STORE_EVTCHN, cfg->store_port, "STORE_EVTCHN"},
    };

    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
        if (xc_hvm_param_set(b->xch, cfg->domid, params[i].index, params[i].value) < 0)
            return fail(b, -errno, "set HVM param %s of domain %u", params[i].name, cfg->domid);
    return 0;
}

static int set_address_size(struct builder *b)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_set_address_size, .domain = b->cfg->domid};

    domctl.u.address_size.size = 64;
    if (xc_domctl(b->xch, &domctl) < 0)
        return fail(b, -errno, "XEN_DOMCTL_set_address_size(64) of domain %u", b->cfg->domid);
    return 0;
}

int tern_guest_build(xc_interface *xch, const struct tern_build_config *cfg,
                     struct tern_build_result *res, char *err, size_t errlen)
{
    struct builder b = {.xch = xch, .cfg = cfg, .err = err, .errlen = errlen};
    struct tern_image img = {0};
    struct tern_layout layout;
    struct tern_dt_params dtp;
    struct tern_loader ld = {0};
    xenforeignmemory_resource_handle *gframe = NULL;
    uint8_t *ramdisk = NULL, *dtb = NULL;
    size_t ramdisk_size = 0;
    bool claimed = false;
    int rc, ver;

    err[0] = '\0';
    rc = tern_image_load(cfg->kernel, &img, err, errlen);
    if (rc < 0)
        return rc;
    if (cfg->ramdisk) {
        rc = map_file(cfg->ramdisk, &ramdisk, &ramdisk_size);
        if (rc < 0) {
            fail(&b, rc, "read ramdisk %s", cfg->ramdisk);
            goto out;
        }
    }
    rc = tern_layout_compute(&layout, cfg->mem_kb << 10, img.text_offset, img.image_size,
                             ramdisk_size, DTB_RESERVE, err, errlen);
    if (rc < 0)
        goto out;
    b.fmem = xenforeignmemory_open(NULL, 0);
    if (!b.fmem) {
        rc = fail(&b, -errno, "open foreign memory interface");
        goto out;
    }
    ver = xc_version(xch, XENVER_version, NULL);
    dtp = (struct tern_dt_params){.nr_vcpus = cfg->vcpus,
                                  .layout = &layout,
                                  .bootargs = cfg->cmdline,
                                  .clock_frequency = cfg->clock_frequency,
                                  .gic_version = cfg->gic_version,
                                  .xen_major = ver > 0 ? (unsigned)ver >> 16 : 4,
                                  .xen_minor = ver > 0 ? (unsigned)ver & 0xffff : 17};
    /* Page aligned: one grant copy operation per page. */
    dtb = aligned_alloc(TERN_PAGE_SIZE, DTB_RESERVE);
    if (dtb)
        memset(dtb, 0, DTB_RESERVE);
    if (!dtb) {
        rc = fail(&b, -ENOMEM, "build device tree of domain %u", cfg->domid);
        goto out;
    }
    rc = tern_dtb_build(dtb, DTB_RESERVE, &dtp);
    if (rc < 0) {
        fail(&b, rc, "build device tree of domain %u", cfg->domid);
        goto out;
    }
    layout.dtb_size = (uint64_t)rc;
    tern_timing("build: read kernel, DTB");

    if ((rc = set_address_size(&b)) < 0)
        goto out;
    if (xc_hvm_param_set(xch, cfg->domid, HVM_PARAM_CALLBACK_IRQ, CALLBACK_VIA_PPI(EVTCHN_PPI)) <
        0) {
        rc = fail(&b, -errno, "set HVM param CALLBACK_IRQ of domain %u", cfg->domid);
        goto out;
    }
    /* Claim the RAM and magic pages first, as libxenctrl's x86 builder does: a host short
     * of memory fails here, before anything is populated, and other domains cannot take
     * the pages meanwhile.  Cancelled once built (or failed), below. */
    if (xc_domain_claim_pages(xch, cfg->domid,
                              (unsigned long)(cfg->mem_kb >> 2) + TERN_NR_MAGIC_PAGES) < 0) {
        rc = errno == ENOMEM
                 ? fail(&b, -ENOMEM, "claim %llu MiB for domain %u: not that much free memory",
                        (unsigned long long)(cfg->mem_kb >> 10), cfg->domid)
                 : 0; /* a claim refused otherwise (above maxmem): build without */
        if (rc < 0)
            goto out;
    }
    claimed = true;
    for (int bank = 0; bank < 2; bank++)
        if ((rc = populate_bank(&b, layout.ram_base[bank], layout.ram_size[bank])) < 0)
            goto out;
    tern_timing("build: populate RAM");
    gframe = map_grant_frame(&b);
    if (!gframe) {
        rc = -errno;
        goto out;
    }
    /* The copies are made by the domain running the toolstack: dom0. */
    tern_loader_init(&ld, xch, b.fmem, b.gnttab, cfg->domid, 0);
    if ((rc = tern_loader_copy_image(&ld, layout.kernel_base, &img, err, errlen)) < 0)
        goto out;
    tern_timing(ld.xgt ? "build: kernel (grant copy)" : "build: kernel (foreign map)");
    if (ramdisk_size && (rc = tern_loader_copy(&ld, layout.ramdisk_base, ramdisk, ramdisk_size,
                                               "ramdisk", err, errlen)) < 0)
        goto out;
    tern_timing("build: ramdisk");
    if ((rc = tern_loader_copy(&ld, layout.dtb_base, dtb, layout.dtb_size, "device tree", err,
                               errlen)) < 0)
        goto out;
    if ((rc = setup_magic_pages(&b, &ld, &layout)) < 0)
        goto out;
    tern_loader_finish(&ld);
    res->console_gfn = layout.magic_pfn_base + TERN_MAGIC_CONSOLE;
    res->store_gfn = layout.magic_pfn_base + TERN_MAGIC_XENSTORE;
    seed_grant_table(&b, res->console_gfn, res->store_gfn);
    if ((rc = set_params(&b, &layout)) < 0)
        goto out;
    rc = tern_guest_boot_vcpu(xch, cfg->domid, layout.entry, layout.dtb_base);
    if (rc < 0) {
        fail(&b, rc, "set vCPU 0 registers of domain %u", cfg->domid);
        goto out;
    }
    res->entry = layout.entry;
    res->dtb_base = layout.dtb_base;
    tern_timing("build: DTB, magic pages, regs");
out:
    if (claimed)
        xc_domain_claim_pages(xch, cfg->domid, 0); /* what is left of the claim goes back */
    if (b.gnttab)
        tern_loader_finish(&ld);
    if (gframe)
        xenforeignmemory_unmap_resource(b.fmem, gframe);
    xenforeignmemory_close(b.fmem);
    tern_image_free(&img);
    if (ramdisk)
        munmap(ramdisk, ramdisk_size);
    free(dtb);
    return rc;
}
