/* Guest physical memory map for Arm guests, from Xen's public <xen/arch-arm.h>, and the
 * placement of kernel, ramdisk and DTB (libxc's xg_dom_arm.c rules). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "arch_arm.h"
#include "tern/guest.h"

#define MiB(x)         ((uint64_t)(x) << 20)
#define ROUNDUP(x, a)  (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define MODULES_OFFSET MiB(128) /* libxc: modules at RAM base + 128 MiB if they fit */

int tern_layout_compute(struct tern_layout *l, uint64_t mem_bytes, uint64_t text_offset,
                        uint64_t image_size, uint64_t ramdisk_size, uint64_t dtb_size, char *err,
                        size_t errlen)
{
    uint64_t bank0_end, kernel_end_2m, modsize, base;

    memset(l, 0, sizeof(*l));
    if (mem_bytes < MiB(8) || mem_bytes % TERN_PAGE_SIZE) {
        snprintf(err, errlen, "memory size %llu KiB: need at least 8 MiB in whole pages",
                 (unsigned long long)(mem_bytes >> 10));
        return -EINVAL;
    }
    if (mem_bytes > GUEST_RAM0_SIZE + GUEST_RAM1_SIZE) {
        snprintf(err, errlen, "memory size %llu MiB exceeds the guest RAM banks",
                 (unsigned long long)(mem_bytes >> 20));
        return -EINVAL;
    }
    l->ram_base[0] = GUEST_RAM0_BASE;
    l->ram_size[0] = mem_bytes < GUEST_RAM0_SIZE ? mem_bytes : GUEST_RAM0_SIZE;
    l->ram_base[1] = GUEST_RAM1_BASE;
    l->ram_size[1] = mem_bytes - l->ram_size[0];
    l->magic_pfn_base = GUEST_MAGIC_BASE >> 12;
    l->gnttab_base = GUEST_GNTTAB_BASE;
    l->gnttab_size = GUEST_GNTTAB_SIZE;

    l->kernel_base = GUEST_RAM0_BASE + text_offset;
    l->kernel_end = l->kernel_base + image_size;
    l->entry = l->kernel_base;
    bank0_end = l->ram_base[0] + l->ram_size[0];
    kernel_end_2m = ROUNDUP(l->kernel_end, MiB(2));

    modsize = ROUNDUP(ramdisk_size, TERN_PAGE_SIZE) + ROUNDUP(dtb_size, TERN_PAGE_SIZE);
    if (bank0_end >= GUEST_RAM0_BASE + MODULES_OFFSET + modsize &&
        kernel_end_2m <= GUEST_RAM0_BASE + MODULES_OFFSET)
        base = GUEST_RAM0_BASE + MODULES_OFFSET;
    else if (bank0_end >= kernel_end_2m + modsize)
        base = bank0_end - modsize;
    else {
        snprintf(err, errlen,
                 "kernel (%llu KiB) + ramdisk (%llu KiB) + DTB do not fit in %llu MiB of RAM",
                 (unsigned long long)(image_size >> 10), (unsigned long long)(ramdisk_size >> 10),
                 (unsigned long long)(l->ram_size[0] >> 20));
        return -ENOSPC;
    }
    l->ramdisk_base = base;
    l->ramdisk_size = ramdisk_size;
    l->dtb_base = base + ROUNDUP(ramdisk_size, TERN_PAGE_SIZE);
    l->dtb_size = dtb_size;
    return 0;
}

void tern_layout_magic_gfns(uint64_t *console_gfn, uint64_t *store_gfn)
{
    *console_gfn = (GUEST_MAGIC_BASE >> 12) + TERN_MAGIC_CONSOLE;
    *store_gfn = (GUEST_MAGIC_BASE >> 12) + TERN_MAGIC_XENSTORE;
}
