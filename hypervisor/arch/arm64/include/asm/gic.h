/* SPDX-License-Identifier: MIT */
/* Physical GICv3 (drivers/irqchip/gic-v3.c), driven by the hypervisor at EL2. */
#ifndef ASM_GIC_H
#define ASM_GIC_H

#include <hv/types.h>

#define GIC_SPURIOUS 1020
#define SGI_KICK     0 /* wakes a pCPU / forces its vCPU to exit and re-evaluate */

void gic_init(paddr_t dist, paddr_t rdist, uint64_t rdist_size);
void gic_cpu_init(void);
unsigned int gic_nr_irqs(void);
unsigned int gic_ack(void);
void gic_eoi(unsigned int intid);        /* priority drop (EOImode = 1) */
void gic_deactivate(unsigned int intid); /* ICC_DIR_EL1 */
void gic_send_sgi(uint64_t mpidr, unsigned int sgi);
void gic_spi_enable(unsigned int intid, bool enable);
void gic_spi_route(unsigned int intid, uint64_t mpidr);
void gic_spi_set_edge(unsigned int intid, bool edge);
void gic_ppi_enable(unsigned int intid);
/* Interrupts the hypervisor keeps for itself (its UART): never given to a guest. */
bool irq_hv_owned(unsigned int intid);

/* List registers (ICH_LR<n>_EL2) of this pCPU. */
unsigned int gic_nr_lrs(void);
uint64_t gic_read_lr(unsigned int n);
void gic_write_lr(unsigned int n, uint64_t v);

#endif /* ASM_GIC_H */
