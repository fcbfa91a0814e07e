/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own (stage-1 EL2) address space: an identity map of the first 512 GiB
 * of physical address space in 1 GiB level-1 blocks (Arm ARM D8.3 "Translation table
 * descriptor formats").  RAM (1..256 GiB on QEMU virt) is Normal write-back; the rest is
 * Device-nGnRE and execute-never.  Hypervisor VA == PA, so mfn_to_virt is a shift.
 */
#include <hv/arch.h>
#include <hv/lib.h>

#define PTE_VALID    (1UL << 0)
#define PTE_AF       (1UL << 10)
#define PTE_SH_INNER (3UL << 8)
#define PTE_ATTR(i)  ((uint64_t)(i) << 2) /* MAIR_EL2 index: 0 device, 1 normal WB */
#define PTE_XN       (1UL << 54)

uint64_t el2_l1_table[512] __attribute__((aligned(4096)));

void early_pagetables_setup(void)
{
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pa = i << 30;
        bool ram = i >= 1 && i < 256;

        el2_l1_table[i] =
            pa | PTE_VALID | PTE_AF | (ram ? PTE_ATTR(1) | PTE_SH_INNER : PTE_ATTR(0) | PTE_XN);
    }
}

mfn_t virt_to_mfn(const void *va)
{
    return (uintptr_t)va >> PAGE_SHIFT;
}

void *mfn_to_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(mfn << PAGE_SHIFT);
}

void arch_flush_dcache(const void *va, size_t len, bool invalidate)
{
    uintptr_t p = ROUNDDOWN((uintptr_t)va, 64), end = (uintptr_t)va + len;

    for (; p < end; p += 64) {
        if (invalidate)
            asm volatile("dc civac, %0" ::"r"(p) : "memory");
        else
            asm volatile("dc cvac, %0" ::"r"(p) : "memory");
    }
    asm volatile("dsb sy" ::: "memory");
}
