/* SPDX-License-Identifier: MIT */
/*
 * cpu_relax(): the body of every busy-wait loop.  On aarch64 it is the YIELD hint (Arm ARM
 * C6.2, "YIELD"): a no-op for the pipeline, but QEMU's single-threaded TCG (which -icount
 * forces) ends the running vCPU's turn on it.  Without it, a pCPU spinning with IRQs
 * masked for another pCPU's progress can keep that pCPU from running at all under TCG:
 * `tern destroy` of a guest on pCPU 1 froze the machine that way (docs/hypervisor/
 * hardening.md).  The host build (unit tests) uses a compiler barrier.
 */
#ifndef HV_CPU_RELAX_H
#define HV_CPU_RELAX_H

#if defined(__aarch64__)
#define cpu_relax() asm volatile("yield" ::: "memory")
#else
#define cpu_relax() asm volatile("" ::: "memory")
#endif

#endif /* HV_CPU_RELAX_H */
