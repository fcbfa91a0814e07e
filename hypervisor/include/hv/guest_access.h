/* SPDX-License-Identifier: MIT */
/*
 * The one choke point for guest memory (as Xen's guestcopy.c).  No code outside the
 * implementation dereferences a guest address.
 *
 * Implemented by arch code (arch/arm64/guestcopy.c: translation of the current vCPU's
 * virtual addresses with AT S12E1R/W, then stage-2), and by a fake in the host unit
 * tests (tests/unit/hypervisor/).  All return 0 or -EFAULT; nothing here crashes the
 * hypervisor on a bad guest address.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

struct domain;

/* Copy between hypervisor memory and the current vCPU's guest virtual addresses
 * (hypercall arguments are guest VAs on Arm: xen/include/public/arch-arm.h). */
int copy_from_guest_va(void *dst, vaddr_t gva, size_t len);
int copy_to_guest_va(vaddr_t gva, const void *src, size_t len);

/* Map one frame of domain d's RAM (by guest frame number) into the hypervisor.
 * Returns NULL if the gfn is not RAM owned by d.  Mappings persist until
 * unmap_guest_frame; used for shared_info, vcpu_info, rings and grant copies. */
void *map_guest_frame(struct domain *d, gfn_t gfn);
void unmap_guest_frame(void *va);

#endif /* HV_GUEST_ACCESS_H */
