/* SPDX-License-Identifier: MIT */
/* Build-time limits of the arm64 hypervisor (shared by C and assembly). */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#define NR_CPUS    8      /* physical CPUs we bring up; more are left off */
#define STACK_SIZE 0x8000 /* per physical CPU, EL2 */

#endif /* ASM_CONFIG_H */
