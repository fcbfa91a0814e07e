/* SPDX-License-Identifier: MIT */
/*
 * Physical GICv2 with the virtualisation extensions, driven at EL2 through its memory-mapped
 * distributor (GICD), CPU interface (GICC) and virtual interface control (GICH).  Register
 * map: GIC Architecture Specification v2 (IHI 0048B), 4.3 (distributor), 4.4 (CPU
 * interface) and 5.3 (GICH).  As on GICv3, every interrupt has one group (here Group 0,
 * signalled as IRQ: a GIC without the Security Extensions) and EOImode = 1 splits the
 * priority drop from the deactivation, for the hardware-linked list registers.
 *
 * List registers are exchanged with the vGIC in the ICH_LR<n>_EL2 layout (asm/gic.h) and
 * converted here; virtual interrupts are Group 0, which the guest enables with
 * GICV_CTLR.EnableGrp0 as Linux's irq-gic.c does.
 */
#include <hv/lib.h>
#include <asm/config.h>
#include <asm/domain.h>
#include <asm/gic.h>
#include <asm/percpu.h>
#include <asm/sysregs.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00

#define GICC_CTLR   0x0000
#define GICC_PMR    0x0004
#define GICC_BPR    0x0008
#define GICC_IAR    0x000c
#define GICC_EOIR   0x0010
#define GICC_DIR    0x1000
#define CTLR_GRP0   (1u << 0)
#define CTLR_EOIMOD (1u << 9)

#define GICH_HCR  0x000
#define GICH_VTR  0x004
#define GICH_VMCR 0x008
#define GICH_APR  0x0f0
#define GICH_LR   0x100

/* GICH_LR<n> fields. */
#define V2_LR_VINTID       0x3ffu
#define V2_LR_PINTID_SHIFT 10
#define V2_LR_PRIO_SHIFT   23
#define V2_LR_STATE_SHIFT  28
#define V2_LR_HW           (1u << 31)

#define PRIO_DEFAULT 0xa0

static uintptr_t gicd, gicc, gich;
static unsigned int nr_irqs, nr_lrs;
/* This pCPU's CPU interface bit (GICD_ITARGETSR / GICD_SGIR target lists). */
static uint8_t cpu_mask[NR_CPUS];
/* The last acknowledged SGI's IAR on each pCPU: its EOI and deactivation must carry the
 * same source CPU ID (IAR bits 12:10). */
static uint32_t sgi_iar[NR_CPUS];

static inline uint32_t rd32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}
static inline void wr32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}
static inline void wr8(uintptr_t a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

/* GICD_ITARGETSR0..7 read as this CPU interface's own bit. */
static uint8_t own_mask(void)
{
    uint32_t t = rd32(gicd + GICD_ITARGETSR);

    return (t | t >> 8 | t >> 16 | t >> 24) & 0xff;
}

static void v2_init(void)
{
    uint8_t me;

    gicd = host_gic.dist;
    gicc = host_gic.cpu;
    gich = host_gic.hyp;
    nr_irqs = MIN(32 * ((rd32(gicd + GICD_TYPER) & 0x1f) + 1), 1020u);
    host_gic.nr_irqs = ROUNDUP(nr_irqs, 32);
    me = own_mask();

    wr32(gicd + GICD_CTLR, 0);
    for (unsigned int i = 32; i < nr_irqs; i += 32) {
        wr32(gicd + GICD_ICENABLER + i / 8, ~0u);
        wr32(gicd + GICD_ICPENDR + i / 8, ~0u);
        wr32(gicd + GICD_ICACTIVER + i / 8, ~0u);
    }
    for (unsigned int i = 32; i < nr_irqs; i += 4) {
        wr32(gicd + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
        wr32(gicd + GICD_ITARGETSR + i, me * 0x01010101u);
    }
    wr32(gicd + GICD_CTLR, 1);
}

static void v2_write_lr(unsigned int n, uint64_t v);

static void v2_cpu_init(void)
{
    unsigned int cpu = smp_processor_id();

    cpu_mask[cpu] = own_mask();
    wr32(gicd + GICD_ICENABLER, ~0u);
    wr32(gicd + GICD_ICACTIVER, ~0u);
    for (unsigned int i = 0; i < 32; i += 4)
        wr32(gicd + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
    wr32(gicc + GICC_PMR, 0xff);
    wr32(gicc + GICC_BPR, 0);
    wr32(gicc + GICC_CTLR, CTLR_GRP0 | CTLR_EOIMOD);
    nr_lrs = MIN((rd32(gich + GICH_VTR) & 0x3f) + 1, 4u);
    for (unsigned int i = 0; i < nr_lrs; i++)
        v2_write_lr(i, 0);
    wr32(gich + GICH_VMCR, 0);
    wr32(gich + GICH_HCR, GIC_HCR_EN);
    dsb_ish();
}

static void v2_ppi_enable(unsigned int intid)
{
    wr32(gicd + GICD_ISENABLER, 1u << intid); /* banked per CPU interface */
}

static unsigned int v2_ack(void)
{
    uint32_t iar = rd32(gicc + GICC_IAR);
    unsigned int intid = iar & 0x3ff;

    if (intid < 16)
        sgi_iar[smp_processor_id()] = iar;
    asm volatile("dsb sy" ::: "memory");
    return intid;
}

static uint32_t iar_of(unsigned int intid)
{
    return intid < 16 ? sgi_iar[smp_processor_id()] : intid;
}

static void v2_eoi(unsigned int intid)
{
    wr32(gicc + GICC_EOIR, iar_of(intid));
}

static void v2_deactivate(unsigned int intid)
{
    wr32(gicc + GICC_DIR, iar_of(intid));
}

/* The CPU interface bit of the pCPU with this MPIDR (QEMU numbers them by Aff0 until the
 * pCPU has started and read its own). */
static uint8_t mask_of(uint64_t mpidr)
{
    for (unsigned int i = 0; i < nr_pcpus; i++)
        if (pcpus[i].mpidr == (mpidr & 0xff00ffffffUL) && cpu_mask[i])
            return cpu_mask[i];
    return (mpidr & 0xff) < 8 ? 1u << (mpidr & 0xff) : cpu_mask[smp_processor_id()];
}

static void v2_send_sgi(uint64_t mpidr, unsigned int sgi)
{
    dsb_ish();
    wr32(gicd + GICD_SGIR, (uint32_t)mask_of(mpidr) << 16 | (sgi & 0xf));
}

static void v2_spi_enable(unsigned int intid, bool enable)
{
    if (intid < 32 || intid >= nr_irqs)
        return;
    wr32(gicd + (enable ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4, 1u << (intid % 32));
}

static void v2_spi_route(unsigned int intid, uint64_t mpidr)
{
    if (intid >= 32 && intid < nr_irqs)
        wr8(gicd + GICD_ITARGETSR + intid, mask_of(mpidr));
}

static void v2_spi_set_edge(unsigned int intid, bool edge)
{
    uintptr_t reg = gicd + GICD_ICFGR + (intid / 16) * 4;
    unsigned int shift = (intid % 16) * 2 + 1;

    if (intid < 32 || intid >= nr_irqs)
        return;
    wr32(reg, (rd32(reg) & ~(1u << shift)) | ((uint32_t)edge << shift));
}

static unsigned int v2_nr_lrs(void)
{
    return nr_lrs;
}

/* GICH_LR -> ICH_LR layout.  Priorities keep their 5 implemented bits. */
static uint64_t v2_read_lr(unsigned int n)
{
    uint32_t lr = rd32(gich + GICH_LR + 4 * n);
    uint64_t v = (uint64_t)((lr >> V2_LR_STATE_SHIFT) & 3) << 62 |
                 (uint64_t)(((lr >> V2_LR_PRIO_SHIFT) & 0x1f) << 3) << LR_PRIO_SHIFT |
                 (lr & V2_LR_VINTID) | LR_GROUP1;

    if (lr & V2_LR_HW)
        v |= LR_HW | (uint64_t)((lr >> V2_LR_PINTID_SHIFT) & 0x3ff) << LR_PINTID_SHIFT;
    return v;
}

static void v2_write_lr(unsigned int n, uint64_t v)
{
    uint32_t lr = (uint32_t)((v >> 62) & 3) << V2_LR_STATE_SHIFT |
                  (uint32_t)(((v >> LR_PRIO_SHIFT) & 0xff) >> 3) << V2_LR_PRIO_SHIFT |
                  (uint32_t)(v & V2_LR_VINTID);

    if (v & LR_HW)
        lr |= V2_LR_HW | (uint32_t)((v & LR_PINTID) >> LR_PINTID_SHIFT) << V2_LR_PINTID_SHIFT;
    if (!(v & LR_STATE_MASK))
        lr = 0;
    wr32(gich + GICH_LR + 4 * n, lr);
}

static uint32_t v2_read_hcr(void)
{
    return rd32(gich + GICH_HCR);
}

static void v2_write_hcr(uint32_t v)
{
    wr32(gich + GICH_HCR, v);
    dsb_ish();
}

static void v2_save_vif(struct vcpu_context *c)
{
    c->vmcr = rd32(gich + GICH_VMCR);
    c->ap1r0 = rd32(gich + GICH_APR);
}

static void v2_restore_vif(const struct vcpu_context *c)
{
    wr32(gich + GICH_VMCR, c->vmcr);
    wr32(gich + GICH_APR, c->ap1r0);
}

const struct gic_ops gicv2_ops = {
    .name = "GICv2",
    .init = v2_init,
    .cpu_init = v2_cpu_init,
    .ack = v2_ack,
    .eoi = v2_eoi,
    .deactivate = v2_deactivate,
    .send_sgi = v2_send_sgi,
    .spi_enable = v2_spi_enable,
    .spi_route = v2_spi_route,
    .spi_set_edge = v2_spi_set_edge,
    .ppi_enable = v2_ppi_enable,
    .nr_lrs = v2_nr_lrs,
    .read_lr = v2_read_lr,
    .write_lr = v2_write_lr,
    .read_hcr = v2_read_hcr,
    .write_hcr = v2_write_hcr,
    .save_vif = v2_save_vif,
    .restore_vif = v2_restore_vif,
};
