/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch (common/hypercall.c): one table row per hypercall number, with its
 * handler, argument count and permission, as Xen's xen/include/hypercall-defs.c.
 *
 * Arch calling convention (xen/include/public/arch-arm.h): HVC #0xEA1, number in x16,
 * arguments in x0..x4, result in x0.  The arch trap handler calls hypercall_dispatch()
 * and writes the result to x0; numbers without a row, or rows without a handler,
 * return -ENOSYS.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>

struct vcpu;

#define HYPERCALL_NR_MAX 64 /* table size; numbers >= this are -ENOSYS */

typedef long (*hypercall_fn_t)(struct vcpu *v, const uint64_t a[5]);

struct hypercall_row {
    hypercall_fn_t fn; /* NULL: not implemented (-ENOSYS) */
    uint8_t nargs;     /* arguments used, x0..x(nargs-1) */
    bool privileged;   /* only the privileged domain (dom0) may call it: else -EPERM */
    const char *name;
};

extern const struct hypercall_row hypercall_table[HYPERCALL_NR_MAX];

/* Run hypercall nr for vCPU v (the current vCPU) with arguments a[0..4]; returns the
 * value for x0: >= 0 or a negative Xen errno. */
long hypercall_dispatch(struct vcpu *v, unsigned long nr, uint64_t a[5]);

/* Hypercalls currently running on all pCPUs (including the caller's own). */
unsigned int hypercalls_in_flight(void);

/* Handlers, one per family (in common/<family>.c), all of type hypercall_fn_t. */
long hc_xen_version(struct vcpu *v, const uint64_t a[5]);
long hc_console_io(struct vcpu *v, const uint64_t a[5]);
long hc_memory_op(struct vcpu *v, const uint64_t a[5]);
long hc_vcpu_op(struct vcpu *v, const uint64_t a[5]);
long hc_sched_op(struct vcpu *v, const uint64_t a[5]);
long hc_event_channel_op(struct vcpu *v, const uint64_t a[5]);
long hc_grant_table_op(struct vcpu *v, const uint64_t a[5]);
long hc_hvm_op(struct vcpu *v, const uint64_t a[5]);
long hc_vm_assist(struct vcpu *v, const uint64_t a[5]);
long hc_physdev_op(struct vcpu *v, const uint64_t a[5]);
long hc_platform_op(struct vcpu *v, const uint64_t a[5]);
long hc_hypfs_op(struct vcpu *v, const uint64_t a[5]);
/* common/multicall.c: on -ERESTART it leaves in a[] the arguments to resume with. */
long hc_multicall(struct vcpu *v, const uint64_t a[5]);
/* common/domctl.c and sysctl.c, or common/toolstack_none.c (-ENOSYS). */
long hc_domctl(struct vcpu *v, const uint64_t a[5]);
long hc_sysctl(struct vcpu *v, const uint64_t a[5]);

#endif /* HV_HYPERCALL_H */
