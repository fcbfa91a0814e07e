/* SPDX-License-Identifier: MIT */
/* Helpers shared by the vGIC flavours (vgic.c, vgic-v3.c, vgic-v2.c). */
#ifndef VGIC_INTERNAL_H
#define VGIC_INTERNAL_H

#include <hv/types.h>

struct domain;
struct vcpu;

/* The vCPU an SPI is routed to (dist->target), or NULL if none; under dist->lock. */
struct vcpu *vgic_spi_target(struct domain *d, unsigned int intid);
/* v has a new interrupt: make its pCPU re-evaluate it. */
void vgic_kick(struct vcpu *v);
/* Apply an enable change of SPIs (bits of word w) to the hardware (dom0). */
void vgic_hw_spi_enable(struct domain *d, uint32_t changed, unsigned int w, bool en);
/* Route the physical SPI to the pCPU of its target vCPU (dom0). */
void vgic_hw_spi_route(struct domain *d, unsigned int intid);

#endif /* VGIC_INTERNAL_H */
