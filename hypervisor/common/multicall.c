/* SPDX-License-Identifier: MIT */
/*
 * multicall (Xen: xen/common/multicall.c and arch_do_multicall_call on Arm, 4.17): run
 * each entry of the caller's list as the hypercall it names, through the same table and
 * permission checks (hypercall_dispatch), and write each one's return value to the
 * entry's result.  libxenctrl issues every memory_op as a one-entry multicall on 64-bit
 * Linux (xc_memory_op), so `xl create` needs it.
 *
 * As Xen: a multicall inside a multicall is -EINVAL (the inner entry's result); a list
 * that cannot be read stops with -EFAULT; a result that cannot be written back makes the
 * multicall -EFAULT but the later entries still run.  An entry that must be re-issued
 * (-ERESTART: the toolstack lock is taken) ends the multicall with -ERESTART and its
 * arguments moved to that entry, so the re-issued multicall resumes there (Xen's
 * continuation) and the entries already run are not run again.
 */
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/string.h>

#include <xen/xen.h>

long hc_multicall(struct vcpu *v, const uint64_t a[5])
{
    uint64_t list = a[0];
    uint32_t nr = (uint32_t)a[1], i;
    long rc = 0;

    for (i = 0; i < nr; i++) {
        uint64_t gva = list + (uint64_t)i * sizeof(struct multicall_entry);
        struct multicall_entry e;
        uint64_t args[5];
        long res;

        if (copy_from_guest_va(&e, gva, sizeof(e)))
            return -EFAULT;
        memcpy(args, e.args, sizeof(args));
        if (e.op == __HYPERVISOR_multicall)
            res = -EINVAL; /* Xen: "Multicall reentry is disallowed" */
        else
            res = hypercall_dispatch(v, e.op, args);
        if (res == -ERESTART) {
            /* The dispatcher's own copy of the arguments (traps.c writes it back to the
             * registers on -ERESTART): resume at entry i. */
            uint64_t *resume = (uint64_t *)a;

            resume[0] = gva;
            resume[1] = nr - i;
            return -ERESTART;
        }
        e.result = (xen_ulong_t)res;
        if (copy_to_guest_va(gva + offsetof(struct multicall_entry, result), &e.result,
                             sizeof(e.result)))
            rc = -EFAULT;
    }
    return rc;
}
