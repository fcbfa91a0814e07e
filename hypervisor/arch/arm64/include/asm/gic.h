/* SPDX-License-Identifier: MIT */
/*
 * The physical GIC, driven by the hypervisor at EL2: GICv3 (drivers/irqchip/gic-v3.c) or
 * GICv2 (drivers/irqchip/gic-v2.c), chosen at boot from the host device tree's GIC node
 * (gic_probe) and reached through one ops table.
 *
 * List registers are exchanged in the GICv3 ICH_LR<n>_EL2 layout whatever the hardware;
 * the GICv2 driver converts to and from GICH_LR<n>.  The virtual interface control
 * register (ICH_HCR_EL2 / GICH_HCR) has the same En and UIE bits on both.
 */
#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <hv/types.h>

#define GIC_SPURIOUS 1020
#define SGI_KICK     0 /* wakes a pCPU / forces its vCPU to exit and re-evaluate */

/* List register fields (ICH_LR<n>_EL2 layout). */
#define LR_STATE_PENDING (1UL << 62)
#define LR_STATE_ACTIVE  (2UL << 62)
#define LR_STATE_MASK    (3UL << 62)
#define LR_HW            (1UL << 61)
#define LR_GROUP1        (1UL << 60)
#define LR_PRIO_SHIFT    48
#define LR_PINTID_SHIFT  32
#define LR_PINTID        (0x3ffUL << LR_PINTID_SHIFT)
#define LR_VINTID        0xffffffffUL
/* Virtual interface control (ICH_HCR_EL2 / GICH_HCR). */
#define GIC_HCR_EN  (1u << 0)
#define GIC_HCR_UIE (1u << 1) /* maintenance interrupt when at most one LR is in use */

struct vcpu_context;

/* The host GIC as the device tree describes it. */
struct host_gic {
    unsigned int version; /* 2 or 3 */
    paddr_t dist;         /* GICD */
    paddr_t rdist;        /* v3: first redistributor region */
    uint64_t rdist_size;
    paddr_t cpu;          /* v2: GICC */
    paddr_t hyp;          /* v2: GICH */
    paddr_t vcpu;         /* v2: GICV (mapped as the guests' GICC) */
    unsigned int nr_irqs; /* INTIDs the distributor implements, rounded up to 32 */
};
extern struct host_gic host_gic;

struct gic_ops {
    const char *name;
    void (*init)(void);     /* distributor, on the boot pCPU */
    void (*cpu_init)(void); /* this pCPU's interface and private interrupts */
    unsigned int (*ack)(void);
    void (*eoi)(unsigned int intid);        /* priority drop (EOImode = 1) */
    void (*deactivate)(unsigned int intid); /* ICC_DIR_EL1 / GICC_DIR */
    void (*send_sgi)(uint64_t mpidr, unsigned int sgi);
    void (*spi_enable)(unsigned int intid, bool enable);
    void (*spi_route)(unsigned int intid, uint64_t mpidr);
    void (*spi_set_edge)(unsigned int intid, bool edge);
    void (*ppi_enable)(unsigned int intid);
    unsigned int (*nr_lrs)(void);
    uint64_t (*read_lr)(unsigned int n);
    void (*write_lr)(unsigned int n, uint64_t v);
    uint32_t (*read_hcr)(void);
    void (*write_hcr)(uint32_t v);
    /* The virtual CPU interface's VMCR and active priorities (list registers apart). */
    void (*save_vif)(struct vcpu_context *c);
    void (*restore_vif)(const struct vcpu_context *c);
};
extern const struct gic_ops *gic_hw;
extern const struct gic_ops gicv2_ops, gicv3_ops;

static inline void gic_cpu_init(void)
{
    gic_hw->cpu_init();
}
static inline unsigned int gic_ack(void)
{
    return gic_hw->ack();
}
static inline void gic_eoi(unsigned int intid)
{
    gic_hw->eoi(intid);
}
static inline void gic_deactivate(unsigned int intid)
{
    gic_hw->deactivate(intid);
}
static inline void gic_send_sgi(uint64_t mpidr, unsigned int sgi)
{
    gic_hw->send_sgi(mpidr, sgi);
}
static inline void gic_spi_enable(unsigned int intid, bool enable)
{
    gic_hw->spi_enable(intid, enable);
}
static inline void gic_spi_route(unsigned int intid, uint64_t mpidr)
{
    gic_hw->spi_route(intid, mpidr);
}
static inline void gic_spi_set_edge(unsigned int intid, bool edge)
{
    gic_hw->spi_set_edge(intid, edge);
}
static inline void gic_ppi_enable(unsigned int intid)
{
    gic_hw->ppi_enable(intid);
}
/* List registers of this pCPU (at most 4 used). */
static inline unsigned int gic_nr_lrs(void)
{
    return gic_hw->nr_lrs();
}
static inline uint64_t gic_read_lr(unsigned int n)
{
    return gic_hw->read_lr(n);
}
static inline void gic_write_lr(unsigned int n, uint64_t v)
{
    gic_hw->write_lr(n, v);
}
static inline uint32_t gic_read_hcr(void)
{
    return gic_hw->read_hcr();
}
static inline void gic_write_hcr(uint32_t v)
{
    gic_hw->write_hcr(v);
}

/* Interrupts the hypervisor keeps for itself (its UART): never given to a guest. */
bool irq_hv_owned(unsigned int intid);

#endif /* ASM_GIC_H */
