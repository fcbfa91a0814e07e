/* SPDX-License-Identifier: MIT */
/*
 * dom0 construction: one direct-mapped (IPA == PA) RAM bank, the kernel Image, DTB and
 * initrd in it, every dom0-visible device mapped 1:1, and vCPU0 started at the kernel
 * entry.
 *
 * The bank is chosen (dom0_reserve_memory, before the heap hands out any page) so that
 * the kernel and initrd stay where QEMU's guest-loader put them: the Image may run in
 * place when it sits text_offset bytes above a 2 MiB-aligned base (Linux
 * Documentation/arm64/booting.rst), and the initrd anywhere in RAM outside the kernel's
 * image_size.  A module that cannot stay is copied into the bank (after the kernel, as
 * Xen's kernel.c places modules) and its old memory goes to the heap.  dom0's RAM is not
 * zeroed: Linux assumes nothing about RAM contents (it clears its own BSS and zeroes the
 * pages it hands out), and the bank was never another guest's memory, only what QEMU
 * loaded or left zero at machine reset.
 */
#include <libfdt.h>

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

struct range {
    paddr_t start;
    uint64_t size;
};

/* Where dom0's RAM bank is and where its boot modules go in it. */
static struct dom0_layout {
    paddr_t ram;
    uint64_t size;
    paddr_t kernel, dtb, initrd;
    bool kernel_copied, initrd_copied;
} layout;

static bool overlaps(paddr_t a, uint64_t as, paddr_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

static bool inside(paddr_t a, uint64_t as, const struct dom0_layout *l)
{
    return a >= l->ram && as <= l->size && a - l->ram <= l->size - as;
}

/* First 2 MiB-aligned place for len bytes in the bank, from `from` on (then from the bank
 * start), clear of busy[0..n). */
static bool find_room(const struct dom0_layout *l, paddr_t from, uint64_t len,
                      const struct range *busy, int n, paddr_t *out)
{
    for (int pass = 0; pass < 2; pass++) {
        for (paddr_t a = ROUNDUP(pass ? l->ram : MAX(from, l->ram), SZ_2M); inside(a, len, l);
             a += SZ_2M) {
            int i = 0;

            while (i < n && !overlaps(a, len, busy[i].start, busy[i].size))
                i++;
            if (i == n) {
                *out = a;
                return true;
            }
        }
    }
    return false;
}

/* Lay dom0 out in the bank [ram, ram + size): false if that bank cannot be used. */
static bool plan(paddr_t ram, uint64_t size, const struct image_header *h, struct dom0_layout *l)
{
    const struct boot_module *k = &boot.kernel, *rd = &boot.initrd;
    uint64_t footprint = MAX(h->image_size, k->size);
    struct range busy[3];
    int n = 0;

    *l = (struct dom0_layout){.ram = ram, .size = size};
    if (ram % SZ_2M || size > boot.ram_end - boot.ram_start || ram < boot.ram_start ||
        ram > boot.ram_end - size ||
        overlaps(ram, size, (paddr_t)_start_image, _end - _start_image) ||
        overlaps(ram, size, (paddr_t)boot.fdt, fdt_totalsize(boot.fdt)))
        return false;

    /* A module is either used in place (inside the bank) or copied (then wholly outside
     * it, so that copying overwrites nothing still needed). */
    l->kernel = k->start;
    if ((k->start - h->text_offset) % SZ_2M || !inside(k->start, footprint, l)) {
        if (overlaps(ram, size, k->start, k->size))
            return false;
        l->kernel = ram + h->text_offset;
        l->kernel_copied = true;
    }
    if (!inside(l->kernel, footprint, l))
        return false;
    busy[n++] = (struct range){l->kernel, footprint};

    l->initrd = rd->start;
    if (rd->size &&
        (!inside(rd->start, rd->size, l) || overlaps(rd->start, rd->size, l->kernel, footprint))) {
        if (overlaps(ram, size, rd->start, rd->size))
            return false;
        l->initrd_copied = true;
    } else if (rd->size) {
        busy[n++] = (struct range){rd->start, rd->size};
    }

    if (!find_room(l, l->kernel + footprint, DTB_MAX, busy, n, &l->dtb))
        return false;
    busy[n++] = (struct range){l->dtb, DTB_MAX};
    if (l->initrd_copied &&
        !find_room(l, l->dtb + DTB_MAX, ROUNDUP(rd->size, PAGE_SIZE), busy, n, &l->initrd))
        return false;
    return true;
}

static const struct image_header *kernel_header(void)
{
    const struct image_header *h = (const void *)boot.kernel.start;

    if (boot.kernel.size < sizeof(*h) || h->magic != 0x644d5241)
        panic("dom0 kernel is not an arm64 Image (bad magic); gzip'ed kernels are not supported");
    return h;
}

/* Choose dom0's bank and reserve it, before the heap hands out any page: the bank that
 * copies the fewest bytes of the modules, of (1) one starting at the kernel's base, (2)
 * one ending just after both modules, (3) the top of RAM (as Xen), (4) one just above
 * the hypervisor, (5) one just above the kernel as loaded (a misaligned kernel is then
 * copied but the initrd may stay). */
void dom0_reserve_memory(void)
{
    const struct image_header *h = kernel_header();
    uint64_t size = ROUNDDOWN(boot.dom0_mem, SZ_2M);
    paddr_t kbase = boot.kernel.start - h->text_offset;
    paddr_t mods_end = MAX(boot.kernel.start + MAX(h->image_size, boot.kernel.size),
                           boot.initrd.start + boot.initrd.size);
    paddr_t cands[] = {
        ROUNDDOWN(kbase, SZ_2M),
        ROUNDUP(mods_end, SZ_2M) - size,
        ROUNDDOWN(boot.ram_end - size, SZ_2M),
        ROUNDUP(MAX((paddr_t)_end, (paddr_t)boot.fdt + fdt_totalsize(boot.fdt)), SZ_2M),
        ROUNDUP(boot.kernel.start + boot.kernel.size, SZ_2M),
    };
    uint64_t best_saved = 0;
    bool found = false;

    if (size < (64UL << 20))
        panic("dom0_mem=%luM is too small (64M minimum)", size >> 20);
    if (size > boot.ram_end - boot.ram_start)
        panic("dom0_mem=%luM does not fit in RAM (%luM)", size >> 20,
              (boot.ram_end - boot.ram_start) >> 20);
    for (unsigned int i = 0; i < ARRAY_SIZE(cands); i++) {
        struct dom0_layout l;
        uint64_t saved;

        if (!plan(cands[i], size, h, &l))
            continue;
        saved = (l.kernel_copied ? 0 : boot.kernel.size) + (l.initrd_copied ? 0 : boot.initrd.size);
        if (!found || saved > best_saved) {
            layout = l;
            best_saved = saved;
            found = true;
        }
    }
    if (!found)
        panic("dom0_mem=%luM: no room for dom0's RAM with the kernel (%luM) and initrd (%luM) "
              "outside the hypervisor and the host DTB; use a different dom0_mem",
              size >> 20, MAX(h->image_size, boot.kernel.size) >> 20, boot.initrd.size >> 20);
    page_alloc_reserve(layout.ram, layout.ram + layout.size);
}

/* Copy a module that cannot stay into the bank and give its old memory to the heap; the
 * copy is cleaned to the point of coherency since dom0 starts with its MMU off. */
static void move_module(paddr_t to, const struct boot_module *m)
{
    memcpy((void *)to, (const void *)m->start, m->size);
    arch_flush_dcache((void *)to, m->size, false);
    page_alloc_release(m->start, m->start + m->size);
}

void construct_dom0(void)
{
    const struct dom0_layout *l = &layout;
    unsigned int nvcpus = boot.dom0_max_vcpus ? boot.dom0_max_vcpus : nr_pcpus;
    struct domain *d;
    void *fdt = (void *)l->dtb;

    nvcpus = MIN(MIN(nvcpus, nr_pcpus), (unsigned int)MAX_VIRT_CPUS);
    d = domain_create(0, true, nvcpus);
    if (!d)
        panic("cannot create dom0");
    for (unsigned int i = 0; i < nvcpus; i++) {
        struct vcpu *v = vcpu_create(d, i);
        if (!v)
            panic("cannot create dom0 vCPU%u", i);
        pcpus[i].vcpu = v;
    }
    assign_frames(d, l->ram >> PAGE_SHIFT, l->size >> PAGE_SHIFT);
    d->tot_pages = d->max_pages = l->size >> PAGE_SHIFT;
    d->arch.ram_start = l->ram;
    d->arch.ram_size = l->size;
    if (p2m_map_range(d, l->ram, l->ram, l->size, P2M_RAM_RW))
        panic("out of memory for dom0's stage-2 tables");
    boot_phase("dom0 domain, vCPUs, RAM stage-2");

    if (l->kernel_copied)
        move_module(l->kernel, &boot.kernel);
    if (l->initrd_copied && boot.initrd.size)
        move_module(l->initrd, &boot.initrd);
    boot_phase(l->kernel_copied || l->initrd_copied ? "dom0 modules copied"
                                                    : "dom0 modules in place");

    {
        struct dom0_dt_params p = {
            .ram_start = l->ram,
            .ram_size = l->size,
            .initrd_start = l->initrd,
            .initrd_size = boot.initrd.size,
            .gnttab_start = (paddr_t)_start_image,
            .gnttab_size = DOM0_GNTTAB_SIZE,
            .nr_vcpus = nvcpus,
            .evtchn_ppi = d->arch.evtchn_ppi,
        };
        /* Built in place in dom0's RAM; only what was written needs cleaning. */
        dom0_build_fdt(fdt, DTB_MAX, &p);
        arch_flush_dcache(fdt, fdt_totalsize(fdt), false);
        dom0_map_devices(d, fdt);
    }
    boot_phase("dom0 DT and device mappings");

    printk("dom0: %u vCPUs, RAM %lx-%lx (%luM), kernel %lx%s, DTB %lx, initrd %lx%s\n", nvcpus,
           l->ram, l->ram + l->size, l->size >> 20, l->kernel,
           l->kernel_copied ? " (copied)" : " (in place)", l->dtb, l->initrd,
           !boot.initrd.size  ? ""
           : l->initrd_copied ? " (copied)"
                              : " (in place)");
    boot_phases_print();
    printk("Starting dom0 (free heap %luM)\n", page_alloc_free_pages() >> 8);
    vcpu_boot(d->vcpu[0], l->kernel, l->dtb);
}
