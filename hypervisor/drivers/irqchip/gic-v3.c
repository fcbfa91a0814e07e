/* SPDX-License-Identifier: MIT */
/*
 * Physical GICv3, driven at EL2 through the system-register CPU interface.  Register
 * offsets: GICv3/v4 Architecture Specification (IHI 0069), chapter 12.  Every interrupt
 * is Group 1 non-secure; EOImode = 1 splits priority drop from deactivation so that an
 * interrupt forwarded to a guest through a hardware-linked list register stays active
 * until the guest's EOI deactivates it.
 */
#include <hv/lib.h>
#include <asm/config.h>
#include <asm/domain.h>
#include <asm/gic.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_IROUTER    0x6000
#define CTLR_RWP        (1u << 31)
#define CTLR_ARE_NS     (1u << 4)
#define CTLR_GRP1       (1u << 1)

#define GICR_WAKER 0x0014
#define GICR_TYPER 0x0008
#define GICR_SGI   0x10000
#define WAKER_PS   (1u << 1)
#define WAKER_CA   (1u << 2)

#define PRIO_DEFAULT  0xa0
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

static uintptr_t gicd, gicr_region;
static uint64_t gicr_size;
static unsigned int nr_irqs;
static uintptr_t gicr_of_cpu[NR_CPUS];
static unsigned int nr_lrs;

static inline uint32_t rd32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}
static inline void wr32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}
static inline uint64_t rd64(uintptr_t a)
{
    return *(volatile uint64_t *)a;
}
static inline void wr64(uintptr_t a, uint64_t v)
{
    *(volatile uint64_t *)a = v;
}

static void v3_write_lr(unsigned int n, uint64_t v);

static void wait_rwp(void)
{
    while (rd32(gicd + GICD_CTLR) & CTLR_RWP)
        ;
}

static void v3_init(void)
{
    uint64_t me = READ_SYSREG(mpidr_el1);

    gicd = host_gic.dist;
    gicr_region = host_gic.rdist;
    gicr_size = host_gic.rdist_size;
    nr_irqs = MIN(32 * ((rd32(gicd + GICD_TYPER) & 0x1f) + 1), 1020u);
    host_gic.nr_irqs = ROUNDUP(nr_irqs, 32);

    wr32(gicd + GICD_CTLR, 0);
    wait_rwp();
    for (unsigned int i = 32; i < nr_irqs; i += 32) {
        wr32(gicd + GICD_IGROUPR + i / 8, ~0u);
        wr32(gicd + GICD_ICENABLER + i / 8, ~0u);
        wr32(gicd + GICD_ICPENDR + i / 8, ~0u);
        wr32(gicd + GICD_ICACTIVER + i / 8, ~0u);
    }
    for (unsigned int i = 32; i < nr_irqs; i += 4)
        wr32(gicd + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
    for (unsigned int i = 32; i < nr_irqs; i++)
        wr64(gicd + GICD_IROUTER + 8 * i, me & 0xff00ffffffUL);
    wait_rwp();
    wr32(gicd + GICD_CTLR, CTLR_ARE_NS | CTLR_GRP1);
    wait_rwp();
}

static uintptr_t find_rdist(uint64_t mpidr)
{
    uint64_t aff = mpidr_to_aff32(mpidr);

    for (uintptr_t r = gicr_region; r < gicr_region + gicr_size; r += 0x20000) {
        uint64_t typer = rd64(r + GICR_TYPER);
        if ((typer >> 32) == aff)
            return r;
        if (typer & (1u << 4)) /* Last */
            break;
    }
    panic("GICv3: no redistributor for MPIDR %lx", mpidr);
}

static void v3_cpu_init(void)
{
    unsigned int cpu = smp_processor_id();
    uintptr_t r = find_rdist(READ_SYSREG(mpidr_el1));

    gicr_of_cpu[cpu] = r;
    wr32(r + GICR_WAKER, rd32(r + GICR_WAKER) & ~WAKER_PS);
    while (rd32(r + GICR_WAKER) & WAKER_CA)
        ;
    wr32(r + GICR_SGI + GICD_IGROUPR, ~0u);
    wr32(r + GICR_SGI + GICD_ICENABLER, ~0u);
    wr32(r + GICR_SGI + GICD_ICACTIVER, ~0u);
    for (unsigned int i = 0; i < 32; i += 4)
        wr32(r + GICR_SGI + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);

    /* ICC_SRE_EL2: SRE | DFB | DIB | Enable (EL1 may use the system registers too). */
    WRITE_SYSREG(ICC_SRE_EL2, 0xf);
    isb();
    WRITE_SYSREG(ICC_PMR_EL1, 0xff);
    WRITE_SYSREG(ICC_CTLR_EL1, 1u << 1); /* EOImode: EOIR drops priority only */
    WRITE_SYSREG(ICC_IGRPEN1_EL1, 1);
    isb();
    nr_lrs = MIN((unsigned int)(READ_SYSREG(ICH_VTR_EL2) & 0x1f) + 1, 4u);
    for (unsigned int i = 0; i < nr_lrs; i++)
        v3_write_lr(i, 0);
    WRITE_SYSREG(ICH_VMCR_EL2, 0);
    WRITE_SYSREG(ICH_HCR_EL2, 1); /* En */
    isb();
}

static void v3_ppi_enable(unsigned int intid)
{
    unsigned int cpu = smp_processor_id();

    wr32(gicr_of_cpu[cpu] + GICR_SGI + GICD_ISENABLER, 1u << intid);
}

static unsigned int v3_ack(void)
{
    unsigned int intid = READ_SYSREG(ICC_IAR1_EL1) & 0xffffff;

    asm volatile("dsb sy" ::: "memory");
    return intid;
}

static void v3_eoi(unsigned int intid)
{
    WRITE_SYSREG(ICC_EOIR1_EL1, intid);
    isb();
}

static void v3_deactivate(unsigned int intid)
{
    WRITE_SYSREG(ICC_DIR_EL1, intid);
    isb();
}

static void v3_send_sgi(uint64_t mpidr, unsigned int sgi)
{
    uint64_t v = (1UL << (mpidr & 0xf)) | (((mpidr >> 8) & 0xff) << 16) | ((uint64_t)sgi << 24) |
                 (((mpidr >> 16) & 0xff) << 32) | (((mpidr >> 32) & 0xff) << 48);

    dsb_ish();
    WRITE_SYSREG(ICC_SGI1R_EL1, v);
    isb();
}

static void v3_spi_enable(unsigned int intid, bool enable)
{
    if (intid < 32 || intid >= nr_irqs)
        return;
    wr32(gicd + (enable ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4, 1u << (intid % 32));
    if (!enable)
        wait_rwp();
}

static void v3_spi_route(unsigned int intid, uint64_t mpidr)
{
    if (intid >= 32 && intid < nr_irqs)
        wr64(gicd + GICD_IROUTER + 8 * intid, mpidr & 0xff00ffffffUL);
}

static void v3_spi_set_edge(unsigned int intid, bool edge)
{
    uintptr_t reg = gicd + GICD_ICFGR + (intid / 16) * 4;
    unsigned int shift = (intid % 16) * 2 + 1;

    if (intid < 32 || intid >= nr_irqs)
        return;
    wr32(reg, (rd32(reg) & ~(1u << shift)) | ((uint32_t)edge << shift));
}

static unsigned int v3_nr_lrs(void)
{
    return nr_lrs;
}

static uint64_t v3_read_lr(unsigned int n)
{
    switch (n) {
    case 0:
        return READ_SYSREG(ICH_LR0_EL2);
    case 1:
        return READ_SYSREG(ICH_LR1_EL2);
    case 2:
        return READ_SYSREG(ICH_LR2_EL2);
    default:
        return READ_SYSREG(ICH_LR3_EL2);
    }
}

static void v3_write_lr(unsigned int n, uint64_t v)
{
    switch (n) {
    case 0:
        WRITE_SYSREG(ICH_LR0_EL2, v);
        break;
    case 1:
        WRITE_SYSREG(ICH_LR1_EL2, v);
        break;
    case 2:
        WRITE_SYSREG(ICH_LR2_EL2, v);
        break;
    default:
        WRITE_SYSREG(ICH_LR3_EL2, v);
        break;
    }
}

static uint32_t v3_read_hcr(void)
{
    return READ_SYSREG(ICH_HCR_EL2);
}

static void v3_write_hcr(uint32_t v)
{
    WRITE_SYSREG(ICH_HCR_EL2, v);
    isb();
}

static void v3_save_vif(struct vcpu_context *c)
{
    c->vmcr = READ_SYSREG(ICH_VMCR_EL2);
    c->ap0r0 = READ_SYSREG(ICH_AP0R0_EL2);
    c->ap1r0 = READ_SYSREG(ICH_AP1R0_EL2);
}

static void v3_restore_vif(const struct vcpu_context *c)
{
    WRITE_SYSREG(ICH_VMCR_EL2, c->vmcr);
    WRITE_SYSREG(ICH_AP0R0_EL2, c->ap0r0);
    WRITE_SYSREG(ICH_AP1R0_EL2, c->ap1r0);
}

const struct gic_ops gicv3_ops = {
    .name = "GICv3",
    .init = v3_init,
    .cpu_init = v3_cpu_init,
    .ack = v3_ack,
    .eoi = v3_eoi,
    .deactivate = v3_deactivate,
    .send_sgi = v3_send_sgi,
    .spi_enable = v3_spi_enable,
    .spi_route = v3_spi_route,
    .spi_set_edge = v3_spi_set_edge,
    .ppi_enable = v3_ppi_enable,
    .nr_lrs = v3_nr_lrs,
    .read_lr = v3_read_lr,
    .write_lr = v3_write_lr,
    .read_hcr = v3_read_hcr,
    .write_hcr = v3_write_hcr,
    .save_vif = v3_save_vif,
    .restore_vif = v3_restore_vif,
};
