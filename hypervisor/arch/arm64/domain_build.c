/* SPDX-License-Identifier: MIT */
/*
 * dom0 construction: one direct-mapped (IPA == PA) RAM bank at the top of host RAM,
 * the kernel Image placed per its header (Linux Documentation/arm64/booting.rst), DTB
 * and initrd after it (as Xen's kernel.c does: bank start + 128 MiB, 2 MiB aligned),
 * every dom0-visible device mapped 1:1, and vCPU0 started at the kernel entry.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/setup.h>
#include <asm/vcpu.h>

#define SZ_2M   (2UL << 20)
#define DTB_MAX SZ_2M

/* Grant-table frames for dom0 go in the hypervisor's own image range, which is never
 * dom0 RAM or MMIO (Xen uses its text section the same way). */
#define DOM0_GNTTAB_SIZE (1UL << 20)

void assign_frames(struct domain *d, mfn_t mfn, mfn_t n);

struct image_header {
    uint32_t code0, code1;
    uint64_t text_offset, image_size, flags, res2, res3, res4;
    uint32_t magic, res5;
};

static bool overlaps(paddr_t a, uint64_t as, paddr_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

static void check_bank(paddr_t start, uint64_t size)
{
    if (size < (64UL << 20))
        panic("dom0_mem=%luM is too small (64M minimum)", size >> 20);
    if (start < boot.ram_start || start + size > boot.ram_end)
        panic("dom0_mem=%luM does not fit in RAM (%luM)", size >> 20,
              (boot.ram_end - boot.ram_start) >> 20);
    if (overlaps(start, size, (paddr_t)_start_image, _end - _start_image) ||
        overlaps(start, size, boot.kernel.start, boot.kernel.size) ||
        overlaps(start, size, boot.initrd.start, boot.initrd.size) ||
        overlaps(start, size, (paddr_t)boot.fdt, DTB_MAX))
        panic("dom0_mem=%luM: dom0's RAM %lx-%lx would overlap the hypervisor, the DTB or "
              "the boot modules; use a smaller dom0_mem",
              size >> 20, start, start + size);
}

void construct_dom0(void)
{
    uint64_t size = ROUNDDOWN(boot.dom0_mem, SZ_2M);
    paddr_t ram = ROUNDDOWN(boot.ram_end - size, SZ_2M);
    unsigned int nvcpus = boot.dom0_max_vcpus ? boot.dom0_max_vcpus : nr_pcpus;
    const struct image_header *h = (const void *)boot.kernel.start;
    paddr_t kernel, place, dtb, initrd = 0;
    uint64_t footprint;
    struct domain *d;
    static char fdt_buf[DTB_MAX] __attribute__((aligned(8)));

    check_bank(ram, size);
    nvcpus = MIN(MIN(nvcpus, nr_pcpus), (unsigned int)MAX_VIRT_CPUS);
    if (boot.kernel.size < sizeof(*h) || h->magic != 0x644d5241)
        panic("dom0 kernel is not an arm64 Image (bad magic); gzip'ed kernels are not supported");

    kernel = ram + h->text_offset;
    footprint = MAX(h->image_size, boot.kernel.size);
    place = MAX(ram + (128UL << 20), ROUNDUP(kernel + footprint, SZ_2M));
    dtb = place;
    if (boot.initrd.size)
        initrd = dtb + DTB_MAX;
    if (dtb + DTB_MAX + ROUNDUP(boot.initrd.size, PAGE_SIZE) > ram + size)
        panic("dom0_mem=%luM is too small for the kernel (%luM) and initrd (%luM)", size >> 20,
              footprint >> 20, boot.initrd.size >> 20);

    d = domain_create(0, true, nvcpus);
    if (!d)
        panic("cannot create dom0");
    for (unsigned int i = 0; i < nvcpus; i++) {
        struct vcpu *v = vcpu_create(d, i);
        if (!v)
            panic("cannot create dom0 vCPU%u", i);
        pcpus[i].vcpu = v;
    }
    page_alloc_reserve(ram, ram + size);
    assign_frames(d, ram >> PAGE_SHIFT, size >> PAGE_SHIFT);
    d->tot_pages = d->max_pages = size >> PAGE_SHIFT;
    d->arch.ram_start = ram;
    d->arch.ram_size = size;
    if (p2m_map_range(d, ram, ram, size, P2M_RAM_RW))
        panic("out of memory for dom0's stage-2 tables");

    memmove((void *)kernel, (void *)boot.kernel.start, boot.kernel.size);
    if (boot.initrd.size)
        memmove((void *)initrd, (void *)boot.initrd.start, boot.initrd.size);

    {
        struct dom0_dt_params p = {
            .ram_start = ram,
            .ram_size = size,
            .initrd_start = initrd,
            .initrd_size = boot.initrd.size,
            .gnttab_start = (paddr_t)_start_image,
            .gnttab_size = DOM0_GNTTAB_SIZE,
            .nr_vcpus = nvcpus,
            .evtchn_ppi = d->arch.evtchn_ppi,
        };
        dom0_build_fdt(fdt_buf, sizeof(fdt_buf), &p);
        memcpy((void *)dtb, fdt_buf, DTB_MAX);
        dom0_map_devices(d, fdt_buf);
    }
    arch_flush_dcache((void *)ram, size, false);

    /* The modules' memory now belongs to the heap. */
    page_alloc_release(boot.kernel.start, boot.kernel.start + boot.kernel.size);
    page_alloc_release(boot.initrd.start, boot.initrd.start + boot.initrd.size);

    printk("dom0: %u vCPUs, RAM %lx-%lx (%luM), kernel %lx, DTB %lx, initrd %lx\n", nvcpus, ram,
           ram + size, size >> 20, kernel, dtb, initrd);
    printk("Starting dom0 (free heap %luM)\n", page_alloc_free_pages() >> 8);
    vcpu_boot(d->vcpu[0], kernel, dtb);
}
