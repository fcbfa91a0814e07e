/* SPDX-License-Identifier: MIT */
/*
 * The small hypercalls: vm_assist (xen/common/domain.c), physdev_op
 * (xen/arch/arm/physdev.c) and platform_op (xen/arch/arm/platform_hypercall.c).
 */
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>

#include <xen/platform.h>

/* Arm: only runstate_update_flag (VM_ASSIST_VALID in xen/arch/arm/include/asm/config.h). */
#define VM_ASSIST_VALID (1UL << VMASST_TYPE_runstate_update_flag)

long hc_vm_assist(struct vcpu *v, const uint64_t a[5])
{
    unsigned long cmd = a[0], type = a[1];

    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        __atomic_fetch_or(&v->domain->vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
        return 0;
    case VMASST_CMD_disable:
        __atomic_fetch_and(&v->domain->vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* hypfs_op (dom0 only, hypercall table): Tern has no hypervisor file system to serve yet
 * (deviation: Xen answers get_version and reads of its entries). */
long hc_hypfs_op(struct vcpu *v, const uint64_t a[5])
{
    return -ENOSYS;
}

long hc_physdev_op(struct vcpu *v, const uint64_t a[5])
{
    /* Xen on Arm without PCI passthrough (Debian's build): every PHYSDEVOP is -ENOSYS;
     * Linux only logs the failure of pci_device_add. */
    return -ENOSYS;
}

/* Wall clock pushed by dom0 (XENPF_settime64), for domUs' shared_info later. */
static struct {
    uint64_t secs;
    uint32_t nsecs;
    uint64_t system_time;
    bool set;
} wallclock;

long hc_platform_op(struct vcpu *v, const uint64_t a[5])
{
    struct xen_platform_op op;

    if (copy_from_guest_va(&op, a[0], sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -EINVAL;
        wallclock.secs = op.u.settime64.secs;
        wallclock.nsecs = op.u.settime64.nsecs;
        wallclock.system_time = op.u.settime64.system_time;
        wallclock.set = true;
        return 0;
    default:
        return -ENOSYS;
    }
}
