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

#define DTB_RESERVE     (64u << 10) /* room kept for the DTB after the ramdisk */
#define MAP_CHUNK_PAGES 1024u       /* pages per foreign mapping / cache flush */
#define ORDER_2M        9
#define PAGES_2M        (1u << ORDER_2M)
#define RAMDISK_MAX     (512u << 20)
/* HVM_PARAM_CALLBACK_IRQ on Arm: type PPI (2) in bits 63:56, level-low flag (2) in 15:8. */
#define CALLBACK_VIA_PPI(ppi) ((2ULL << 56) | (2ULL << 8) | (ppi))
#define EVTCHN_PPI            31 /* GUEST_EVTCHN_PPI */

struct builder {
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
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

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    struct stat st;
    uint8_t *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > RAMDISK_MAX) {
        rc = -EFBIG;
        goto out;
    }
    buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t off = 0; off < (size_t)st.st_size;) {
        ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

        if (n <= 0) {
            rc = n < 0 ? -errno : -EIO;
            free(buf);
            goto out;
        }
        off += (size_t)n;
    }
    *data = buf;
    *size = (size_t)st.st_size;
out:
    close(fd);
    return rc;
}

/* Copies len bytes to guest-physical gpa (zero-filling the rest of the last page), then
 * cleans the range to the point of coherency: the guest starts with caches off. */
static int copy_to_guest(struct builder *b, uint64_t gpa, const void *data, size_t len,
                         const char *what)
{
    uint32_t domid = b->cfg->domid;
    uint64_t first = gpa >> 12, last = (gpa + len + TERN_PAGE_SIZE - 1) >> 12;
    xen_pfn_t pfns[MAP_CHUNK_PAGES];
    const uint8_t *src = data;

    if (gpa % TERN_PAGE_SIZE)
        return fail(b, -EINVAL, "load %s: address %#llx not page aligned", what,
                    (unsigned long long)gpa);
    for (uint64_t pfn = first; pfn < last;) {
        size_t n = last - pfn > MAP_CHUNK_PAGES ? MAP_CHUNK_PAGES : (size_t)(last - pfn);
        size_t bytes = n * TERN_PAGE_SIZE, off = (size_t)((pfn - first) * TERN_PAGE_SIZE);
        size_t copy = len - off < bytes ? len - off : bytes;
        uint8_t *p;

        for (size_t i = 0; i < n; i++)
            pfns[i] = pfn + i;
        p = xenforeignmemory_map(b->fmem, domid, PROT_READ | PROT_WRITE, n, pfns, NULL);
        if (!p)
            return fail(b, -errno, "load %s: map gfn %#llx+%zu of domain %u", what,
                        (unsigned long long)pfn, n, domid);
        memcpy(p, src + off, copy);
        memset(p + copy, 0, bytes - copy);
        xenforeignmemory_unmap(b->fmem, p, n);
        if (xc_domain_cacheflush(b->xch, domid, pfn, n) < 0)
            return fail(b, -errno, "load %s: cache flush of gfn %#llx+%zu of domain %u", what,
                        (unsigned long long)pfn, n, domid);
        pfn += n;
    }
    return 0;
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

static int setup_magic_pages(struct builder *b, const struct tern_layout *l)
{
    xen_pfn_t pfns[TERN_NR_MAGIC_PAGES];
    uint32_t domid = b->cfg->domid;
    void *p;

    for (int i = 0; i < TERN_NR_MAGIC_PAGES; i++)
        pfns[i] = l->magic_pfn_base + i;
    if (xc_domain_populate_physmap_exact(b->xch, domid, TERN_NR_MAGIC_PAGES, 0, 0, pfns) < 0)
        return fail(b, -errno, "populate magic pages of domain %u", domid);
    /* A zeroed xenstore page reads as connection == XENSTORE_CONNECTED, as Linux needs. */
    p = xenforeignmemory_map(b->fmem, domid, PROT_READ | PROT_WRITE, TERN_NR_MAGIC_PAGES, pfns,
                             NULL);
    if (!p)
        return fail(b, -errno, "map magic pages of domain %u", domid);
    memset(p, 0, TERN_NR_MAGIC_PAGES * TERN_PAGE_SIZE);
    xenforeignmemory_unmap(b->fmem, p, TERN_NR_MAGIC_PAGES);
    if (xc_domain_cacheflush(b->xch, domid, pfns[0], TERN_NR_MAGIC_PAGES) < 0)
        return fail(b, -errno, "cache flush of magic pages of domain %u", domid);
    return 0;
}

/* Grant refs 0 (console) and 1 (xenstore), which backends map with gntdev (libxc's
 * xc_dom_gnttab_seed; Linux never allocates refs 0-7). */
static int seed_grant_table(struct builder *b, uint64_t console_gfn, uint64_t store_gfn)
{
    const struct tern_build_config *cfg = b->cfg;
    xenforeignmemory_resource_handle *fres;
    grant_entry_v1_t *gnttab = NULL;

    fres = xenforeignmemory_map_resource(b->fmem, cfg->domid, XENMEM_resource_grant_table,
                                         XENMEM_resource_grant_table_id_shared, 0, 1,
                                         (void **)&gnttab, PROT_READ | PROT_WRITE, 0);
    if (!fres)
        return fail(b, -errno, "map grant table frame 0 of domain %u", cfg->domid);
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
    xenforeignmemory_unmap_resource(b->fmem, fres);
    return 0;
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
    uint8_t *ramdisk = NULL, *dtb = NULL;
    size_t ramdisk_size = 0;
    int rc, ver;

    err[0] = '\0';
    rc = tern_image_load(cfg->kernel, &img, err, errlen);
    if (rc < 0)
        return rc;
    if (cfg->ramdisk) {
        rc = read_file(cfg->ramdisk, &ramdisk, &ramdisk_size);
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
                                  .xen_major = ver > 0 ? (unsigned)ver >> 16 : 4,
                                  .xen_minor = ver > 0 ? (unsigned)ver & 0xffff : 17};
    dtb = calloc(1, DTB_RESERVE);
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

    if ((rc = set_address_size(&b)) < 0)
        goto out;
    if (xc_hvm_param_set(xch, cfg->domid, HVM_PARAM_CALLBACK_IRQ, CALLBACK_VIA_PPI(EVTCHN_PPI)) <
        0) {
        rc = fail(&b, -errno, "set HVM param CALLBACK_IRQ of domain %u", cfg->domid);
        goto out;
    }
    for (int bank = 0; bank < 2; bank++)
        if ((rc = populate_bank(&b, layout.ram_base[bank], layout.ram_size[bank])) < 0)
            goto out;
    if ((rc = copy_to_guest(&b, layout.kernel_base, img.data, img.size, "kernel")) < 0)
        goto out;
    if (ramdisk_size &&
        (rc = copy_to_guest(&b, layout.ramdisk_base, ramdisk, ramdisk_size, "ramdisk")) < 0)
        goto out;
    if ((rc = copy_to_guest(&b, layout.dtb_base, dtb, layout.dtb_size, "device tree")) < 0)
        goto out;
    if ((rc = setup_magic_pages(&b, &layout)) < 0)
        goto out;
    res->console_gfn = layout.magic_pfn_base + TERN_MAGIC_CONSOLE;
    res->store_gfn = layout.magic_pfn_base + TERN_MAGIC_XENSTORE;
    if ((rc = seed_grant_table(&b, res->console_gfn, res->store_gfn)) < 0)
        goto out;
    if ((rc = set_params(&b, &layout)) < 0)
        goto out;
    rc = tern_guest_boot_vcpu(xch, cfg->domid, layout.entry, layout.dtb_base);
    if (rc < 0) {
        fail(&b, rc, "set vCPU 0 registers of domain %u", cfg->domid);
        goto out;
    }
    res->entry = layout.entry;
    res->dtb_base = layout.dtb_base;
out:
    xenforeignmemory_close(b.fmem);
    tern_image_free(&img);
    free(ramdisk);
    free(dtb);
    return rc;
}
