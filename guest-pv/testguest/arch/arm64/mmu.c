/*
 * Identity map with caches on.  Xen shares memory with the guest as Normal Inner/Outer
 * Write-Back (arch-arm.h, "Memory attributes"); exclusives (atomics) are only architected on
 * Normal cacheable memory, so the MMU is on before any atomic is used.
 *
 * 4 KiB granule, 32-bit VA (T0SZ = 32) so the walk starts at level 1 (Arm ARM D8.2):
 *   [0, 1 GiB)    level-2 table of 2 MiB blocks: Device-nGnRnE below GUEST_GNTTAB_BASE
 *                 (the vGIC), Normal from the grant-table region (0x38000000) and the magic
 *                 pages (0x39000000) up;
 *   [1, 2 GiB)    one Normal block: RAM bank 0 (GUEST_RAM0_BASE), all of it, populated or not;
 *   [2, 4 GiB)    unmapped.
 */
#include <tg/arch.h>

#define DESC_VALID      (1UL << 0)
#define DESC_TABLE      (1UL << 1)
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER   (3UL << 8)
#define DESC_AF         (1UL << 10)
#define DESC_PXN        (1UL << 53)
#define DESC_UXN        (1UL << 54)

#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
/* MAIR_EL1: attr0 = Device-nGnRnE (0x00), attr1 = Normal WB non-transient RW-allocate. */
#define MAIR_VALUE (0x00UL | (0xffUL << 8))

/* TCR_EL1: T0SZ 32, IRGN0/ORGN0 WB-WA, SH0 inner, TG0 4K, EPD1 (no TTBR1 walks), IPS 32 bit. */
#define TCR_VALUE ((32UL << 0) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) | (1UL << 23))

#define SCTLR_M (1UL << 0)
#define SCTLR_A (1UL << 1)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)

#define NORMAL_FROM 0x38000000UL /* GUEST_GNTTAB_BASE */

static uint64_t l1_table[512] __attribute__((aligned(4096)));
static uint64_t l2_low[512] __attribute__((aligned(4096)));

static uint64_t block(uint64_t pa, bool normal)
{
    uint64_t d = pa | DESC_VALID | DESC_AF;

    if (normal)
        return d | DESC_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER;
    return d | DESC_ATTRIDX(MAIR_IDX_DEVICE) | DESC_PXN | DESC_UXN;
}

/* Tables were written with the MMU (and so the data cache) off: make sure no stale line
 * of them is in any cache before the walker reads them through a cacheable attribute. */
static void invalidate_range(void *p, size_t len)
{
    for (uintptr_t a = (uintptr_t)p; a < (uintptr_t)p + len; a += 64)
        __asm__ __volatile__("dc ivac, %0" ::"r"(a) : "memory");
    dsb();
}

void arch_mmu_init(uint64_t fdt_pa)
{
    for (unsigned i = 0; i < 512; i++)
        l2_low[i] = block((uint64_t)i << 21, ((uint64_t)i << 21) >= NORMAL_FROM);
    l1_table[0] = (uint64_t)(uintptr_t)l2_low | DESC_VALID | DESC_TABLE;
    l1_table[1] = block(1UL << 30, true);
    invalidate_range(l1_table, sizeof(l1_table));
    invalidate_range(l2_low, sizeof(l2_low));

    WRITE_SYSREG(mair_el1, MAIR_VALUE);
    WRITE_SYSREG(tcr_el1, TCR_VALUE);
    WRITE_SYSREG(ttbr0_el1, (uint64_t)(uintptr_t)l1_table);
    isb();
    __asm__ __volatile__("tlbi vmalle1\n\tdsb nsh" ::: "memory");
    __asm__ __volatile__("ic iallu\n\tdsb nsh" ::: "memory");
    isb();
    uint64_t sctlr = READ_SYSREG(sctlr_el1);
    sctlr = (sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~SCTLR_A;
    WRITE_SYSREG(sctlr_el1, sctlr);
    isb();
}
