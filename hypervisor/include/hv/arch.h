/* SPDX-License-Identifier: MIT */
/*
 * Arch services used by the rest of arch/, drivers/ and lib/ (the ones common code uses
 * are in hv/arch_hooks.h).
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/types.h>
#include <hv/arch_hooks.h>

/* Stop this CPU for good (interrupts masked). */
void machine_halt(void) __attribute__((noreturn));
/* Whole-machine power-off / reset through the host's PSCI (never return). */
void machine_power_off(void) __attribute__((noreturn));
void machine_restart(void) __attribute__((noreturn));

/* Physical memory (arch/arm64/page_alloc.c). */
void page_alloc_init(paddr_t ram_start, paddr_t ram_end);
void page_alloc_reserve(paddr_t start, paddr_t end);
void page_alloc_release(paddr_t start, paddr_t end);
unsigned long page_alloc_free_pages(void);

#endif /* HV_ARCH_H */
