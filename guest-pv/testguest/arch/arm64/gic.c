/*
 * Just enough GIC to take the event-channel PPI.  GICv3: the guest view Xen gives every domU
 * sits at GUEST_GICV3_GICD_BASE / GUEST_GICV3_GICR0_BASE (arch-arm.h); vCPU 0's
 * redistributor is the first one (GICv3 specification, IHI 0069).  GICv2 (a GICv2 host,
 * where ID_AA64PFR0_EL1.GIC is 0: no system-register interface): GUEST_GICD_BASE and
 * GUEST_GICC_BASE (GICv2 specification, IHI 0048B).
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

#define GICV2_GICC_BASE 0x03002000UL
#define GICD_ISENABLER0 0x0100
#define GICD_IPRIORITYR 0x0400
#define GICC_CTLR       0x0000
#define GICC_PMR        0x0004
#define GICC_BPR        0x0008
#define GICC_IAR        0x000c
#define GICC_EOIR       0x0010

static bool gicv2;

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static inline uint32_t mmio_read32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

static int gicv2_enable_ppi(unsigned ppi)
{
    uintptr_t prio = GICD_BASE + GICD_IPRIORITYR + (ppi & ~3U);
    unsigned shift = (ppi & 3) * 8;

    mmio_write32(GICD_BASE + GICD_CTLR, 1);
    mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) | (0xa0U << shift));
    mmio_write32(GICD_BASE + GICD_ISENABLER0, 1U << ppi);
    mmio_write32(GICV2_GICC_BASE + GICC_PMR, 0xff);
    mmio_write32(GICV2_GICC_BASE + GICC_BPR, 0);
    mmio_write32(GICV2_GICC_BASE + GICC_CTLR, 1); /* EnableGrp0 */
    return 0;
}

uint32_t gic_ack(void)
{
    return gicv2 ? mmio_read32(GICV2_GICC_BASE + GICC_IAR) : (uint32_t)READ_SYSREG(icc_iar1_el1);
}

uint32_t gic_intid(uint32_t iar)
{
    return gicv2 ? iar & 0x3ff : iar & 0xffffff; /* GICv2: CPUID in bits 12:10 */
}

void gic_eoi(uint32_t iar)
{
    if (gicv2) {
        mmio_write32(GICV2_GICC_BASE + GICC_EOIR, iar);
        return;
    }
    WRITE_SYSREG(icc_eoir1_el1, (uint64_t)iar);
    isb();
}

int gic_enable_ppi(unsigned ppi)
{
    if (ppi < 16 || ppi > 31)
        return -1;
    gicv2 = !((READ_SYSREG(id_aa64pfr0_el1) >> 24) & 0xf);
    if (gicv2)
        return gicv2_enable_ppi(ppi);
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
