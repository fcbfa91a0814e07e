/* SPDX-License-Identifier: MIT */
/*
 * The hypercall table (Xen: xen/include/hypercall-defs.c, column "arm") and its
 * dispatcher.  Permissions live in the row: privileged rows answer -EPERM to domUs,
 * as Xen's dummy XSM policy does for console_io and platform_op.
 */
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/sched.h>

#include <xen/xen.h>

#define ROW(nr, handler, n, priv)                                                                  \
    [nr] = {.fn = handler, .nargs = n, .privileged = priv, .name = #nr}
#define NOSYS(nr, n, priv) [nr] = {.fn = NULL, .nargs = n, .privileged = priv, .name = #nr}

const struct hypercall_row hypercall_table[HYPERCALL_NR_MAX] = {
    ROW(__HYPERVISOR_platform_op, hc_platform_op, 1, true),
    ROW(__HYPERVISOR_memory_op, hc_memory_op, 2, false),
    ROW(__HYPERVISOR_multicall, hc_multicall, 2, false),
    ROW(__HYPERVISOR_xen_version, hc_xen_version, 2, false),
    ROW(__HYPERVISOR_console_io, hc_console_io, 3, true),
    ROW(__HYPERVISOR_grant_table_op, hc_grant_table_op, 3, false),
    ROW(__HYPERVISOR_vm_assist, hc_vm_assist, 2, false),
    ROW(__HYPERVISOR_vcpu_op, hc_vcpu_op, 3, false),
    ROW(__HYPERVISOR_sched_op, hc_sched_op, 2, false),
    ROW(__HYPERVISOR_event_channel_op, hc_event_channel_op, 2, false),
    ROW(__HYPERVISOR_physdev_op, hc_physdev_op, 2, false),
    ROW(__HYPERVISOR_hvm_op, hc_hvm_op, 2, false),
    ROW(__HYPERVISOR_sysctl, hc_sysctl, 1, true),
    ROW(__HYPERVISOR_domctl, hc_domctl, 1, true),
    NOSYS(__HYPERVISOR_xsm_op, 1, false),
    NOSYS(__HYPERVISOR_argo_op, 5, false),
    NOSYS(__HYPERVISOR_dm_op, 3, true),
    /* Xen 4.17 on Arm has the hypervisor file system (CONFIG_HYPFS): XSM_PRIV, so -EPERM for
     * domUs (measured: tests/guest/abi_other_ops.c); Tern serves no entries to dom0. */
    ROW(__HYPERVISOR_hypfs_op, hc_hypfs_op, 5, true),
};

/* Hypercalls running on any pCPU: a destroyed domain's memory is freed only when no
 * other hypercall can still hold a pointer to it (domain.c, graveyard). */
static unsigned int in_flight;

unsigned int hypercalls_in_flight(void)
{
    return __atomic_load_n(&in_flight, __ATOMIC_SEQ_CST);
}

long hypercall_dispatch(struct vcpu *v, unsigned long nr, uint64_t a[5])
{
    const struct hypercall_row *row;
    long rc;

    if (nr >= HYPERCALL_NR_MAX)
        return -ENOSYS;
    row = &hypercall_table[nr];
    if (!row->fn)
        return -ENOSYS;
    if (row->privileged && !v->domain->is_privileged)
        return -EPERM;
    __atomic_fetch_add(&in_flight, 1, __ATOMIC_SEQ_CST);
    rc = row->fn(v, a);
    __atomic_fetch_sub(&in_flight, 1, __ATOMIC_SEQ_CST);
    return rc;
}
