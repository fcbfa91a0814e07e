/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests: the arch state of the fake arch (fake_arch.c) replaces
 * hypervisor/arch/arm64/include/asm/domain.h, so common/ compiles on the host.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <hv/types.h>

struct fake_p2m;

struct arch_domain {
    struct fake_p2m *p2m;
    bool direct_mapped;
    int shutdown_reason; /* last domain_shutdown() reason, -1 none */
    unsigned int shutdowns;
    bool paused; /* between domain_pause() and domain_unpause() */
    unsigned int unpauses;
    bool self_paused; /* a pause waited for the caller's own vCPU: a hang on hardware */
};

struct arch_vcpu {
    unsigned int kicks, yields, blocks, events_enabled;
    uint64_t pc, x0, sctlr; /* arch_set_info_guest */
    unsigned int vcpu_pauses, vcpu_unpauses;
};

#endif /* ASM_DOMAIN_H */
