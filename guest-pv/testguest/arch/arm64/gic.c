/*
 * Just enough GICv3 to take the event-channel PPI: the guest view Xen gives every domU sits
 * at GUEST_GICV3_GICD_BASE / GUEST_GICV3_GICR0_BASE (arch-arm.h); vCPU 0's redistributor is
 * the first one.  Registers and bits from the GICv3 architecture specification (IHI 0069).
 */
#include <tg/arch.h>

#define GICD_BASE     0x03001000UL
#define GICR0_BASE    0x03020000UL
#define GICR_SGI_BASE (GICR0_BASE + 0x10000)

#define GICD_CTLR            0x0000
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICD_CTLR_ARE_NS     (1U << 4)
#define GICR_WAKER           0x0014
#define GICR_WAKER_PSLEEP    (1U << 1)
#define GICR_IGROUPR0        0x0080
#define GICR_ISENABLER0      0x0100
#define GICR_IPRIORITYR      0x0400

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static inline uint32_t mmio_read32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

int gic_enable_ppi(unsigned ppi)
{
    if (ppi < 16 || ppi > 31)
        return -1;
    mmio_write32(GICD_BASE + GICD_CTLR,
                 mmio_read32(GICD_BASE + GICD_CTLR) | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ARE_NS);
    mmio_write32(GICR0_BASE + GICR_WAKER,
                 mmio_read32(GICR0_BASE + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
    mmio_write32(GICR_SGI_BASE + GICR_IGROUPR0,
                 mmio_read32(GICR_SGI_BASE + GICR_IGROUPR0) | (1U << ppi));
    uintptr_t prio = GICR_SGI_BASE + GICR_IPRIORITYR + (ppi & ~3U);
    unsigned shift = (ppi & 3) * 8;
    mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) | (0xa0U << shift));
    mmio_write32(GICR_SGI_BASE + GICR_ISENABLER0, 1U << ppi);

    WRITE_SYSREG(icc_sre_el1, READ_SYSREG(icc_sre_el1) | 1); /* system-register interface */
    isb();
    WRITE_SYSREG(icc_pmr_el1, 0xff);
    WRITE_SYSREG(icc_bpr1_el1, 0);
    WRITE_SYSREG(icc_igrpen1_el1, 1);
    isb();
    return 0;
}
