/* SPDX-License-Identifier: MIT */
/*
 * Arm64 per-domain and per-vCPU state, embedded in struct domain / struct vcpu as ->arch
 * (owned by arch/arm64).
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <hv/types.h>

struct arch_domain {
    uint16_t vmid;
};

struct arch_vcpu {
    uint64_t x[31]; /* general-purpose registers saved on trap */
};

#endif /* ASM_DOMAIN_H */
