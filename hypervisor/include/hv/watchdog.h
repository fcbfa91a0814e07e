/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor watchdog's bookkeeping (common/watchdog.c): each pCPU records when it
 * entered the hypervisor for a guest's trap and which one; another pCPU's EL2 timer
 * interrupt (arch) asks watchdog_stuck() and prints the CPU, vCPU and trap of one that
 * stays too long, once per episode.  Written by the owning pCPU only; read by others
 * without a lock (a torn read can only delay or repeat one report).
 */
#ifndef HV_WATCHDOG_H
#define HV_WATCHDOG_H

#include <hv/types.h>

struct watchdog_cpu {
    uint64_t since; /* counter ticks at the trap's entry; 0 = not in a guest's trap */
    uint64_t esr;   /* the trap's syndrome (ESR_EL2 on arm64) */
    uint64_t nr;    /* hypercall number for a hypercall trap */
    uint16_t domid, vcpu;
    bool reported; /* this episode was printed already */
};

/* The pCPU takes a trap from vCPU domid.vcpu at now (ticks, never 0). */
void watchdog_enter(struct watchdog_cpu *w, uint64_t now, uint64_t esr, uint64_t nr, uint16_t domid,
                    uint16_t vcpu);
/* It is done with the trap (returning to a guest or scheduling). */
void watchdog_leave(struct watchdog_cpu *w);
/* True once per episode: w has been in one trap for at least limit ticks at now. */
bool watchdog_stuck(struct watchdog_cpu *w, uint64_t now, uint64_t limit);

#endif /* HV_WATCHDOG_H */
